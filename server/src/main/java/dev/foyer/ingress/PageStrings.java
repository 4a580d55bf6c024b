package dev.foyer.ingress;

import dev.foyer.common.Languages;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.HashMap;
import java.util.Map;

/**
 * {@code GET /i18n/strings.js}: the pages' words, loaded by a plain script tag before the page's
 * own scripts, so they draw in the buyer's language from the first paint without waiting for a
 * fetch. It names the language this request asks for (see {@link Languages#of}) and carries every
 * dictionary, so the page's switch changes language at once, in place (a waiting page keeps its
 * socket, a seat page its hold).
 */
final class PageStrings {

  static final String PATH = "/i18n/strings.js";

  private static final Map<String, Buffer> SCRIPTS = scripts();

  private PageStrings() {
  }

  static void script(RoutingContext ctx) {
    ctx.response()
        .putHeader(HttpHeaders.CONTENT_TYPE, "text/javascript; charset=utf-8")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache")
        .putHeader(HttpHeaders.VARY, "Accept-Language, Cookie")
        .end(SCRIPTS.get(Languages.of(ctx.request())));
  }

  private static Map<String, Buffer> scripts() {
    JsonObject dictionaries = new JsonObject();
    Languages.SUPPORTED.forEach(lang -> dictionaries.put(lang, Languages.dictionary(lang)));
    Map<String, Buffer> out = new HashMap<>();
    for (String lang : Languages.SUPPORTED) {
      JsonObject strings = new JsonObject().put("lang", lang).put("languages", Languages.SUPPORTED)
          .put("dictionaries", dictionaries);
      out.put(lang, Buffer.buffer("window.FoyerStrings = " + strings.encode() + ";\n"));
    }
    return Map.copyOf(out);
  }
}
