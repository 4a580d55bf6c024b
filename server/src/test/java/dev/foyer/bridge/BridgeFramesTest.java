package dev.foyer.bridge;

import dev.foyer.support.BridgeClient;
import dev.foyer.support.BridgeSockets;
import dev.foyer.support.FoyerCluster;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static dev.foyer.support.Waits.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the bridge answers a browser that sends something it should not: never silence. */
@ExtendWith(VertxExtension.class)
class BridgeFramesTest {

  private static final String EVENT = "odd-frames";

  @RegisterExtension
  static final FoyerCluster cluster = FoyerCluster.nodes(1);
  @RegisterExtension
  static final BridgeSockets bridges = BridgeSockets.closedAfterEachTest();

  @BeforeEach
  void createEvent() {
    await(cluster.api().createEvent(EVENT, new JsonObject().put("paused", true)));
  }

  private BridgeClient bridge() {
    return bridges.connect(cluster.node().port(), new WebSocketClientOptions()
        .setMaxFrameSize(1 << 20).setMaxMessageSize(1 << 22));
  }

  @Test
  void everyMalformedFrameGetsAnErrFrameAndTheSocketGoesOn() {
    String visitor = "foyer.visitor.abc";
    Map<String, String> frames = new LinkedHashMap<>();
    frames.put("not json", "invalid_json");
    frames.put("[1, 2]", "invalid_json");
    frames.put("\"x\"", "invalid_json");
    frames.put("null", "invalid_json");
    frames.put("42", "invalid_json");
    frames.put("{\"type\": \"ping\"", "invalid_json");
    frames.put("[".repeat(3000) + "]".repeat(3000).substring(0, 1000), "invalid_json");
    frames.put("{}", "missing_type");
    frames.put("{\"type\": 5}", "invalid_type");
    frames.put("{\"type\": null, \"address\": \"foyer.event.x\"}", "missing_type");
    frames.put("{\"type\": \"dance\"}", "invalid_type");
    frames.put("{\"type\": \"register\"}", "missing_address");
    frames.put("{\"type\": \"unregister\"}", "missing_address");
    frames.put("{\"type\": \"register\", \"address\": 5}", "invalid_address");
    frames.put("{\"type\": \"register\", \"address\": [\"foyer.event.x\"]}", "invalid_address");
    frames.put("{\"type\": \"register\", \"address\": \"" + visitor + "\", \"headers\": \"x\"}", "invalid_headers");
    frames.put("{\"type\": \"register\", \"address\": \"" + visitor + "\", \"headers\": [1]}", "invalid_headers");
    frames.put("{\"type\": \"register\", \"address\": \"" + visitor + "\", \"headers\": {\"token\": 5}}", "access_denied");
    frames.put("{\"type\": \"register\", \"address\": \"" + visitor + "\", \"headers\": {\"token\": \"x\"}}", "access_denied");
    frames.put("{\"type\": \"register\", \"address\": \"" + visitor + "\", \"headers\": {\"token\": \"a.b.c.d\"}}",
        "access_denied");
    frames.put("{\"type\": \"register\", \"address\": \"\"}", "access_denied");
    frames.put("{\"type\": \"send\", \"address\": \"foyer.event." + EVENT + "\", \"body\": {}}", "access_denied");
    frames.put("{\"type\": \"register\", \"address\": \"foyer.event.x\", \"pad\": \"" + "x".repeat(5000) + "\"}",
        "frame_too_large");

    BridgeClient b = bridge();
    for (Map.Entry<String, String> f : frames.entrySet()) {
      await(b.sendText(f.getKey()));
      JsonObject err = await(b.nextError(5000));
      String shown = f.getKey().length() > 80 ? f.getKey().substring(0, 80) + "..." : f.getKey();
      assertEquals(f.getValue(), err.getString("body"), shown);
      assertEquals(f.getValue(), err.getString("failureType"), shown);
      assertTrue(err.getString("message") != null && !err.getString("message").isEmpty(), shown);
    }
    await(b.sendBinary(Buffer.buffer(new byte[] {(byte) 0xff, (byte) 0xfe, '{', '}'})));
    assertEquals("invalid_json", await(b.nextError(5000)).getString("body"), "bytes, not UTF-8");

    await(b.register("foyer.event." + EVENT, null));
    JsonObject progress = await(b.nextMessage("foyer.event." + EVENT, "progress", 5000));
    assertEquals(0L, progress.getLong("waiting"), "the socket still works");
    assertTrue(b.received().stream().noneMatch(f -> "err".equals(f.getString("type"))), "one err frame each");
  }

