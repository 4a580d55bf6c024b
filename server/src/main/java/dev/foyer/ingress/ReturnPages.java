package dev.foyer.ingress;

import dev.foyer.common.ApiError;
import dev.foyer.common.EventIds;
import dev.foyer.common.Failures;
import dev.foyer.common.Languages;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;

/**
 * The site's return path answers a browser that cannot go on with a page, not the JSON an API client
 * gets: why, and the one thing that works from there (the event's waiting room, or trying again).
 * The page is served through the site's proxy, on the site's origin, so it carries its own style
 * (allowed by its hash) and nothing of foyer's. It speaks the buyer's language ({@link Languages#of}), and
 * links to itself in the others.
 */
final class ReturnPages {

  private static final String STYLE = "body{margin:0;font:16px/1.5 system-ui,-apple-system,\"Segoe UI\",Roboto,"
      + "sans-serif;color:#1d1d2b;background:#f6f5fb}main{max-width:34rem;margin:0 auto;padding:3rem 1rem}"
      + ".card{background:#fff;border-radius:14px;padding:1.5rem;box-shadow:0 1px 3px rgba(0,0,0,.08)}"
      + "h1{font-size:1.5rem;margin:0 0 .75rem}p{margin:0 0 1rem}p:last-child{margin:0}"
      + "a.button{display:inline-block;border-radius:10px;padding:.7rem 1.2rem;background:#5b3cc4;color:#fff;"
      + "text-decoration:none}p.lang{text-align:right;font-size:.9rem;margin:0 0 .75rem}p.lang a{color:#5b3cc4}";
  private static final String POLICY = "default-src 'none'; style-src '" + sha256(STYLE) + "'; "
      + "frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

  /** What the page says and where its one button goes. */
  private record Page(int status, String title, String text, String button, String href) {
  }

  private ReturnPages() {
  }

  /** The return route's failure handler: a page for a browser, the contract's JSON for anyone else. */
  static void failed(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    ApiError error = failure instanceof ApiError e ? e
        : failure != null && Failures.isUnreachable(failure) ? ApiError.dependencyDown("a backing service", failure)
        : null;
    if (error == null || !wantsHtml(ctx.request()) || ctx.response().ended()) {
      ctx.next();
      return;
    }
    String lang = Languages.of(ctx.request());
    Page page = page(ctx.request(), error, lang);
    ctx.response().setStatusCode(page.status())
        .putHeader(HttpHeaders.CONTENT_TYPE, "text/html; charset=utf-8")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
        .putHeader(HttpHeaders.VARY, "Accept, Accept-Language, Cookie")
        .putHeader("Content-Security-Policy", POLICY)
        .end(html(page, lang, switches(ctx.request(), lang)));
  }

  /**
   * A browser's navigation lists text/html in Accept (and never application/json); an API client
   * sends application/json, *&#47;* or nothing, and keeps getting JSON.
   */
  static boolean wantsHtml(HttpServerRequest request) {
    String accept = request.getHeader(HttpHeaders.ACCEPT);
    if (accept == null) {
      return false;
    }
    String lower = accept.toLowerCase(Locale.ROOT);
    return lower.contains("text/html") && !lower.contains("application/json");
  }

  private static Page page(HttpServerRequest request, ApiError error, String lang) {
    String event = request.getParam("event");
    String origin = GateRoutes.foyerOrigin(request);
    if (event == null || !EventIds.isValid(event) || "unknown_event".equals(error.code())) {
      return page(error, lang, "return.noEvent", "return.noEvent.button", origin + "/");
    }
    String room = GateRoutes.waitingRoom(request, event, request.getParam("next"));
    if (error.status() >= 500) {
      return page(error, lang, "return.down", "return.down.button", "");
    }
    if ("invalid_return_code".equals(error.code())) {
      return page(error, lang, "return.used", "return.back", room);
    }
    return page(error, lang, "return.failed", "return.back", room);
  }

  private static Page page(ApiError error, String lang, String texts, String button, String href) {
    return new Page(error.status(), Languages.text(lang, texts + ".title"),
        Languages.text(lang, texts + ".text", Map.of("code", error.code())), Languages.text(lang, button), href);
  }

  /** The same address in each other language the pages speak: {@code ?lang=} wins over the browser's. */
  private static String switches(HttpServerRequest request, String lang) {
    String query = request.query() == null ? "" : request.query().replaceAll("(^|&)lang=[^&]*", "");
    query = query.startsWith("&") ? query.substring(1) : query;
    StringBuilder out = new StringBuilder();
    for (String other : Languages.SUPPORTED) {
      if (!other.equals(lang)) {
        String href = "?" + (query.isEmpty() ? "" : query + "&") + "lang=" + other;
        out.append("<a href=\"").append(escape(href)).append("\" lang=\"").append(other).append("\" hreflang=\"")
            .append(other).append("\">").append(escape(Languages.text(other, "lang.name"))).append("</a> ");
      }
    }
    return out.toString().trim();
  }

  private static String html(Page page, String lang, String switches) {
    return "<!doctype html>\n<html lang=\"" + lang + "\">\n<head>\n<meta charset=\"utf-8\">\n"
        + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        + "<meta name=\"robots\" content=\"noindex\">\n"
        + "<title>" + escape(page.title()) + "</title>\n<style>" + STYLE + "</style>\n</head>\n<body>\n<main>\n"
        + "  <p class=\"lang\">" + switches + "</p>\n"
        + "  <div class=\"card\" role=\"alert\">\n"
        + "    <h1>" + escape(page.title()) + "</h1>\n"
        + "    <p>" + escape(page.text()) + "</p>\n"
        + "    <p><a class=\"button\" id=\"way-on\" href=\"" + escape(page.href()) + "\">" + escape(page.button())
        + "</a></p>\n  </div>\n</main>\n</body>\n</html>\n";
  }

  private static String escape(String text) {
    StringBuilder out = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  private static String sha256(String text) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return "sha256-" + Base64.getEncoder().encodeToString(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java has SHA-256", e);
    }
  }
}
