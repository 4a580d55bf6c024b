package dev.foyer.pass;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
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

  public JsonObject jwks() {
    return new JsonObject().put("keys", new JsonArray().add(key.jwk()));
  }

  public JWTAuth auth() {
    return jwt;
  }
}
