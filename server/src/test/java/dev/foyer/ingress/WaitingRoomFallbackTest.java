package dev.foyer.ingress;

import dev.foyer.support.ApiClient;
import dev.foyer.support.Chromium;
import dev.foyer.support.SingleNode;
import dev.foyer.support.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * foyer's own waiting page in Chromium when websockets do not get through, as behind a proxy that
 * breaks them: on each SockJS fallback it goes live and is let in, and when its socket opens but
 * cannot send, it backs off instead of rejoining every second.
 */
@ExtendWith(VertxExtension.class)
class WaitingRoomFallbackTest {

  private static SingleNode foyer;
  private static TestNode node;
  private static ApiClient api;
  private static Vertx client;
  private Chromium chromium;

  @BeforeAll
  static void start() throws Exception {
    Chromium.assumeInstalled();
    foyer = SingleNode.start(WaitingRoomFallbackTest.class);
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

  @BeforeEach
  void launch() throws Exception {
    chromium = Chromium.launch(client);
  }

  @AfterEach
  void quit() {
    chromium.close();
  }

  private static final JsonObject ONE_AT_A_TIME = new JsonObject().put("gate", "on").put("maxActive", 1)
      .put("admitPerMinute", 0).put("rankPushMillis", 200);

  private String url(String event, String query) {
    return "http://127.0.0.1:" + node.port() + "/events/" + event + query;
  }

  /**
   * A tab whose network the test watches, with these URL patterns blocked and this script run
   * before the page's own, then sent to the URL.
   */
  private Chromium.Page open(String url, String blocked, String before) throws Exception {
    Chromium.Page page = chromium.open("about:blank").await(20, TimeUnit.SECONDS);
    page.call("Network.enable", new JsonObject()).await(10, TimeUnit.SECONDS);
    if (blocked != null) {
      page.call("Network.setBlockedURLs", new JsonObject().put("urls", new JsonArray().add(blocked)))
          .await(10, TimeUnit.SECONDS);
    }
    if (before != null) {
      page.call("Page.enable", new JsonObject()).await(10, TimeUnit.SECONDS);
      page.call("Page.addScriptToEvaluateOnNewDocument", new JsonObject().put("source", before))
          .await(10, TimeUnit.SECONDS);
    }
    page.call("Page.navigate", new JsonObject().put("url", url)).await(10, TimeUnit.SECONDS);
    return page;
  }

  /** The bridge's HTTP requests the tab made, by the last part of their path (info, xhr, xhr_send, ...). */
  private static List<String> bridgeRequests(Chromium.Page page) {
    List<String> out = new ArrayList<>();
    for (JsonObject sent : page.networkEvents("Network.requestWillBeSent")) {
      String url = sent.getJsonObject("request").getString("url").split("\\?")[0];
      if (url.contains("/eventbus/")) {
        out.add(url.substring(url.lastIndexOf('/') + 1));
      }
    }
    return out;
  }

  private static List<String> websockets(Chromium.Page page) {
    return page.networkEvents("Network.webSocketCreated").stream().map(w -> w.getString("url")).toList();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"xhr-streaming", "xhr-polling", "eventsource"})
  void onEachFallbackThePageGoesLiveAndIsLetIn(String transport, VertxTestContext ctx) throws Exception {
    String event = "page-" + transport;
    api.createEvent(event, ONE_AT_A_TIME.copy().put("paused", true)).await(10, TimeUnit.SECONDS);
    Chromium.Page page = open(url(event, "?transports=" + transport), null, null);
    Object position = page.waitFor("document.getElementById('connection').dataset.state === 'live'"
        + " && document.getElementById('position').textContent", 15_000).await(20, TimeUnit.SECONDS);
    List<String> requests = bridgeRequests(page);
    List<String> websockets = websockets(page);
    ctx.verify(() -> {
      assertEquals("1", position.toString(), "first in line");
      String receiving = switch (transport) {
        case "xhr-streaming" -> "xhr_streaming";
        case "xhr-polling" -> "xhr";
        default -> "eventsource";
      };
      assertTrue(requests.contains(receiving), "received over " + receiving + ": " + requests);
      assertTrue(requests.contains("xhr_send"), "the register went up in an xhr_send: " + requests);
      assertTrue(requests.stream().allMatch(r -> r.equals("info") || r.equals(receiving) || r.equals("xhr_send")),
          "no other transport was tried: " + requests);
      assertEquals(List.of(), websockets, "no websocket");
    });
    api.putEvent(event, ONE_AT_A_TIME.copy().put("paused", false)).await(10, TimeUnit.SECONDS);
    page.waitFor("location.pathname.endsWith('/seats') && 'ok'", 15_000).await(20, TimeUnit.SECONDS);
    Object pass = page.eval("sessionStorage.getItem('foyer.pass." + event + "')").await(10, TimeUnit.SECONDS);
    ctx.verify(() -> assertTrue(pass != null && new JsonObject(pass.toString()).getString("pass").contains("."),
        "the admission's pass was kept for the seat page: " + pass));
    ctx.completeNow();
  }

