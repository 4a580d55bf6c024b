package dev.foyer.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How far the position a {@code line} page shows is from the truth the server tells: every sample
 * and by band of the true position (near the front a tick's admissions, a lump, are more than
 * 1 %: the bands tell where the error is). Latencies keeps microseconds and reports milliseconds,
 * so an error recorded as places x 1000 reads back in places. Every sample is kept as it came
 * ({@link #samplesJson}), so the samples of several harness processes merge exactly
 * ({@link #addAll}): the percentiles are taken over all of them, never averaged.
 */
final class DisplayedError {

  /** The samples whose true position fell in one band of the line. */
  private static final class Band {
    final String name;
    final long upTo;
    final Latencies absolute = new Latencies();
    final Latencies relative = new Latencies();
    final AtomicLong within = new AtomicLong();
    final AtomicLong withinTick = new AtomicLong();

    Band(String name, long upTo) {
      this.name = name;
      this.upTo = upTo;
    }

    void add(long error, long truth, double lump) {
      absolute.add(error * 1000);
      relative.add(Math.round(error * 100.0 * 100 / truth) * 1000);
      if (error <= Math.max(1, truth / 100.0)) {
        within.incrementAndGet();
      }
      if (error <= Math.max(lump, Math.max(1, truth / 100.0))) {
        withinTick.incrementAndGet();
      }
    }

    JsonObject toJson() {
      long n = absolute.count();
      return new JsonObject().put("samples", n).put("absolute", absolute.summaryMillis())
          .put("relativePercent", percent(relative.summaryMillis()))
          .put("withinMax1Or1Percent", n == 0 ? null : Math.round(within.get() * 10000.0 / n) / 100.0)
          .put("withinMax1Or1PercentOrOneTick", n == 0 ? null : Math.round(withinTick.get() * 10000.0 / n) / 100.0);
    }
  }

  /** Places one admission tick (1 s, the node's default tickMillis) moves the line at the rate cap. */
  private final double lump;
  private final Latencies absolute = new Latencies();
  private final Latencies relative = new Latencies();
  private final AtomicLong within = new AtomicLong();
  private final List<Band> bands = List.of(new Band("first100", 100), new Band("upTo2000", 2000),
      new Band("beyond2000", Long.MAX_VALUE));
  /** Shown, truth, shown, truth, ...: every sample as it came. */
  private long[] raw = new long[256];
  private int rawSize;

  DisplayedError(int admitPerMinute) {
    this.lump = admitPerMinute / 60.0;
  }

  void add(long shown, long truth) {
    keep(shown, truth);
    long error = Math.abs(shown - truth);
    absolute.add(error * 1000);
    relative.add(Math.round(error * 100.0 * 100 / truth) * 1000); // hundredths of a percent
    if (error <= Math.max(1, truth / 100.0)) {
      within.incrementAndGet();
    }
    for (Band b : bands) {
      if (truth <= b.upTo) {
        b.add(error, truth, lump);
        break;
      }
    }
  }

  private synchronized void keep(long shown, long truth) {
    if (rawSize + 2 > raw.length) {
      raw = Arrays.copyOf(raw, raw.length * 2);
    }
    raw[rawSize++] = shown;
    raw[rawSize++] = truth;
  }

  /** Every sample, flat: [shown, truth, shown, truth, ...]. */
  synchronized JsonArray samplesJson() {
    JsonArray out = new JsonArray();
    for (int i = 0; i < rawSize; i++) {
      out.add(raw[i]);
    }
    return out;
  }

  /** Another process's samples ({@link #samplesJson}), counted as if taken here. */
  void addAll(JsonArray samples) {
    for (int i = 0; i + 1 < samples.size(); i += 2) {
      add(samples.getLong(i), samples.getLong(i + 1));
    }
  }

  long samples() {
    return absolute.count();
  }

  JsonObject toJson() {
    long samples = absolute.count();
    JsonObject byTruePosition = new JsonObject();
    bands.forEach(b -> byTruePosition.put(b.name, b.toJson()));
    return new JsonObject()
        .put("samples", samples)
        .put("absolute", absolute.summaryMillis())
        .put("relativePercent", percent(relative.summaryMillis()))
        .put("withinMax1Or1Percent", samples == 0 ? null : Math.round(within.get() * 10000.0 / samples) / 100.0)
        .put("byTruePosition", byTruePosition);
  }

  /** A summary of hundredths of a percent, in percent. */
  private static JsonObject percent(JsonObject summary) {
    JsonObject out = new JsonObject().put("count", summary.getValue("count"));
    for (String k : List.of("p50", "p90", "p99", "max")) {
      Double v = summary.getDouble(k);
      out.put(k, v == null ? null : v / 100.0);
    }
    return out;
  }
}
