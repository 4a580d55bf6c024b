package dev.foyer.line;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The chance of a ticket a waiting visitor is told, from the stock frame its node last heard. */
class ChanceTest {

  /** 60 free, nobody shopping, every admitted visitor buys 2: counted when 100 had been admitted. */
  private static JsonObject frame() {
    return new JsonObject().put("type", "stock").put("free", 60).put("held", 0).put("shoppers", 0)
        .put("admittedTotal", 100)
        .put("measured", new JsonObject().put("perBuyer", 2.0).put("buyShare", 1.0).put("returnShare", 0.0));
  }

  @Test
  void visitorsAdmittedSinceTheStockWasCountedStandAheadOfThoseStillWaiting() {
    // 40 admitted since the frame: the visitor now 10th was 50th when the 60 tickets were counted,
    // behind 49 buyers of 2 each
    assertEquals(Chance.UNLIKELY, Chance.of(frame(), 10, 4, 140));
    // nobody admitted since: 9 ahead take about 18 of the 60
    assertEquals(Chance.LIKELY, Chance.of(frame(), 10, 4, 100));
  }

  @Test
  void withoutProgressHeardOnlyTheFrameCounts() {
    assertEquals(Chance.LIKELY, Chance.of(frame(), 10, 4, -1));
    assertEquals(Chance.LIKELY, Chance.of(frame().copy().putNull("admittedTotal"), 10, 4, 140));
  }

  @Test
  void aProgressFrameOlderThanTheStockFrameMovesNothing() {
    assertEquals(Chance.LIKELY, Chance.of(frame(), 10, 4, 90));
  }

  @Test
  void nothingIsSaidBeforeAnyStockFrame() {
    assertNull(Chance.of(null, 10, 4, 140));
  }
}