  @Test
  void whenWebsocketsFailThePageFallsBackByItself(VertxTestContext ctx) throws Exception {
    String event = "page-no-websockets";
    api.createEvent(event, ONE_AT_A_TIME.copy().put("paused", true)).await(10, TimeUnit.SECONDS);
    // as behind a proxy that answers every websocket upgrade with an error
    String breakWebsockets = "(() => { const Real = window.WebSocket;"
        + " window.WebSocket = function (url, protocols) {"
        + "   return new Real(url.replace(/\\/websocket$/, '/refused-by-proxy'), protocols); };"
        + " window.WebSocket.prototype = Real.prototype;"
        + " Object.assign(window.WebSocket, {CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3}); })()";
    Chromium.Page page = open(url(event, ""), null, breakWebsockets);
    page.waitFor("document.getElementById('connection').dataset.state === 'live'"
        + " && document.getElementById('position').textContent", 20_000).await(25, TimeUnit.SECONDS);
    List<String> requests = bridgeRequests(page);
    List<String> websockets = websockets(page);
    ctx.verify(() -> {
      assertTrue(websockets.size() == 1 && websockets.get(0).endsWith("/refused-by-proxy"),
          "the websocket was tried first: " + websockets);
      assertTrue(requests.contains("xhr_streaming") && requests.contains("xhr_send"),
          "SockJS moved on to its first fallback: " + requests);
    });
    api.putEvent(event, ONE_AT_A_TIME.copy().put("paused", false)).await(10, TimeUnit.SECONDS);
    page.waitFor("location.pathname.endsWith('/seats') && 'ok'", 15_000).await(20, TimeUnit.SECONDS);
    ctx.completeNow();
  }

  @Test
  void aSocketThatOpensButCannotSendMakesThePageBackOffNotRejoinEverySecond(VertxTestContext ctx)
      throws Exception {
    String event = "page-backoff";
    api.createEvent(event, ONE_AT_A_TIME.copy().put("paused", true)).await(10, TimeUnit.SECONDS);
    // what the bridge did without a BodyHandler: the socket opens, every frame sent up fails
    Chromium.Page page = open(url(event, "?transports=xhr-polling"), "*/xhr_send*", null);
    Thread.sleep(12_000);
    List<Double> joins = page.networkEvents("Network.requestWillBeSent").stream()
        .filter(e -> e.getJsonObject("request").getString("url").endsWith("/visitors")
            && "POST".equals(e.getJsonObject("request").getString("method")))
        .map(e -> e.getDouble("timestamp")).toList();
    Object state = page.eval("document.getElementById('connection').dataset.state").await(10, TimeUnit.SECONDS);
    ctx.verify(() -> {
      // backing off (1, 2, 4, 8 s, plus up to 0.5 s each) makes 4 joins in 12 s; rejoining every
      // 1.2 s made about 10
      assertTrue(joins.size() >= 3 && joins.size() <= 5, "joins backed off: at " + joins + " s");
      double lastGap = joins.get(joins.size() - 1) - joins.get(joins.size() - 2);
      assertTrue(lastGap >= 3, "the waits grow: joins at " + joins + " s");
      assertNotEquals("live", state, "never shown live while nothing gets through");
    });
    // the way is clear again: a later attempt goes live
    page.call("Network.setBlockedURLs", new JsonObject().put("urls", new JsonArray())).await(10, TimeUnit.SECONDS);
    page.waitFor("document.getElementById('connection').dataset.state === 'live'", 25_000)
        .await(30, TimeUnit.SECONDS);
    ctx.completeNow();
  }
}
