package dev.foyer.ingress;

import dev.foyer.common.ApiError;
import dev.foyer.common.ClientAddress;
import dev.foyer.common.EventIds;
import dev.foyer.common.Limiter;
import dev.foyer.common.Metrics;
import dev.foyer.event.ClientLimits;
import dev.foyer.event.EventCatalog;
import dev.foyer.event.EventInfo;
import dev.foyer.event.EventRepository;
import dev.foyer.pass.Passes;
import dev.foyer.pass.QueueTokens;
import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.function.ToIntFunction;
import java.util.regex.Pattern;

/**
 * The checks routes share, as handlers in the route chain: each either passes the request on with
 * what it established (the event, the visitor) or fails it with the contract's error. They need no
 * state, so bad input costs little and touches neither Redis nor PostgreSQL. The admin key and the
 * pass are checked on routes of their own ahead of the endpoints' body handlers, so an
 * unauthenticated request never makes the node buffer its body.
 */
final class Checks {

  private static final Pattern IDEMPOTENCY_KEY = Pattern.compile("[A-Za-z0-9_-]{16,64}");
  private static final String EVENT = "foyer.event";
  private static final String EVENT_INFO = "foyer.event-info";
  private static final String CLAIMS = "foyer.claims";
  private static final String TOKEN = "foyer.token";
  private static final String VISITOR = "foyer.visitor";

  private final byte[] adminKey;
  private final AdminGuard adminGuard;
  private final QueueTokens tokens;
  private final Passes passes;
  private static final String CLIENT = "foyer.client";

  private final TrafficCounter traffic;
  private final ClientAddress clients;
  private final Limiter limiter;
  private final EventCatalog catalog;
  private final EventRepository events;
  private final ProofOfWork pow;
  private final PowDifficulty difficulty;

  Checks(String adminKey, AdminGuard adminGuard, QueueTokens tokens, Passes passes, TrafficCounter traffic,
         ClientAddress clients, Limiter limiter, EventCatalog catalog, EventRepository events, ProofOfWork pow,
         PowDifficulty difficulty, Identities identities) {
    this.adminKey = adminKey.getBytes(StandardCharsets.UTF_8);
    this.adminGuard = adminGuard;
    this.tokens = tokens;
    this.passes = passes;
    this.traffic = traffic;
    this.clients = clients;
    this.limiter = limiter;
    this.catalog = catalog;
    this.events = events;
    this.pow = pow;
    this.difficulty = difficulty;
    this.identities = identities;
  }

  private static final String IDENTITY = "foyer.identity";
  private final Identities identities;

  /**
   * A new visitor's identity token ({@code "identity"} in the body) when the event uses them: the
   * identity (hashed) goes on to the join, which gives one identity one place.
   */
  void identity(RoutingContext ctx) {
    if (claims(ctx) != null) {
      ctx.next();
      return;
    }
    String event = event(ctx);
    JsonObject body = Replies.optionalJsonBody(ctx);
    catalog.get(event)
        .compose(info -> identities.identify(event, info.settings().identity(), body == null ? null : body.getValue("identity")))
        .onSuccess(identity -> {
          ctx.put(IDENTITY, identity);
          ctx.next();
        })
        .onFailure(ctx::fail);
  }

  /** The verified identity of a join, null without one. */
  static String identityOf(RoutingContext ctx) {
    return ctx.get(IDENTITY);
  }

