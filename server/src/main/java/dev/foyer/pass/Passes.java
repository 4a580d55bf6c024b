package dev.foyer.pass;

import dev.foyer.common.ApiError;
import dev.foyer.common.Metrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * Signs passes: JWTs with iss {@code foyer}, aud the event, sub the visitor and exp = activeUntil,
 * verifiable by any JWT library through {@code /.well-known/jwks.json}. New passes are signed by the
 * ring's current key with its kid in the header; a pass signed by either key of the ring verifies.
 *
 * <p>One per node (FoyerNode makes it, PassKeyWatch keeps it on the current ring), shared by the push
 * room and every ingress event loop: an admission pushed to a socket, the register after it and the
 * visitor's status calls all hand out the one pass signed first ({@link #issue}). Safe across event
 * loops: concurrent maps, the ring swapped whole, and the JWT library locks each key's signature.
 */
public class Passes {

  public static final String ISSUER = "foyer";

  /**
   * A pass as foyer signs it: three unpadded base64url parts and nothing else. The JWT library is
   * lenient (a trailing '.', padding, surrounding junk still verify), and every variant it takes
   * would cost an RSA check and an entry in {@link #verified}: anything else is refused before both.
   */
  private static final java.util.regex.Pattern SHAPE =
      java.util.regex.Pattern.compile("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+");

  /** Longer than any pass foyer signs (about 600 characters), short enough to match cheaply. */
  private static final int MAX_LENGTH = 4096;

  /** One ring and the JWT providers built from it, swapped as a whole so no call sees half a rotation. */
  private record Keys(PassKeyRing ring, JWTAuth signer, JWTAuth verifier) {
  }

  private final Vertx vertx;
  private volatile Keys keys;

  public Passes(Vertx vertx, PassKeyRing ring) {
    this.vertx = vertx;
    use(ring);
  }