  @Test
  void aPingAskingForAReplyGetsAPongAndOtherPingsGetNothing() {
    BridgeClient b = bridge();
    await(b.sendText("{\"type\": \"ping\"}"));
    await(b.sendText("{\"type\": \"ping\", \"reply\": \"yes\"}"));
    await(b.sendText("{\"type\": \"ping\", \"reply\": true}"));
    // frames are answered in order: anything said to the first two would have come before
    JsonObject pong = await(b.next(f -> "pong".equals(f.getString("type")), 5000));
    assertEquals(new JsonObject().put("type", "pong"), pong, "a pong and nothing else");
    assertEquals(List.of(), b.received(), "the other pings are not answered");
  }

  @Test
  void aMessageOverTheWebsocketsLimitIsRefusedWithAnErrFrame() {
    BridgeClient b = bridge();
    String part = "x".repeat(60_000);
    await(b.sendFrame(WebSocketFrame.textFrame("{\"type\": \"ping\", \"pad\": \"" + part, false)));
    for (int i = 0; i < 4; i++) {
      await(b.sendFrame(WebSocketFrame.continuationFrame(Buffer.buffer(part), false)));
    }
    await(b.sendFrame(WebSocketFrame.continuationFrame(Buffer.buffer("\"}"), true)));
    assertEquals("frame_too_large", await(b.nextError(5000)).getString("body"),
        "300 KB in fragments");
    await(b.sendText("{\"type\": \"register\", \"address\": \"foyer.event." + EVENT + "\"}"));
    await(b.nextMessage("foyer.event." + EVENT, "progress", 5000));
    assertFalse(b.isClosed());
  }

  @Test
  void aSingleFrameOverTheWebsocketsFrameLimitClosesTheSocket() throws Exception {
    BridgeClient b = bridge();
    await(b.register("foyer.event." + EVENT, null));
    await(b.nextMessage("foyer.event." + EVENT, "progress", 5000));
    b.drop(frame -> "progress".equals(frame.getJsonObject("body", new JsonObject()).getString("type")));
    assertFalse(b.isClosed(), "the socket works before the large frame");

    b.sendText("{\"type\": \"ping\", \"pad\": \"" + "x".repeat(70_000) + "\"}");
    // the test never closes this socket: only the server can end it, and must within the deadline
    b.closed().await(30, TimeUnit.SECONDS);
    assertEquals((short) 1006, b.closeStatus(),
        "a 70 KB frame makes the server drop the connection without a close frame (Vert.x's frame limit is 64 KB)");
    assertEquals(List.of(), b.received(), "no answer to the large frame, no err frame, nothing after it");

    BridgeClient next = bridge();
    await(next.register("foyer.event." + EVENT, null));
    await(next.nextMessage("foyer.event." + EVENT, "progress", 5000));
  }

  @Test
  void sockJsXhrSendIsReadAndItsBodyIsBounded(Vertx vertx) {
    // SockJS closes the connection after each poll
    WebClient web = WebClient.create(vertx, new io.vertx.ext.web.client.WebClientOptions().setKeepAlive(false));
    try {
      String base = "/eventbus/123/xhrsession/";
      int port = cluster.node().port();
      var open = await(web.request(HttpMethod.POST, port, "127.0.0.1", base + "xhr").send());
      assertEquals("o\n", open.bodyAsString(), "the session opens");
      String register = new io.vertx.core.json.JsonArray().add(new JsonObject().put("type", "register")
          .put("address", "foyer.event." + EVENT).encode()).encode();
      var sent = await(web.request(HttpMethod.POST, port, "127.0.0.1", base + "xhr_send")
          .sendBuffer(Buffer.buffer(register)));
      assertEquals(204, sent.statusCode(), sent.bodyAsString());
      var poll = await(web.request(HttpMethod.POST, port, "127.0.0.1", base + "xhr").send());
      assertTrue(poll.bodyAsString().contains("progress"), poll.bodyAsString());

      var huge = await(web.request(HttpMethod.POST, port, "127.0.0.1", base + "xhr_send")
          .sendBuffer(Buffer.buffer("[\"" + "x".repeat(100_000) + "\"]")));
      assertEquals(413, huge.statusCode(), huge.bodyAsString());
    } finally {
      web.close();
    }
  }
}
