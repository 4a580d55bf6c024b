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

  static void json(RoutingContext ctx, int status, JsonObject body) {
    if (ctx.response().ended()) {
      return;
    }
    ctx.response().setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
        .end(body.encode());
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

  static JsonObject optionalJsonBody(RoutingContext ctx) {
    var buffer = ctx.body().buffer();
    if (buffer == null || buffer.length() == 0 || buffer.toString().isBlank()) {
      return null;
    }
    try {
      if (Json.decodeValue(buffer) instanceof JsonObject json) {
        return json;
      }
    } catch (DecodeException e) {
      throw ApiError.badRequest("invalid_json", "the body is not valid JSON");
    }
    throw ApiError.badRequest("invalid_json", "the body must be a JSON object");
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
    json(ctx, e.status(), e.toJson());
  }
}