  /**
   * A new visitor's join carries a solved challenge ({@code "pow"} in the body) when the event asks
   * for one; each solution is taken once (403 {@code pow_required}, {@code pow_invalid},
   * {@code pow_reused}). A rejoin with a queue token proved itself when it first joined.
   */
  /**
   * A join without any solution, to an event that asks for one, is refused before the limits: the
   * waiting page's first attempt learns it must solve a challenge without spending the address's
   * join token (the attempt with the solution spends it). So is a solution of a challenge far
   * easier than the event issues now (403 {@code pow_stale}), which is not claimed either: cheap
   * challenges fetched while the event was quiet do not buy places in a surge.
   */
  void powPresent(RoutingContext ctx) {
    if (claims(ctx) != null) {
      ctx.next();
      return;
    }
    String event = event(ctx);
    JsonObject body = Replies.optionalJsonBody(ctx);
    Object solution = body == null ? null : body.getValue("pow");
    catalog.get(event).compose(info -> {
          if (!ProofOfWork.asked(info.settings())) {
            return Future.<Void>succeededFuture();
          }
          if (solution == null) {
            return pow.redeem(event, null);
          }
          return difficulty.now(info, System.currentTimeMillis()).compose(d -> pow.fresh(event, solution, d));
        })
        .onSuccess(v -> ctx.next())
        .onFailure(ctx::fail);
  }

  void pow(RoutingContext ctx) {
    if (claims(ctx) != null) {
      ctx.next();
      return;
    }
    String event = event(ctx);
    JsonObject body = Replies.optionalJsonBody(ctx);
    catalog.get(event).compose(info -> ProofOfWork.asked(info.settings())
            ? pow.redeem(event, body == null ? null : body.getValue("pow"))
            : Future.<Void>succeededFuture())
        .onSuccess(v -> ctx.next())
        .onFailure(ctx::fail);
  }

  /** Who sent the request: the peer, or the client a trusted proxy names in X-Forwarded-For. */
  static ClientAddress.Client client(RoutingContext ctx) {
    return ctx.get(CLIENT);
  }

  private ClientAddress.Client resolveClient(RoutingContext ctx) {
    ClientAddress.Client client = ctx.get(CLIENT);
    if (client == null) {
      var peer = ctx.request().remoteAddress();
      client = clients.of(peer == null ? null : peer.hostAddress(), ctx.request().headers().getAll("X-Forwarded-For"));
      ctx.put(CLIENT, client);
    }
    return client;
  }

  /**
   * A new join's Idempotency-Key is well formed (400 {@code invalid_idempotency_key}), checked
   * before the checks that spend something (a limit token, a proof-of-work solution), as a 4xx
   * changes nothing.
   */
  void joinKey(RoutingContext ctx) {
    if (claims(ctx) == null) {
      idempotencyKey(ctx);
    }
    ctx.next();
  }

  /** A new visitor's join, within the event's joins per address and network (a rejoin is not counted). */
  void joinLimit(RoutingContext ctx) {
    if (claims(ctx) != null) {
      ctx.next();
      return;
    }
    limit(ctx, "join", ClientLimits::joinsPerAddress, ClientLimits::joinsPerNetwork);
  }

  /** A hold, within the event's holds per address and network. */
  void holdLimit(RoutingContext ctx) {
    limit(ctx, "hold", ClientLimits::holdsPerAddress, ClientLimits::holdsPerNetwork);
  }

  /** A confirmation, within the event's confirmations per address and network. */
  void confirmLimit(RoutingContext ctx) {
    limit(ctx, "confirm", ClientLimits::confirmsPerAddress, ClientLimits::confirmsPerNetwork);
  }

  /**
   * 429 {@code rate_limited} with Retry-After when this client's bucket for {@code what} in this
   * event is empty, on any node: the buckets are in Redis, under the event's hash tag.
   */
  private void limit(RoutingContext ctx, String what, ToIntFunction<ClientLimits> perAddress,
                     ToIntFunction<ClientLimits> perNetwork) {
    ClientAddress.Client client = resolveClient(ctx);
    if (client.unlimited()) {
      ctx.next();
      return;
    }
    String event = event(ctx);
    ctx.request().pause();
    catalog.get(event).compose(info -> {
      ClientLimits limits = info.settings().limits();
      return limiter.take(event, List.of(
          new Limiter.Bucket(what + ":a:" + client.address(), perAddress.applyAsInt(limits)),
          new Limiter.Bucket(what + ":n:" + client.network(), perNetwork.applyAsInt(limits))));
    }).compose(waitMillis -> {
      if (waitMillis > 0) {
        Metrics.refused(what).increment();
        return Future.failedFuture(ApiError.tooManyRequests("rate_limited", "too many " + what
            + " requests from your address or network; try again later", Math.max(1, (waitMillis + 999) / 1000)));
      }
      return Future.succeededFuture();
    }).onComplete(ar -> proceed(ctx, ar.cause()));
  }

