package dev.foyer.ingress;

import dev.foyer.common.ApiError;
import dev.foyer.common.Metrics;
import dev.foyer.event.IdentitySettings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;

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
 * for {@link #JWKS_MILLIS}). The identity is the token's {@code sub}, kept only as a hash.
 */
final class Identities {

  static final long JWKS_MILLIS = 5 * 60_000;

  /** After a failed fetch of a site's keys, how long joins are answered without another. */
  static final long RETRY_MILLIS = 5_000;

  private record Verifier(IdentitySettings settings, JWTAuth auth, long loadedAt) {
  }

  private record Loading(IdentitySettings settings, Future<JWTAuth> auth) {
  }

  private record Failed(IdentitySettings settings, long at, Throwable error) {
  }

  private final Vertx vertx;
  private final HttpClient http;
  private final Map<String, Verifier> verifiers = new HashMap<>();
  private final Map<String, Loading> loading = new HashMap<>();
  private final Map<String, Failed> failures = new HashMap<>();

  Identities(Vertx vertx) {
    this.vertx = vertx;
    this.http = vertx.createHttpClient();
  }

  /**
   * The identity of a join (hash of the token's sub), null when the event does not use identities
   * or, with {@code optional}, none is presented; 401 {@code identity_required} or
   * {@code identity_invalid} otherwise.
   */
  Future<String> identify(String event, IdentitySettings settings, Object token) {
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
          return Future.succeededFuture(hash(event + "\n" + sub));
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
          "the booking site's identity keys cannot be read right now (" + err.getMessage() + ")");
      failures.put(event, new Failed(settings, System.currentTimeMillis(), error));
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
    return http.request(new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(url).setTimeout(5000))
        .compose(req -> req.send())
        .compose(res -> res.statusCode() == 200 ? res.body()
            : Future.failedFuture("the JWKS URL answered " + res.statusCode()))
        .map(body -> {
          JsonArray keys = new JsonObject(body).getJsonArray("keys");
          List<JsonObject> list = new ArrayList<>();
          keys.forEach(k -> list.add((JsonObject) k));
          return new JWTAuthOptions().setJwks(list);
        });
  }

  private static String hash(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
