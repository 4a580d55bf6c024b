package dev.foyer.ingress;

import dev.foyer.common.ApiError;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.Arrays;

/**
 * What no route took. Vert.x answers 404 or 405 by what the routes it tried matched, and the
 * catch-all routes of the static files match every path for GET and HEAD: it answered a missing
 * page 405 with an empty {@code Allow}. Here the route table itself decides: a path that some route
 * names for other methods is 405 with those methods in {@code Allow}; any other path is 404, JSON
 * {@code not_found} under {@code /api}, plain text elsewhere. A HEAD is answered as its GET would be,
 * without the body.
 */
record UnknownPaths(Router router) {

  void answer(RoutingContext ctx) {
    HttpMethod method = ctx.request().method();
    String path = ctx.request().path();
    String allow = SecurityHeaders.allowed(router, path);
    boolean takesGet = Arrays.asList(allow.split(", ")).contains("GET");
    if (method == HttpMethod.HEAD && takesGet) {
      ctx.reroute(HttpMethod.GET, ctx.request().uri());
    } else if (allow.isEmpty() || Arrays.asList(allow.split(", ")).contains(method.name())) {
      notFound(ctx, path);
    } else {
      ctx.response().putHeader(HttpHeaders.ALLOW, allow);
      Replies.error(ctx, new ApiError(405, "method_not_allowed",
          method + " is not allowed on " + path + "; allowed: " + allow));
    }
  }

  private static void notFound(RoutingContext ctx, String path) {
    if (path.equals("/api") || path.startsWith("/api/")) {
      Replies.error(ctx, ApiError.notFound("not_found", "nothing at " + path));
      return;
    }
    ctx.response().setStatusCode(404).putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8")
        .end("Not found\n");
  }
}
