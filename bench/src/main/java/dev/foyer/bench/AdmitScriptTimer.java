package dev.foyer.bench;

import io.vertx.core.Future;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;

/** Cumulative count and sum of the admission script's timer on the node, at one scrape of /metrics. */
record AdmitScriptTimer(long count, double seconds) {

  /** {@code foyer_redis_script_seconds{script="admit"}}: 0 and 0 before the node first ran it. */
  static Future<AdmitScriptTimer> read(HttpClient http) {
    return http.request(HttpMethod.GET, "/metrics")
        .compose(req -> req.send().compose(resp -> resp.body()))
        .map(body -> {
          long count = 0;
          double seconds = 0;
          for (String line : body.toString().split("\n")) {
            if (line.startsWith("foyer_redis_script_seconds_count{script=\"admit\"")) {
              count = (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            } else if (line.startsWith("foyer_redis_script_seconds_sum{script=\"admit\"")) {
              seconds = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
          }
          return new AdmitScriptTimer(count, seconds);
        });
  }
}
