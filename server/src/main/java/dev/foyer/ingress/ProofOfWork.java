package dev.foyer.ingress;

import dev.foyer.common.ApiError;
import dev.foyer.common.Failures;
import dev.foyer.common.Metrics;
import dev.foyer.event.EventSettings;
import dev.foyer.event.PowSettings;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import org.altcha.altcha.Altcha;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Map;

/**
 * Proof of work at join with ALTCHA (org.altcha:altcha): the node hands out a challenge, the
 * waiting page finds the secret number by brute force (half the difficulty in SHA-256 tries on
 * average) and joins with the solution. A challenge is bound to its event (its HMAC key is derived
 * from the event id and FOYER_SECRET, and the salt names the event), expires after the event's
 * {@code pow.expireSeconds}, and is accepted once: its signature is claimed in Redis with SET NX
 * until it expires, so one solution cannot buy two places. The salt also names the challenge's
 * difficulty (signed with it), so a challenge fetched cheaply while the event was quiet cannot be
 * redeemed in a surge that asks for far more work ({@code pow_stale}).
 */
final class ProofOfWork {

  private static final String DIFFICULTY = "difficulty";

  /**
   * A join's solution as verified once ({@link #verify}): when right, its signature (claimed once),
   * expiry and difficulty (0: not named); {@link #WRONG} when wrong, expired or another event's.
   */
  record Solution(String signature, long expires, long difficulty) {

    static final Solution WRONG = new Solution(null, 0, 0);

    boolean right() {
      return signature != null;
    }
  }

  private final byte[] secret;
  private final Redis redis;
  private final String prefix;

  ProofOfWork(String secret, Redis redis, String prefix) {
    this.secret = secret.getBytes(StandardCharsets.UTF_8);
    this.redis = redis;
    this.prefix = prefix;
  }

  /** A fresh challenge, as the ALTCHA widget fetches it: {algorithm, challenge, maxnumber, salt, signature}. */
  JsonObject challenge(String event, PowSettings pow, long difficulty) {
    Altcha.Challenge c;
    try {
      c = Altcha.createChallenge(new Altcha.ChallengeOptions()
          .setMaxNumber(difficulty)
          .setHmacKey(hmacKey(event))
          .setExpiresInSeconds(pow.expireSeconds())
          .addParam("event", event)
          .addParam(DIFFICULTY, Long.toString(difficulty)));
    } catch (Exception e) {
      throw new IllegalStateException("could not make a proof-of-work challenge", e);
    }
    Metrics.powDifficulty(event, difficulty);
    return new JsonObject().put("algorithm", c.algorithm).put("challenge", c.challenge).put("maxnumber", c.maxnumber)
        .put("salt", c.salt).put("signature", c.signature);
  }

  /**
   * 403 {@code pow_required}: the event asks for a solved challenge and the join carries none. It
   * spends nothing, so the waiting page's first attempt learns it must solve one.
   */
  static ApiError required(String event) {
    Metrics.refused("pow_required").increment();
    return new ApiError(403, "pow_required", "this event asks for a solved challenge: GET /api/events/"
        + event + "/challenge, solve it, and join with {\"pow\": \"<solution>\"}",
        new JsonObject().put("challenge", "/api/events/" + event + "/challenge"));
  }

  /**
   * Accepts a verified solution once, or fails with 403 {@code pow_required} (none),
   * {@code pow_invalid} (wrong, expired, for another event) or {@code pow_reused}.
   */
  Future<Void> redeem(String event, Solution solution) {
    if (solution == null) {
      return Future.failedFuture(required(event));
    }
    if (!solution.right()) {
      return invalid(event);
    }
    long ttlMillis = Math.max(1000, solution.expires() * 1000 - System.currentTimeMillis() + 1000);
    return redis.send(Request.cmd(Command.SET).arg(prefix + ":{" + event + "}:pow:" + solution.signature()).arg("1")
            .arg("NX").arg("PX").arg(ttlMillis))
        .recover(Failures.redis())
        .compose(r -> {
          if (r == null) {
            Metrics.refused("pow_reused").increment();
            return Future.failedFuture(new ApiError(403, "pow_reused", "this challenge was used already; fetch a new one"));
          }
          return Future.<Void>succeededFuture();
        });
  }

  /**
   * Refuses, with 403 {@code pow_stale}, a solution whose challenge's difficulty is below half of
   * {@code current}, the difficulty the event issues now; it changes nothing, so the visitor fetches
   * a fresh challenge and tries again. Half: one step of the adaptive doubling is slack, for a
   * browser that fetched just before the rate rose. A wrong solution passes here and is refused by
   * {@link #redeem}.
   */
  Future<Void> fresh(String event, Solution solution, long current) {
    if (!solution.right() || solution.difficulty() == 0 || solution.difficulty() * 2 >= current) {
      return Future.succeededFuture();
    }
    Metrics.refused("pow_stale").increment();
    return Future.failedFuture(new ApiError(403, "pow_stale", "this challenge is too easy for the traffic the event"
        + " gets now; fetch a new one from /api/events/" + event + "/challenge",
        new JsonObject().put("challenge", "/api/events/" + event + "/challenge")));
  }

  /**
   * The solution (the widget's base64 payload) with its ALTCHA signature checked: right, unexpired
   * and this event's, or {@link Solution#WRONG}. A join verifies it once and keeps the result.
   */
  Solution verify(String event, Object payload) {
    if (!(payload instanceof String text) || text.length() > 2048) {
      return Solution.WRONG;
    }
    try {
      if (!Altcha.verifySolution(text, hmacKey(event), true)) {
        return Solution.WRONG;
      }
      JsonObject decoded = new JsonObject(new String(java.util.Base64.getDecoder().decode(text), StandardCharsets.UTF_8));
      Map<String, String> params = Altcha.extractParams(decoded.getString("salt"));
      String signature = decoded.getString("signature");
      if (!event.equals(params.get("event")) || params.get("expires") == null || signature == null) {
        return Solution.WRONG;
      }
      // a challenge issued before challenges named their difficulty expires within expireSeconds
      String difficulty = params.get(DIFFICULTY);
      return new Solution(signature, Long.parseLong(params.get("expires")),
          difficulty == null ? 0 : Long.parseLong(difficulty));
    } catch (Exception e) {
      return Solution.WRONG;
    }
  }

  private static Future<Void> invalid(String event) {
    Metrics.refused("pow_invalid").increment();
    return Future.failedFuture(new ApiError(403, "pow_invalid", "the solution is wrong, expired or for another event;"
        + " fetch a new challenge from /api/events/" + event + "/challenge"));
  }

  /** Each event's own key, so a challenge of one event can never be redeemed at another. */
  private String hmacKey(String event) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(("altcha:" + event).getBytes(StandardCharsets.UTF_8)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static boolean asked(EventSettings settings) {
    return settings.pow().mode() != PowSettings.Mode.OFF;
  }
}
