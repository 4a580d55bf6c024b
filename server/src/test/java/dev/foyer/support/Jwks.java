package dev.foyer.support;

import io.vertx.core.json.JsonObject;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.RSAPublicKeySpec;
import java.util.Base64;

/** Verifies a pass the way a booking site would: the published JWKS and plain JDK crypto. */
public final class Jwks {

  private Jwks() {
  }

  /** The pass's claims when its RS256 signature verifies against the JWKS; null otherwise. */
  public static JsonObject verifiedClaims(JsonObject jwks, String jwt) {
    String[] parts = jwt.split("\\.");
    if (parts.length != 3) {
      return null;
    }
    JsonObject header = new JsonObject(decode(parts[0]));
    for (Object k : jwks.getJsonArray("keys")) {
      JsonObject jwk = (JsonObject) k;
      if (jwk.getString("kid").equals(header.getString("kid")) && verify(jwk, parts[0] + "." + parts[1], parts[2])) {
        return new JsonObject(decode(parts[1]));
      }
    }
    return null;
  }

  public static String decode(String part) {
    return new String(Base64.getUrlDecoder().decode(part), StandardCharsets.UTF_8);
  }

  public static boolean verify(JsonObject jwk, String signed, String signature) {
    try {
      PublicKey key = KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(
          new BigInteger(1, Base64.getUrlDecoder().decode(jwk.getString("n"))),
          new BigInteger(1, Base64.getUrlDecoder().decode(jwk.getString("e")))));
      Signature rsa = Signature.getInstance("SHA256withRSA");
      rsa.initVerify(key);
      rsa.update(signed.getBytes(StandardCharsets.US_ASCII));
      return rsa.verify(Base64.getUrlDecoder().decode(signature));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      return false;
    }
  }
}
