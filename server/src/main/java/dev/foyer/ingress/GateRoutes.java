package dev.foyer.ingress;

import dev.foyer.common.ApiError;
import dev.foyer.common.EventIds;
import dev.foyer.common.Metrics;
import dev.foyer.event.SiteUrls;
import dev.foyer.line.SiteStore;
import dev.foyer.pass.Passes;
import io.vertx.core.Future;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * What a protected site and its proxy call: the forward-auth gate (is this pass live?), the
 * introspection of a pass, and the way back from the waiting room (return URLs from the event's
 * allowlist, single-use codes, the cookie the gate reads). Every liveness answer is one read of the
 * active set in Redis, so a visitor who left is refused by the next request.
 */
record GateRoutes(RouteChecks checks, SiteStore site, Passes passes) {

  /** A return code lives this long: enough for one redirect, too short to be worth stealing from a log. */
  static final long CODE_MILLIS = 60_000;
  static final String DEFAULT_RETURN_PATH = "/.foyer/return";

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Pattern CODE = Pattern.compile("[A-Za-z0-9_-]{32}");
  private static final Pattern RETURN_PATH = Pattern.compile("/[A-Za-z0-9._~/-]{0,200}");
  private static final Pattern FORWARDED_HOST = Pattern.compile("[A-Za-z0-9.-]{1,253}(:[0-9]{1,5})?|\\[[0-9A-Fa-f:.]+\\](:[0-9]{1,5})?");

  void mount(Router router) {
    BodyHandler body = BodyHandler.create(false).setBodyLimit(VisitorRoutes.BODY_LIMIT);
    EventLookup event = checks.event();
    // any method: nginx's auth_request subrequest keeps the method of the request it guards
    router.route("/api/events/:event/auth").handler(event::known).handler(this::auth);
    router.post("/api/passes/introspect").handler(body).handler(this::introspect);
    router.get("/api/events/:event/return-url").handler(event::known).handler(this::checkReturn);
    router.post("/api/events/:event/visitors/me/return").handler(body).handler(event::known)
        .handler(checks.tokens()::queueToken).handler(this::issueCode);
    router.post("/api/events/:event/return-codes").handler(body).handler(event::known).handler(this::exchange);
    router.get("/api/events/:event/return").handler(event::known).handler(this::enter)
        .failureHandler(ReturnPages::failed);
  }

  /**
   * Forward auth: 200 with X-Foyer-Visitor and X-Foyer-Event for a live pass (the site's cookie,
   * or {@code Authorization: Bearer}); 401 otherwise with X-Foyer-Location, the waiting room to send
   * the buyer to (302 to it with {@code ?redirect=1}, for Traefik and Caddy, which pass the gate's
   * own answer on to the browser).
   */
  private void auth(RoutingContext ctx) {
    String event = ContextKeys.EVENT.get(ctx);
    String pass = presentedPass(ctx, event);
    long now = System.currentTimeMillis();
    if (pass == null) {
      deny(ctx, event, ApiError.unauthorized("missing_pass", "no pass: join the waiting room first"));
      return;
    }
    passes.claims(pass, event)
        .compose(claims -> site.activeUntil(event, claims.visitor(), now).map(until -> {
          if (until <= 0) {
            throw ApiError.unauthorized("not_admitted", "this pass's visitor is no longer in the booking flow");
          }
          return claims;
        }))
        .onSuccess(claims -> Metrics.gateChecks("live").increment())
        .onSuccess(claims -> ctx.response().setStatusCode(200)
            .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
            .putHeader("X-Foyer-Visitor", claims.visitor())
            .putHeader("X-Foyer-Event", event)
            .putHeader("X-Foyer-Pass-Id", claims.jti() == null ? "" : claims.jti())
            .putHeader("X-Foyer-Expires", Long.toString(claims.exp()))
            .end())
        .onFailure(err -> {
          if (err instanceof ApiError e && e.status() < 500) {
            deny(ctx, event, e.status() == 401 ? e
                : ApiError.unauthorized("not_admitted", "the pass is forged, expired or another event's"));
          } else {
            ctx.fail(err);
          }
        });
  }

