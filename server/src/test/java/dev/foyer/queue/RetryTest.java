package dev.foyer.queue;

import dev.foyer.support.FoyerCluster;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
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
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

/** A request retried, whatever became of the first attempt, never doubles what it did. */
@ExtendWith(VertxExtension.class)
class RetryTest {

  private static final String EVENT = "late-show";

  @RegisterExtension
  static final FoyerCluster cluster = FoyerCluster.nodes(1);

  private Future<HttpResponse<Buffer>> join(String key) {
    return cluster.api().request(HttpMethod.POST, "/api/events/" + EVENT + "/visitors").putHeader("Idempotency-Key", key).send();
  }

  @Test
  void aJoinRetriedWithItsKeyGetsTheSamePlaceEvenWhenTheAttemptsRace(Vertx vertx, VertxTestContext ctx) {
    String key = UUID.randomUUID().toString();
    List<Future<HttpResponse<Buffer>>> racing = new ArrayList<>();
    cluster.api().createEvent(EVENT, new JsonObject().put("paused", true).put("gate", "on"))
        .compose(v -> cluster.api().join(EVENT))
        .compose(first -> {
          for (int i = 0; i < 10; i++) {
            racing.add(join(key));
          }
          return Future.all(racing);
        })
        .compose(v -> join(key).compose(later -> join(UUID.randomUUID().toString())
            .compose(other -> cluster.api().request(HttpMethod.POST, "/api/events/" + EVENT + "/visitors")
                .putHeader("Idempotency-Key", "short").send()
                .compose(bad -> cluster.api().stats(EVENT).map(stats -> {
                  ctx.verify(() -> {
                    Set<String> visitors = new HashSet<>();
                    int replayed = 0;
                    for (Future<HttpResponse<Buffer>> f : racing) {
                      assertEquals(201, f.result().statusCode(), f.result().bodyAsString());
                      visitors.add(f.result().bodyAsJsonObject().getString("visitor"));
                      replayed += "true".equals(f.result().getHeader("Idempotent-Replayed")) ? 1 : 0;
                    }
                    assertEquals(1, visitors.size(), "ten attempts with one key are one visitor");
                    assertEquals(9, replayed, "nine of them were replays");
                    JsonObject again = later.bodyAsJsonObject();
                    assertEquals(visitors.iterator().next(), again.getString("visitor"), "a later retry too");
                    assertEquals(2L, again.getLong("position"), "with the same place");
                    assertEquals(3L, other.bodyAsJsonObject().getLong("position"), "another key is another person");
                    assertEquals(400, bad.statusCode());
                    assertEquals("invalid_idempotency_key", bad.bodyAsJsonObject().getString("error"));
                    assertEquals(3L, stats.getLong("waiting"), "three places, not twelve");
                  });
                  return null;
                })))))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void aConfirmationRetriedAfterRedisLostTheHoldReturnsTheSaleNot410(Vertx vertx, VertxTestContext ctx) {
    String[] pass = new String[1];
    JsonObject[] sold = new JsonObject[1];
    String keys = cluster.setup().prefix() + ":{" + EVENT + "}:";
    cluster.api().createEvent(EVENT, new JsonObject().put("gate", "off").put("activeSeconds", 120))
        .compose(v -> cluster.api().admitted(EVENT))
        .compose(visitor -> {
          pass[0] = visitor.getString("pass");
          return cluster.api().hold(EVENT, pass[0], "A-1-1", "A-1-2");
        })
        .compose(held -> cluster.api().confirm(EVENT, pass[0], held.bodyAsJsonObject().getString("holdId")).map(confirmed -> {
          sold[0] = confirmed.bodyAsJsonObject().put("holdId", held.bodyAsJsonObject().getString("holdId"));
          return confirmed;
        }))
        // Redis forgets every trace of the hold and its confirmation, as a wiped or failed-over Redis would
        .compose(confirmed -> cluster.redis().send(Request.cmd(Command.DEL).arg(keys + "confirmed").arg(keys + "holds")
            .arg(keys + "hold-by-visitor").arg(keys + "hold-expiry").arg(keys + "confirming")))
        .compose(v -> cluster.api().confirm(EVENT, pass[0], sold[0].getString("holdId")))
        .compose(retry -> cluster.api().confirm(EVENT, pass[0], "no-such-hold").map(unknown -> {
          ctx.verify(() -> {
            assertEquals(201, retry.statusCode(), retry.bodyAsString());
            assertEquals(sold[0].getString("reservationId"), retry.bodyAsJsonObject().getString("reservationId"));
            assertEquals(List.of("A-1-1", "A-1-2"), retry.bodyAsJsonObject().getJsonArray("seats").getList());
            assertEquals(410, unknown.statusCode(), "a hold never sold is still gone");
            assertNull(unknown.bodyAsJsonObject().getString("reservationId"));
          });
          return null;
        }))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void aHoldRetriedWithItsKeyIsTheSameHold(Vertx vertx, VertxTestContext ctx) {
    String key = UUID.randomUUID().toString();
    String[] pass = new String[1];
    cluster.api().createEvent(EVENT, new JsonObject().put("gate", "off").put("activeSeconds", 120))
        .compose(v -> cluster.api().admitted(EVENT))
        .compose(visitor -> {
          pass[0] = visitor.getString("pass");
          return hold(pass[0], key, "A-1-1", "A-1-2");
        })
        .compose(first -> hold(pass[0], key, "A-1-1", "A-1-2")
            .compose(retry -> hold(pass[0], UUID.randomUUID().toString(), "A-2-1")
                .compose(other -> cluster.api().seatStatuses(EVENT).map(seats -> {
                  ctx.verify(() -> {
                    assertEquals(201, first.statusCode(), first.bodyAsString());
                    assertEquals(201, retry.statusCode(), retry.bodyAsString());
                    assertEquals(first.bodyAsJsonObject().getString("holdId"),
                        retry.bodyAsJsonObject().getString("holdId"), "the retry is the same hold");
                    assertEquals(201, other.statusCode());
                    assertFalse(first.bodyAsJsonObject().getString("holdId")
                        .equals(other.bodyAsJsonObject().getString("holdId")), "another key is another hold");
                    assertEquals("free", seats.get("A-1-1"), "which replaced the first, as a new hold does");
                    assertEquals("held", seats.get("A-2-1"));
                  });
                  return null;
                }))))
        .onComplete(ctx.succeedingThenComplete());
  }

  private Future<HttpResponse<Buffer>> hold(String pass, String key, String... seats) {
    return cluster.api().request(HttpMethod.POST, "/api/events/" + EVENT + "/holds").bearerTokenAuthentication(pass)
        .putHeader("Idempotency-Key", key)
        .sendJsonObject(new JsonObject().put("seats", new io.vertx.core.json.JsonArray(List.of(seats))));
  }
}
