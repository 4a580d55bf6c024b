package dev.foyer.ingress;

import dev.foyer.common.ApiError;
import dev.foyer.common.BoundedFetch;
import dev.foyer.common.Metrics;
import dev.foyer.event.IdentitySettings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.impl.jose.JWK;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The booking site's identity tokens: JWTs the site signs for its logged-in user, audience = the
 * event id, checked against the event's configured PEM public key or JWKS URL (fetched, then kept
 * for {@link #JWKS_MILLIS}). The identity is the token's {@code sub}, kept only as a hash. The JWKS
 * is read through a {@link BoundedFetch}: the site's server is not foyer's, and a join waits on it.
 */
final class Identities {

  private static final Logger LOG = LoggerFactory.getLogger(Identities.class);

  static final long JWKS_MILLIS = 5 * 60_000;

  /** After a failed fetch of a site's keys, how long joins are answered without another. */
  static final long RETRY_MILLIS = 5_000;

  /** More keys than a site rotating its keys ever publishes at once. */
  static final int MAX_KEYS = 32;

  private record Verifier(IdentitySettings settings, JWTAuth auth, long loadedAt) {
  }

  private record Loading(IdentitySettings settings, Future<JWTAuth> auth) {
  }

  private record Failed(IdentitySettings settings, long at, Throwable error) {
  }

  private final Vertx vertx;
  private final BoundedFetch fetch;
  private final Map<String, Verifier> verifiers = new HashMap<>();
  private final Map<String, Loading> loading = new HashMap<>();
  private final Map<String, Failed> failures = new HashMap<>();

  Identities(Vertx vertx) {
    this(vertx, new BoundedFetch(vertx, BoundedFetch.Limits.defaults()));
  }

  Identities(Vertx vertx, BoundedFetch fetch) {
    this.vertx = vertx;
    this.fetch = fetch;
  }

  /**
   * The identity of a join (hash of the token's sub), null when the event does not use identities
   * or, with {@code optional}, none is presented; 401 {@code identity_required} or
   * {@code identity_invalid} otherwise.
   */
  /** A verified identity: the hash of its {@code sub}, and the token's claims (a lane may follow one). */
  record Identity(String hash, JsonObject claims) {
  }

  Future<Identity> identify(String event, IdentitySettings settings, Object token) {
    if (settings.mode() == IdentitySettings.Mode.OFF || (token == null && settings.mode() == IdentitySettings.Mode.OPTIONAL)) {
      return Future.succeededFuture(null);
    }
    if (token == null) {
      Metrics.refused("identity_required").increment();
      return Future.failedFuture(ApiError.unauthorized("identity_required",
          "this event needs the booking site's identity token: join with {\"identity\": \"<token>\"}"));
    }
    if (!(token instanceof String jwt) || jwt.length() > 8192) {
      return invalid();
    }
    return verifier(event, settings)
        .compose(auth -> auth.authenticate(new TokenCredentials(jwt)))
        .recover(err -> err instanceof ApiError e && e.status() == 503 ? Future.failedFuture(err) : invalid())
        .compose(user -> {
          // the token's own claims (Vert.x has checked exp against them)
          JsonObject claims = user.attributes().getJsonObject("accessToken", user.principal());
          Object aud = claims.getValue("aud");
          boolean forEvent = event.equals(aud) || (aud instanceof JsonArray list && list.contains(event));
          String sub = claims.getString("sub");
          if (!forEvent || sub == null || sub.isEmpty() || claims.getValue("exp") == null
              || (settings.issuer() != null && !settings.issuer().equals(claims.getString("iss")))) {
            return invalid();
          }
          return Future.succeededFuture(new Identity(hash(event + "\n" + sub), claims));
        });
  }

  private static <T> Future<T> invalid() {
    Metrics.refused("identity_invalid").increment();
    return Future.failedFuture(ApiError.unauthorized("identity_invalid",
        "the identity token is not valid for this event (signature, audience, issuer or expiry)"));
  }

  private Future<JWTAuth> verifier(String event, IdentitySettings settings) {
    Verifier known = verifiers.get(event);
    if (known != null && !known.settings().equals(settings)) {
      known = null;
    }
    long now = System.currentTimeMillis();
    if (known != null && (settings.jwksUrl() == null || now - known.loadedAt() < JWKS_MILLIS)) {
      return Future.succeededFuture(known.auth());
    }
    // a join surge must not become a fetch surge on the booking site: one fetch at a time per
    // event, and after a failed one none for RETRY_MILLIS (the joins meanwhile answer as it did)
    Loading loading = this.loading.get(event);
    if (loading != null && loading.settings().equals(settings)) {
      return loading.auth();
    }
    Failed failed = failures.get(event);
    if (failed != null && failed.settings().equals(settings) && now - failed.at() < RETRY_MILLIS) {
      return known != null ? Future.succeededFuture(known.auth()) : Future.failedFuture(failed.error());
    }
    Verifier before = known;
    Future<JWTAuthOptions> options = settings.jwksUrl() != null ? jwks(settings.jwksUrl()) : Future.succeededFuture(
        new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions().setAlgorithm(algorithm(settings.publicKey()))
            .setBuffer(settings.publicKey())));
    Future<JWTAuth> load = options.map(o -> {
      JWTAuth auth = JWTAuth.create(vertx, o);
      verifiers.put(event, new Verifier(settings, auth, now));
      failures.remove(event);
      return auth;
    }).recover(err -> {
      Throwable error = err instanceof ApiError ? err : new ApiError(503, "dependency_down",
          "the booking site's identity keys cannot be read right now; try again in a few seconds");
      failures.put(event, new Failed(settings, System.currentTimeMillis(), error));
      // at most one line per event and RETRY_MILLIS (the back-off), so an outage is not a log flood
      LOG.warn("Event {}: the identity {} cannot be used: {}. {} for {} s, then it is tried again", event,
          settings.jwksUrl() == null ? "public key" : "JWKS at " + withoutQuery(settings.jwksUrl()), err.getMessage(),
          before != null
              ? "Joins verify against the keys fetched before" : "Joins with an identity token are answered 503",
          RETRY_MILLIS / 1000);
      // the site's JWKS is away: the keys fetched before still verify
      return before != null ? Future.succeededFuture(before.auth()) : Future.failedFuture(error);
    });
    if (!load.isComplete()) {
      Loading mine = new Loading(settings, load);
      this.loading.put(event, mine);
      load.onComplete(ar -> this.loading.remove(event, mine));
    }
    return load;
  }

  /** RS256 for an RSA key, ES256 for an EC one (told apart by the DER's length). */
  private static String algorithm(String pem) {
    String body = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    return body.length() < 200 ? "ES256" : "RS256";
  }

  private Future<JWTAuthOptions> jwks(String url) {
    return fetch.get(url).map(Identities::keySet);
  }

  /** The JWKS's keys; a {@link BoundedFetch.Failure} saying what is wrong for any other body. */
  static JWTAuthOptions keySet(Buffer body) {
    Object keys;
    try {
      keys = new JsonObject(body).getValue("keys");
    } catch (DecodeException e) {
      throw new BoundedFetch.Failure("the answer is not a JSON object");
    }
    if (!(keys instanceof JsonArray list) || list.isEmpty()) {
      throw new BoundedFetch.Failure("the answer has no \"keys\" array of keys");
    }
    // a token without a kid is tried against every key: a set of thousands would make each join
    // thousands of RSA checks
    if (list.size() > MAX_KEYS) {
      throw new BoundedFetch.Failure("the answer has " + list.size() + " keys, more than the " + MAX_KEYS + " taken");
    }
    List<JsonObject> jwks = new ArrayList<>();
    for (Object key : list) {
      if (key instanceof JsonObject jwk && usable(jwk)) {
        jwks.add(jwk);
      }
    }
    if (jwks.isEmpty()) {
      throw new BoundedFetch.Failure("the answer has no usable RSA or EC public key");
    }
    return new JWTAuthOptions().setJwks(jwks);
  }

  /**
   * A public key the JWT library can verify with (others it would skip with a stack trace in the log,
   * and a symmetric key in a public set is a mistake of the site's).
   */
  private static boolean usable(JsonObject jwk) {
    try {
      return new JWK(jwk).publicKey() != null;
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** The URL as the operator configured it, less a query that may carry a credential of the site's. */
  private static String withoutQuery(String url) {
    int query = url.indexOf('?');
    return query < 0 ? url : url.substring(0, query) + "?...";
  }

  private static String hash(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
