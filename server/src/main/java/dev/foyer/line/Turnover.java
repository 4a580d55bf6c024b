package dev.foyer.line;

/**
 * How fast the active slots of an event free up, as the admission tick measured it (admit.lua):
 * {@code freed} slots over {@code exposure} slot-seconds occupied, both exponentially weighted over
 * the rate window; with the number of slots taken now. Filling empty capacity frees nothing, so
 * the opening's first admissions never pass for a sustained rate.
 */
public record Turnover(long active, double freed, double exposure) {

  /** Slots freed per second per slot occupied; null while nothing has been seen to free. */
  public Double perSlotPerSecond() {
    return exposure > 0 && freed > 0 ? freed / exposure : null;
  }
}
