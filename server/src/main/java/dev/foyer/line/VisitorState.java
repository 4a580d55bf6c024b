package dev.foyer.line;

/**
 * Where a visitor stands, as Redis says: waiting with a position, active until a time, or gone
 * with a reason (left, expired, disconnected, unknown); with the line's length and measured
 * admission rate (per second, null until measured) read in the same step.
 */
public record VisitorState(State state, Long position, long waiting, Long activeUntil, String reason, Double rate) {

  public enum State {
    WAITING, ACTIVE, GONE,
    /** Joined before the opening: waiting, with no position until the pre-queue is ordered. */
    PREQUEUE;

    public String wire() {
      return this == PREQUEUE ? "waiting" : name().toLowerCase();
    }
  }

  public static VisitorState waiting(long position, long waiting, Double rate) {
    return new VisitorState(State.WAITING, position, waiting, null, null, rate);
  }

  public static VisitorState active(long activeUntil, long waiting, Double rate) {
    return new VisitorState(State.ACTIVE, null, waiting, activeUntil, null, rate);
  }

  public static VisitorState prequeued(long prequeued, Double rate) {
    return new VisitorState(State.PREQUEUE, null, prequeued, null, null, rate);
  }

  public static VisitorState gone(String reason, long waiting, Double rate) {
    return new VisitorState(State.GONE, null, waiting, null, reason, rate);
  }
}
