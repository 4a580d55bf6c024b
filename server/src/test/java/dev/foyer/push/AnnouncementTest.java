package dev.foyer.push;

import dev.foyer.bus.Addresses;
import dev.foyer.support.ApiClient;
import dev.foyer.support.BridgeClient;
import dev.foyer.support.BridgeSockets;
import dev.foyer.support.FoyerCluster;
import dev.foyer.support.Waits;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import static dev.foyer.support.Waits.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An announcement posted on node A reaches the pages connected to node B (a visitor on its own
 * address, a listener of the event's address), a page that connects later gets it on register, on
 * either node, and once it is withdrawn pages are told so and later ones never get the message.
 */
@ExtendWith(VertxExtension.class)
class AnnouncementTest {

  private static final String EVENT = "long-queue";
  private static final String EVENT_ADDRESS = Addresses.event(EVENT);
  private static final String PATH = "/api/admin/events/" + EVENT + "/announcements";

  @RegisterExtension
  static final FoyerCluster cluster = FoyerCluster.nodes(2);
  @RegisterExtension
  static final BridgeSockets bridges = BridgeSockets.closedAfterEachTest();

  private static HttpResponse<Buffer> post(ApiClient api, JsonObject body) {
    return await(api.admin(HttpMethod.POST, PATH).sendJsonObject(body));
  }

  private static BridgeClient listener(int node) {
    BridgeClient socket = bridges.connect(cluster.node(node).port());
    await(socket.register(EVENT_ADDRESS, null));
    return socket;
  }

  @Test
  void postedOnOneNodeItReachesPagesOnTheOtherAndLateOnesUntilWithdrawn() throws Exception {
    ApiClient a = cluster.api(0);
    ApiClient b = cluster.api(1);
    await(a.createEvent(EVENT, new JsonObject().put("gate", "on").put("maxActive", 1).put("admitPerMinute", 0)));
    await(b.join(EVENT)); // takes the one active slot: the visitor below waits
    JsonObject me = await(b.join(EVENT)).bodyAsJsonObject();
    String visitorAddress = Addresses.visitor(me.getString("visitor"));
    BridgeClient visitor = bridges.connect(cluster.node(1).port());
    await(visitor.registerVisitor(me.getString("visitor"), me.getString("token")));
    await(visitor.nextMessage(visitorAddress, "rank", 30_000));
    BridgeClient page = listener(1);
    // node A publishes to node B's subscription only once the cluster told A of it: probe until it has
    Waits.until("node B hears node A on the event's address", 30_000, () -> {
      cluster.node(0).vertx().eventBus().publish(EVENT_ADDRESS, new JsonObject().put("type", "probe"));
      return page.nextMessage(EVENT_ADDRESS, "probe", 500).otherwiseEmpty().await() != null;
    });

    // bad input changes nothing
    assertEquals("invalid_message", post(a, new JsonObject().put("message", " ")).bodyAsJsonObject().getString("error"));
    assertEquals(400, post(a, new JsonObject().put("message", "x".repeat(501))).statusCode());
    assertEquals("unknown_field", post(a, new JsonObject().put("message", "hi").put("html", "<b>"))
        .bodyAsJsonObject().getString("error"));
    assertNull(await(a.admin(HttpMethod.GET, PATH).send()).bodyAsJsonObject().getValue("announcement"));

    HttpResponse<Buffer> posted = post(a, new JsonObject().put("message", "  Doors open at 19:30 <b>sharp</b>  "));
    assertEquals(201, posted.statusCode(), posted.bodyAsString());
    long id = posted.bodyAsJsonObject().getLong("id");
    String message = "Doors open at 19:30 <b>sharp</b>";
    assertEquals(message, posted.bodyAsJsonObject().getString("message"), "kept as plain text, trimmed");

    JsonObject heard = await(visitor.nextMessage(visitorAddress, "announcement", 30_000));
    assertEquals(message, heard.getString("message"), "on the visitor's own address, on node B");
    assertEquals(id, heard.getLong("id"));
    assertEquals(message, await(page.nextMessage(EVENT_ADDRESS, "announcement", 30_000)).getString("message"),
        "on the event's address, on node B");
    assertEquals(message, await(b.admin(HttpMethod.GET, PATH).send()).bodyAsJsonObject()
        .getJsonObject("announcement").getString("message"));

    // pages that connect later get it on register, on either node
    BridgeClient[] late = new BridgeClient[2];
    for (int node = 0; node < 2; node++) {
      late[node] = listener(node);
      JsonObject lateFrame = await(late[node].nextMessage(EVENT_ADDRESS, "announcement", 30_000));
      assertEquals(message, lateFrame.getString("message"), "a late listener on node " + node);
      BridgeClient tab = bridges.connect(cluster.node(node).port());
      await(tab.registerVisitor(me.getString("visitor"), me.getString("token")));
      await(tab.nextMessage(visitorAddress, "rank", 30_000));
      assertEquals(id, await(tab.nextMessage(visitorAddress, "announcement", 30_000)).getLong("id"),
          "a late visitor's tab on node " + node + ", after its state");
    }

    // withdrawn on node B: every page is told, and later ones never get the message
    assertEquals(204, await(b.admin(HttpMethod.DELETE, PATH + "/" + id).send()).statusCode());
    JsonObject withdrawn = await(visitor.nextMessage(visitorAddress, "announcement", 30_000));
    assertEquals(id, withdrawn.getLong("id"));
    assertNull(withdrawn.getValue("message"));
    assertNull(await(page.nextMessage(EVENT_ADDRESS, "announcement", 30_000)).getValue("message"));
    for (int node = 0; node < 2; node++) {
      // once a node heard it (milliseconds; a page registering there before may get the message, then this)
      assertNull(await(late[node].nextMessage(EVENT_ADDRESS, "announcement", 30_000)).getValue("message"));
    }
    for (int node = 0; node < 2; node++) {
      BridgeClient later = listener(node);
      JsonObject told = await(later.nextMessage(EVENT_ADDRESS, "announcement", 30_000));
      assertEquals(id, told.getLong("id"));
      assertNull(told.getValue("message"), "node " + node + " says it was withdrawn");
      assertTrue(later.received().stream().noneMatch(f -> f.encode().contains("Doors open")), later.received().toString());
    }
    assertNull(await(a.admin(HttpMethod.GET, PATH).send()).bodyAsJsonObject().getValue("announcement"));
    assertEquals(204, await(a.admin(HttpMethod.DELETE, PATH + "/" + id).send()).statusCode(), "again: nothing changes");
    assertEquals("unknown_announcement", await(a.admin(HttpMethod.DELETE, PATH + "/" + (id + 1)).send())
        .bodyAsJsonObject().getString("error"));
  }
}
