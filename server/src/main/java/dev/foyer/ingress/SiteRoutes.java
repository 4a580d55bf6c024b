package dev.foyer.ingress;

import dev.foyer.common.ApiError;
import dev.foyer.event.EventInfo;
import dev.foyer.pass.Passes;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.micrometer.PrometheusScrapingHandler;

/** What browsers and operators' tools fetch without the API: pages, the passes' keys, health, metrics. */
record SiteRoutes(HealthChecks health, Passes passes, RouteChecks checks) {

  /** Health, keys, metrics and the REST contract: mounted first, they answer even when everything else is busy. */
  void mountInfrastructure(Router router) {
    router.get("/health").handler(this::health);
    router.get("/.well-known/jwks.json").handler(this::jwks);
    router.get("/metrics").handler(PrometheusScrapingHandler.create());
    Buffer contract = OpenApiDocument.json();
    router.get("/openapi.json").handler(ctx -> OpenApiDocument.serve(ctx, contract));
  }

  /** Pages and static files: mounted last, after every API route. */
  void mountPages(Router router) {
    // read here, as the room starts: a node missing a page does not start
    Buffer waiting = Pages.get("waiting.html");
    Buffer seats = Pages.get("seats.html");
    Buffer admin = Pages.get("admin.html");
    Buffer index = Pages.get("index.html");
    router.get("/events/:event").handler(checks.event()::known).handler(ctx -> page(ctx, waiting))
        .failureHandler(SiteRoutes::noSuchEvent);
    router.get("/events/:event/seats").handler(checks.event()::known).handler(ctx -> page(ctx, seats))
        .failureHandler(SiteRoutes::noSuchEvent);
    router.get(PageStrings.PATH).handler(PageStrings::script);
    router.get("/admin").handler(ctx -> page(ctx, admin));
    router.get("/").handler(ctx -> page(ctx, index));
    StaticHandler webjars = StaticHandler.create("META-INF/resources/webjars");
    router.get("/webjars/*").handler(webjars);
    router.head("/webjars/*").handler(webjars);
    // no file is served under /api: an unknown call answers the API's own 404
    StaticHandler files = StaticHandler.create("webroot").setCachingEnabled(false);
    router.getWithRegex("^/(?!api/).*").handler(files);
    router.headWithRegex("^/(?!api/).*").handler(files);
  }

  private static void page(RoutingContext ctx, Buffer page) {
    EventInfo info = ContextKeys.EVENT_INFO.get(ctx);
    if (info != null && info.look().logoOrigin() != null) {
      ctx.response().putHeader("Content-Security-Policy", SecurityHeaders.policyWithImagesFrom(info.look().logoOrigin()));
    }
    ctx.response().putHeader(HttpHeaders.CACHE_CONTROL, "no-cache")
        .putHeader(HttpHeaders.CONTENT_TYPE, "text/html;charset=UTF-8").end(page);
  }

  /** A page for an id that is no event is a plain 404 for the browser; other failures answer as the API's. */
  private static void noSuchEvent(RoutingContext ctx) {
    if (ctx.failure() instanceof ApiError e && (e.status() == 404 || e.status() == 400)) {
      ctx.response().setStatusCode(404).putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8")
          .end("No such event\n");
    } else {
      ctx.next();
    }
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
