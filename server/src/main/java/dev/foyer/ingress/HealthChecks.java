package dev.foyer.ingress;

import dev.foyer.common.SplitWatch;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.sqlclient.Pool;

import java.util.concurrent.TimeUnit;

/** Redis, PostgreSQL and cluster membership, each answered within two seconds or counted down. */
record HealthChecks(Vertx vertx, Redis redis, Pool pg) {

  private static final long TIMEOUT_MILLIS = 2000;


  /** Always succeeds: {status: UP|DOWN, checks: {redis, postgres, cluster}}. */
  Future<JsonObject> check() {
    Future<String> redisCheck = probe(redis.send(Request.cmd(Command.PING)).mapEmpty());
    long start = System.nanoTime();
    Future<String> pgCheck = probe(pg.query("SELECT 1").execute()
        .onSuccess(r -> dev.foyer.common.Metrics.postgres("health").record(System.nanoTime() - start,
            TimeUnit.NANOSECONDS)).mapEmpty());
    Future<String> clusterCheck = Future.succeededFuture(clusterState());
    return Future.join(redisCheck, pgCheck, clusterCheck).transform(ar -> {
      JsonObject checks = new JsonObject()
          .put("redis", redisCheck.result())
          .put("postgres", pgCheck.result())
          .put("cluster", clusterCheck.result());
      boolean up = checks.stream().allMatch(e -> "UP".equals(e.getValue()));
      JsonObject body = new JsonObject().put("status", up ? "UP" : "DOWN").put("checks", checks);
      String split = SplitWatch.details(vertx);
      if (split != null) {
        // a split leaves the node UP: each part serves its visitors, and all nodes DOWN would end the sale
        body.put("details", new JsonObject().put("cluster", split));
      }
      return Future.succeededFuture(body);
    });
  }

  private Future<String> probe(Future<Void> call) {
    return call.timeout(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)
        .map("UP")
        .recover(err -> Future.succeededFuture("DOWN"));
  }

  private String clusterState() {
    var manager = ((VertxInternal) vertx).clusterManager();
    if (manager == null) {
      return "DOWN";
    }
    return manager.isActive() && manager.getNodes().contains(manager.getNodeId()) ? "UP" : "DOWN";
  }
}
