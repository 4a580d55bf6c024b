package dev.foyer.line;

import dev.foyer.event.EventSettings;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The gate's decisions against a clock the test controls and synthetic rates. */
class GateTest {

  /** on at 1200, off at 800, spike 1500, no flip back within 180 s. */
  private static final EventSettings AUTO = EventSettings.defaults();
  private static final long MINUTE = 60_000;

  private static Gate.Decision decide(EventSettings s, boolean queueing, long flippedAt, long rate, long now) {
    return Gate.decide(s, new Gate.State(queueing, flippedAt), rate, now);
  }

  @Test
  void itTurnsOnAtTheOnRateAndNotBelow() {
    long now = 10 * MINUTE;
    assertFalse(decide(AUTO, false, 0, 1199, now).queueing());
    Gate.Decision on = decide(AUTO, false, 0, 1200, now);
    assertTrue(on.queueing());
    assertTrue(on.flipped());
  }

  @Test
  void itTurnsOffAtTheOffRateAndNotAbove() {
    long now = 10 * MINUTE;
    assertTrue(decide(AUTO, true, 0, 801, now).queueing(), "between the thresholds it stays on: hysteresis");
    assertFalse(decide(AUTO, true, 0, 800, now).queueing());
  }

  @Test
  void betweenTheThresholdsItKeepsWhateverItWas() {
    long now = 10 * MINUTE;
    assertFalse(decide(AUTO, false, 0, 1000, now).queueing());
    assertTrue(decide(AUTO, true, 0, 1000, now).queueing());
  }

  @Test
  void itDoesNotFlipBackWithinTheDebouncePeriod() {
    long flipped = 10 * MINUTE;
    assertTrue(decide(AUTO, true, flipped, 0, flipped + 179_999).queueing(), "still on 1 ms before the debounce ends");
    assertFalse(decide(AUTO, true, flipped, 0, flipped + 180_000).queueing());
    assertFalse(decide(AUTO, false, flipped, 1400, flipped + 60_000).queueing(), "a high rate waits for the debounce");
    assertTrue(decide(AUTO, false, flipped, 1400, flipped + 180_000).queueing());
  }

  @Test
  void aSpikeTurnsItOnAtOnceEvenWithinTheDebounce() {
    long flipped = 10 * MINUTE;
    Gate.Decision spike = decide(AUTO, false, flipped, 1500, flipped + 1000);
    assertTrue(spike.queueing());
    assertTrue(spike.why().contains("spike"));
    assertFalse(decide(AUTO, false, flipped, 1499, flipped + 1000).queueing());
  }

  @Test
  void modesOnAndOffOverrideTheTraffic() {
    EventSettings on = AUTO.merge(new JsonObject().put("gate", "on"));
    EventSettings off = AUTO.merge(new JsonObject().put("gate", "off"));
    long now = 10 * MINUTE;
    assertTrue(decide(on, false, now, 0, now).queueing(), "on queues with no traffic, debounce or not");
    assertTrue(decide(on, true, 0, 0, now).queueing());
    assertFalse(decide(off, true, now, 100_000, now).queueing(), "off never queues, even in a spike");
    assertFalse(decide(off, false, 0, 100_000, now).queueing());
  }

  @Test
  void stayingPutIsNotAFlip() {
    assertFalse(decide(AUTO, true, 0, 5000, 10 * MINUTE).flipped());
    assertFalse(decide(AUTO, false, 0, 0, 10 * MINUTE).flipped());
  }
}
