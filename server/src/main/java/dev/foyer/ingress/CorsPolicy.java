package dev.foyer.ingress;

import dev.foyer.common.ApiError;
import dev.foyer.common.EventIds;
import dev.foyer.event.EventCatalog;
import dev.foyer.event.EventRepository;
import dev.foyer.event.SiteUrls;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Which other origins' pages may call foyer from a browser: each event lists its own
 * ({@code corsOrigins}) for its REST calls; the bridge, which serves every event, takes the origins
 * of all events. No credentials on the REST calls: they carry their tokens in headers, never
 * cookies. The bridge grants them to the origins it grants, as sockjs-client asks for them.
 */
final class CorsPolicy {

  static final String METHODS = "GET, POST, PUT, DELETE";
  static final String HEADERS = "Authorization, Content-Type, Idempotency-Key, If-None-Match";
  static final String EXPOSED = "Retry-After, Idempotent-Replayed, ETag, X-Foyer-Visitor, X-Foyer-Event";

  private final EventCatalog catalog;
  private final EventRepository events;
  private volatile Set<String> bridgeOrigins = Set.of();

  CorsPolicy(EventCatalog catalog, EventRepository events) {
    this.catalog = catalog;
    this.events = events;
  }

  /** Rereads every event's origins for the bridge (at start, after an admin change, and now and then). */
  Future<Void> refresh() {
    return events.list().onSuccess(list -> {
      Set<String> all = new HashSet<>();
      list.forEach(e -> all.addAll(e.settings().corsOrigins()));
      bridgeOrigins = Set.copyOf(all);
    }).mapEmpty();
  }

  /**
   * On an event's calls: an Origin the event lists gets Access-Control-Allow-Origin; a preflight
   * (OPTIONS) is answered here, 204 for a listed origin and 403 {@code origin_not_allowed} otherwise.
   * A plain read of the event from an unlisted origin is refused the same way, with the grant.
   */
  void api(RoutingContext ctx) {
    String origin = ctx.request().getHeader(HttpHeaders.ORIGIN);
    String event = ctx.pathParam("event");
    boolean preflight = ctx.request().method() == HttpMethod.OPTIONS;
    // with or without an Origin: a cache keeping the answer to one must not hand it to the other
    varyOnOrigin(ctx.response().headers());
    if (origin == null || (!preflight && SecurityHeaders.sameOrigin(origin, ctx)) || !EventIds.isValid(event)) {
      ctx.next();
      return;
    }
    ctx.request().pause();
    catalog.get(event).onComplete(ar -> {
      ctx.request().resume();
      boolean allowed = ar.succeeded() && SiteUrls.originAllowed(ar.result().settings().corsOrigins(), origin);
      HttpServerResponse response = ctx.response();
      if (allowed) {
        response.putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, origin)
            .putHeader(HttpHeaders.ACCESS_CONTROL_EXPOSE_HEADERS, EXPOSED);
      }
      if (!preflight && !allowed && ar.succeeded() && isEventRead(ctx) && !"null".equals(origin)) {
        // The one read a page makes without a preflight: refused where that page can read why, so
        // an embedded client on a site missing from corsOrigins says so instead of "unreachable".
        // It reveals nothing the public event page does not show.
        response.putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, origin);
        ctx.fail(notAllowed(origin));
      } else if (!preflight) {
        ctx.next();
      } else if (ar.failed()) {
        ctx.fail(ar.cause());
      } else if (!allowed) {
        ctx.fail(notAllowed(origin));
      } else {
        response.setStatusCode(204)
            .putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_METHODS, METHODS)
            .putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_HEADERS, HEADERS)
            .putHeader(HttpHeaders.ACCESS_CONTROL_MAX_AGE, "600")
            .end();
      }
    });
  }

  private static ApiError notAllowed(String origin) {
    return new ApiError(403, "origin_not_allowed", "the event does not take calls from " + origin
        + "; its corsOrigins list the origins it does");
  }

  private static boolean isEventRead(RoutingContext ctx) {
    return ctx.request().method() == HttpMethod.GET
        && ctx.request().path().equals("/api/events/" + ctx.pathParam("event"));
  }

  /**
   * On the bridge's SockJS answers ({@code /eventbus/info}, the fallbacks' POSTs and their
   * preflights), which the SockJS handler writes itself: it grants every Origin, with credentials.
   * Here, as the headers go out, foyer's own origin and the ones events list keep the grant, with
   * credentials: sockjs-client reads {@code /info} and its XHR fallbacks from another origin with
   * {@code withCredentials} always, and a browser refuses such an answer without
   * {@code Access-Control-Allow-Credentials: true}, so without it no page of another origin ever
   * opened a socket. Nothing there depends on a cookie (no JSESSIONID; sessions are named by the
   * client's random id, visitors by the token in their register). Any other origin, or none, loses
   * every {@code Access-Control-Allow-*} header. As the answer depends on Origin, it always says
   * {@code Vary: Origin}, so a cache never hands one origin's answer to another (SockJS marks its
   * preflights cacheable for a year).
   */
  void bridge(RoutingContext ctx) {
    ctx.addHeadersEndHandler(v -> {
      MultiMap headers = ctx.response().headers();
      String origin = ctx.request().getHeader(HttpHeaders.ORIGIN);
      if (origin != null && bridgeAllows(origin, ctx)) {
        if (headers.contains(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN)) {
          headers.set(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, origin);
          headers.set(HttpHeaders.ACCESS_CONTROL_ALLOW_CREDENTIALS, "true");
        }
      } else {
        List.copyOf(headers.names()).stream()
            .filter(name -> name.regionMatches(true, 0, "Access-Control-", 0, 15))
            .forEach(headers::remove);
      }
      varyOnOrigin(headers);
    });
    ctx.next();
  }

  private static void varyOnOrigin(MultiMap headers) {
    boolean said = headers.getAll(HttpHeaders.VARY).stream()
        .anyMatch(vary -> java.util.Arrays.stream(vary.split(",")).anyMatch(v -> v.trim().equalsIgnoreCase("Origin")));
    if (!said) {
      headers.add(HttpHeaders.VARY, "Origin");
    }
  }

  /** For the bridge: foyer's own origin, or one that some event lists. */
  private boolean bridgeAllows(String origin, RoutingContext ctx) {
    return SecurityHeaders.sameOrigin(origin, ctx) || SiteUrls.originAllowed(List.copyOf(bridgeOrigins), origin);
  }
}
