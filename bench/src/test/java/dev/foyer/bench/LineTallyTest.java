package dev.foyer.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The merge of several harness processes' figures is exact: the same as one process holding every sample. */
class LineTallyTest {

  @Test
  void mergedProcessesGiveTheFiguresOfOneProcessHoldingEverySample() {
    Random random = new Random(25);
    DisplayedError whole = new DisplayedError(1200);
    Latencies wholeLatency = new Latencies();
    LineTally tally = new LineTally(1200, 2);
    for (int p = 0; p < 3; p++) {
      DisplayedError part = new DisplayedError(1200);
      Latencies latency = new Latencies();
      JsonObject notices = new JsonObject();
      // skewed parts: a percentile averaged over them would differ from the one over all samples
      for (int i = 0; i < 100 + 400 * p; i++) {
        long truth = 1 + random.nextInt(5000);
        long shown = truth + random.nextInt(1 + 50 * p);
        part.add(shown, truth);
        whole.add(shown, truth);
        long micros = 1000L * random.nextInt(100 + 1000 * p);
        latency.add(micros);
        wholeLatency.add(micros);
        notices.put("v" + p + "-" + i, 1);
      }
      tally.add(new JsonObject().put("process", p).put("visitorsAtStart", 10).put("visitorsAtStartByNode",
              new JsonArray().add(5).add(5)).put("joinsDuringRun", 1L).put("departures", 1L).put("rankFrames", 100L)
          .put("polls", 0L).put("errors", 0L).put("waitedMillis", 60_000L).put("notices", notices)
          .put("noticeLatencyMicros", new JsonArray(latency.values())).put("displayedSamples", part.samplesJson())
          .put("farBack", new JsonArray()));
    }
    assertEquals(whole.toJson(), tally.displayed().toJson());
    assertEquals(wholeLatency.summaryMillis(), tally.noticeLatency().summaryMillis());
    assertEquals(100 + 500 + 900, tally.noticesReceived());
    assertEquals(0, tally.duplicateNotices());
    assertEquals(3.0, tally.visitorMinutes());
    assertEquals(3, tally.processes().size());
  }

  @Test
  void farBackCountsThoseBeyond2000AndTheBackHalfByTheirLastShownPosition() {
    LineTally tally = new LineTally(1200, 1);
    // {shown at the end, frames in the window, ms waited in it}
    JsonArray a = new JsonArray().add(5000).add(2).add(60_000).add(100).add(30).add(60_000);
    JsonArray b = new JsonArray().add(2500).add(4).add(30_000).add(1500).add(10).add(60_000);
    JsonObject notices = new JsonObject().put("x", 1);
    tally.add(part(0, a, notices));
    tally.add(part(1, b, new JsonObject().put("x", 1)));
    JsonObject far = tally.farBackJson("rankFramesPerVisitorMinute");
    JsonObject beyond = far.getJsonObject("beyond2000");
    assertEquals(2, beyond.getInteger("visitors"));
    assertEquals(1.5, beyond.getDouble("visitorMinutes"));
    assertEquals(4.0, beyond.getDouble("rankFramesPerVisitorMinute"), "6 frames in 1.5 minutes");
    JsonObject backHalf = far.getJsonObject("backHalf");
    assertEquals(2, backHalf.getInteger("visitors"));
    assertEquals(2500, backHalf.getLong("fromShownPosition"));
    assertEquals(1, tally.duplicateNotices(), "one visitor's notice counted by two processes");
  }

  private static JsonObject part(int p, JsonArray farBack, JsonObject notices) {
    return new JsonObject().put("process", p).put("visitorsAtStart", 2).put("visitorsAtStartByNode", new JsonArray().add(2))
        .put("joinsDuringRun", 0L).put("departures", 0L).put("rankFrames", 0L).put("polls", 0L).put("errors", 0L)
        .put("waitedMillis", 120_000L).put("notices", notices).put("noticeLatencyMicros", new JsonArray())
        .put("displayedSamples", new JsonArray()).put("farBack", farBack);
  }
}
