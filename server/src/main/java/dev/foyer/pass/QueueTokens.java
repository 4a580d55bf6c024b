package dev.foyer.pass;

import dev.foyer.common.ApiError;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Queue tokens: {@code event.visitor.expiresAt.signature}, signed with HMAC-SHA256 under
 * FOYER_SECRET. Checked before anything touches Redis, so a forged or foreign token costs nothing.
 */
public final class QueueTokens {

  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  /**
   * Unguessable ids, one generator per thread: the default NativePRNG takes a lock and reads
   * /dev/urandom as it goes, on every join; DRBG is seeded from it once per thread.
   */
  private static final ThreadLocal<SecureRandom> RANDOM = ThreadLocal.withInitial(QueueTokens::drbg);

  private static SecureRandom drbg() {
    try {
      return SecureRandom.getInstance("DRBG");
    } catch (java.security.NoSuchAlgorithmException e) {
      return new SecureRandom();
    }
  }

  private final byte[] secret;
  private final long ttlSeconds;
  /** One Mac per thread: a Mac is not thread-safe, and every event loop signs and verifies. */
  private final ThreadLocal<Mac> macs = ThreadLocal.withInitial(this::newMac);

  public QueueTokens(String secret, long ttlSeconds) {
    if (secret == null || secret.length() < 16) {
      throw new IllegalArgumentException("FOYER_SECRET must be at least 16 characters");
    }
    this.secret = secret.getBytes(StandardCharsets.UTF_8);
    this.ttlSeconds = ttlSeconds;
  }

  /** The identity a valid token proves. */
  public record Claims(String event, String visitor, long expiresAt) {
  }

  /** A new, unguessable visitor id (128 random bits). */
  public static String newVisitorId() {
    byte[] bytes = new byte[16];
    RANDOM.get().nextBytes(bytes);
    return B64.encodeToString(bytes);
  }

  public String issue(String event, String visitor, long nowEpochSeconds) {
    return issueExpiring(event, visitor, nowEpochSeconds + ttlSeconds);
  }

  String issueExpiring(String event, String visitor, long expiresAt) {
    String payload = event + "." + visitor + "." + expiresAt;
    return payload + "." + sign(payload);
  }

  /** Claims of a token for this event; 401 {@code invalid_token} otherwise. */
  public Claims verify(String token, String event, long nowEpochSeconds) {
    Claims claims = verify(token, nowEpochSeconds);
    if (!claims.event().equals(event)) {
      throw invalid("the queue token belongs to another event");
    }
    return claims;
  }

  /** Claims of a genuine, unexpired token of any event; 401 {@code invalid_token} otherwise. */
  public Claims verify(String token, long nowEpochSeconds) {
    if (token == null || token.isEmpty()) {
      throw ApiError.unauthorized("missing_token", "this call needs 'Authorization: Bearer <queue token>'");
    }
    String[] parts = token.split("\\.", -1);
    if (parts.length != 4) {
      throw invalid("the queue token is malformed");
    }
    String payload = parts[0] + "." + parts[1] + "." + parts[2];
    if (!MessageDigest.isEqual(sign(payload).getBytes(StandardCharsets.US_ASCII),
        parts[3].getBytes(StandardCharsets.US_ASCII))) {
      throw invalid("the queue token's signature does not match");
    }
    long expiresAt;
    try {
      expiresAt = Long.parseLong(parts[2]);
    } catch (NumberFormatException e) {
      throw invalid("the queue token is malformed");
    }
    if (expiresAt <= nowEpochSeconds) {
      throw invalid("the queue token has expired; join again");
    }
    return new Claims(parts[0], parts[1], expiresAt);
  }

  private static ApiError invalid(String message) {
    return ApiError.unauthorized("invalid_token", message);
  }

  private String sign(String payload) {
    // doFinal resets the Mac for the next token; finding a provider for a new one costs more than signing
    return B64.encodeToString(macs.get().doFinal(("v1:" + payload).getBytes(StandardCharsets.UTF_8)));
  }

  private Mac newMac() {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
