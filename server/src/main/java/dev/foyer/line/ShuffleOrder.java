package dev.foyer.line;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;

/**
 * The verifiable shuffle of a pre-queue, as anyone can recompute it once the seed is published:
 * sort the visitor ids by the hex SHA-1 of {@code seed + ":" + visitorId}, ascending (ties, which
 * do not happen in practice, by visitor id). The commitment published before the opening is the
 * hex SHA-256 of the seed. The opening script in Redis ({@code open.lua}) sorts the same way.
 *
 * <pre>
 *   java -cp target/foyer.jar dev.foyer.line.ShuffleOrder SEED &lt; visitor-ids.txt
 * </pre>
 */
public final class ShuffleOrder {

  private ShuffleOrder() {
  }

  public static List<String> order(String seed, List<String> visitors) {
    List<String> sorted = new ArrayList<>(visitors);
    sorted.sort(Comparator.comparing((String v) -> key(seed, v)).thenComparing(v -> v));
    return sorted;
  }

  public static String key(String seed, String visitor) {
    return hex("SHA-1", seed + ":" + visitor);
  }

  public static String commitment(String seed) {
    return hex("SHA-256", seed);
  }

  private static String hex(String algorithm, String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  public static void main(String[] args) throws Exception {
    if (args.length != 1) {
      System.err.println("usage: ShuffleOrder SEED < visitor ids, one per line");
      System.exit(2);
    }
    List<String> visitors = new ArrayList<>();
    try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        if (!line.isBlank()) {
          visitors.add(line.trim());
        }
      }
    }
    System.out.println("commitment " + commitment(args[0]));
    order(args[0], visitors).forEach(System.out::println);
  }
}
