package dev.foyer.bench;

import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Random;

/** The node's ALTCHA challenges solved as a bot would: one Java thread, no browser. */
final class AltchaSolver {

  private AltchaSolver() {
  }

  /** Half a second of solving challenges made here, so what is timed next runs compiled, as a bot's would. */
  static void warm() throws Exception {
    Random random = new Random(1);
    long end = System.nanoTime() + 500_000_000L;
    while (System.nanoTime() < end) {
      String salt = Long.toHexString(random.nextLong());
      long secret = random.nextInt(50_000);
      String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest((salt + secret).getBytes(StandardCharsets.UTF_8)));
      if (solve(new JsonObject().put("challenge", hash).put("salt", salt).put("maxnumber", 50_000L)) != secret) {
        throw new IllegalStateException("the solver is wrong");
      }
    }
  }

  /** The number in 0..maxnumber whose SHA-256(salt + number) is the challenge. */
  static long solve(JsonObject challenge) {
    try {
      byte[] target = HexFormat.of().parseHex(challenge.getString("challenge"));
      MessageDigest salted = MessageDigest.getInstance("SHA-256");
      salted.update(challenge.getString("salt").getBytes(StandardCharsets.UTF_8));
      long max = challenge.getLong("maxnumber");
      byte[] digits = new byte[20];
      for (long n = 0; n <= max; n++) {
        int len = digits(n, digits);
        MessageDigest md = (MessageDigest) salted.clone();
        md.update(digits, digits.length - len, len);
        if (MessageDigest.isEqual(md.digest(), target)) {
          return n;
        }
      }
    } catch (Exception e) {
      throw new IllegalStateException("could not solve a challenge", e);
    }
    throw new IllegalStateException("no number up to maxnumber solves the challenge " + challenge.encode());
  }

  /** The widget's payload: base64 of {algorithm, challenge, number, salt, signature}. */
  static String payload(JsonObject challenge, long number) {
    JsonObject p = new JsonObject().put("algorithm", challenge.getString("algorithm"))
        .put("challenge", challenge.getString("challenge")).put("number", number).put("salt", challenge.getString("salt"))
        .put("signature", challenge.getString("signature"));
    return Base64.getEncoder().encodeToString(p.encode().getBytes(StandardCharsets.UTF_8));
  }

  /** The decimal digits of n at the end of the buffer; their count. */
  private static int digits(long n, byte[] buffer) {
    int at = buffer.length;
    do {
      buffer[--at] = (byte) ('0' + n % 10);
      n /= 10;
    } while (n > 0);
    return buffer.length - at;
  }
}
