package dev.foyer.cluster;

import dev.foyer.support.ApiClient;
import dev.foyer.support.BridgeClient;
import dev.foyer.support.FoyerCluster;
import dev.foyer.support.Nginx;
import dev.foyer.support.TestNode;
import dev.foyer.support.TestServices;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * The shipped docker/nginx.conf, with its upstreams pointed at two local nodes, passes `nginx -t`
 * and carries a visitor end to end: join over REST, the bridge over a websocket, the admission.
 */
@ExtendWith(VertxExtension.class)
class NginxFrontTest {

  @RegisterExtension
  static final FoyerCluster cluster = FoyerCluster.nodes(2);

  private Nginx nginx;

  @BeforeAll
  static void assumeNginx() {
    Nginx.assumeInstalled();
  }

  @AfterEach
  void stopNginx() throws Exception {
    if (nginx != null) {
      nginx.close();
    }
  }

  @Test
  void aVisitorJoinsWaitsAndIsAdmittedThroughNginxInFrontOfTwoNodes(Vertx vertx) throws Exception {
    TestNode nodeA = cluster.node(0);
    TestNode nodeB = cluster.node(1);
    int port = TestServices.freePort();
    nginx = Nginx.start("nginx.conf", Map.of(
        "server foyer1:8080", "server 127.0.0.1:" + nodeA.port(),
        "server foyer2:8080", "server 127.0.0.1:" + nodeB.port(),
        "server foyer3:8080 max_fails=1 fail_timeout=5s;", "",
        "listen 80;", "listen 127.0.0.1:" + port + ";",
        "worker_connections 20000;", "worker_connections 1024;"));
    ApiClient direct = cluster.api(0);
    ApiClient front = new ApiClient(vertx, port);
    try {
      direct.createEvent("behind-nginx", new JsonObject().put("gate", "on").put("paused", true)
          .put("rankPushMillis", 200)).await(10, TimeUnit.SECONDS);
      JsonObject visitor = null;
      long deadline = System.currentTimeMillis() + 10_000;
      while (visitor == null && System.currentTimeMillis() < deadline) {
        try {
          var r = front.join("behind-nginx").await(5, TimeUnit.SECONDS);
          if (r.statusCode() == 201) {
            visitor = r.bodyAsJsonObject();
          }
        } catch (Exception notYet) {
          Thread.sleep(200);
        }
      }
      assertNotNull(visitor, "joined through nginx");
      assertEquals(1L, visitor.getLong("position"));
      BridgeClient bridge = BridgeClient.connect(vertx, port).await(10, TimeUnit.SECONDS);
      String address = "foyer.visitor." + visitor.getString("visitor");
      bridge.registerVisitor(visitor.getString("visitor"), visitor.getString("token")).await(5, TimeUnit.SECONDS);
      JsonObject rank = bridge.nextMessage(address, "rank", 5000).await(10, TimeUnit.SECONDS);
      assertEquals(1L, rank.getLong("position"), "the websocket upgrade went through nginx");
      direct.putEvent("behind-nginx", new JsonObject().put("paused", false)).await(10, TimeUnit.SECONDS);
      JsonObject admitted = bridge.nextMessage(address, "admitted", 10_000).await(15, TimeUnit.SECONDS);
      assertNotNull(admitted.getString("pass"));
      bridge.close().await(5, TimeUnit.SECONDS);
    } finally {
      front.close();
    }
  }
}
