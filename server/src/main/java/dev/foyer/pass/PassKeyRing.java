package dev.foyer.pass;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/**
 * The keys passes are checked against: {@code current} signs new passes, {@code previous} (may be
 * null) only verifies, so that passes issued just before a rotation stay valid until they expire.
 */
public record PassKeyRing(PassKey current, PassKey previous) {

  public PassKeyRing {
    if (current == null) {
      throw new IllegalArgumentException("a pass-key ring needs a current key");
    }
    if (previous != null && previous.kid().equals(current.kid())) {
      previous = null;
    }
  }

  public static PassKeyRing of(PassKey current) {
    return new PassKeyRing(current, null);
  }

  /** Current first, then previous. */
  public List<PassKey> keys() {
    List<PassKey> keys = new ArrayList<>(2);
    keys.add(current);
    if (previous != null) {
      keys.add(previous);
    }
    return keys;
  }

  /** The public halves as a JWK Set, current first. */
  public JsonObject jwks() {
    JsonArray keys = new JsonArray();
    keys().forEach(k -> keys.add(k.jwk().copy()));
    return new JsonObject().put("keys", keys);
  }

  /** Kids only, never key material: safe to log. */
  @Override
  public String toString() {
    return "PassKeyRing[current=" + current.kid() + ", previous=" + (previous == null ? "none" : previous.kid()) + "]";
  }
}
