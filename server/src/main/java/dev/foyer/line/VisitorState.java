package dev.foyer.line;

/**
 * Where a visitor stands, as Redis says: waiting with a position, active until a time, or gone
 * with a reason (left, expired, disconnected, unknown); with the line's length and the turnover of
 * its active slots read in the same step, whether this read brought back a visitor who had been
 * away ({@code returned}), and where the sale stands ({@code sale}: on_sale, all_held, sold_out,
 * ended; as of the last admission tick).
 */
public record VisitorState(State state, Long position, long waiting, Long activeUntil, String reason,
                           Turnover turnover, boolean returned, String sale, String lane) {

  public static final String ON_SALE = "on_sale";

  public VisitorState withSale(String sale) {
    return new VisitorState(state, position, waiting, activeUntil, reason, turnover, returned, sale, lane);
  }

  /** In a lane of the event's line ({@code lane}: its name; null for an event without lanes): the position is within it. */
  public VisitorState withLane(String lane) {
    return new VisitorState(state, position, waiting, activeUntil, reason, turnover, returned, sale, lane);
  }

  public enum State {
    WAITING, ACTIVE, GONE,
    /** Joined before the opening: waiting, with no position until the pre-queue is ordered. */
    PREQUEUE;

    public String wire() {
      return this == PREQUEUE ? "waiting" : name().toLowerCase();
    }
  }

  public static VisitorState waiting(long position, long waiting, Turnover turnover, boolean returned) {
    return new VisitorState(State.WAITING, position, waiting, null, null, turnover, returned, ON_SALE, null);
  }

  public static VisitorState active(long activeUntil, long waiting, Turnover turnover) {
    return new VisitorState(State.ACTIVE, null, waiting, activeUntil, null, turnover, false, ON_SALE, null);
  }

  public static VisitorState prequeued(long prequeued, Turnover turnover, boolean returned) {
    return new VisitorState(State.PREQUEUE, null, prequeued, null, null, turnover, returned, ON_SALE, null);
  }

  public static VisitorState gone(String reason, long waiting, Turnover turnover) {
    return new VisitorState(State.GONE, null, waiting, null, reason, turnover, false, ON_SALE, null);
  }
}