  /** The {@code :event} path parameter follows the id rule (400 {@code invalid_event_id}): for a creation. */
  void eventId(RoutingContext ctx) {
    ctx.put(EVENT, EventIds.require(ctx.pathParam("event")));
    ctx.next();
  }

  /**
   * The {@code :event} path parameter names an event that exists: 400 {@code invalid_event_id},
   * 404 {@code unknown_event}. Every route of an event runs it first, before tokens, passes, codes
   * or bodies are looked at, so an event that does not exist is the same 404 on every path (a gate
   * answering 401 for one would send buyers to the waiting room of an event that is not there).
   * Read through the node's catalog, which remembers unknown ids for a few seconds.
   */
  void knownEvent(RoutingContext ctx) {
    lookUp(ctx, catalog::get);
  }

  /** As {@link #knownEvent}, read from PostgreSQL: admin calls see the event as it is stored now, never a cache. */
  void storedEvent(RoutingContext ctx) {
    lookUp(ctx, id -> events.find(id).compose(info -> info != null ? Future.succeededFuture(info)
        : Future.failedFuture(ApiError.notFound("unknown_event", "there is no event '" + id + "'"))));
  }

  private void lookUp(RoutingContext ctx, java.util.function.Function<String, Future<EventInfo>> find) {
    String event = EventIds.require(ctx.pathParam("event"));
    ctx.put(EVENT, event);
    // a body handler may follow (the holds' routes): nothing may arrive while the event is read
    ctx.request().pause();
    find.apply(event).onComplete(ar -> {
      if (ar.succeeded()) {
        ctx.put(EVENT_INFO, ar.result());
      }
      proceed(ctx, ar.cause());
    });
  }

  /** The event {@link #knownEvent} or {@link #storedEvent} found. */
  static EventInfo eventInfo(RoutingContext ctx) {
    return ctx.get(EVENT_INFO);
  }

  /**
   * Counts the request towards the event's cluster-wide rate, which the gate reads; after
   * {@link #knownEvent}, so a made-up id never makes a counter in Redis.
   */
  void traffic(RoutingContext ctx) {
    traffic.count(event(ctx));
    ctx.next();
  }

  /**
   * {@code Authorization: Bearer <admin key>} (401 {@code missing_admin_key} / {@code invalid_admin_key});
   * 429 {@code too_many_failures} with Retry-After for a client address (as the limits per client
   * tell it) that guessed wrong too often.
   */
  void admin(RoutingContext ctx) {
    String presented = bearer(ctx);
    // the client, not the peer: behind the shipped nginx every peer is nginx, and counting there
    // would let anyone lock the operator out with ten wrong keys
    String address = resolveClient(ctx).address();
    ctx.request().pause();
    adminGuard.blockedFor(address).compose(seconds -> {
      if (seconds > 0) {
        return Future.failedFuture(ApiError.tooManyRequests("too_many_failures",
            "too many wrong admin keys from this address; try again later", seconds));
      }
      if (presented == null) {
        return Future.failedFuture(ApiError.unauthorized("missing_admin_key",
            "admin calls need 'Authorization: Bearer <admin key>'"));
      }
      if (!MessageDigest.isEqual(presented.getBytes(StandardCharsets.UTF_8), adminKey)) {
        return adminGuard.failed(address).compose(v -> Future.failedFuture(
            ApiError.unauthorized("invalid_admin_key", "the admin key is wrong")));
      }
      return Future.succeededFuture();
    }).onComplete(ar -> proceed(ctx, ar.cause()));
  }

