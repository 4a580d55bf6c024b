package dev.foyer.event;

import dev.foyer.common.ApiError;
import io.vertx.core.json.JsonObject;

import java.util.Set;

/**
 * Whether a join carries the booking site's identity token (a JWT the site signs, audience = the
 * event id), and how foyer checks its signature: against the site's JWKS URL or a PEM public key.
 * With an identity one person has one place per event, whatever device they join from.
 */
public record IdentitySettings(Mode mode, String jwksUrl, String publicKey, String issuer) {

  public enum Mode {
    OFF, OPTIONAL, REQUIRED;

    public String wire() {
      return SettingGroup.wire(this);
    }
  }

  private static final Set<String> KEYS = Set.of("mode", "jwksUrl", "publicKey", "issuer");

  public static IdentitySettings defaults() {
    return new IdentitySettings(Mode.OFF, null, null, null);
  }

  IdentitySettings merge(Object value) {
    JsonObject json = SettingGroup.object(value, "identity", KEYS, "{\"mode\": \"required\", ...}");
    Mode m = SettingGroup.mode(json, "identity", mode, Mode.values());
    IdentitySettings s = new IdentitySettings(m, text(json, "jwksUrl", jwksUrl, 2000),
        text(json, "publicKey", publicKey, 8000), text(json, "issuer", issuer, 500));
    if (s.mode != Mode.OFF && s.jwksUrl == null && s.publicKey == null) {
      throw ApiError.badRequest("invalid_setting", "an identity mode other than off needs jwksUrl or publicKey");
    }
    if (s.jwksUrl != null && !(s.jwksUrl.startsWith("https://") || s.jwksUrl.startsWith("http://"))) {
      throw ApiError.badRequest("invalid_setting", "identity jwksUrl must be an http(s) URL");
    }
    return s;
  }

  private static String text(JsonObject json, String key, String fallback, int max) {
    if (!json.containsKey(key)) {
      return fallback;
    }
    Object v = json.getValue(key);
    if (v == null || (v instanceof String s && s.isBlank())) {
      return null;
    }
    // a PEM key spans lines; the body check refuses control characters, so newlines come as \n escapes
    if (!(v instanceof String s) || s.length() > max) {
      throw ApiError.badRequest("invalid_setting", "identity " + key + " must be text of at most " + max + " characters");
    }
    return s.replace("\\n", "\n");
  }

  public JsonObject toJson() {
    return new JsonObject().put("mode", mode.wire()).put("jwksUrl", jwksUrl).put("publicKey", publicKey)
        .put("issuer", issuer);
  }
}
