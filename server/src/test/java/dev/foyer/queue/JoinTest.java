package dev.foyer.queue;

import dev.foyer.support.ApiClient;
import dev.foyer.support.FoyerCluster;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;

import static dev.foyer.support.Waits.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(VertxExtension.class)
class JoinTest {

  private static final String EVENT = "spring-tour";
  /** Admission held, so positions only move when people join or leave. */
  private static final JsonObject PAUSED = new JsonObject().put("paused", true).put("gate", "on");

  @RegisterExtension
  static final FoyerCluster cluster = FoyerCluster.nodes(1);

  private static JsonObject join() {
    return await(cluster.api().join(EVENT)).bodyAsJsonObject();
  }

  @Test
  void aThousandConcurrentJoinsGetPositionsOneToAThousandInJoinSequenceOrder() {
    ApiClient api = cluster.api();
    Redis redis = cluster.redis();
    await(api.createEvent(EVENT, PAUSED));
    List<Future<HttpResponse<Buffer>>> joins = new ArrayList<>();
    IntStream.range(0, 1000).forEach(i -> joins.add(api.join(EVENT)));
    await(Future.all(joins));
    List<HttpResponse<Buffer>> responses = joins.stream().map(Future::result).toList();
    List<JsonObject> bodies = responses.stream().map(HttpResponse::bodyAsJsonObject).toList();
    responses.forEach(r -> assertEquals(201, r.statusCode(), r.bodyAsString()));
    List<Long> positions = bodies.stream().map(b -> b.getLong("position")).sorted().toList();
    assertEquals(IntStream.rangeClosed(1, 1000).mapToObj(i -> (long) i).toList(), positions,
        "positions are exactly 1..1000, no duplicate, no gap");
    assertEquals(1000, bodies.stream().map(b -> b.getString("visitor")).distinct().count());

    // the position each visitor was told is their join sequence number in Redis
    String waiting = cluster.setup().prefix() + ":{" + EVENT + "}:waiting";
    List<Future<Response>> scores = bodies.stream()
        .map(b -> redis.send(Request.cmd(Command.ZSCORE).arg(waiting).arg(b.getString("visitor")))).toList();
    await(Future.all(scores));
    for (int i = 0; i < bodies.size(); i++) {
      assertEquals(bodies.get(i).getLong("position"), scores.get(i).result().toLong());
    }
  }

  @Test
  void aRefreshOrASecondTabKeepsThePlace() {
    ApiClient api = cluster.api();
    await(api.createEvent(EVENT, PAUSED));
    join();
    JsonObject second = join();
    join();
    HttpResponse<Buffer> refresh = await(api.rejoin(EVENT, second.getString("token")));
    HttpResponse<Buffer> tab = await(api.me(EVENT, second.getString("token")));
    assertEquals(200, refresh.statusCode(), "a rejoin is not a new join");
    JsonObject again = refresh.bodyAsJsonObject();
    assertEquals(second.getString("visitor"), again.getString("visitor"));
    assertEquals(2L, again.getLong("position"));
    assertEquals(3L, again.getLong("waiting"), "the rejoin added nobody to the line");
    assertEquals(second.getString("token"), again.getString("token"));
    assertEquals(2L, tab.bodyAsJsonObject().getLong("position"));
    assertEquals("foyer.visitor." + second.getString("visitor"), again.getString("address"));
  }

  @Test
  void leavingFreesThePlaceAndEveryoneBehindMovesUp() {
    ApiClient api = cluster.api();
    await(api.createEvent(EVENT, PAUSED));
    List<JsonObject> visitors = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      visitors.add(join());
    }
    HttpResponse<Buffer> left = await(api.leave(EVENT, visitors.get(1).getString("token")));
    assertEquals(204, left.statusCode());
    List<Future<HttpResponse<Buffer>>> after = visitors.stream().map(vis -> api.me(EVENT, vis.getString("token"))).toList();
    await(Future.all(after));
    List<JsonObject> now = after.stream().map(f -> f.result().bodyAsJsonObject()).toList();
    HttpResponse<Buffer> back = await(api.rejoin(EVENT, visitors.get(1).getString("token")));
    assertEquals(1L, now.get(0).getLong("position"));
    assertEquals("gone", now.get(1).getString("state"));
    assertEquals("left", now.get(1).getString("reason"));
    assertNull(now.get(1).getValue("position"));
    assertEquals(2L, now.get(2).getLong("position"));
    assertEquals(3L, now.get(3).getLong("position"));
    assertEquals(4L, now.get(4).getLong("position"));
    assertEquals(4L, now.get(4).getLong("waiting"));
    assertEquals("gone", back.bodyAsJsonObject().getString("state"),
        "coming back with the token of someone who left does not take a place again");
  }

  @Test
  void withTheGateOffJoinersPassStraightInWhileCapacityAllows() {
    await(cluster.api().createEvent(EVENT, new JsonObject().put("gate", "off").put("maxActive", 2)));
    List<JsonObject> rs = List.of(join(), join(), join());
    JsonObject first = rs.get(0);
    JsonObject third = rs.get(2);
    assertEquals("active", first.getString("state"));
    assertNotNull(first.getString("pass"));
    assertTrue(first.getLong("activeUntil") > System.currentTimeMillis());
    assertNull(first.getValue("position"));
    assertEquals("active", rs.get(1).getString("state"));
    assertEquals("waiting", third.getString("state"), "capacity is full, the third waits");
    assertEquals(1L, third.getLong("position"));
    assertNull(third.getValue("pass"));
    Set<String> ids = new HashSet<>();
    rs.forEach(r -> ids.add(r.getString("visitor")));
    assertEquals(3, ids.size());
  }

  @Test
  void aJoinPassingStraightInTakesItsShareOfTheRateCapLikeATicksAdmission() {
    // 60 a minute: the bucket holds one admission; capacity alone would let all three in
    await(cluster.api().createEvent(EVENT, new JsonObject().put("gate", "off").put("maxActive", 100)
        .put("admitPerMinute", 60)));
    List<JsonObject> rs = List.of(join(), join(), join());
    assertEquals("active", rs.get(0).getString("state"));
    assertEquals("waiting", rs.get(1).getString("state"), "the rate cap holds the second");
    assertEquals(1L, rs.get(1).getLong("position"));
    assertEquals("waiting", rs.get(2).getString("state"), "and the third behind it");
    assertEquals(2L, rs.get(2).getLong("position"));
  }
}