  /** Switches to another ring (after a rotation or reload); passes in flight finish with the old one. */
  public void use(PassKeyRing ring) {
    // the signer holds only the current key, so it can never sign with the one being retired
    JWTAuth signer = JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions()
        .setAlgorithm("RS256").setId(ring.current().kid()).setBuffer(ring.current().privatePem())));
    JWTAuthOptions verifying = new JWTAuthOptions();
    for (PassKey key : ring.keys()) {
      verifying.addPubSecKey(new PubSecKeyOptions().setAlgorithm("RS256").setId(key.kid()).setBuffer(key.publicPem()));
    }
    keys = new Keys(ring, signer, JWTAuth.create(vertx, verifying));
    verified.clear();
    recent.clear();
  }

  /**
   * Passes whose signature this node has checked, by their whole text (signature included, so no
   * other text can hit an entry): a gate in front of every page sees the same pass again and again,
   * and the RSA check is most of its cost. Bounded; emptied when full and on every key change.
   * Liveness is never cached, only what the signature proves.
   */
  private final java.util.concurrent.ConcurrentHashMap<String, Claims> verified = new java.util.concurrent.ConcurrentHashMap<>();
  private static final int VERIFIED_MAX = 20_000;

  public PassKeyRing ring() {
    return keys.ring();
  }

  /**
   * A pass this node signed in the last {@value #REUSE_MILLIS} ms for the same visitor, event and
   * expiry, under the current key. Signing takes about 1.5 ms of RSA, a hundred times the rest of a
   * status call, so a client looping on {@code me} (or registering its socket again and again) would
   * otherwise buy a core with it; within that window it is handed the same pass again. Bounded like
   * {@link #verified}, and emptied on every key change so a rotation is never undone.
   */
  private record Signed(String pass, long at, Keys keys) {
  }

  static final long REUSE_MILLIS = 10_000;
  private static final int RECENT_MAX = 20_000;
  private final java.util.concurrent.ConcurrentHashMap<String, Signed> recent = new java.util.concurrent.ConcurrentHashMap<>();

  public String issue(String event, String visitor, long activeUntilMillis) {
    Keys now = keys;
    long at = System.currentTimeMillis();
    // event and visitor ids are base64url and [a-z0-9-]: no space in either
    String key = event + ' ' + visitor + ' ' + activeUntilMillis;
    Signed before = recent.get(key);
    if (before != null && before.keys() == now && at - before.at() < REUSE_MILLIS) {
      return before.pass();
    }
    JsonObject claims = new JsonObject()
        .put("iss", ISSUER)
        .put("aud", event)
        .put("sub", visitor)
        .put("exp", activeUntilMillis / 1000)
        .put("jti", newJti());
    String pass = now.signer().generateToken(claims, new JWTOptions().setAlgorithm("RS256")
        .setHeader(new JsonObject().put("kid", now.ring().current().kid())));
    Metrics.passesSigned().increment();
    if (recent.size() >= RECENT_MAX) {
      recent.values().removeIf(s -> at - s.at() >= REUSE_MILLIS);
      if (recent.size() >= RECENT_MAX) {
        recent.clear();
      }
    }
    recent.put(key, new Signed(pass, at, now));
    return pass;
  }

  /** What a verified pass says: whom it admits, to which event, until when, under which id. */
  public record Claims(String visitor, String event, long exp, long iat, String jti) {

    public JsonObject toJson() {
      return new JsonObject().put("iss", ISSUER).put("sub", visitor).put("aud", event).put("exp", exp)
          .put("iat", iat).put("jti", jti);
    }
  }

  /** 128 random bits: names one issued pass in a site's logs and in introspection answers. */
  private static String newJti() {
    byte[] bytes = new byte[16];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static final SecureRandom RANDOM = new SecureRandom();

  /**
   * The claims of a pass signed by a key of the ring, unexpired, iss foyer, with a single event as
   * aud (this one when {@code event} is given). Fails with 403 {@code not_admitted} otherwise; says
   * nothing of whether the visitor is still active (see the site gate for that).
   */
  public Future<Claims> claims(String token, String event) {
    if (token == null || token.isEmpty()) {
      return Future.failedFuture(ApiError.unauthorized("missing_pass", "this call needs 'Authorization: Bearer <pass>'"));
    }
    if (!wellFormed(token)) {
      return Future.failedFuture(notAdmitted());
    }
    Claims known = verified.get(token);
    if (known != null) {
      if (known.exp() * 1000 <= System.currentTimeMillis() || (event != null && !event.equals(known.event()))) {
        return Future.failedFuture(notAdmitted());
      }
      return Future.succeededFuture(known);
    }
    return verifiedClaims(token, event).onSuccess(c -> {
      if (verified.size() >= VERIFIED_MAX) {
        verified.clear();
      }
      verified.put(token, c);
    });
  }

  private Future<Claims> verifiedClaims(String token, String event) {
    return keys.verifier().authenticate(new TokenCredentials(token))
        .recover(err -> Future.failedFuture(notAdmitted()))
        .compose(user -> {
          // the library moves exp and iat out of the principal: read the verified payload itself
          JsonObject claims = new JsonObject(new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]),
              java.nio.charset.StandardCharsets.UTF_8));
          Object aud = claims.getValue("aud");
          if (aud instanceof JsonArray list && list.size() == 1) {
            aud = list.getValue(0);
          }
          String visitor = claims.getString("sub");
          boolean forEvent = aud instanceof String a && (event == null || event.equals(a));
          if (!ISSUER.equals(claims.getString("iss")) || !forEvent || visitor == null
              || !(claims.getValue("exp") instanceof Number exp)) {
            return Future.failedFuture(notAdmitted());
          }
          Object iat = claims.getValue("iat");
          return Future.succeededFuture(new Claims(visitor, (String) aud, exp.longValue(),
              iat instanceof Number n ? n.longValue() : 0, claims.getString("jti")));
        });
  }

  /**
   * The visitor a pass admits to this event: signed by a key of the ring, unexpired, iss foyer, aud
   * this event. 401 {@code missing_pass} without one, 403 {@code not_admitted} for any other pass.
   */
  public Future<String> verify(String token, String event) {
    if (token == null || token.isEmpty()) {
      return Future.failedFuture(ApiError.unauthorized("missing_pass", "this call needs 'Authorization: Bearer <pass>'"));
    }
    if (!wellFormed(token)) {
      return Future.failedFuture(notAdmitted());
    }
    return keys.verifier().authenticate(new TokenCredentials(token))
        .recover(err -> Future.failedFuture(notAdmitted()))
        .compose(user -> {
          JsonObject claims = user.principal();
          Object aud = claims.getValue("aud");
          boolean forEvent = event.equals(aud) || (aud instanceof JsonArray list && list.contains(event));
          String visitor = claims.getString("sub");
          if (!ISSUER.equals(claims.getString("iss")) || !forEvent || visitor == null) {
            return Future.failedFuture(notAdmitted());
          }
          return Future.succeededFuture(visitor);
        });
  }

  static boolean wellFormed(String token) {
    return token.length() <= MAX_LENGTH && SHAPE.matcher(token).matches();
  }

  /** How many passes this node holds as verified (a test's view of what a refusal did not leave). */
  int verifiedCount() {
    return verified.size();
  }

  private static ApiError notAdmitted() {
    return new ApiError(403, "not_admitted", "this needs a valid, unexpired pass for this event");
  }

  /** Current and previous public keys: a site that caches the set still knows both across a rotation. */
  public JsonObject jwks() {
    return keys.ring().jwks();
  }

}
