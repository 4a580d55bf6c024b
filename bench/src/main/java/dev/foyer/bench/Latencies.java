package dev.foyer.bench;

import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Recorded latencies in microseconds, summarised as percentiles. */
final class Latencies {

  private long[] values = new long[1024];
  private int size;

  synchronized void add(long micros) {
    if (size == values.length) {
      values = Arrays.copyOf(values, size * 2);
    }
    values[size++] = micros;
  }

  /** Forgets what was recorded (a warm-up's figures). */
  synchronized void reset() {
    size = 0;
  }

  synchronized int count() {
    return size;
  }

  synchronized List<Object> values() {
    List<Object> out = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      out.add(values[i]);
    }
    return out;
  }

  synchronized JsonObject summaryMillis() {
    long[] sorted = Arrays.copyOf(values, size);
    Arrays.sort(sorted);
    return new JsonObject()
        .put("count", size)
        .put("p50", percentile(sorted, 0.50))
        .put("p90", percentile(sorted, 0.90))
        .put("p99", percentile(sorted, 0.99))
        .put("max", size == 0 ? null : sorted[size - 1] / 1000.0);
  }

  private static Double percentile(long[] sorted, double p) {
    if (sorted.length == 0) {
      return null;
    }
    int index = (int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1);
    return sorted[Math.max(0, index)] / 1000.0;
  }
}
