package dev.foyer.line;

import dev.foyer.event.EventSettings;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The wait shown in line: from the free slots, the measured turnover and the rate cap, or "measuring". */
class EtaTest {

  private static EventSettings settings(JsonObject json) {
    return EventSettings.defaults().merge(json);
  }

  @Test
  void behindAFullHouseWithNoTurnoverTheWaitIsUnknownButBoundedByTheSlotsTime() {
    // the case: one slot, held for 300 s, nobody has left yet
    EventSettings one = settings(new JsonObject().put("maxActive", 1).put("activeSeconds", 300).put("admitPerMinute", 0));
    Eta.Estimate eta = Eta.of(1, new Turnover(1, 0, 250), one);
    assertEquals(Eta.Status.MEASURING, eta.status());
    assertNull(eta.seconds(), "no point figure: it could be a second or five minutes");
    assertNull(eta.low());
    assertEquals(300L, eta.high(), "but never longer than the slot's time");
    // 30th in line behind 30 full slots: within the first turnover of the house; the 31st, the second
    EventSettings thirty = settings(new JsonObject().put("maxActive", 30).put("activeSeconds", 600).put("admitPerMinute", 0));
    assertEquals(600L, Eta.of(30, new Turnover(30, 0, 0), thirty).high());
    assertEquals(1200L, Eta.of(31, new Turnover(30, 0, 0), thirty).high());
    assertEquals(600L, Eta.of(45, new Turnover(15, 0, 0), thirty).high(), "15 free, 30 to free: one turnover");
  }

  @Test
  void theOpeningFillIsNoRateAndAHouseWorthOfDeparturesMakesOne() {
    EventSettings thirty = settings(new JsonObject().put("maxActive", 30).put("activeSeconds", 600).put("admitPerMinute", 0));
    // 30 admitted at once into empty slots: nothing freed, so nothing measured
    assertEquals(Eta.Status.MEASURING, Eta.of(270, new Turnover(30, 0, 90), thirty).status());
    // a few short visits over: still not a house's worth
    assertEquals(Eta.Status.MEASURING, Eta.of(270, new Turnover(30, 12, 150), thirty).status());
    // 30 freed over 225 slot-seconds: one slot frees every 7.5 s, the house 4 a second
    Eta.Estimate eta = Eta.of(270, new Turnover(30, 30, 225), thirty);
    assertEquals(Eta.Status.ESTIMATE, eta.status());
    assertEquals(68L, eta.seconds(), "270 / 4 a second");
    assertTrue(eta.low() < 68 && eta.high() > 68, eta.toString());
    assertTrue(eta.high() <= 600, "never past the bound");
  }

  @Test
  void freeSlotsAndTheRateCapNeedNoMeasurement() {
    EventSettings capped = settings(new JsonObject().put("maxActive", 1000).put("admitPerMinute", 240));
    Eta.Estimate eta = Eta.of(80, new Turnover(0, 0, 0), capped);
    assertEquals(Eta.Status.ESTIMATE, eta.status());
    assertEquals(20L, eta.seconds(), "80 at 4 a second");
    Eta.Estimate next = Eta.of(1, new Turnover(999, 0, 0), settings(new JsonObject().put("maxActive", 1000)
        .put("admitPerMinute", 0)));
    assertEquals(0L, next.seconds(), "a free slot: the next tick");
  }

  @Test
  void aPauseSaysSoAndKeepsTheWaitOnceResumed() {
    EventSettings paused = settings(new JsonObject().put("maxActive", 1000).put("admitPerMinute", 240).put("paused", true));
    Eta.Estimate eta = Eta.of(80, new Turnover(0, 0, 0), paused);
    assertEquals(Eta.Status.PAUSED, eta.status());
    assertEquals(20L, eta.seconds());
    assertEquals(new JsonObject().put("status", "paused").put("low", 20L).put("high", 21L), eta.toJson());
  }
}
