package dev.foyer.queue;

import dev.foyer.line.ShuffleOrder;
import dev.foyer.support.ApiClient;
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
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

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
  private Future<Instant> createOpening(String order) {
    Instant opensAt = Instant.now().plusSeconds(3600).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    JsonObject body = new JsonObject().put("name", "Midnight sale").put("opensAt", opensAt.toString())
        .put("seats", ApiClient.layout(2, 2))
        .put("settings", new JsonObject().put("opening", order).put("paused", true).put("gate", "on"));
    return cluster.api().admin(HttpMethod.PUT, "/api/admin/events/" + EVENT).sendJsonObject(body).map(opensAt);
  }

  /** The opening brought forward to now (an admin's partial update: the layout and settings stay). */
  private Future<Void> openNow() {
    return cluster.api().admin(HttpMethod.PUT, "/api/admin/events/" + EVENT)
        .sendJsonObject(new JsonObject().put("opensAt", Instant.now().toString())).mapEmpty();
  }

  private Future<List<JsonObject>> joinMany(int n) {
    ApiClient api = cluster.api();
    List<Future<HttpResponse<Buffer>>> joins = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      joins.add(api.join(EVENT));
    }
    return Future.all(joins).map(all -> joins.stream().map(f -> f.result().bodyAsJsonObject()).toList());
  }

  private Future<List<String>> zrange(String key) {
    String name = cluster.setup().prefix() + ":{" + EVENT + "}:" + key;
    return cluster.redis().send(Request.cmd(Command.ZRANGE).arg(name).arg(0).arg(-1))
        .map(r -> {
          List<String> out = new ArrayList<>();
          for (Response item : r) {
            out.add(item.toString());
          }
          return out;
        });
  }

  private Future<JsonObject> event() {
    return cluster.api().request(HttpMethod.GET, "/api/events/" + EVENT).send().map(HttpResponse::bodyAsJsonObject);
  }

  private Future<Void> untilOpened(Vertx vertx) {
    return AdmissionTest.pollUntil(vertx, this::event, e -> e.getJsonObject("opening").getBoolean("opened"), 15_000)
        .mapEmpty();
  }

  @Test
  void fifoKeepsArrivalOrderAndLaterJoinersComeAfterEveryone(Vertx vertx, VertxTestContext ctx) {
    List<String> arrival = new ArrayList<>();
    List<JsonObject> late = new ArrayList<>();
    createOpening("fifo")
        .compose(opensAt -> joinMany(EARLY).map(early -> {
          ctx.verify(() -> {
            JsonObject one = early.get(0);
            assertEquals("waiting", one.getString("state"));
            assertNull(one.getValue("position"), "no position before the opening");
            assertEquals(opensAt.toString(), one.getString("opensAt"));
          });
          return null;
        }))
        .compose(v -> zrange("prequeue")).map(arrival::addAll)
        .compose(v -> openNow())
        .compose(v -> untilOpened(vertx))
        .compose(v -> joinMany(10)).map(late::addAll)
        .compose(v -> zrange("waiting"))
        .onComplete(ctx.succeeding(line -> ctx.verify(() -> {
          assertEquals(EARLY, arrival.size());
          assertEquals(arrival, line.subList(0, EARLY), "the pre-queue keeps its arrival order");
          late.forEach(l -> assertTrue(l.getLong("position") > EARLY, "a later joiner comes after all: " + l));
          ctx.completeNow();
        })));
  }

  @Test
  void shuffleGivesTheOrderThePublishedSeedReproducesExactly(Vertx vertx, VertxTestContext ctx) {
    List<String> arrival = new ArrayList<>();
    String[] commitment = new String[1];
    List<JsonObject> late = new ArrayList<>();
    createOpening("shuffle")
        .compose(opensAt -> joinMany(EARLY))
        .compose(v -> event()).map(before -> {
          ctx.verify(() -> {
            JsonObject opening = before.getJsonObject("opening");
            assertEquals("shuffle", opening.getString("order"));
            assertFalse(opening.getBoolean("opened"));
            assertFalse(opening.containsKey("seed"), "the seed stays secret until the opening");
            commitment[0] = opening.getString("commitment");
            assertEquals(64, commitment[0].length());
          });
          return null;
        })
        .compose(v -> zrange("prequeue")).map(arrival::addAll)
        .compose(v -> openNow())
        .compose(v -> untilOpened(vertx))
        .compose(v -> joinMany(10)).map(late::addAll)
        .compose(v -> event().compose(after -> zrange("waiting").map(line -> {
          ctx.verify(() -> {
            String seed = after.getJsonObject("opening").getString("seed");
            assertEquals(commitment[0], ShuffleOrder.commitment(seed), "the seed matches the commitment");
            List<String> recomputed = ShuffleOrder.order(seed, arrival);
            assertEquals(recomputed, line.subList(0, EARLY), "the published seed reproduces the order exactly");
            assertNotEquals(arrival, line.subList(0, EARLY), "arriving early gave no edge");
            late.forEach(l -> assertTrue(l.getLong("position") > EARLY, "a later joiner comes after all: " + l));
          });
          return null;
        })))
        .onComplete(ctx.succeedingThenComplete());
  }

}
