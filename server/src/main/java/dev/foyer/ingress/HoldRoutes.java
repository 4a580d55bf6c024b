package dev.foyer.ingress;

import dev.foyer.bus.HoldService;
import dev.foyer.common.ApiError;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What an admitted visitor calls with the pass: the seat map, holds, releases, confirmations. */
record HoldRoutes(RouteChecks checks, HoldService holds) {

  /** {@code ?since=} and the ETag name a version as {@code {generation}.{version}}. */
  private static final Pattern VERSION = Pattern.compile("([0-9A-Za-z]{1,40})\\.([0-9]{1,18})");

  void mount(Router router) {
    BodyHandler body = BodyHandler.create(false).setBodyLimit(VisitorRoutes.BODY_LIMIT);
    router.get("/api/events/:event/seats").handler(checks.event()::known).handler(this::seats);
    // the pass is checked before any body is read
    router.routeWithRegex("/api/events/(?<event>[^/]+)/holds(?:/.*)?").handler(checks.event()::known)
        .handler(checks.tokens()::pass).handler(checks.traffic()::countRequest);
    // a hold's body (and its size against the event's maxSeatsPerHold) is checked before its limit:
    // a request refused for what it says costs the client no token (docs/API.md, Limits per client)
    router.post("/api/events/:event/holds").handler(body).handler(this::holdAsk).handler(checks.limits()::hold)
        .handler(this::hold);
    // a confirmation says nothing but its hold id, which only the store can judge: the limit comes
    // first, on a route of its own, as a body handler must come first on its route
    router.post("/api/events/:event/holds/:holdId/confirm").handler(checks.limits()::confirm);
    router.delete("/api/events/:event/holds/:holdId").handler(this::release);
    router.post("/api/events/:event/holds/:holdId/confirm").handler(body).handler(this::confirm);
  }

  /**
   * The whole map (compressed when the client takes gzip, 304 when its ETag is current), or with
   * {@code ?since={generation}.{version}} only the seats changed after that version, or the whole
   * map when that version cannot be answered with changes.
   */
  private void seats(RoutingContext ctx) {
    String event = ContextKeys.EVENT.get(ctx);
    String since = ctx.request().getParam("since");
    if (since == null) {
      seatMap(ctx, event);
      return;
    }
    Matcher version = VERSION.matcher(since);
    if (!version.matches()) {
      throw ApiError.badRequest("invalid_version", "since must be a seat-map version like \"9f2c41d07a1b.1532\", "
          + "as the map's generation and version give it");
    }
    holds.seatChanges(event, version.group(1), Long.parseLong(version.group(2)))
        .onSuccess(delta -> {
          if (delta.full()) {
            seatMap(ctx, event);
            return;
          }
          JsonArray changes = new JsonArray();
          delta.changes().forEach(c -> changes.add(new JsonObject().put("seat", c.seat()).put("status", c.status())
              .put("version", c.version())));
          Replies.json(ctx, 200, new JsonObject().put("generation", delta.generation()).put("version", delta.version())
              .put("changes", changes));
        })
        .onFailure(ctx::fail);
  }

  private void seatMap(RoutingContext ctx, String event) {
    holds.seatMap(event).onSuccess(map -> {
      HttpServerResponse response = ctx.response();
      if (response.ended()) {
        return;
      }
      // no-cache: a browser keeps the map and asks with If-None-Match, which costs one small read
      response.putHeader(HttpHeaders.ETAG, map.etag())
          .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache");
      // added, not put: the CORS check said Vary: Origin before
      response.headers().add(HttpHeaders.VARY, "Accept-Encoding");
      if (matches(ctx.request().getHeader(HttpHeaders.IF_NONE_MATCH), map.etag())) {
        response.setStatusCode(304).end();
        return;
      }
      response.setStatusCode(200).putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
      if (takesGzip(ctx.request().getHeader(HttpHeaders.ACCEPT_ENCODING))) {
        // compressed once per version; the server's own compression leaves an encoded body alone
        response.putHeader(HttpHeaders.CONTENT_ENCODING, "gzip").end(map.gzip().get());
      } else {
        // "identity" keeps the server from compressing megabytes per request for a client that
        // takes only deflate (Vert.x drops the header before sending)
        response.putHeader(HttpHeaders.CONTENT_ENCODING, HttpHeaders.IDENTITY).end(map.json().get());
      }
    }).onFailure(ctx::fail);
  }

