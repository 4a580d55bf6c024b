package dev.foyer.line;

/**
 * What a waiting page shows between two rank frames: the position of the last frame counted down
 * at the frame's {@code rate} since the page received it, never below the frame's {@code floor}
 * nor below 1, and the ETA scaled with it. The one rule, written twice: webroot/js/position.js for
 * the page (and foyer-client.js), this for the push room, which must know what each page shows to
 * decide when it needs a correction. Both are checked against the same vectors
 * (test resources, position/vectors.json); change them together.
 *
 * <p>Elapsed time is the page's own (receipt to now), never the server's {@code at}, so a client
 * clock that is off changes nothing.
 */
public final class Position {

  private Position() {
  }

  /** What the page shows: the position and the expected wait in seconds (null: none known). */
  public record Shown(long position, Long etaSeconds) {
  }

  /**
   * @param position      the frame's position (1-based)
   * @param rate          admissions per second the page counts down with (0: it does not move)
   * @param floor         the lowest position the page may show before the next frame
   * @param elapsedMillis since the page received the frame (negative counts as 0)
   */
  public static long shown(long position, double rate, long floor, long elapsedMillis) {
    long lowest = Math.max(1, Math.min(floor, position));
    if (!(rate > 0) || elapsedMillis <= 0) {
      return Math.max(lowest, position);
    }
    double counted = Math.ceil(position - rate * elapsedMillis / 1000.0);
    return counted <= lowest ? lowest : (long) counted;
  }

  /** With the ETA: the frame's {@code etaSeconds} shrinks in proportion to the position shown. */
  public static Shown shown(long position, double rate, long floor, Long etaSeconds, long elapsedMillis) {
    long shown = shown(position, rate, floor, elapsedMillis);
    return new Shown(shown, eta(etaSeconds, position, shown));
  }

  static Long eta(Long etaSeconds, long position, long shown) {
    if (etaSeconds == null || position <= 0) {
      return etaSeconds;
    }
    return (long) Math.ceil((double) etaSeconds * shown / position);
  }
}
