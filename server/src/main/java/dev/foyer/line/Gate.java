package dev.foyer.line;

import dev.foyer.event.EventSettings;

/**
 * The traffic-adaptive gate's decision for one event and one tick: whether joiners wait in line
 * (queueing) or pass straight in while capacity allows. Pure, so it is tested against any clock.
 * In {@code auto}: on at or above gateOnRate, off at or below gateOffRate, never back sooner than
 * gateDebounceSeconds after the last flip, except that a spike (at or above spikeRate) turns it on
 * at once. Modes {@code on} and {@code off} override.
 */
public final class Gate {

  private Gate() {
  }

  /** What the gate was: queueing or not, and when it last flipped (epoch ms, 0 = never). */
  public record State(boolean queueing, long flippedAt) {
  }

  /** What it becomes; {@code why} says what caused a flip, in words for the log. */
  public record Decision(boolean queueing, boolean flipped, String why) {
  }

  public static Decision decide(EventSettings settings, State state, long ratePerSecond, long now) {
    boolean q = state.queueing();
    switch (settings.gate()) {
      case ON:
        return q ? stay(true) : flip(true, "gate mode set to on");
      case OFF:
        return q ? flip(false, "gate mode set to off") : stay(false);
      default:
        break;
    }
    boolean debounced = now - state.flippedAt() >= settings.gateDebounceSeconds() * 1000L;
    if (!q && ratePerSecond >= settings.spikeRate()) {
      return flip(true, ratePerSecond + " req/s is a spike (>= " + settings.spikeRate() + ")");
    }
    if (!q && ratePerSecond >= settings.gateOnRate() && debounced) {
      return flip(true, ratePerSecond + " req/s >= " + settings.gateOnRate());
    }
    if (q && ratePerSecond <= settings.gateOffRate() && debounced) {
      return flip(false, ratePerSecond + " req/s <= " + settings.gateOffRate());
    }
    return stay(q);
  }

  private static Decision stay(boolean queueing) {
    return new Decision(queueing, false, null);
  }

  private static Decision flip(boolean queueing, String why) {
    return new Decision(queueing, true, why);
  }
}