  /** If-None-Match against the current ETag, compared weakly (RFC 9110 13.1.2). */
  static boolean matches(String ifNoneMatch, String etag) {
    if (ifNoneMatch == null) {
      return false;
    }
    String current = opaque(etag);
    for (String tag : ifNoneMatch.split(",")) {
      String t = tag.trim();
      if (t.equals("*") || opaque(t).equals(current)) {
        return true;
      }
    }
    return false;
  }

  private static String opaque(String tag) {
    return tag.startsWith("W/") ? tag.substring(2) : tag;
  }

  /** Whether Accept-Encoding allows gzip (named, or {@code *}, with a q above 0). */
  static boolean takesGzip(String acceptEncoding) {
    if (acceptEncoding == null) {
      return false;
    }
    Double gzip = null;
    Double any = null;
    for (String part : acceptEncoding.split(",")) {
      String[] fields = part.split(";");
      String coding = fields[0].trim().toLowerCase(Locale.ROOT);
      double q = 1;
      for (int i = 1; i < fields.length; i++) {
        String p = fields[i].trim();
        if (p.regionMatches(true, 0, "q=", 0, 2)) {
          try {
            q = Double.parseDouble(p.substring(2).trim());
          } catch (NumberFormatException e) {
            q = 0;
          }
        }
      }
      if (coding.equals("gzip") || coding.equals("x-gzip")) {
        gzip = q;
      } else if (coding.equals("*")) {
        any = q;
      }
    }
    return gzip != null ? gzip > 0 : any != null && any > 0;
  }

  /**
   * What the hold asks for, judged from the request alone (its body, its Idempotency-Key) and the
   * event's maxSeatsPerHold (422 {@code too_many_seats}), from the event the lookup kept: none of it
   * needs the seat store, so none of it spends a limit token.
   */
  private void holdAsk(RoutingContext ctx) {
    JsonObject body = Replies.requiredJsonBody(ctx);
    Replies.rejectUnknownFields(body, Set.of("seats", "best", "standing"));
    HoldService.HoldAsk ask = holdAsk(body);
    IdempotencyKeys.take(ctx);
    int most = ContextKeys.EVENT_INFO.get(ctx).settings().maxSeatsPerHold();
    if (ask.count() > most) {
      throw new ApiError(422, "too_many_seats", "at most " + most + " seats per hold");
    }
    ContextKeys.HOLD_ASK.put(ctx, ask);
    ctx.next();
  }

  private void hold(RoutingContext ctx) {
    holds.hold(ContextKeys.EVENT.get(ctx), ContextKeys.VISITOR.get(ctx), ContextKeys.HOLD_ASK.get(ctx),
            ContextKeys.IDEMPOTENCY_KEY.get(ctx))
        .onSuccess(held -> Replies.json(ctx, 201, held.toJson()))
        .onFailure(ctx::fail);
  }

  private void release(RoutingContext ctx) {
    holds.release(ContextKeys.EVENT.get(ctx), ContextKeys.VISITOR.get(ctx), ctx.pathParam("holdId"))
        .onSuccess(v -> Replies.noContent(ctx))
        .onFailure(ctx::fail);
  }

  private void confirm(RoutingContext ctx) {
    holds.confirm(ContextKeys.EVENT.get(ctx), ContextKeys.VISITOR.get(ctx), ctx.pathParam("holdId"))
        .onSuccess(r -> Replies.json(ctx, 201, r.toJson()))
        .onFailure(ctx::fail);
  }

