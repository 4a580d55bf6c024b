package dev.foyer.cluster;

import dev.foyer.support.ApiClient;
import dev.foyer.support.FoyerCluster;
import dev.foyer.support.TcpProxy;
import dev.foyer.support.TestServices;
import dev.foyer.support.Waits;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Redis or PostgreSQL goes away for a few seconds behind a proxy the test cuts, then comes back. */
@ExtendWith(VertxExtension.class)
class OutageTest {

  @RegisterExtension
  static final FoyerCluster cluster = FoyerCluster.nodes(1).deployedByTest();

  private TcpProxy proxy;

  @AfterEach
  void closeProxy() throws Exception {
    proxy.close().await(10, TimeUnit.SECONDS);
  }

  private static URI uri(String url) {
    return URI.create(url.replace("postgresql://", "http://").replace("redis://", "http://"));
  }

  private HttpResponse<Buffer> await(io.vertx.core.Future<HttpResponse<Buffer>> f) throws Exception {
    return f.await(20, TimeUnit.SECONDS);
  }

  @Test
  void whileRedisIsAwayCallsGet503AndAfterwardsNobodyHasLostTheirPlace(Vertx vertx) throws Exception {
    URI redis = uri(TestServices.redisUrl());
    proxy = new TcpProxy(vertx, redis.getHost(), redis.getPort());
    int port = proxy.start().await(10, TimeUnit.SECONDS);
    cluster.deploy(config -> config.withServers(List.of("redis://127.0.0.1:" + port), TestServices.pgUrl()))
        .await(30, TimeUnit.SECONDS);
    ApiClient api = cluster.api();
    String event = "redis-blip";
    api.createEvent(event, new JsonObject().put("gate", "on").put("paused", true)).await(10, TimeUnit.SECONDS);
    List<JsonObject> visitors = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      visitors.add(await(api.join(event)).bodyAsJsonObject());
    }

    proxy.cut();
    // as the waiting page does: one key for this attempt to join, kept across its retries
    String key = java.util.UUID.randomUUID().toString();
    java.util.function.Supplier<io.vertx.core.Future<HttpResponse<Buffer>>> attempt = () -> api.request(
        HttpMethod.POST, "/api/events/" + event + "/visitors").putHeader("Idempotency-Key", key).send();
    HttpResponse<Buffer> join = await(attempt.get());
    HttpResponse<Buffer> me = await(api.me(event, visitors.get(5).getString("token")));
    HttpResponse<Buffer> health = await(api.request(HttpMethod.GET, "/health").send());
    assertEquals(503, join.statusCode(), join.bodyAsString());
    assertEquals("dependency_down", join.bodyAsJsonObject().getString("error"));
    assertTrue(join.bodyAsJsonObject().getString("message").contains("Redis"), join.bodyAsString());
    assertEquals(503, me.statusCode());
    assertEquals(503, health.statusCode());
    assertEquals("DOWN", health.bodyAsJsonObject().getJsonObject("checks").getString("redis"));
    // not a wait for anything: the outage lasts a while (the node's Redis client goes through its
    // reconnect attempts meanwhile) before Redis comes back
    Thread.sleep(3000);

    proxy.restore();
    // the page's retries, with the attempt's key, until Redis answers again
    List<HttpResponse<Buffer>> back = new ArrayList<>();
    Waits.until("joins work again", 60_000, () -> {
      back.add(0, await(attempt.get()));
      return back.get(0).statusCode() == 201;
    });
    // a 503 may still have gone through once Redis answered; its retries take no second place
    assertEquals(21L, back.get(0).bodyAsJsonObject().getLong("position"), "one attempt, one place");
    assertEquals(21L, api.stats(event).await(10, TimeUnit.SECONDS).getLong("waiting"), "nobody else was added");
    for (int i = 0; i < visitors.size(); i++) {
      JsonObject status = await(api.me(event, visitors.get(i).getString("token"))).bodyAsJsonObject();
      assertEquals(i + 1L, status.getLong("position"), "visitor " + i + " kept the place");
    }
    assertEquals(200, await(api.request(HttpMethod.GET, "/health").send()).statusCode());
  }

  @Test
  void whilePostgresIsAwayHoldsWorkConfirmationsGet503AndARetryAfterwardsSellsOnce(Vertx vertx) throws Exception {
    URI pg = uri(TestServices.pgUrl());
    proxy = new TcpProxy(vertx, pg.getHost(), pg.getPort());
    int port = proxy.start().await(10, TimeUnit.SECONDS);
    String pgViaProxy = TestServices.pgUrl().replace(pg.getHost() + ":" + pg.getPort(), "127.0.0.1:" + port);
    cluster.deploy(config -> config.withServers(List.of(TestServices.redisUrl()), pgViaProxy))
        .await(30, TimeUnit.SECONDS);
    ApiClient api = cluster.api();
    String event = "pg-blip";
    api.createEvent(event, new JsonObject().put("gate", "off").put("maxActive", 100)).await(10, TimeUnit.SECONDS);
    JsonObject visitor = api.admitted(event).await(10, TimeUnit.SECONDS);
    String pass = visitor.getString("pass");
    // the event's seat plan is read from PostgreSQL once, by its first viewer, before PostgreSQL goes
    api.seatStatuses(event).await(10, TimeUnit.SECONDS);

    proxy.cut();
    HttpResponse<Buffer> held = await(api.hold(event, pass, "A-1-1", "A-1-2"));
    assertEquals(201, held.statusCode(), "holds live in Redis and work without PostgreSQL: " + held.bodyAsString());
    String holdId = held.bodyAsJsonObject().getString("holdId");
    HttpResponse<Buffer> confirm = await(api.confirm(event, pass, holdId));
    assertEquals(503, confirm.statusCode(), confirm.bodyAsString());
    assertEquals("dependency_down", confirm.bodyAsJsonObject().getString("error"));
    assertTrue(confirm.bodyAsJsonObject().getString("message").contains("PostgreSQL"), confirm.bodyAsString());

    proxy.restore();
    // the buyer's retries until PostgreSQL answers again
    List<HttpResponse<Buffer>> retries = new ArrayList<>();
    Waits.until("a retry gets past 503", 60_000, () -> {
      retries.add(0, await(api.confirm(event, pass, holdId)));
      return retries.get(0).statusCode() != 503;
    });
    HttpResponse<Buffer> retry = retries.get(0);
    assertEquals(201, retry.statusCode(), "the retry sells: " + retry.bodyAsString());
    HttpResponse<Buffer> again = await(api.confirm(event, pass, holdId));
    assertEquals(retry.bodyAsJsonObject(), again.bodyAsJsonObject(), "and a further retry sells nothing more");
    var seats = api.seatStatuses(event).await(10, TimeUnit.SECONDS);
    assertEquals("sold", seats.get("A-1-1"));
    assertEquals("sold", seats.get("A-1-2"));
    assertEquals(2L, api.stats(event).await(10, TimeUnit.SECONDS).getLong("sold"), "two rows, not four");
  }
}