  /** Ends an asynchronous check: the body may be read from here on. */
  private static void proceed(RoutingContext ctx, Throwable refusal) {
    ctx.request().resume();
    if (refusal != null) {
      ctx.fail(refusal);
    } else {
      ctx.next();
    }
  }

  /** A queue token for this event (401 otherwise). */
  void queueToken(RoutingContext ctx) {
    String token = bearer(ctx);
    ctx.put(CLAIMS, tokens.verify(token, event(ctx), System.currentTimeMillis() / 1000));
    ctx.put(TOKEN, token);
    ctx.next();
  }

  /** A queue token for this event if one is presented (a rejoin); none is fine (a new visitor). */
  void optionalQueueToken(RoutingContext ctx) {
    if (bearer(ctx) == null) {
      ctx.next();
    } else {
      queueToken(ctx);
    }
  }

  /**
   * A queue token, or the visitor's pass (a JWT: two dots, where a queue token has three), for the
   * calls a site holding only the pass may make on the visitor's behalf (leaving). A pass that does
   * not verify is 401 {@code invalid_token}, as a bad queue token is.
   */
  void queueTokenOrPass(RoutingContext ctx) {
    String token = bearer(ctx);
    if (token == null || token.chars().filter(c -> c == '.').count() != 2) {
      queueToken(ctx);
      return;
    }
    String event = event(ctx);
    ctx.request().pause();
    passes.claims(token, event).onComplete(ar -> {
      if (ar.succeeded()) {
        ctx.put(CLAIMS, new QueueTokens.Claims(event, ar.result().visitor(), ar.result().exp()));
        ctx.put(TOKEN, token);
      }
      proceed(ctx, ar.failed() ? ApiError.unauthorized("invalid_token",
          "the pass is forged, altered, expired or another event's") : null);
    });
  }

  /** A live pass for this event (401 {@code missing_pass}, 403 {@code not_admitted}). */
  void pass(RoutingContext ctx) {
    String pass = bearer(ctx);
    // a body handler may follow: nothing of the body may arrive while the check runs
    ctx.request().pause();
    passes.verify(pass, event(ctx)).onComplete(ar -> {
      if (ar.succeeded()) {
        ctx.put(VISITOR, ar.result());
      }
      proceed(ctx, ar.cause());
    });
  }

  static String event(RoutingContext ctx) {
    return ctx.get(EVENT);
  }

  /** The queue token's claims, or null when none was presented to {@link #optionalQueueToken}. */
  static QueueTokens.Claims claims(RoutingContext ctx) {
    return ctx.get(CLAIMS);
  }

  static String token(RoutingContext ctx) {
    return ctx.get(TOKEN);
  }

  /** The visitor the pass admits. */
  static String visitor(RoutingContext ctx) {
    return ctx.get(VISITOR);
  }

  /**
   * The client's key for one attempt at a change (a join, a hold), kept across that attempt's
   * retries, so a retry after a timeout or a 503 that still went through gives back what it did
   * instead of doing it twice. Null without one.
   */
  static String idempotencyKey(RoutingContext ctx) {
    String key = ctx.request().getHeader("Idempotency-Key");
    if (key == null) {
      return null;
    }
    if (!IDEMPOTENCY_KEY.matcher(key).matches()) {
      throw ApiError.badRequest("invalid_idempotency_key",
          "Idempotency-Key must be 16 to 64 characters of A-Z, a-z, 0-9, '-' and '_' (a random UUID will do)");
    }
    return key;
  }

  static String bearer(RoutingContext ctx) {
    String header = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
    if (header == null) {
      return null;
    }
    if (!header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      throw ApiError.unauthorized("invalid_token", "the Authorization header must be 'Bearer <token>'");
    }
    String token = header.substring(7).trim();
    return token.isEmpty() ? null : token;
  }
}
