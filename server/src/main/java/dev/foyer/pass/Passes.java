package dev.foyer.pass;

import dev.foyer.common.ApiError;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;

/**
 * Signs passes: JWTs with iss {@code foyer}, aud the event, sub the visitor and exp = activeUntil,
 * verifiable by any JWT library through {@code /.well-known/jwks.json}.
 */
public class Passes {

  public static final String ISSUER = "foyer";

  private final PassKey key;
  private final JWTAuth jwt;

  public Passes(Vertx vertx, PassKey key) {
    this.key = key;
    this.jwt = JWTAuth.create(vertx, new JWTAuthOptions()
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm("RS256").setId(key.kid()).setBuffer(key.privatePem()))
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm("RS256").setId(key.kid()).setBuffer(key.publicPem())));
  }

  public String issue(String event, String visitor, long activeUntilMillis) {
    JsonObject claims = new JsonObject()
        .put("iss", ISSUER)
        .put("aud", event)
        .put("sub", visitor)
        .put("exp", activeUntilMillis / 1000);
    return jwt.generateToken(claims, new JWTOptions().setAlgorithm("RS256")
        .setHeader(new JsonObject().put("kid", key.kid())));
  }

  /**
   * The visitor a pass admits to this event: signed by foyer's key, unexpired, iss foyer, aud this
   * event. 401 {@code missing_pass} without one, 403 {@code not_admitted} for any other pass.
   */
  public Future<String> verify(String token, String event) {
    if (token == null || token.isEmpty()) {
      return Future.failedFuture(ApiError.unauthorized("missing_pass", "this call needs 'Authorization: Bearer <pass>'"));
    }
    return jwt.authenticate(new TokenCredentials(token))
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

  private static ApiError notAdmitted() {
    return new ApiError(403, "not_admitted", "this needs a valid, unexpired pass for this event");
  }

  public JsonObject jwks() {
    return new JsonObject().put("keys", new JsonArray().add(key.jwk()));
  }

}
