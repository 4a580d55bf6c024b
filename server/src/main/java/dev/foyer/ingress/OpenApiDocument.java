package dev.foyer.ingress;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.schema.CoreSchema;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;

/**
 * The REST contract, docs/openapi.yaml, as the build packs it into the jar (one copy in git): read
 * once when the routes are mounted and answered as JSON at {@code GET /openapi.json}, for the tools
 * that generate clients. YAML 1.2 (core schema), so {@code on}, {@code off} and dates stay strings.
 */
public final class OpenApiDocument {

  /** Where the build puts docs/openapi.yaml on the class path. */
  public static final String RESOURCE = "openapi/openapi.yaml";

  private static Buffer json;

  private OpenApiDocument() {
  }

  /** The document, parsed afresh from the class path: what {@code /openapi.json} answers. */
  public static JsonObject read() {
    try (InputStream in = OpenApiDocument.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is not in the jar: the build copies it from docs/openapi.yaml");
      }
      Load yaml = new Load(LoadSettings.builder().setLabel("docs/openapi.yaml").setSchema(new CoreSchema()).build());
      if (!(json(yaml.loadFromInputStream(in), "") instanceof JsonObject document)) {
        throw new IllegalStateException("docs/openapi.yaml is not a YAML mapping");
      }
      return document;
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + RESOURCE, e);
    }
  }

  /** The document as JSON bytes, read on first use (the routes' mounting, at start) and kept. */
  static synchronized Buffer json() {
    if (json == null) {
      json = read().toBuffer();
    }
    return json;
  }

  static void serve(RoutingContext ctx, Buffer document) {
    ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
        .end(document);
  }

  /** YAML's maps (with any scalar as key, e.g. a status code), lists and scalars as JSON; nothing else. */
  private static Object json(Object value, String where) {
    if (value instanceof Map<?, ?> map) {
      JsonObject out = new JsonObject();
      map.forEach((k, v) -> out.put(String.valueOf(k), json(v, where + "/" + k)));
      return out;
    }
    if (value instanceof List<?> list) {
      JsonArray out = new JsonArray();
      for (int i = 0; i < list.size(); i++) {
        out.add(json(list.get(i), where + "/" + i));
      }
      return out;
    }
    if (value == null || value instanceof String || value instanceof Number || value instanceof Boolean) {
      return value;
    }
    throw new IllegalStateException("docs/openapi.yaml at " + where + " holds a " + value.getClass().getSimpleName()
        + ", which JSON cannot say");
  }
}
