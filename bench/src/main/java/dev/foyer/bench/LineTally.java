package dev.foyer.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the pages of every harness process of one {@code line} phase counted, merged exactly: the
 * raw samples of each ({@link LinePages#toJson}) are put together before any percentile is taken,
 * notices are matched by visitor across processes, and the far-back figures are taken over every
 * page's own record.
 */
final class LineTally {

  /** Far back: where a page showed beyond this place at its last moment in the window, it was beyond it all along. */
  static final long FAR_BACK_PLACES = 2000;

  private final Map<String, Integer> notices = new HashMap<>();
  private final Latencies noticeLatency = new Latencies();
  private final DisplayedError displayed;
  private final long[] visitorsAtStartByNode;
  private final List<long[]> farBack = new ArrayList<>();
  private final JsonArray processes = new JsonArray();
  private long rankFrames;
  private long polls;
  private long errors;
  private long joinsDuringRun;
  private long departures;
  private long waitedMillis;

  LineTally(int admitPerMinute, int nodes) {
    this.displayed = new DisplayedError(admitPerMinute);
    this.visitorsAtStartByNode = new long[nodes];
  }

  /** One process's figures. */
  void add(JsonObject part) {
    rankFrames += part.getLong("rankFrames");
    polls += part.getLong("polls");
    errors += part.getLong("errors");
    joinsDuringRun += part.getLong("joinsDuringRun");
    departures += part.getLong("departures");
    waitedMillis += part.getLong("waitedMillis");
    JsonArray byNode = part.getJsonArray("visitorsAtStartByNode");
    for (int i = 0; i < byNode.size(); i++) {
      visitorsAtStartByNode[i] += byNode.getLong(i);
    }
    part.getJsonObject("notices").forEach(e -> notices.merge(e.getKey(), ((Number) e.getValue()).intValue(), Integer::sum));
    part.getJsonArray("noticeLatencyMicros").forEach(l -> noticeLatency.add(((Number) l).longValue()));
    displayed.addAll(part.getJsonArray("displayedSamples"));
    JsonArray records = part.getJsonArray("farBack");
    for (int i = 0; i + 2 < records.size(); i += 3) {
      farBack.add(new long[] {records.getLong(i), records.getLong(i + 1), records.getLong(i + 2)});
    }
    processes.add(new JsonObject().put("process", part.getInteger("process"))
        .put("visitorsAtStart", part.getInteger("visitorsAtStart")).put("joinsDuringRun", part.getLong("joinsDuringRun"))
        .put("departures", part.getLong("departures")).put("admissionNotices", part.getJsonObject("notices").size())
        .put("rankFrames", part.getLong("rankFrames")).put("polls", part.getLong("polls"))
        .put("displayedErrorSamples", part.getJsonArray("displayedSamples").size() / 2)
        .put("errors", part.getLong("errors")));
  }

  int noticesReceived() {
    return notices.size();
  }

  long duplicateNotices() {
    return notices.values().stream().filter(n -> n > 1).count();
  }

  Latencies noticeLatency() {
    return noticeLatency;
  }

  DisplayedError displayed() {
    return displayed;
  }

  long rankFrames() {
    return rankFrames;
  }

  long polls() {
    return polls;
  }

  long errors() {
    return errors;
  }

  long joinsDuringRun() {
    return joinsDuringRun;
  }

  long departures() {
    return departures;
  }

  /** Every page's waiting inside the measured window (each process's own window), in minutes. */
  double visitorMinutes() {
    return waitedMillis / 60_000.0;
  }

  long[] visitorsAtStartByNode() {
    return visitorsAtStartByNode;
  }

  /** Each process's own counts, to see the spread. */
  JsonArray processes() {
    return processes;
  }

  /**
   * Frames (or polls) per visitor-minute of the pages at the back: {@code beyond2000}, the pages not
   * admitted whose shown position at their last moment in the window (its end, or their departure)
   * was beyond 2,000 places (a position only falls, so it was beyond 2,000 all the time they waited;
   * the shown position is within the node's correction mark of the truth, about 1 %); and
   * {@code backHalf}, the half of the pages not admitted furthest back by that same position, for a
   * line too short to have anyone beyond 2,000.
   */
  JsonObject farBackJson(String perMinuteField) {
    List<long[]> sorted = new ArrayList<>(farBack);
    sorted.sort(Comparator.comparingLong((long[] r) -> r[0]).reversed());
    List<long[]> beyond = sorted.stream().filter(r -> r[0] > FAR_BACK_PLACES).toList();
    List<long[]> backHalf = sorted.subList(0, (sorted.size() + 1) / 2);
    return new JsonObject()
        .put("beyond2000", group(beyond, perMinuteField))
        .put("backHalf", group(backHalf, perMinuteField)
            .put("fromShownPosition", backHalf.isEmpty() ? null : backHalf.get(backHalf.size() - 1)[0]));
  }

  private static JsonObject group(List<long[]> records, String perMinuteField) {
    long frames = 0;
    long millis = 0;
    for (long[] r : records) {
      frames += r[1];
      millis += r[2];
    }
    double minutes = millis / 60_000.0;
    return new JsonObject().put("visitors", records.size()).put("visitorMinutes", Math.round(minutes * 10) / 10.0)
        .put(perMinuteField, minutes == 0 ? null : Math.round(frames / minutes * 100) / 100.0);
  }
}
