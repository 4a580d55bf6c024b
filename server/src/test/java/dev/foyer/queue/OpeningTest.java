package dev.foyer.queue;

import dev.foyer.line.ShuffleOrder;
import dev.foyer.support.ApiClient;
import dev.foyer.support.FoyerCluster;
import dev.foyer.support.Waits;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static dev.foyer.support.Waits.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A sale that opens at a set time: 1,000 people wait in a pre-queue, then take their places. */
@ExtendWith(VertxExtension.class)
class OpeningTest {

  private static final String EVENT = "midnight-sale";
  private static final int EARLY = 1000;

  @RegisterExtension
  static final FoyerCluster cluster = FoyerCluster.nodes(1);

  /**
   * Creates the event opening in an hour (whatever the machine's load, every early joiner is in the
   * pre-queue); {@link #openNow} brings the opening forward once they are. Nobody is admitted, so
   * the line only moves in.
   */
  private Instant createOpening(String order) {
    Instant opensAt = Instant.now().plusSeconds(3600).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    JsonObject body = new JsonObject().put("name", "Midnight sale").put("opensAt", opensAt.toString())
        .put("seats", ApiClient.layout(2, 2))
        .put("settings", new JsonObject().put("opening", order).put("paused", true).put("gate", "on"));
    await(cluster.api().admin(HttpMethod.PUT, "/api/admin/events/" + EVENT).sendJsonObject(body));
    return opensAt;
  }

  /** The opening brought forward to now (an admin's partial update: the layout and settings stay). */
  private void openNow() {
    await(cluster.api().admin(HttpMethod.PUT, "/api/admin/events/" + EVENT)
        .sendJsonObject(new JsonObject().put("opensAt", Instant.now().toString())));
  }

  private List<JsonObject> joinMany(int n) {
    ApiClient api = cluster.api();
    List<Future<HttpResponse<Buffer>>> joins = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      joins.add(api.join(EVENT));
    }
    await(Future.all(joins));
    return joins.stream().map(f -> f.result().bodyAsJsonObject()).toList();
  }

  private List<String> zrange(String key) {
    String name = cluster.setup().prefix() + ":{" + EVENT + "}:" + key;
    List<String> out = new ArrayList<>();
    for (Response item : await(cluster.redis().send(Request.cmd(Command.ZRANGE).arg(name).arg(0).arg(-1)))) {
      out.add(item.toString());
    }
    return out;
  }

  private JsonObject event() {
    return await(cluster.api().request(HttpMethod.GET, "/api/events/" + EVENT).send()).bodyAsJsonObject();
  }

  private void untilOpened() throws Exception {
    Waits.until("the event opened", 15_000, () -> event().getJsonObject("opening").getBoolean("opened"));
  }

  @Test
  void fifoKeepsArrivalOrderAndLaterJoinersComeAfterEveryone() throws Exception {
    Instant opensAt = createOpening("fifo");
    JsonObject one = joinMany(EARLY).get(0);
    assertEquals("waiting", one.getString("state"));
    assertNull(one.getValue("position"), "no position before the opening");
    assertEquals(opensAt.toString(), one.getString("opensAt"));
    List<String> arrival = zrange("prequeue");
    openNow();
    untilOpened();
    List<JsonObject> late = joinMany(10);
    List<String> line = zrange("waiting");
    assertEquals(EARLY, arrival.size());
    assertEquals(arrival, line.subList(0, EARLY), "the pre-queue keeps its arrival order");
    late.forEach(l -> assertTrue(l.getLong("position") > EARLY, "a later joiner comes after all: " + l));
  }

  @Test
  void shuffleGivesTheOrderThePublishedSeedReproducesExactly() throws Exception {
    createOpening("shuffle");
    joinMany(EARLY);
    JsonObject opening = event().getJsonObject("opening");
    assertEquals("shuffle", opening.getString("order"));
    assertFalse(opening.getBoolean("opened"));
    assertFalse(opening.containsKey("seed"), "the seed stays secret until the opening");
    String commitment = opening.getString("commitment");
    assertEquals(64, commitment.length());
    List<String> arrival = zrange("prequeue");
    openNow();
    untilOpened();
    List<JsonObject> late = joinMany(10);
    JsonObject after = event();
    List<String> line = zrange("waiting");
    String seed = after.getJsonObject("opening").getString("seed");
    assertEquals(commitment, ShuffleOrder.commitment(seed), "the seed matches the commitment");
    List<String> recomputed = ShuffleOrder.order(seed, arrival);
    assertEquals(recomputed, line.subList(0, EARLY), "the published seed reproduces the order exactly");
    assertNotEquals(arrival, line.subList(0, EARLY), "arriving early gave no edge");
    late.forEach(l -> assertTrue(l.getLong("position") > EARLY, "a later joiner comes after all: " + l));
  }

}
