package dev.foyer.ingress;

import dev.foyer.support.ApiClient;
import dev.foyer.support.FoyerCluster;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

import static dev.foyer.support.Waits.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * {@code PUT /api/admin/events/{event}} on an event that exists changes what it gives and keeps the
 * rest: a new name, new settings or a new opening need no layout, and the seat map stays as it was.
 * Creating an event needs a name and a layout (400 otherwise, and nothing is created).
 */
@ExtendWith(VertxExtension.class)
class EventUpdateTest {

  private static final String EVENT = "autumn-gala";
  private static final Instant OPENS = Instant.now().plus(3, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);

  @RegisterExtension
  static final FoyerCluster cluster = FoyerCluster.nodes(1);


  private static HttpResponse<Buffer> put(String event, JsonObject body) {
    return await(cluster.api().admin(HttpMethod.PUT, "/api/admin/events/" + event).sendJsonObject(body));
  }

  /** What the public sees of the event, and its seat map as stored (ids, coordinates, statuses, generation). */
  private static JsonObject publicEvent() {
    return await(cluster.api().request(HttpMethod.GET, "/api/events/" + EVENT).send()).bodyAsJsonObject();
  }

  private static JsonObject seatMap() {
    return await(cluster.api().request(HttpMethod.GET, "/api/events/" + EVENT + "/seats").send()).bodyAsJsonObject();
  }

  private static JsonObject settings() {
    return await(cluster.api().stats(EVENT)).getJsonObject("settings");
  }

  @BeforeEach
  void createEvent() {
    HttpResponse<Buffer> created = put(EVENT, new JsonObject().put("name", "Autumn gala").put("opensAt", OPENS.toString())
        .put("seats", ApiClient.layout(2, 3)).put("settings", new JsonObject().put("maxActive", 7)));
    assertEquals(201, created.statusCode(), created.bodyAsString());
  }

  @Test
  void aNameAloneRenamesAndKeepsEverythingElse() {
    JsonObject seatsBefore = seatMap();
    HttpResponse<Buffer> r = put(EVENT, new JsonObject().put("name", "Autumn gala, second night"));
    assertEquals(200, r.statusCode(), r.bodyAsString());
    assertEquals(6, r.bodyAsJsonObject().getInteger("seats"));
    assertEquals(OPENS.toString(), r.bodyAsJsonObject().getString("opensAt"));
    assertEquals("Autumn gala, second night", publicEvent().getString("name"));
    assertEquals(OPENS.toString(), publicEvent().getString("opensAt"));
    assertEquals(7, settings().getInteger("maxActive"));
    assertEquals(seatsBefore, seatMap(), "the seat map is untouched");
  }

  @Test
  void settingsAloneChangeThemAndKeepEverythingElse() {
    JsonObject seatsBefore = seatMap();
    HttpResponse<Buffer> r = put(EVENT, new JsonObject().put("settings", new JsonObject().put("admitPerMinute", 90)));
    assertEquals(200, r.statusCode(), r.bodyAsString());
    assertEquals(90, settings().getInteger("admitPerMinute"));
    assertEquals(7, settings().getInteger("maxActive"), "the settings not given stay");
    assertEquals("Autumn gala", publicEvent().getString("name"));
    assertEquals(OPENS.toString(), publicEvent().getString("opensAt"));
    assertEquals(seatsBefore, seatMap());
  }

  @Test
  void anOpeningAloneMovesItAndNullClearsIt() {
    JsonObject seatsBefore = seatMap();
    Instant later = OPENS.plus(1, ChronoUnit.DAYS);
    HttpResponse<Buffer> r = put(EVENT, new JsonObject().put("opensAt", later.toString()));
    assertEquals(200, r.statusCode(), r.bodyAsString());
    assertEquals(later.toString(), publicEvent().getString("opensAt"));
    assertEquals("Autumn gala", publicEvent().getString("name"));
    assertEquals(seatsBefore, seatMap());

    r = put(EVENT, new JsonObject().putNull("opensAt"));
    assertEquals(200, r.statusCode(), r.bodyAsString());
    assertNull(publicEvent().getString("opensAt"));
    assertEquals(6, r.bodyAsJsonObject().getInteger("seats"));
    assertEquals(seatsBefore.getJsonArray("seats"), seatMap().getJsonArray("seats"));
  }

  @Test
  void aNewEventNeedsANameAndALayoutAndBadInputChangesNothing() {
    String fresh = "winter-gala";
    HttpResponse<Buffer> noLayout = put(fresh, new JsonObject().put("name", "Winter gala"));
    assertEquals(400, noLayout.statusCode());
    assertEquals("invalid_layout", noLayout.bodyAsJsonObject().getString("error"));
    HttpResponse<Buffer> noName = put(fresh, new JsonObject().put("seats", ApiClient.layout(1, 1)));
    assertEquals(400, noName.statusCode());
    assertEquals("invalid_name", noName.bodyAsJsonObject().getString("error"));
    assertEquals(404, await(cluster.api().request(HttpMethod.GET, "/api/events/" + fresh).send()).statusCode());

    JsonObject seatsBefore = seatMap();
    for (JsonObject bad : java.util.List.of(new JsonObject().put("name", ""), new JsonObject().put("opensAt", "soon"),
        new JsonObject().putNull("seats"), new JsonObject().put("settings", new JsonObject().put("maxActive", -1)))) {
      assertEquals(400, put(EVENT, bad).statusCode(), bad.encode());
    }
    assertEquals("Autumn gala", publicEvent().getString("name"));
    assertEquals(OPENS.toString(), publicEvent().getString("opensAt"));
    assertEquals(7, settings().getInteger("maxActive"));
    assertEquals(seatsBefore, seatMap());
  }
}
