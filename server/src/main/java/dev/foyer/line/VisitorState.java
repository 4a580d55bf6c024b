package dev.foyer.line;

/**
 * Where a visitor stands, as Redis says: waiting with a position, active until a time, or gone
 * with a reason (left, expired, disconnected, unknown); with the line's length and the turnover of
 * its active slots read in the same step, and whether this read brought back a visitor who had
 * been away ({@code returned}).
 */
public record VisitorState(State state, Long position, long waiting, Long activeUntil, String reason,
                           Turnover turnover, boolean returned) {

  public enum State {
    WAITING, ACTIVE, GONE,
    /** Joined before the opening: waiting, with no position until the pre-queue is ordered. */
    PREQUEUE;

    public String wire() {
      return this == PREQUEUE ? "waiting" : name().toLowerCase();
    }
  }

  public static VisitorState waiting(long position, long waiting, Turnover turnover, boolean returned) {
    return new VisitorState(State.WAITING, position, waiting, null, null, turnover, returned);
  }

  public static VisitorState active(long activeUntil, long waiting, Turnover turnover) {
    return new VisitorState(State.ACTIVE, null, waiting, activeUntil, null, turnover, false);
  }

  public static VisitorState prequeued(long prequeued, Turnover turnover, boolean returned) {
    return new VisitorState(State.PREQUEUE, null, prequeued, null, null, turnover, returned);
  }

  public static VisitorState gone(String reason, long waiting, Turnover turnover) {
    return new VisitorState(State.GONE, null, waiting, null, reason, turnover, false);
  }
}
