package dev.foyer.ingress;

import dev.foyer.support.FoyerCluster;
import dev.foyer.support.TestServices;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

@ExtendWith(VertxExtension.class)
class HealthTest {

  @RegisterExtension
  static final FoyerCluster cluster = FoyerCluster.nodes(1).deployedByTest();

  @Test
  void healthIsUpWhenRedisPostgresAndTheClusterAre(Vertx vertx, VertxTestContext ctx) {
    cluster.deploy()
        .compose(v -> cluster.api().request(HttpMethod.GET, "/health").send())
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          assertEquals(200, r.statusCode());
          assertEquals(new JsonObject().put("status", "UP").put("checks",
              new JsonObject().put("redis", "UP").put("postgres", "UP").put("cluster", "UP")), r.bodyAsJsonObject());
          ctx.completeNow();
        })));
  }

  @Test
  void metricsShowTheSaleInPrometheusText(Vertx vertx, VertxTestContext ctx) {
    cluster.deploy()
        .compose(v -> cluster.api().createEvent("metered", new JsonObject().put("gate", "on").put("paused", true)))
        .compose(v -> cluster.api().join("metered"))
        .compose(v -> cluster.api().join("metered"))
        .compose(v -> dev.foyer.support.Waits.sleep(vertx, 800))
        .compose(v -> cluster.api().request(HttpMethod.GET, "/metrics").send())
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          String text = r.bodyAsString();
          assertEquals(200, r.statusCode());
          for (String line : List.of("foyer_joins_total{event=\"metered\"} 2.0",
              "foyer_waiting_visitors{event=\"metered\"} 2.0", "foyer_gate_queueing{event=\"metered\"} 1.0",
              "foyer_connected_sockets ", "foyer_redis_script_seconds_count{script=\"join\"}",
              "process_cpu_time_ns_total ")) {
            org.junit.jupiter.api.Assertions.assertTrue(text.contains(line), "metrics show " + line);
          }
          ctx.completeNow();
        })));
  }

  @Test
  void withRedisUnreachableHealthIs503AndRequestsGetDependencyDown(Vertx vertx, VertxTestContext ctx) {
    String deadRedis = "redis://127.0.0.1:" + TestServices.freePort();
    cluster.deploy(config -> config.withServers(List.of(deadRedis), TestServices.pgUrl()))
        .compose(v -> cluster.api().createEvent("quiet-night", null).otherwise((JsonObject) null))
        .compose(v -> cluster.api().request(HttpMethod.GET, "/health").send())
        .compose(health -> cluster.api().join("quiet-night").map(join -> {
          ctx.verify(() -> {
            assertEquals(503, health.statusCode());
            assertEquals("DOWN", health.bodyAsJsonObject().getJsonObject("checks").getString("redis"));
            assertEquals("UP", health.bodyAsJsonObject().getJsonObject("checks").getString("postgres"));
            assertEquals(503, join.statusCode(), join.bodyAsString());
            assertEquals("dependency_down", join.bodyAsJsonObject().getString("error"));
          });
          return null;
        }))
        .onComplete(ctx.succeedingThenComplete());
  }
}
