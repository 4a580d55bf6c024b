package dev.foyer.push;

import dev.foyer.support.ApiClient;
import dev.foyer.support.Chromium;
import dev.foyer.support.NodeClients;
import dev.foyer.support.SingleNode;
import dev.foyer.support.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static dev.foyer.support.Waits.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The official clients (@vertx/eventbus-bridge-client.js over sockjs-client, from npm) on every
 * SockJS transport a browser may end up on, each restricted to that one transport: in Node, and as
 * the browser bundles in Chromium on a foyer page. Each registers a visitor with its token, gets its
 * rank at once, then its admission with a pass.
 */
@ExtendWith(VertxExtension.class)
class BridgeTransportsTest {

  private static SingleNode foyer;
  private static TestNode node;
  private static ApiClient api;
  private static Vertx client;

  @BeforeAll
  static void start() throws Exception {
    NodeClients.assumeInstalled();
    foyer = SingleNode.start(BridgeTransportsTest.class);
    node = foyer.node();
    client = foyer.client();
    api = foyer.api();
  }

  @AfterAll
  static void stop() throws Exception {
    if (foyer != null) {
      foyer.close();
    }
  }

  /** An event that admits nobody until it is resumed, and one visitor waiting first in its line. */
  private static JsonObject waitingVisitor(String event) {
    await(api.createEvent(event, new JsonObject().put("gate", "on").put("maxActive", 1).put("admitPerMinute", 0)
        .put("rankPushMillis", 200).put("paused", true)));
    JsonObject visitor = await(api.join(event)).bodyAsJsonObject();
    assertEquals("waiting", visitor.getString("state"), visitor.encode());
    return visitor;
  }

