package dev.foyer.bench;

import io.vertx.core.Future;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;

/** CPU time and heap of the foyer process, read from its own /metrics. */
record ServerMetrics(double cpuSeconds, long heapUsedBytes, long liveDataBytes) {

  static Future<ServerMetrics> read(HttpClient http) {
    return http.request(HttpMethod.GET, "/metrics")
        .compose(req -> req.send().compose(resp -> resp.body()))
        .map(body -> {
          double cpuNanos = 0;
          long heap = 0;
          long live = 0;
          for (String line : body.toString().split("\n")) {
            if (line.startsWith("process_cpu_time_ns_total ")) {
              cpuNanos = Double.parseDouble(line.substring(line.indexOf(' ') + 1));
            } else if (line.startsWith("jvm_memory_used_bytes{area=\"heap\"")) {
              heap += (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            } else if (line.startsWith("jvm_gc_live_data_size_bytes ")) {
              live = (long) Double.parseDouble(line.substring(line.indexOf(' ') + 1));
            }
          }
          return new ServerMetrics(cpuNanos / 1e9, heap, live);
        });
  }
}
