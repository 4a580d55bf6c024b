package dev.foyer.hold;

import dev.foyer.FoyerConfig;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Map;

import static dev.foyer.support.Waits.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A node keeps the seats of the events in use, not of every event it ever served: layouts and seat
 * maps are bounded by seats in total (FOYER_CACHED_SEATS, here 3,000) and dropped when nobody
 * touches an event (FOYER_CACHE_IDLE_SECONDS, here 3 s), as foyer_cached_seats shows; an event
 * dropped is read again on its next use and answers exactly as before.
 */
@ExtendWith(VertxExtension.class)
class SeatCacheTest {

  private static final long BOUND = 3000;
  private static final int EVENT_SEATS = 1000;

  @RegisterExtension
  static final FoyerCluster cluster = FoyerCluster.nodes(1)
      .deployedWith(c -> c.withCaches(new FoyerConfig.Caches(BOUND, 3)));

  private static final JsonObject OPEN = new JsonObject().put("gate", "off").put("maxActive", 1000);


  private static long cachedSeats(ApiClient api) {
    return await(readCachedSeats(api));
  }

  private static Future<Long> readCachedSeats(ApiClient api) {
    return api.request(HttpMethod.GET, "/metrics").send().map(r -> {
      for (String line : r.bodyAsString().split("\n")) {
        if (line.startsWith("foyer_cached_seats ")) {
          return (long) Double.parseDouble(line.substring(line.indexOf(' ') + 1).trim());
        }
      }
      throw new AssertionError("no foyer_cached_seats in /metrics");
    });
  }

  private static void create(ApiClient api, String event) {
    HttpResponse<Buffer> r = await(api.putLayout(event, ApiClient.layout(10, 100), OPEN));
    assertEquals(201, r.statusCode(), r.bodyAsString());
  }

  private static String pass(ApiClient api, String event) {
    return await(api.admitted(event)).getString("pass");
  }

  @Test
  void moreEventsThanTheBoundKeepAtMostTheBoundAndAnEvictedEventAnswersAsBefore() {
    ApiClient api = cluster.api();
    int events = 6;
    for (int i = 0; i < events; i++) {
      String event = "many-" + i;
      create(api, event);
      Map<String, String> seats = await(api.seatStatuses(event));
      assertEquals(EVENT_SEATS, seats.size());
      HttpResponse<Buffer> held = await(api.hold(event, pass(api, event), "A-1-1"));
      assertEquals(201, held.statusCode(), held.bodyAsString());
      long cached = cachedSeats(api);
      assertTrue(cached > 0 && cached <= BOUND, "after event " + i + ": " + cached + " seats cached, bound " + BOUND);
    }
    // the first events went long ago: read again, their holds and seats are as they were
    Map<String, String> first = await(api.seatStatuses("many-0"));
    assertEquals(EVENT_SEATS, first.size());
    assertEquals("held", first.get("A-1-1"));
    assertEquals("free", first.get("A-1-2"));
    HttpResponse<Buffer> taken = await(api.hold("many-0", pass(api, "many-0"), "A-1-1"));
    assertEquals(409, taken.statusCode(), taken.bodyAsString());
    assertEquals("seats_unavailable", taken.bodyAsJsonObject().getString("error"));
    HttpResponse<Buffer> another = await(api.hold("many-0", pass(api, "many-0"), "A-1-2"));
    assertEquals(201, another.statusCode(), another.bodyAsString());
    assertEquals("held", await(api.seatStatuses("many-0")).get("A-1-2"));
    assertTrue(cachedSeats(api) <= BOUND, cachedSeats(api) + " seats cached, bound " + BOUND);
  }

  @Test
  void anEventNobodyTouchesIsDroppedAndServedAgainOnItsNextUse(Vertx vertx) {
    ApiClient api = cluster.api();
    create(api, "quiet");
    await(api.seatStatuses("quiet"));
    assertEquals(EVENT_SEATS, cachedSeats(api));
    await(Waits.until(vertx, () -> readCachedSeats(api), n -> n == 0, 30_000));
    Map<String, String> again = await(api.seatStatuses("quiet"));
    assertEquals(EVENT_SEATS, again.size());
    assertEquals(EVENT_SEATS, cachedSeats(api));
  }
}
