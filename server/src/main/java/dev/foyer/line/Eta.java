package dev.foyer.line;

import dev.foyer.event.EventSettings;

/** The expected wait the contract shows a waiting visitor ({@code etaSeconds}). */
public final class Eta {

  private Eta() {
  }

  /**
   * Seconds until a visitor at {@code position} is let in: position over the measured rate, kept
   * between the event's turnover (so a full house or a pause never gives an absurd figure) and the
   * rate cap (so the burst of a first tick does not promise more than the cap allows). Null until a
   * rate has been measured.
   */
  public static Long seconds(long position, Double rate, EventSettings settings) {
    if (rate == null) {
      return null;
    }
    double perSecond = Math.max(rate, settings.turnoverPerSecond());
    if (settings.admitPerMinute() > 0) {
      perSecond = Math.min(perSecond, settings.admitPerMinute() / 60.0);
    }
    if (perSecond <= 0) {
      return null;
    }
    return (long) Math.ceil(position / perSecond);
  }
}
