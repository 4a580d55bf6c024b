package dev.foyer.queue;

import dev.foyer.support.FoyerCluster;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static dev.foyer.support.Waits.await;
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
  void aJoinRetriedWithItsKeyGetsTheSamePlaceEvenWhenTheAttemptsRace() {
    String key = UUID.randomUUID().toString();
    await(cluster.api().createEvent(EVENT, new JsonObject().put("paused", true).put("gate", "on")));
    await(cluster.api().join(EVENT));
    List<Future<HttpResponse<Buffer>>> racing = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      racing.add(join(key));
    }
    await(Future.all(racing));
    HttpResponse<Buffer> later = await(join(key));
    HttpResponse<Buffer> other = await(join(UUID.randomUUID().toString()));
    HttpResponse<Buffer> bad = await(cluster.api().request(HttpMethod.POST, "/api/events/" + EVENT + "/visitors")
        .putHeader("Idempotency-Key", "short").send());
    JsonObject stats = await(cluster.api().stats(EVENT));

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
  }

  @Test
  void aConfirmationRetriedAfterRedisLostTheHoldReturnsTheSaleNot410() {
    String keys = cluster.setup().prefix() + ":{" + EVENT + "}:";
    await(cluster.api().createEvent(EVENT, new JsonObject().put("gate", "off").put("activeSeconds", 120)));
    String pass = await(cluster.api().admitted(EVENT)).getString("pass");
    String holdId = await(cluster.api().hold(EVENT, pass, "A-1-1", "A-1-2")).bodyAsJsonObject().getString("holdId");
    JsonObject sold = await(cluster.api().confirm(EVENT, pass, holdId)).bodyAsJsonObject();
    // Redis forgets every trace of the hold and its confirmation, as a wiped or failed-over Redis would
    await(cluster.redis().send(Request.cmd(Command.DEL).arg(keys + "confirmed").arg(keys + "holds")
        .arg(keys + "hold-by-visitor").arg(keys + "hold-expiry").arg(keys + "confirming")));
    HttpResponse<Buffer> retry = await(cluster.api().confirm(EVENT, pass, holdId));
    HttpResponse<Buffer> unknown = await(cluster.api().confirm(EVENT, pass, "no-such-hold"));
    assertEquals(201, retry.statusCode(), retry.bodyAsString());
    assertEquals(sold.getString("reservationId"), retry.bodyAsJsonObject().getString("reservationId"));
    assertEquals(List.of("A-1-1", "A-1-2"), retry.bodyAsJsonObject().getJsonArray("seats").getList());
    assertEquals(410, unknown.statusCode(), "a hold never sold is still gone");
    assertNull(unknown.bodyAsJsonObject().getString("reservationId"));
  }

  @Test
  void aHoldRetriedWithItsKeyIsTheSameHold() {
    String key = UUID.randomUUID().toString();
    await(cluster.api().createEvent(EVENT, new JsonObject().put("gate", "off").put("activeSeconds", 120)));
    String pass = await(cluster.api().admitted(EVENT)).getString("pass");
    HttpResponse<Buffer> first = await(hold(pass, key, "A-1-1", "A-1-2"));
    HttpResponse<Buffer> retry = await(hold(pass, key, "A-1-1", "A-1-2"));
    HttpResponse<Buffer> other = await(hold(pass, UUID.randomUUID().toString(), "A-2-1"));
    Map<String, String> seats = await(cluster.api().seatStatuses(EVENT));
    assertEquals(201, first.statusCode(), first.bodyAsString());
    assertEquals(201, retry.statusCode(), retry.bodyAsString());
    assertEquals(first.bodyAsJsonObject().getString("holdId"),
        retry.bodyAsJsonObject().getString("holdId"), "the retry is the same hold");
    assertEquals(201, other.statusCode());
    assertFalse(first.bodyAsJsonObject().getString("holdId")
        .equals(other.bodyAsJsonObject().getString("holdId")), "another key is another hold");
    assertEquals("free", seats.get("A-1-1"), "which replaced the first, as a new hold does");
    assertEquals("held", seats.get("A-2-1"));
  }

  private Future<HttpResponse<Buffer>> hold(String pass, String key, String... seats) {
    return cluster.api().request(HttpMethod.POST, "/api/events/" + EVENT + "/holds").bearerTokenAuthentication(pass)
        .putHeader("Idempotency-Key", key)
        .sendJsonObject(new JsonObject().put("seats", new io.vertx.core.json.JsonArray(List.of(seats))));
  }
}
