package dev.foyer.bench;

import io.vertx.core.json.JsonObject;

import java.util.concurrent.atomic.AtomicLong;

/** One {@code seatmap} phase's figures, summed over its rounds. */
final class SeatMapStats {

  final Latencies probe = new Latencies();
  final Latencies loadLatency = new Latencies();
  final AtomicLong probeErrors = new AtomicLong();
  final AtomicLong probesSkipped = new AtomicLong();
  final AtomicLong full = new AtomicLong();
  final AtomicLong notModified = new AtomicLong();
  final AtomicLong loadErrors = new AtomicLong();
  final AtomicLong bytes = new AtomicLong();
  final AtomicLong holds = new AtomicLong();
  final AtomicLong holdErrors = new AtomicLong();
  double seconds;
  double cpuSeconds;

  JsonObject toJson() {
    long loads = full.get() + notModified.get();
    return new JsonObject()
        .put("seconds", Math.round(seconds * 100) / 100.0)
        .put("probeMillis", probe.summaryMillis())
        .put("probeErrors", probeErrors.get())
        .put("probesSkipped", probesSkipped.get())
        .put("loads", loads)
        .put("loadsPerSecond", Math.round(loads / seconds * 10) / 10.0)
        .put("fullLoads", full.get())
        .put("notModified", notModified.get())
        .put("loadErrors", loadErrors.get())
        .put("bytesReceived", bytes.get())
        .put("bytesPerLoad", loads == 0 ? 0 : bytes.get() / loads)
        .put("loadMillis", loadLatency.summaryMillis())
        .put("holds", holds.get())
        .put("holdErrors", holdErrors.get())
        .put("serverCpuSeconds", Math.round(cpuSeconds * 100) / 100.0)
        .put("serverCpuMillisPerLoad", loads == 0 ? null : Math.round(cpuSeconds * 1e6 / loads) / 1000.0);
  }
}
