package dev.foyer.ingress;

import dev.foyer.support.Chromium;
import dev.foyer.support.FoyerPages;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;

import static dev.foyer.support.Waits.await;
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

  @RegisterExtension
  static final FoyerPages pages = FoyerPages.oneNode();

  /**
   * A tab whose network the test watches, with these URL patterns blocked and this script run
   * before the page's own, then sent to the event's page with this query.
   */
  private static Chromium.Page open(String event, String query, String blocked, String before) {
    Chromium.Page page = await(pages.chromium().open("about:blank"));
    await(page.call("Network.enable", new JsonObject()));
    if (blocked != null) {
      await(page.call("Network.setBlockedURLs", new JsonObject().put("urls", new JsonArray().add(blocked))));
    }
    if (before != null) {
      await(page.call("Page.enable", new JsonObject()));
      await(page.call("Page.addScriptToEvaluateOnNewDocument", new JsonObject().put("source", before)));
    }
    await(page.call("Page.navigate", new JsonObject().put("url", pages.url("/events/" + event + query))));
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
  void onEachFallbackThePageGoesLiveAndIsLetIn(String transport) {
    String event = "page-" + transport;
    await(pages.api().createEvent(event, FoyerPages.oneAtATime().put("paused", true)));
    Chromium.Page page = open(event, "?transports=" + transport, null, null);
    Object position = await(page.waitFor(FoyerPages.LIVE + " && document.getElementById('position').textContent",
        15_000));
    List<String> requests = bridgeRequests(page);
    List<String> websockets = websockets(page);
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
    await(pages.api().putEvent(event, FoyerPages.oneAtATime().put("paused", false)));
    await(page.waitFor("location.pathname.endsWith('/seats') && 'ok'", 15_000));
    Object pass = await(page.eval("sessionStorage.getItem('foyer.pass." + event + "')"));
    assertTrue(pass != null && new JsonObject(pass.toString()).getString("pass").contains("."),
        "the admission's pass was kept for the seat page: " + pass);
  }

  @Test
  void whenWebsocketsFailThePageFallsBackByItself() {
    String event = "page-no-websockets";
    await(pages.api().createEvent(event, FoyerPages.oneAtATime().put("paused", true)));
    // as behind a proxy that answers every websocket upgrade with an error
    String breakWebsockets = "(() => { const Real = window.WebSocket;"
        + " window.WebSocket = function (url, protocols) {"
        + "   return new Real(url.replace(/\\/websocket$/, '/refused-by-proxy'), protocols); };"
        + " window.WebSocket.prototype = Real.prototype;"
        + " Object.assign(window.WebSocket, {CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3}); })()";
    Chromium.Page page = open(event, "", null, breakWebsockets);
    await(page.waitFor(FoyerPages.LIVE + " && document.getElementById('position').textContent", 20_000));
    List<String> requests = bridgeRequests(page);
    List<String> websockets = websockets(page);
    assertTrue(websockets.size() == 1 && websockets.get(0).endsWith("/refused-by-proxy"),
        "the websocket was tried first: " + websockets);
    assertTrue(requests.contains("xhr_streaming") && requests.contains("xhr_send"),
        "SockJS moved on to its first fallback: " + requests);
    await(pages.api().putEvent(event, FoyerPages.oneAtATime().put("paused", false)));
    await(page.waitFor("location.pathname.endsWith('/seats') && 'ok'", 15_000));
  }

  @Test
  void aSocketThatOpensButCannotSendMakesThePageBackOffNotRejoinEverySecond() throws Exception {
    String event = "page-backoff";
    await(pages.api().createEvent(event, FoyerPages.oneAtATime().put("paused", true)));
    // what the bridge did without a BodyHandler: the socket opens, every frame sent up fails
    Chromium.Page page = open(event, "?transports=xhr-polling", "*/xhr_send*", null);
    // the joins of 12 s are counted: a window watched, not a wait for something expected
    Thread.sleep(12_000);
    List<Double> joins = page.networkEvents("Network.requestWillBeSent").stream()
        .filter(e -> e.getJsonObject("request").getString("url").endsWith("/visitors")
            && "POST".equals(e.getJsonObject("request").getString("method")))
        .map(e -> e.getDouble("timestamp")).toList();
    Object state = await(page.eval("document.getElementById('connection').dataset.state"));
    // backing off (1, 2, 4, 8 s, plus up to 0.5 s each) makes 4 joins in 12 s; rejoining every
    // 1.2 s made about 10
    assertTrue(joins.size() >= 3 && joins.size() <= 5, "joins backed off: at " + joins + " s");
    double lastGap = joins.get(joins.size() - 1) - joins.get(joins.size() - 2);
    assertTrue(lastGap >= 3, "the waits grow: joins at " + joins + " s");
    assertNotEquals("live", state, "never shown live while nothing gets through");
    // the way is clear again: a later attempt goes live
    await(page.call("Network.setBlockedURLs", new JsonObject().put("urls", new JsonArray())));
    await(page.waitFor(FoyerPages.LIVE, 25_000));
  }
}
