package dev.foyer.ingress;

import dev.foyer.support.ApiClient;
import dev.foyer.support.TestNode;
import dev.foyer.support.TestServices;
import dev.foyer.support.TestSetup;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

@ExtendWith(VertxExtension.class)
class HealthTest {

  private static TestNode node;
  private final TestSetup setup = new TestSetup();
  private ApiClient api;

  @BeforeAll
  static void startNode() {
    node = TestNode.start(TestSetup.clusterName(HealthTest.class));
  }

  @AfterAll
  static void stopNode() {
    node.close();
  }

  @AfterEach
  void undeploy(Vertx vertx) throws Exception {
    node.undeploy().await(30, TimeUnit.SECONDS);
    setup.cleanUp(vertx);
    api.close();
  }

  @Test
  void healthIsUpWhenRedisPostgresAndTheClusterAre(Vertx vertx, VertxTestContext ctx) {
    node.deploy(setup.config())
        .compose(v -> {
          api = new ApiClient(vertx, node.port());
          return api.request(HttpMethod.GET, "/health").send();
        })
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          assertEquals(200, r.statusCode());
          assertEquals(new JsonObject().put("status", "UP").put("checks",
              new JsonObject().put("redis", "UP").put("postgres", "UP").put("cluster", "UP")), r.bodyAsJsonObject());
          ctx.completeNow();
        })));
  }

  @Test
  void metricsShowTheSaleInPrometheusText(Vertx vertx, VertxTestContext ctx) {
    node.deploy(setup.config())
        .compose(v -> {
          api = new ApiClient(vertx, node.port());
          return api.createEvent("metered", new JsonObject().put("gate", "on").put("paused", true));
        })
        .compose(v -> api.join("metered"))
        .compose(v -> api.join("metered"))
        .compose(v -> dev.foyer.support.Waits.sleep(vertx, 800))
        .compose(v -> api.request(HttpMethod.GET, "/metrics").send())
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
    node.deploy(setup.config().withServers(List.of(deadRedis), TestServices.pgUrl()))
        .compose(v -> {
          api = new ApiClient(vertx, node.port());
          return api.createEvent("quiet-night", null).otherwise((JsonObject) null);
        })
        .compose(v -> api.request(HttpMethod.GET, "/health").send())
        .compose(health -> api.join("quiet-night").map(join -> {
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
