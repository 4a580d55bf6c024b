package dev.foyer.ingress;

import dev.foyer.support.ApiClient;
import dev.foyer.support.FoyerCluster;
import dev.foyer.support.Waits;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.redis.client.Redis;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Requests naming event ids that do not exist, on two nodes: each id is read from PostgreSQL once
 * per node and cache life (counted by foyer_event_lookups_total), none leaves a key in Redis, and an
 * event created right after a 404 for its id is served at once on both nodes.
 */
@ExtendWith(VertxExtension.class)
class UnknownEventTest {

  @RegisterExtension
  static final FoyerCluster cluster = FoyerCluster.nodes(2);

  /** As UnknownEvents.LIFE_MILLIS. */
  private static final long LIFE_MILLIS = 5000;

  private static <R> R await(Future<R> f) {
    try {
      return f.await(60, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("no answer within 60 s", e);
    }
  }

  private static long lookups(ApiClient api) {
    String text = await(api.request(HttpMethod.GET, "/metrics").send()).bodyAsString();
    for (String line : text.split("\n")) {
      if (line.startsWith("foyer_event_lookups_total ")) {
        return (long) Double.parseDouble(line.substring(line.indexOf(' ') + 1).trim());
      }
    }
    return 0;
  }

  /** The calls a prober makes with an id: the event, a join, a challenge, the seat map, a way back. */
  private static List<Future<HttpResponse<Buffer>>> probe(ApiClient api, String id) {
    String base = "/api/events/" + id;
    return List.of(
        api.request(HttpMethod.GET, base).send(),
        api.request(HttpMethod.POST, base + "/visitors").sendJsonObject(new JsonObject()),
        api.request(HttpMethod.GET, base + "/challenge").send(),
        api.request(HttpMethod.GET, base + "/seats").send(),
        api.request(HttpMethod.GET, base + "/return-url?url=https%3A%2F%2Fsite.test%2F").send());
  }

  @Test
  void unknownIdsCostOneLookupPerLifeAndNothingInRedis(Vertx vertx) {
    List<ApiClient> nodes = List.of(cluster.api(0), cluster.api(1));
    String marker = "known-marker";
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      ids.add("nope-" + i + "-" + UUID.randomUUID().toString().substring(0, 8));
    }
    // one registry for the JVM: the nodes of a test count into the same meters
    long before = lookups(nodes.get(0));
    long started = System.currentTimeMillis();
    // first one request per id and node, then a flood of every kind of call
    List<Future<HttpResponse<Buffer>>> first = new ArrayList<>();
    for (ApiClient api : nodes) {
      ids.forEach(id -> first.add(api.request(HttpMethod.GET, "/api/events/" + id).send()));
    }
    List<HttpResponse<Buffer>> answers = new ArrayList<>(await(Future.all(first)).list());
    List<Future<HttpResponse<Buffer>>> flood = new ArrayList<>();
    for (int round = 0; round < 3; round++) {
      for (ApiClient api : nodes) {
        ids.forEach(id -> flood.addAll(probe(api, id)));
      }
    }
    answers.addAll(await(Future.all(flood)).list());
    long elapsed = System.currentTimeMillis() - started;
    long after = lookups(nodes.get(0));

    for (HttpResponse<Buffer> r : answers) {
      assertEquals(404, r.statusCode(), r.bodyAsString());
      assertEquals("unknown_event", r.bodyAsJsonObject().getString("error"), r.bodyAsString());
    }
    assertTrue(after - before >= (long) ids.size() * nodes.size(),
        "the first request for each id on each node reads PostgreSQL: " + (after - before) + " lookups");
    long lives = 1 + elapsed / LIFE_MILLIS;
    assertTrue(after - before <= (long) ids.size() * nodes.size() * lives,
        (after - before) + " lookups for " + ids.size() + " ids on 2 nodes in " + elapsed + " ms (" + answers.size()
            + " requests)");

    // the traffic of this second and the one before is in Redis once the real event's count is
    await(nodes.get(0).createEvent(marker, new JsonObject()));
    Redis redis = cluster.setup().redis(vertx);
    try {
      long floodEnded = System.currentTimeMillis() / 1000;
      nodes.forEach(api -> await(api.request(HttpMethod.GET, "/api/events/" + marker).send()));
      List<String> keys = await(Waits.until(vertx, () -> cluster.setup().redisKeys(redis),
          all -> all.stream().anyMatch(k -> k.contains("{" + marker + "}:traffic:")
              && Long.parseLong(k.substring(k.lastIndexOf(':') + 1)) >= floodEnded), 10_000));
      for (String key : keys) {
        assertTrue(ids.stream().noneMatch(key::contains), "a key for an unknown event: " + key);
      }
    } finally {
      redis.close();
    }
  }

  @Test
  void anEventCreatedRightAfterA404IsServedAtOnceOnBothNodes(Vertx vertx) {
    ApiClient a = cluster.api(0);
    ApiClient b = cluster.api(1);
    String id = "late-" + UUID.randomUUID().toString().substring(0, 8);
    assertEquals(404, await(a.request(HttpMethod.GET, "/api/events/" + id).send()).statusCode());
    assertEquals(404, await(b.request(HttpMethod.GET, "/api/events/" + id).send()).statusCode());
    await(a.createEvent(id, new JsonObject()));
    HttpResponse<Buffer> onA = await(a.request(HttpMethod.GET, "/api/events/" + id).send());
    HttpResponse<Buffer> onB = await(b.request(HttpMethod.GET, "/api/events/" + id).send());
    HttpResponse<Buffer> joinOnB = await(b.join(id));
    assertEquals(200, onA.statusCode(), onA.bodyAsString());
    assertEquals(200, onB.statusCode(), onB.bodyAsString());
    assertEquals(201, joinOnB.statusCode(), joinOnB.bodyAsString());
  }
}
