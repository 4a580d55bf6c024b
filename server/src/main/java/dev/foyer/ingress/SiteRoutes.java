package dev.foyer.ingress;

import dev.foyer.common.EventIds;
import dev.foyer.pass.Passes;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.micrometer.PrometheusScrapingHandler;

/** What browsers and operators' tools fetch without the API: pages, the passes' keys, health, metrics. */
record SiteRoutes(HealthChecks health, Passes passes) {

  /** Health, keys and metrics: mounted first, they answer even when everything else is busy. */
  void mountInfrastructure(Router router) {
    router.get("/health").handler(this::health);
    router.get("/.well-known/jwks.json").handler(this::jwks);
    router.get("/metrics").handler(PrometheusScrapingHandler.create());
  }

  /** Pages and static files: mounted last, after every API route. */
  void mountPages(Router router) {
    router.get("/events/:event").handler(ctx -> page(ctx, "waiting.html"));
    router.get("/events/:event/seats").handler(ctx -> page(ctx, "seats.html"));
    router.get("/admin").handler(ctx -> ctx.response().putHeader(HttpHeaders.CACHE_CONTROL, "no-cache")
        .sendFile("webroot/admin.html"));
    StaticHandler webjars = StaticHandler.create("META-INF/resources/webjars");
    router.get("/webjars/*").handler(webjars);
    router.head("/webjars/*").handler(webjars);
    // no file is served under /api: an unknown call answers the API's own 404
    StaticHandler files = StaticHandler.create("webroot").setCachingEnabled(false);
    router.getWithRegex("^/(?!api/).*").handler(files);
    router.headWithRegex("^/(?!api/).*").handler(files);
  }

  private void page(RoutingContext ctx, String file) {
    if (!EventIds.isValid(ctx.pathParam("event"))) {
      ctx.response().setStatusCode(404).end("No such event");
      return;
    }
    ctx.response().putHeader(HttpHeaders.CACHE_CONTROL, "no-cache").sendFile("webroot/" + file);
  }

  private void health(RoutingContext ctx) {
    health.check().onComplete(ar -> {
      JsonObject body = ar.result();
      Replies.json(ctx, "UP".equals(body.getString("status")) ? 200 : 503, body);
    });
  }

  private void jwks(RoutingContext ctx) {
    ctx.response().putHeader("Cache-Control", "public, max-age=300");
    Replies.json(ctx, 200, passes.jwks());
  }
}