  /** The site's cookie first (a site may use Authorization for its own users), then a bearer pass. */
  private static String presentedPass(RoutingContext ctx, String event) {
    Cookie cookie = ctx.request().getCookie(PassCookies.name(event));
    if (cookie != null && !cookie.getValue().isEmpty()) {
      return cookie.getValue();
    }
    String header = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
    if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      String token = header.substring(7).trim();
      return token.isEmpty() ? null : token;
    }
    return null;
  }

  private void deny(RoutingContext ctx, String event, ApiError why) {
    Metrics.gateChecks("refused").increment();
    String location = waitingRoom(ctx.request(), event);
    ctx.response().putHeader("X-Foyer-Location", location)
        .putHeader("WWW-Authenticate", "Bearer realm=\"foyer\"");
    if ("1".equals(ctx.request().getParam("redirect"))) {
      ctx.response().setStatusCode(302).putHeader(HttpHeaders.LOCATION, location)
          .putHeader(HttpHeaders.CACHE_CONTROL, "no-store").end();
      return;
    }
    Replies.error(ctx, why);
  }

  /**
   * The waiting room's URL, carrying the way back: the site's return path (X-Foyer-Return-Path,
   * {@value #DEFAULT_RETURN_PATH} by default) on the host the buyer asked for, with the page they
   * asked for as {@code next}. The proxy says where foyer's pages are (X-Foyer-Waiting-Room, an
   * origin) and what was asked (X-Forwarded-Proto, -Host, -Uri, as Traefik and Caddy send them).
   * Only the buyer's own redirect depends on these headers, and the page still checks the return
   * URL against the event's allowlist.
   */
  static String waitingRoom(HttpServerRequest request, String event) {
    return waitingRoom(request, event, request.getHeader("X-Forwarded-Uri"));
  }

  /** The waiting room as above, with {@code next} as the page to go on to once back on the site. */
  static String waitingRoom(HttpServerRequest request, String event, String next) {
    String page = foyerOrigin(request) + "/events/" + event;
    String host = request.getHeader("X-Forwarded-Host");
    if (host == null || !FORWARDED_HOST.matcher(host).matches()) {
      return page;
    }
    String proto = "https".equalsIgnoreCase(request.getHeader("X-Forwarded-Proto")) ? "https" : "http";
    String path = request.getHeader("X-Foyer-Return-Path");
    if (path == null || !RETURN_PATH.matcher(path).matches() || path.startsWith("//")) {
      path = DEFAULT_RETURN_PATH;
    }
    String back = proto + "://" + host + path + "?next=" + encode(safeNext(next));
    return page + "?return=" + encode(back);
  }

  /** Where browsers reach foyer's pages, as the proxy says (X-Foyer-Waiting-Room, an origin); "" for foyer's own. */
  static String foyerOrigin(HttpServerRequest request) {
    SiteUrls.Parsed room = SiteUrls.parse(request.getHeader("X-Foyer-Waiting-Room"));
    return room != null && room.path().equals("/") && room.query() == null && room.fragment() == null
        ? room.origin() : "";
  }

  /** A path on the site itself: one leading slash, never "//" or "/\" (which browsers read as another host). */
  static String safeNext(String next) {
    if (next == null || next.isEmpty() || next.length() > SiteUrls.MAX_LENGTH || next.charAt(0) != '/'
        || next.startsWith("//") || next.indexOf('\\') >= 0) {
      return "/";
    }
    for (int i = 0; i < next.length(); i++) {
      char c = next.charAt(i);
      if (c <= 0x20 || c >= 0x7f) {
        return "/";
      }
    }
    return next;
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  /** RFC 7662's answer for a pass in a JSON body: {@code active} and, when active, its claims. */
  private void introspect(RoutingContext ctx) {
    JsonObject body = Replies.requiredJsonBody(ctx);
    Replies.rejectUnknownFields(body, java.util.Set.of("token"));
    if (!(body.getValue("token") instanceof String token) || token.isEmpty()) {
      throw ApiError.badRequest("invalid_token_field", "send {\"token\": \"<pass>\"}");
    }
    long now = System.currentTimeMillis();
    passes.claims(token, null)
        .compose(claims -> EventIds.isValid(claims.event())
            ? site.activeUntil(claims.event(), claims.visitor(), now).map(until -> until > 0
                ? claims.toJson().put("active", true).put("token_type", "foyer_pass").put("activeUntil", until)
                : null)
            : Future.succeededFuture(null))
        .recover(err -> err instanceof ApiError e && e.status() < 500 ? Future.succeededFuture(null)
            : Future.failedFuture(err))
        .onSuccess(answer -> Replies.json(ctx, 200, answer == null ? new JsonObject().put("active", false) : answer))
        .onFailure(ctx::fail);
  }

  /** Whether the event may send visitors to {@code ?url=}: the waiting page asks before it shows the way back. */
  private void checkReturn(RoutingContext ctx) {
    String url = ctx.request().getParam("url");
    SiteUrls.Parsed p = SiteUrls.allowedReturn(ContextKeys.EVENT_INFO.get(ctx).settings().returnUrls(), url);
    Replies.json(ctx, 200, new JsonObject().put("url", url).put("origin", p.origin()).put("host", p.host()));
  }

  /** A single-use code for an active visitor, and the allowed return URL carrying it. */
  private void issueCode(RoutingContext ctx) {
    JsonObject body = Replies.requiredJsonBody(ctx);
    Replies.rejectUnknownFields(body, java.util.Set.of("url"));
    String event = ContextKeys.EVENT.get(ctx);
    String visitor = ContextKeys.CLAIMS.get(ctx).visitor();
    Object url = body.getValue("url");
    long now = System.currentTimeMillis();
    SiteUrls.Parsed target = SiteUrls.allowedReturn(ContextKeys.EVENT_INFO.get(ctx).settings().returnUrls(),
        url instanceof String s ? s : null);
    String code = newCode();
    site.issueReturnCode(event, visitor, code, now, CODE_MILLIS).map(until -> {
      if (until <= 0) {
        throw new ApiError(403, "not_admitted", "only an admitted visitor is sent back to the site");
      }
      return new JsonObject().put("location", target.with("foyer_code", code)).put("code", code)
          .put("expiresAt", now + CODE_MILLIS);
    }).onSuccess(answer -> Replies.json(ctx, 201, answer)).onFailure(ctx::fail);
  }

  /** The site's backend trades a code for the pass, once. */
  private void exchange(RoutingContext ctx) {
    JsonObject body = Replies.requiredJsonBody(ctx);
    Replies.rejectUnknownFields(body, java.util.Set.of("code"));
    String event = ContextKeys.EVENT.get(ctx);
    take(event, body.getValue("code") instanceof String s ? s : null)
        .onSuccess(admitted -> {
          String pass = passes.issue(event, admitted.visitor(), admitted.activeUntil());
          Replies.json(ctx, 200, new JsonObject().put("event", event).put("visitor", admitted.visitor())
              .put("pass", pass).put("activeUntil", admitted.activeUntil()));
        })
        .onFailure(ctx::fail);
  }

  /**
   * The site's return path, proxied to foyer: trades {@code foyer_code} for the pass, sets it as the
   * cookie the gate reads (on the site's host, since the site's proxy serves this answer), and
   * sends the buyer on to {@code next}. A browser that cannot go on gets a page ({@link ReturnPages}).
   */
  private void enter(RoutingContext ctx) {
    String event = ContextKeys.EVENT.get(ctx);
    String next = safeNext(ctx.request().getParam("next"));
    take(event, ctx.request().getParam("foyer_code")).onSuccess(admitted -> {
      ctx.response().addCookie(PassCookies.of(ctx, event,
          passes.issue(event, admitted.visitor(), admitted.activeUntil()), admitted.activeUntil()));
      ctx.response().setStatusCode(302).putHeader(HttpHeaders.LOCATION, next)
          .putHeader(HttpHeaders.CACHE_CONTROL, "no-store").end();
    }).onFailure(ctx::fail);
  }

  private Future<SiteStore.Admitted> take(String event, String code) {
    if (code == null || !CODE.matcher(code).matches()) {
      return Future.failedFuture(ApiError.badRequest("invalid_return_code", "the return code is malformed"));
    }
    return site.takeReturnCode(event, code, System.currentTimeMillis()).compose(admitted -> admitted == null
        ? Future.failedFuture(ApiError.badRequest("invalid_return_code",
            "the return code is unknown, used, expired or its visitor no longer active: go back to the waiting room"))
        : Future.succeededFuture(admitted));
  }

  /** 192 random bits. */
  private static String newCode() {
    byte[] bytes = new byte[24];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
