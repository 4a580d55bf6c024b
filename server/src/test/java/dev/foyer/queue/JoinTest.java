package dev.foyer.queue;

import dev.foyer.support.ApiClient;
import dev.foyer.support.FoyerCluster;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;

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

  @Test
  void aThousandConcurrentJoinsGetPositionsOneToAThousandInJoinSequenceOrder(Vertx vertx, VertxTestContext ctx) {
    ApiClient api = cluster.api();
    Redis redis = cluster.redis();
    api.createEvent(EVENT, PAUSED)
        .compose(created -> {
          List<Future<HttpResponse<Buffer>>> joins = new ArrayList<>();
          IntStream.range(0, 1000).forEach(i -> joins.add(api.join(EVENT)));
          return Future.all(joins).map(all -> joins.stream().map(f -> f.result()).toList());
        })
        .compose(responses -> {
          List<JsonObject> bodies = responses.stream().map(HttpResponse::bodyAsJsonObject).toList();
          ctx.verify(() -> {
            responses.forEach(r -> assertEquals(201, r.statusCode(), r.bodyAsString()));
            List<Long> positions = bodies.stream().map(b -> b.getLong("position")).sorted().toList();
            assertEquals(IntStream.rangeClosed(1, 1000).mapToObj(i -> (long) i).toList(), positions,
                "positions are exactly 1..1000, no duplicate, no gap");
            assertEquals(1000, bodies.stream().map(b -> b.getString("visitor")).distinct().count());
          });
          // the position each visitor was told is their join sequence number in Redis
          List<Future<Void>> checks = new ArrayList<>();
          String waiting = cluster.setup().prefix() + ":{" + EVENT + "}:waiting";
          for (JsonObject b : bodies) {
            checks.add(redis.send(Request.cmd(Command.ZSCORE).arg(waiting).arg(b.getString("visitor")))
                .map(score -> {
                  ctx.verify(() -> assertEquals(b.getLong("position"), score.toLong()));
                  return null;
                }));
          }
          return Future.all(checks);
        })
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void aRefreshOrASecondTabKeepsThePlace(Vertx vertx, VertxTestContext ctx) {
    ApiClient api = cluster.api();
    api.createEvent(EVENT, PAUSED)
        .compose(v -> api.join(EVENT))
        .compose(first -> api.join(EVENT))
        .compose(second -> api.join(EVENT).map(third -> second.bodyAsJsonObject()))
        .compose(second -> api.rejoin(EVENT, second.getString("token"))
            .compose(refresh -> api.me(EVENT, second.getString("token")).map(tab -> {
              ctx.verify(() -> {
                assertEquals(200, refresh.statusCode(), "a rejoin is not a new join");
                JsonObject again = refresh.bodyAsJsonObject();
                assertEquals(second.getString("visitor"), again.getString("visitor"));
                assertEquals(2L, again.getLong("position"));
                assertEquals(3L, again.getLong("waiting"), "the rejoin added nobody to the line");
                assertEquals(second.getString("token"), again.getString("token"));
                assertEquals(2L, tab.bodyAsJsonObject().getLong("position"));
                assertEquals("foyer.visitor." + second.getString("visitor"), again.getString("address"));
              });
              return null;
            })))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void leavingFreesThePlaceAndEveryoneBehindMovesUp(Vertx vertx, VertxTestContext ctx) {
    ApiClient api = cluster.api();
    List<JsonObject> visitors = new ArrayList<>();
    Future<Void> joined = api.createEvent(EVENT, PAUSED).mapEmpty();
    for (int i = 0; i < 5; i++) {
      joined = joined.compose(v -> api.join(EVENT)).map(r -> {
        visitors.add(r.bodyAsJsonObject());
        return null;
      });
    }
    joined
        .compose(v -> api.leave(EVENT, visitors.get(1).getString("token")))
        .compose(left -> {
          ctx.verify(() -> assertEquals(204, left.statusCode()));
          List<Future<HttpResponse<Buffer>>> after = visitors.stream()
              .map(vis -> api.me(EVENT, vis.getString("token"))).toList();
          return Future.all(after).map(all -> after.stream().map(f -> f.result().bodyAsJsonObject()).toList());
        })
        .compose(now -> api.rejoin(EVENT, visitors.get(1).getString("token")).map(back -> {
          ctx.verify(() -> {
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
          });
          return null;
        }))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void withTheGateOffJoinersPassStraightInWhileCapacityAllows(Vertx vertx, VertxTestContext ctx) {
    ApiClient api = cluster.api();
    api.createEvent(EVENT, new JsonObject().put("gate", "off").put("maxActive", 2))
        .compose(v -> api.join(EVENT))
        .compose(a -> api.join(EVENT).compose(b -> api.join(EVENT).map(c -> List.of(a, b, c))))
        .onComplete(ctx.succeeding(rs -> ctx.verify(() -> {
          JsonObject first = rs.get(0).bodyAsJsonObject();
          JsonObject third = rs.get(2).bodyAsJsonObject();
          assertEquals("active", first.getString("state"));
          assertNotNull(first.getString("pass"));
          assertTrue(first.getLong("activeUntil") > System.currentTimeMillis());
          assertNull(first.getValue("position"));
          assertEquals("active", rs.get(1).bodyAsJsonObject().getString("state"));
          assertEquals("waiting", third.getString("state"), "capacity is full, the third waits");
          assertEquals(1L, third.getLong("position"));
          assertNull(third.getValue("pass"));
          Set<String> ids = new HashSet<>();
          rs.forEach(r -> ids.add(r.bodyAsJsonObject().getString("visitor")));
          assertEquals(3, ids.size());
          ctx.completeNow();
        })));
  }

  @Test
  void aJoinPassingStraightInTakesItsShareOfTheRateCapLikeATicksAdmission(Vertx vertx, VertxTestContext ctx) {
    ApiClient api = cluster.api();
    // 60 a minute: the bucket holds one admission; capacity alone would let all three in
    api.createEvent(EVENT, new JsonObject().put("gate", "off").put("maxActive", 100).put("admitPerMinute", 60))
        .compose(v -> api.join(EVENT))
        .compose(a -> api.join(EVENT).compose(b -> api.join(EVENT).map(c -> List.of(a, b, c))))
        .onComplete(ctx.succeeding(rs -> ctx.verify(() -> {
          assertEquals("active", rs.get(0).bodyAsJsonObject().getString("state"));
          assertEquals("waiting", rs.get(1).bodyAsJsonObject().getString("state"), "the rate cap holds the second");
          assertEquals(1L, rs.get(1).bodyAsJsonObject().getLong("position"));
          assertEquals("waiting", rs.get(2).bodyAsJsonObject().getString("state"), "and the third behind it");
          assertEquals(2L, rs.get(2).bodyAsJsonObject().getLong("position"));
          ctx.completeNow();
        })));
  }
}
