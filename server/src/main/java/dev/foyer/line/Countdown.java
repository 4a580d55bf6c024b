package dev.foyer.line;

import dev.foyer.event.EventSettings;

/**
 * How a rank frame lets the page move its number by itself ({@link Position}): the admission rate
 * to count down with and the lowest position it may reach before the next frame.
 *
 * @param rate      admissions per second: the measured rate (the push room measures the last ten
 *                  seconds; a page registering gets the rate its ETA stands for, see {@link #rateOf}), never above the
 *                  rate cap; 0 while paused or before anything was measured, so the page stands still
 * @param allowance the most admissions the line can let through before the next frame (a
 *                  keepalive comes within {@link #KEEPALIVE_MILLIS}): the rate cap over that time
 *                  plus the second's burst the cap allows; none (-1) without a cap
 */
public record Countdown(double rate, long allowance) {

  /**
   * Near the front the page does not count by itself: admissions come in lumps (a tick's worth, a
   * seat freed), and a page counting smoothly would run ahead and be put back. There every change
   * of the position is sent instead, as it happens.
   */
  public static final long EXACT_WITHIN = 100;

  /** The longest a connected page goes without a rank frame while it waits. */
  public static final long KEEPALIVE_MILLIS = 30_000;

  public static Countdown of(EventSettings settings, Double measured) {
    double perSecondCap = settings.admitPerMinute() / 60.0;
    double rate = settings.paused() || measured == null || !(measured > 0) ? 0 : measured;
    if (settings.admitPerMinute() > 0) {
      rate = Math.min(rate, perSecondCap);
    }
    long allowance = settings.admitPerMinute() > 0
        ? (long) Math.ceil(perSecondCap * (KEEPALIVE_MILLIS / 1000.0 + 2)) + (long) Math.ceil(Math.max(1, perSecondCap))
        : -1;
    // a thousandth of an admission a second: the frame stays short and the page and the push room
    // count with exactly the same number
    return new Countdown(Math.round(rate * 1000) / 1000.0, allowance);
  }

  /**
   * The admission rate a visitor's ETA stands for (position over the likeliest wait), for the frame
   * a register sends before the push room has measured anything; null when the wait is not known.
   */
  public static Double rateOf(long position, Eta.Estimate eta) {
    return eta.status() == Eta.Status.ESTIMATE && eta.seconds() != null && eta.seconds() > 0
        ? (double) position / eta.seconds() : null;
  }

  /** The frame's {@code rate} for a visitor at this position: none within the first {@link #EXACT_WITHIN}. */
  public double rateAt(long position) {
    return position <= EXACT_WITHIN ? 0 : rate;
  }

  /** The frame's {@code floor}: never below 1. */
  public long floor(long position) {
    return allowance < 0 ? 1 : Math.max(1, position - allowance);
  }

  /**
   * Whether the page should be told of a new rate: from standing still to moving or back, or by
   * more than a fifth. Below that the drift check corrects what a small difference adds up to.
   */
  public static boolean materiallyDifferent(double shown, double now) {
    if ((shown > 0) != (now > 0)) {
      return true;
    }
    return Math.abs(shown - now) > 0.2 * Math.max(shown, now);
  }
}
