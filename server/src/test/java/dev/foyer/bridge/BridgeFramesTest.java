package dev.foyer.bridge;

import dev.foyer.support.ApiClient;
import dev.foyer.support.BridgeClient;
import dev.foyer.support.TestNode;
import dev.foyer.support.TestSetup;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the bridge answers a browser that sends something it should not: never silence. */
@ExtendWith(VertxExtension.class)
class BridgeFramesTest {

  private static final String EVENT = "odd-frames";
  private static TestNode node;
  private TestSetup setup;
  private ApiClient api;
  private final List<BridgeClient> bridges = new ArrayList<>();

  @BeforeAll
  static void startNode() {
    node = TestNode.start(TestSetup.clusterName(BridgeFramesTest.class));
  }

  @AfterAll
  static void stopNode() {
    node.close();
  }

  @BeforeEach
  void deploy(Vertx vertx) throws Exception {
    setup = new TestSetup();
    node.deploy(setup.config()).await(60, TimeUnit.SECONDS);
    api = new ApiClient(vertx, node.port());
    api.createEvent(EVENT, new JsonObject().put("paused", true)).await(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void undeploy(Vertx vertx) throws Exception {
    for (BridgeClient b : bridges) {
      if (!b.isClosed()) {
        b.close().await(5, TimeUnit.SECONDS);
      }
    }
    node.undeploy().await(30, TimeUnit.SECONDS);
    setup.cleanUp(vertx);
    api.close();
  }

  private BridgeClient bridge(Vertx vertx) throws Exception {
    BridgeClient b = BridgeClient.connect(vertx, node.port(), new WebSocketClientOptions()
        .setMaxFrameSize(1 << 20).setMaxMessageSize(1 << 22)).await(10, TimeUnit.SECONDS);
    bridges.add(b);
    return b;
  }

  @Test
  void everyMalformedFrameGetsAnErrFrameAndTheSocketGoesOn(Vertx vertx) throws Exception {
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

    BridgeClient b = bridge(vertx);
    for (Map.Entry<String, String> f : frames.entrySet()) {
      b.sendText(f.getKey()).await(5, TimeUnit.SECONDS);
      JsonObject err = b.nextError(5000).await(10, TimeUnit.SECONDS);
      String shown = f.getKey().length() > 80 ? f.getKey().substring(0, 80) + "..." : f.getKey();
      assertEquals(f.getValue(), err.getString("body"), shown);
      assertEquals(f.getValue(), err.getString("failureType"), shown);
      assertTrue(err.getString("message") != null && !err.getString("message").isEmpty(), shown);
    }
    b.sendBinary(Buffer.buffer(new byte[] {(byte) 0xff, (byte) 0xfe, '{', '}'})).await(5, TimeUnit.SECONDS);
    assertEquals("invalid_json", b.nextError(5000).await(10, TimeUnit.SECONDS).getString("body"), "bytes, not UTF-8");

    b.register("foyer.event." + EVENT, null).await(5, TimeUnit.SECONDS);
    JsonObject progress = b.nextMessage("foyer.event." + EVENT, "progress", 5000).await(10, TimeUnit.SECONDS);
    assertEquals(0L, progress.getLong("waiting"), "the socket still works");
    assertTrue(b.received().stream().noneMatch(f -> "err".equals(f.getString("type"))), "one err frame each");
  }

  @Test
  void aMessageOverTheWebsocketsLimitIsRefusedWithAnErrFrame(Vertx vertx) throws Exception {
    BridgeClient b = bridge(vertx);
    String part = "x".repeat(60_000);
    b.sendFrame(WebSocketFrame.textFrame("{\"type\": \"ping\", \"pad\": \"" + part, false)).await(5, TimeUnit.SECONDS);
    for (int i = 0; i < 4; i++) {
      b.sendFrame(WebSocketFrame.continuationFrame(Buffer.buffer(part), false)).await(5, TimeUnit.SECONDS);
    }
    b.sendFrame(WebSocketFrame.continuationFrame(Buffer.buffer("\"}"), true)).await(5, TimeUnit.SECONDS);
    assertEquals("frame_too_large", b.nextError(5000).await(10, TimeUnit.SECONDS).getString("body"),
        "300 KB in fragments");
    b.sendText("{\"type\": \"register\", \"address\": \"foyer.event." + EVENT + "\"}").await(5, TimeUnit.SECONDS);
    b.nextMessage("foyer.event." + EVENT, "progress", 5000).await(10, TimeUnit.SECONDS);
    assertFalse(b.isClosed());
  }

  @Test
  void aSingleFrameOverTheWebsocketsFrameLimitClosesTheSocket(Vertx vertx) throws Exception {
    BridgeClient b = bridge(vertx);
    b.register("foyer.event." + EVENT, null).await(5, TimeUnit.SECONDS);
    b.nextMessage("foyer.event." + EVENT, "progress", 5000).await(10, TimeUnit.SECONDS);
    b.drop(frame -> "progress".equals(frame.getJsonObject("body", new JsonObject()).getString("type")));
    assertFalse(b.isClosed(), "the socket works before the large frame");

    b.sendText("{\"type\": \"ping\", \"pad\": \"" + "x".repeat(70_000) + "\"}");
    // the test never closes this socket: only the server can end it, and must within the deadline
    b.closed().await(30, TimeUnit.SECONDS);
    assertEquals((short) 1006, b.closeStatus(),
        "a 70 KB frame makes the server drop the connection without a close frame (Vert.x's frame limit is 64 KB)");
    assertEquals(List.of(), b.received(), "no answer to the large frame, no err frame, nothing after it");

    BridgeClient next = bridge(vertx);
    next.register("foyer.event." + EVENT, null).await(5, TimeUnit.SECONDS);
    next.nextMessage("foyer.event." + EVENT, "progress", 5000).await(10, TimeUnit.SECONDS);
  }

  @Test
  void sockJsXhrSendIsReadAndItsBodyIsBounded(Vertx vertx) throws Exception {
    // SockJS closes the connection after each poll
    WebClient web = WebClient.create(vertx, new io.vertx.ext.web.client.WebClientOptions().setKeepAlive(false));
    try {
      String base = "/eventbus/123/xhrsession/";
      var open = web.request(HttpMethod.POST, node.port(), "127.0.0.1", base + "xhr").send()
          .await(10, TimeUnit.SECONDS);
      assertEquals("o\n", open.bodyAsString(), "the session opens");
      String register = new io.vertx.core.json.JsonArray().add(new JsonObject().put("type", "register")
          .put("address", "foyer.event." + EVENT).encode()).encode();
      var sent = web.request(HttpMethod.POST, node.port(), "127.0.0.1", base + "xhr_send")
          .sendBuffer(Buffer.buffer(register)).await(10, TimeUnit.SECONDS);
      assertEquals(204, sent.statusCode(), sent.bodyAsString());
      var poll = web.request(HttpMethod.POST, node.port(), "127.0.0.1", base + "xhr").send()
          .await(10, TimeUnit.SECONDS);
      assertTrue(poll.bodyAsString().contains("progress"), poll.bodyAsString());

      var huge = web.request(HttpMethod.POST, node.port(), "127.0.0.1", base + "xhr_send")
          .sendBuffer(Buffer.buffer("[\"" + "x".repeat(100_000) + "\"]")).await(10, TimeUnit.SECONDS);
      assertEquals(413, huge.statusCode(), huge.bodyAsString());
    } finally {
      web.close();
    }
  }
}
