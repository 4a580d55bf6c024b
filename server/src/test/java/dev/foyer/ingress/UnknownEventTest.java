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

  /**
   * Every path of an event, with what a caller might bring (a token and a pass of another event, a
   * code, a cookie, an Origin, a body), answers an id with no event 404 {@code unknown_event}:
   * never 401 or 400, which would send a buyer behind a gate to the waiting room of an event that is
   * not there. The pages are a plain 404.
   */
  @Test
  void everyPathOfAnUnknownEventIs404UnknownEvent(Vertx vertx) {
    ApiClient api = cluster.api(0);
    String real = "real-" + UUID.randomUUID().toString().substring(0, 8);
    await(api.createEvent(real, new JsonObject().put("gate", "off")));
    JsonObject admitted = await(api.admitted(real));
    String token = admitted.getString("token");
    String pass = admitted.getString("pass");
    String id = "ghost-" + UUID.randomUUID().toString().substring(0, 8);
    String base = "/api/events/" + id;
    String code = "A".repeat(32);
    List<Future<HttpResponse<Buffer>>> calls = List.of(
        api.request(HttpMethod.GET, base).send(),
        api.request(HttpMethod.POST, base + "/visitors").send(),
        api.request(HttpMethod.POST, base + "/visitors").bearerTokenAuthentication(token).send(),
        api.request(HttpMethod.POST, base + "/visitors").putHeader("Idempotency-Key", "bad").send(),
        api.request(HttpMethod.GET, base + "/challenge").send(),
        api.request(HttpMethod.GET, base + "/visitors/me").send(),
        api.request(HttpMethod.GET, base + "/visitors/me").bearerTokenAuthentication(token).send(),
        api.request(HttpMethod.DELETE, base + "/visitors/me").bearerTokenAuthentication(pass).send(),
        api.request(HttpMethod.GET, base + "/seats").send(),
        api.request(HttpMethod.GET, base + "/seats?since=x").send(),
        api.request(HttpMethod.POST, base + "/holds").sendJsonObject(new JsonObject().put("seats", new io.vertx.core.json.JsonArray())),
        api.request(HttpMethod.POST, base + "/holds").bearerTokenAuthentication(pass).sendJsonObject(new JsonObject()),
        api.request(HttpMethod.DELETE, base + "/holds/some-hold").bearerTokenAuthentication(pass).send(),
        api.request(HttpMethod.POST, base + "/holds/some-hold/confirm").send(),
        api.request(HttpMethod.GET, base + "/auth").send(),
        api.request(HttpMethod.GET, base + "/auth?redirect=1").putHeader("X-Forwarded-Host", "site.test").send(),
        api.request(HttpMethod.POST, base + "/auth").putHeader("Cookie", "foyer_pass_" + id + "=" + pass).send(),
        api.request(HttpMethod.GET, base + "/auth").bearerTokenAuthentication(pass).send(),
        api.request(HttpMethod.GET, base + "/return-url?url=https%3A%2F%2Fsite.test%2F").send(),
        api.request(HttpMethod.POST, base + "/visitors/me/return").sendJsonObject(new JsonObject().put("url", "https://site.test/")),
        api.request(HttpMethod.POST, base + "/visitors/me/return").bearerTokenAuthentication(token)
            .sendJsonObject(new JsonObject().put("url", "https://site.test/")),
        api.request(HttpMethod.POST, base + "/return-codes").sendJsonObject(new JsonObject().put("code", code)),
        api.request(HttpMethod.POST, base + "/return-codes").sendJsonObject(new JsonObject()),
        api.request(HttpMethod.GET, base + "/return?foyer_code=" + code + "&next=/").send(),
        api.request(HttpMethod.GET, base + "/return").send(),
        api.request(HttpMethod.OPTIONS, base + "/visitors").putHeader("Origin", "https://site.test")
            .putHeader("Access-Control-Request-Method", "POST").send(),
        api.admin(HttpMethod.GET, "/api/admin/events/" + id + "/stats").send(),
        api.admin(HttpMethod.PUT, "/api/admin/events/" + id + "/gate").sendJsonObject(new JsonObject().put("mode", "sideways")),
        api.admin(HttpMethod.PUT, "/api/admin/events/" + id + "/settings").sendJsonObject(new JsonObject().put("paused", true)),
        api.admin(HttpMethod.PUT, "/api/admin/events/" + id + "/settings").sendJsonObject(new JsonObject().put("colour", 1)));
    List<HttpResponse<Buffer>> answers = await(Future.all(calls)).list();
    for (int i = 0; i < answers.size(); i++) {
      HttpResponse<Buffer> r = answers.get(i);
      String what = "call " + i + ": " + r.statusCode() + " " + r.bodyAsString();
      assertEquals(404, r.statusCode(), what);
      assertEquals("unknown_event", r.bodyAsJsonObject().getString("error"), what);
    }
    for (String page : List.of("/events/" + id, "/events/" + id + "/seats")) {
      HttpResponse<Buffer> r = await(api.request(HttpMethod.GET, page).send());
      assertEquals(404, r.statusCode(), page);
      assertEquals("No such event\n", r.bodyAsString(), page);
    }
    assertEquals(200, await(api.request(HttpMethod.GET, "/events/" + real).send()).statusCode());
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
