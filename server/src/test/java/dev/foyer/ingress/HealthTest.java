package dev.foyer.ingress;

import dev.foyer.support.RefusingPort;
import dev.foyer.support.FoyerCluster;
import dev.foyer.support.TestServices;
import dev.foyer.support.Waits;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;

import static dev.foyer.support.Waits.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

@ExtendWith(VertxExtension.class)
class HealthTest {

  @RegisterExtension
  static final FoyerCluster cluster = FoyerCluster.nodes(1).deployedByTest();

  @Test
  void healthIsUpWhenRedisPostgresAndTheClusterAre() {
    await(cluster.deploy());
    HttpResponse<Buffer> r = await(cluster.api().request(HttpMethod.GET, "/health").send());
    assertEquals(200, r.statusCode());
    assertEquals(new JsonObject().put("status", "UP").put("checks",
        new JsonObject().put("redis", "UP").put("postgres", "UP").put("cluster", "UP")), r.bodyAsJsonObject());
  }

  @Test
  void metricsShowTheSaleInPrometheusText() throws Exception {
    await(cluster.deploy());
    await(cluster.api().createEvent("metered", new JsonObject().put("gate", "on").put("paused", true)));
    await(cluster.api().join("metered"));
    await(cluster.api().join("metered"));
    // the gauges are read as the ticks go by: each line is waited for, not a fixed pause
    for (String line : List.of("foyer_joins_total{event=\"metered\"} 2.0",
        "foyer_waiting_visitors{event=\"metered\"} 2.0", "foyer_gate_queueing{event=\"metered\"} 1.0",
        "foyer_connected_sockets ", "foyer_redis_script_seconds_count{script=\"join\"}",
        "process_cpu_time_ns_total ")) {
      Waits.until("metrics show " + line, 10_000, () -> {
        HttpResponse<Buffer> r = await(cluster.api().request(HttpMethod.GET, "/metrics").send());
        assertEquals(200, r.statusCode());
        return r.bodyAsString().contains(line);
      });
    }
  }

  /** Where Redis would be: nobody listens there. */
  private final RefusingPort down = new RefusingPort();

  @AfterEach
  void releaseDown() throws Exception {
    down.close();
  }

  @Test
  void withRedisUnreachableHealthIs503AndRequestsGetDependencyDown() throws Exception {
    String deadRedis = "redis://127.0.0.1:" + down.port();
    await(cluster.deploy(config -> config.withServers(List.of(deadRedis), TestServices.pgUrl())));
    await(cluster.api().createEvent("quiet-night", null).otherwise((JsonObject) null));
    HttpResponse<Buffer> health = await(cluster.api().request(HttpMethod.GET, "/health").send());
    HttpResponse<Buffer> join = await(cluster.api().join("quiet-night"));
    assertEquals(503, health.statusCode());
    assertEquals("DOWN", health.bodyAsJsonObject().getJsonObject("checks").getString("redis"));
    assertEquals("UP", health.bodyAsJsonObject().getJsonObject("checks").getString("postgres"));
    assertEquals(503, join.statusCode(), join.bodyAsString());
    assertEquals("dependency_down", join.bodyAsJsonObject().getString("error"));
  }
}