  private static void resume(String event) {
    await(api.putEvent(event, new JsonObject().put("gate", "on").put("maxActive", 1).put("admitPerMinute", 0)
        .put("rankPushMillis", 200).put("paused", false)));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"websocket", "xhr-streaming", "xhr-polling", "eventsource"})
  void theOfficialClientInNodeGetsItsRankAndItsAdmission(String transport) throws Exception {
    String event = "node-" + transport;
    JsonObject visitor = waitingVisitor(event);
    try (NodeClients.Run run = NodeClients.visitor("http://127.0.0.1:" + node.port() + "/eventbus", transport,
        visitor.getString("visitor"), visitor.getString("token"), 30_000)) {
      JsonObject open = run.await("open", 15_000);
      JsonObject first = run.await("message", 10_000);
      assertNotNull(open, "the socket opened: " + run);
      assertEquals(transport, open.getString("transport"), "on the transport asked for: " + run);
      assertNotNull(first, "the current state arrived after the register: " + run);
      assertEquals("rank", first.getJsonObject("body").getString("type"), run.toString());
      assertEquals(1L, first.getJsonObject("body").getLong("position"), run.toString());
      resume(event);
      JsonObject end = run.await("end", 20_000);
      assertNotNull(end, "the script finished: " + run);
      assertEquals(0, end.getInteger("code"), "admitted, not " + end.getString("why") + ": " + run);
      JsonObject admitted = run.messages().stream().filter(m -> "admitted".equals(m.getString("type")))
          .findFirst().orElseThrow();
      assertTrue(admitted.getString("pass").split("\\.").length == 3, "a pass (JWT): " + admitted);
      assertTrue(run.lines().stream().noneMatch(l -> "error".equals(l.getString("event"))), run.toString());
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"websocket", "xhr-streaming", "xhr-polling", "eventsource"})
  void theOfficialClientInChromiumGetsItsRankAndItsAdmission(String transport) throws Exception {
    Chromium.assumeInstalled();
    String event = "browser-" + transport;
    JsonObject visitor = waitingVisitor(event);
    String sockJs = NodeClients.file("node_modules/sockjs-client/dist/sockjs.min.js");
    String eventBus = NodeClients.file("node_modules/@vertx/eventbus-bridge-client.js/vertx-eventbus.js");
    try (Chromium chromium = Chromium.launch(client)) {
      // a page of foyer's own origin, under its own security policy: the fallbacks' requests are
      // same-origin, as they are for foyer's pages
      String origin = "http://127.0.0.1:" + node.port();
      Chromium.Page page = await(chromium.open(origin + "/"));
      // until then the tab may still show about:blank, whose globals the navigation would wipe
      await(page.waitFor("location.origin === '" + origin + "' && document.readyState === 'complete'", 10_000));
      await(page.eval(sockJs));
      await(page.eval(eventBus));
      await(page.eval("window.seen = []; window.bus = new EventBus('/eventbus', {transports: ['" + transport + "']});"
          + "bus.onopen = () => { seen.push({event: 'open', transport: bus.sockJSConn.transport});"
          + "  bus.registerHandler('foyer.visitor." + visitor.getString("visitor") + "', {token: '"
          + visitor.getString("token") + "'}, (err, msg) => seen.push(err ? {event: 'refused', err: err}"
          + "    : {event: 'message', body: msg.body})); };"
          + "bus.onclose = e => seen.push({event: 'close', code: e.code, reason: e.reason}); true"));
      await(page.waitFor("seen.some(s => s.event === 'message')", 15_000));
      resume(event);
      await(page.waitFor("seen.some(s => s.event === 'message' && s.body.type === 'admitted')", 15_000));
      JsonArray seen = new JsonArray(await(page.eval("JSON.stringify(seen)")).toString());
      JsonObject open = seen.getJsonObject(0);
      assertEquals("open", open.getString("event"), seen.encode());
      assertEquals(transport, open.getString("transport"), "on the transport asked for: " + seen.encode());
      JsonObject first = seen.getJsonObject(1).getJsonObject("body");
      assertEquals("rank", first.getString("type"), seen.encode());
      assertEquals(1L, first.getLong("position"), seen.encode());
      assertTrue(seen.stream().noneMatch(s -> "close".equals(((JsonObject) s).getString("event"))),
          "the socket stayed open: " + seen.encode());
      await(page.eval("bus.close(); true"));
    }
  }

  @Test
  void theFallbacksPostsAreSmallAndOnlyFoyersOwnOriginMayReadTheAnswers() {
    String own = "http://127.0.0.1:" + node.port();
    String session = "/eventbus/000/" + java.util.UUID.randomUUID().toString().substring(0, 8);
    // a connection per request: SockJS closes the connection of a poll it answered
    WebClient http = WebClient.create(client, new WebClientOptions().setKeepAlive(false));
    try {
      var opened = await(http.post(node.port(), "127.0.0.1", session + "/xhr").putHeader("Origin", own).send());
      Buffer ping = Buffer.buffer(new JsonArray().add(new JsonObject().put("type", "ping").encode()).encode());
      var sent = await(http.post(node.port(), "127.0.0.1", session + "/xhr_send").putHeader("Origin", own)
          .putHeader("Content-Type", "text/plain").sendBuffer(ping));
      var foreign = await(http.post(node.port(), "127.0.0.1", session + "/xhr_send")
          .putHeader("Origin", "https://evil.example").putHeader("Content-Type", "text/plain").sendBuffer(ping));
      // just past the limit: a body far larger would still be arriving when the node answers 413 and
      // closes, and the client could see the connection reset instead of the answer
      Buffer huge = Buffer.buffer(new JsonArray().add("x".repeat(8 * 1024)).encode());
      var tooLarge = await(http.post(node.port(), "127.0.0.1", session + "/xhr_send").putHeader("Origin", own)
          .putHeader("Content-Type", "text/plain").sendBuffer(huge));
      assertEquals(200, opened.statusCode());
      assertEquals("o", opened.bodyAsString().trim(), "the session opened");
      assertEquals(own, opened.getHeader("Access-Control-Allow-Origin"));
      assertEquals(204, sent.statusCode(), "a frame sent up is taken: " + sent.bodyAsString());
      assertEquals(own, sent.getHeader("Access-Control-Allow-Origin"));
      assertNull(foreign.getHeader("Access-Control-Allow-Origin"), "another origin may not read the answer");
      assertNull(foreign.getHeader("Access-Control-Allow-Credentials"));
      assertEquals(413, tooLarge.statusCode(), "a body past the bridge's few KiB is refused");
      assertEquals("body_too_large", tooLarge.bodyAsJsonObject().getString("error"));
    } finally {
      http.close();
    }
  }
}
