package dev.foyer.ingress;

import dev.foyer.common.ApiError;
import dev.foyer.common.Failures;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/** HTTP plumbing every route shares: JSON bodies in, JSON answers and the contract's errors out. */
final class Replies {

  private static final Logger LOG = LoggerFactory.getLogger(IngressVerticle.class);
  private static final AtomicLong UNAVAILABLE = new AtomicLong();
  private static volatile long unavailableLoggedAt;

  private Replies() {
  }

  /** A JSON answer; not cacheable unless the route said otherwise before. */
  static void json(RoutingContext ctx, int status, JsonObject body) {
    if (ctx.response().ended()) {
      return;
    }
    if (!ctx.response().headers().contains(HttpHeaders.CACHE_CONTROL)) {
      ctx.response().putHeader(HttpHeaders.CACHE_CONTROL, "no-store");
    }
    ctx.response().setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(body.toBuffer());
  }

  static void noContent(RoutingContext ctx) {
    ctx.response().setStatusCode(204).end();
  }

  static JsonObject requiredJsonBody(RoutingContext ctx) {
    JsonObject body = optionalJsonBody(ctx);
    if (body == null) {
      throw ApiError.badRequest("invalid_json", "this call needs a JSON object body");
    }
    return body;
  }

  /**
   * The body as a JSON object, null when there is none; read once per request and kept
   * ({@link ContextKeys#BODY}), however many handlers ask. Only JSON is read (415 otherwise, so a form
   * or text post is never half-understood), and no text in it may carry control characters: a NUL
   * would reach PostgreSQL, which refuses it.
   */
  static JsonObject optionalJsonBody(RoutingContext ctx) {
    ContextKeys.Body read = ContextKeys.BODY.get(ctx);
    if (read == null) {
      read = new ContextKeys.Body(parse(ctx));
      ContextKeys.BODY.put(ctx, read);
    }
    return read.json();
  }

  private static JsonObject parse(RoutingContext ctx) {
    var buffer = ctx.body().buffer();
    if (buffer == null || buffer.length() == 0 || buffer.toString().isBlank()) {
      return null;
    }
    if (!isJson(ctx.request().getHeader(HttpHeaders.CONTENT_TYPE))) {
      throw new ApiError(415, "unsupported_media_type", "send the body as JSON with 'Content-Type: application/json'");
    }
    Object value;
    try {
      value = Json.decodeValue(buffer);
    } catch (DecodeException e) {
      throw ApiError.badRequest("invalid_json", "the body is not valid JSON");
    }
    if (!(value instanceof JsonObject json)) {
      throw ApiError.badRequest("invalid_json", "the body must be a JSON object");
    }
    rejectControlCharacters(json);
    return json;
  }

  private static boolean isJson(String contentType) {
    if (contentType == null) {
      return false;
    }
    String mime = contentType.split(";", 2)[0].trim().toLowerCase(java.util.Locale.ROOT);
    return mime.equals("application/json") || (mime.startsWith("application/") && mime.endsWith("+json"));
  }

  private static void rejectControlCharacters(Object value) {
    if (value instanceof JsonObject object) {
      object.forEach(e -> {
        rejectControlCharacters(e.getKey());
        rejectControlCharacters(e.getValue());
      });
    } else if (value instanceof io.vertx.core.json.JsonArray array) {
      array.forEach(Replies::rejectControlCharacters);
    } else if (value instanceof String text) {
      for (int i = 0; i < text.length(); i++) {
        char c = text.charAt(i);
        if (c < 0x20 || c == 0x7f) {
          throw ApiError.badRequest("invalid_characters", "text in the body may not contain control characters"
              + " (such as NUL or line breaks)");
        }
      }
    }
  }

  static void rejectUnknownFields(JsonObject body, Set<String> known) {
    for (String field : body.fieldNames()) {
      if (!known.contains(field)) {
        throw ApiError.badRequest("unknown_field", "unknown field '" + field + "'; this call takes " + known);
      }
    }
  }

  /** The router's failure handler: every failure becomes the contract's error body. */
  static void failure(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    if (failure instanceof ApiError e) {
      error(ctx, e);
    } else if (ctx.statusCode() == 413) {
      error(ctx, new ApiError(413, "body_too_large", "the request body is larger than this call accepts"));
    } else if (failure == null && ctx.statusCode() >= 400 && ctx.statusCode() < 500) {
      error(ctx, new ApiError(ctx.statusCode(), "bad_request", "the request was not understood"));
    } else if (failure != null && Failures.isUnreachable(failure)) {
      error(ctx, ApiError.dependencyDown("a backing service", failure));
    } else {
      LOG.error("Unexpected failure on {} {}", ctx.request().method(), ctx.request().path(), failure);
      error(ctx, new ApiError(500, "internal_error", "something went wrong on our side"));
    }
  }

  /** During an outage every request fails alike: one line, then at most one every 10 s with a count. */
  static void error(RoutingContext ctx, ApiError e) {
    if (e.status() == 503) {
      long count = UNAVAILABLE.incrementAndGet();
      long now = System.currentTimeMillis();
      if (now - unavailableLoggedAt >= 10_000) {
        unavailableLoggedAt = now;
        UNAVAILABLE.set(0);
        LOG.warn("Answering 503 ({} requests since the last report), e.g. {} {}: {}", count,
            ctx.request().method(), ctx.request().path(), e.getMessage());
      }
    }
    RefusalCounter.answered(ctx, e.status(), e.code()); // for the sale's report
    if (e.retryAfterSeconds() > 0) {
      ctx.response().putHeader(HttpHeaders.RETRY_AFTER, String.valueOf(e.retryAfterSeconds()));
    }
    json(ctx, e.status(), e.toJson());
  }
}
