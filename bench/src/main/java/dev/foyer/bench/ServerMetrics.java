package dev.foyer.bench;

import io.vertx.core.Future;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;

/**
 * CPU time, heap and the bridge's figures of the foyer process, read from its own /metrics. A
 * meter the server does not have (an older foyer) reads as 0.
 */
record ServerMetrics(double cpuSeconds, long heapUsedBytes, long liveDataBytes, long connectedVisitors,
                     long socketsBehind, long slowSocketsClosed, long framesCoalesced,
                     java.util.Map<String, Long> rankFramesByReason) {

  static Future<ServerMetrics> read(HttpClient http) {
    return http.request(Api.request(HttpMethod.GET, "/metrics"))
        .compose(req -> req.send().compose(resp -> resp.body()))
        .map(body -> {
          double cpuNanos = 0;
          long heap = 0;
          long live = 0;
          long visitors = 0;
          long behind = 0;
          long closed = 0;
          long coalesced = 0;
          java.util.Map<String, Long> byReason = new java.util.TreeMap<>();
          for (String line : body.toString().split("\n")) {
            if (line.startsWith("process_cpu_time_ns_total ")) {
              cpuNanos = Double.parseDouble(line.substring(line.indexOf(' ') + 1));
            } else if (line.startsWith("jvm_memory_used_bytes{area=\"heap\"")) {
              heap += value(line);
            } else if (line.startsWith("jvm_gc_live_data_size_bytes ")) {
              live = value(line);
            } else if (line.startsWith("foyer_connected_visitors ")) {
              visitors = value(line);
            } else if (line.startsWith("foyer_sockets_behind ")) {
              behind = value(line);
            } else if (line.startsWith("foyer_slow_sockets_closed_total")) {
              closed += value(line);
            } else if (line.startsWith("foyer_frames_coalesced_total ")) {
              coalesced = value(line);
            } else if (line.startsWith("foyer_rank_frames_sent_total{")) {
              int at = line.indexOf("reason=\"");
              if (at >= 0) {
                byReason.merge(line.substring(at + 8, line.indexOf('"', at + 8)), value(line), Long::sum);
              }
            }
          }
          return new ServerMetrics(cpuNanos / 1e9, heap, live, visitors, behind, closed, coalesced, byReason);
        });
  }

  private static long value(String line) {
    return (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
  }
}