  /** Exactly one of {@code seats}, {@code best} or {@code standing}; 400 {@code invalid_hold} otherwise. */
  static HoldService.HoldAsk holdAsk(JsonObject body) {
    int given = (body.containsKey("seats") ? 1 : 0) + (body.containsKey("best") ? 1 : 0)
        + (body.containsKey("standing") ? 1 : 0);
    if (given != 1) {
      throw ApiError.badRequest("invalid_hold", "a hold asks for one of: \"seats\" (a list of seat ids), "
          + "\"best\" ({\"count\": 2}) or \"standing\" ({\"section\": \"Floor\", \"count\": 2})");
    }
    if (body.containsKey("best")) {
      if (!(body.getValue("best") instanceof JsonObject best)) {
        throw ApiError.badRequest("invalid_best", "best must be an object like {\"count\": 2, \"category\": \"stalls\"}");
      }
      Replies.rejectUnknownFields(best, Set.of("count", "category", "section", "accessible"));
      Object accessible = best.getValue("accessible");
      if (accessible != null && !"wheelchair".equals(accessible)) {
        throw ApiError.badRequest("invalid_best", "best.accessible is \"wheelchair\" when given");
      }
      return new HoldService.HoldAsk(null, new HoldService.BestAsk(count(best, "best"), name(best, "category", "best"),
          name(best, "section", "best"), accessible == null ? "" : "wheelchair"), null);
    }
    if (body.containsKey("standing")) {
      if (!(body.getValue("standing") instanceof JsonObject standing)) {
        throw ApiError.badRequest("invalid_standing", "standing must be an object like {\"section\": \"Floor\", \"count\": 2}");
      }
      Replies.rejectUnknownFields(standing, Set.of("section", "count"));
      String section = name(standing, "section", "standing");
      if (section.isEmpty()) {
        throw ApiError.badRequest("invalid_standing", "standing.section names the standing area");
      }
      return new HoldService.HoldAsk(null, null, new HoldService.StandingAsk(section, count(standing, "standing")));
    }
    return HoldService.HoldAsk.seats(seatList(body.getValue("seats")));
  }

  private static int count(JsonObject json, String what) {
    Object v = json.getValue("count");
    if (!(v instanceof Number n) || !dev.foyer.common.WholeNumbers.isWhole(n) || !dev.foyer.common.WholeNumbers.within(n, 1, 1000)) {
      throw ApiError.badRequest("invalid_" + what, what + ".count must be a whole number from 1");
    }
    return n.intValue();
  }

  /** An optional name ("" when absent): a category id or a section name. */
  private static String name(JsonObject json, String key, String what) {
    Object v = json.getValue(key);
    if (v == null) {
      return "";
    }
    if (!(v instanceof String s) || !s.matches("[A-Za-z0-9_]{1,24}")) {
      throw ApiError.badRequest("invalid_" + what, what + "." + key + " must be a category id or section name");
    }
    return s;
  }

  /** The seats of a hold request: a non-empty list of distinct seat ids; 400 otherwise. */
  static List<String> seatList(Object value) {
    if (!(value instanceof JsonArray array)) {
      throw ApiError.badRequest("invalid_seats", "seats must be an array of seat ids");
    }
    if (array.isEmpty()) {
      throw ApiError.badRequest("no_seats", "pick at least one seat");
    }
    List<String> seats = new ArrayList<>(array.size());
    Set<String> seen = new HashSet<>();
    Set<String> duplicates = new HashSet<>();
    for (Object o : array) {
      if (!(o instanceof String s) || s.isEmpty() || s.length() > 64) {
        throw ApiError.badRequest("invalid_seats", "seats must be an array of seat ids like \"A-3-12\"");
      }
      if (!seen.add(s)) {
        duplicates.add(s);
      }
      seats.add(s);
    }
    if (!duplicates.isEmpty()) {
      throw new ApiError(400, "duplicate_seats", "each seat may be asked for once",
          new JsonObject().put("seats", new JsonArray(new ArrayList<Object>(duplicates))));
    }
    return seats;
  }
}
