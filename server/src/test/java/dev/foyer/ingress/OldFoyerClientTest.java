package dev.foyer.ingress;

import dev.foyer.support.ApiClient;
import dev.foyer.support.Chromium;
import dev.foyer.support.FoyerCluster;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static dev.foyer.support.Waits.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A site's page still running the foyer-client.js of before the slow heartbeat (a copy of it as of
 * 4384f25, in test resources: it talks to /eventbus and gives a socket up after 8 s of silence)
 * against the current server: it is heartbeaten within its bound, so it stays live without a
 * reconnect, and it joins, hears its rank frames and its admission, ignoring whatever the server
 * sends that it never knew.
 */
@ExtendWith(VertxExtension.class)
class OldFoyerClientTest {

  private static final String EVENT = "old-client";
  /** The old client's own silence bound: the legacy endpoint must beat within it. */
  private static final long OLD_SILENCE_MILLIS = 8_000;

  @RegisterExtension
  static final FoyerCluster cluster = FoyerCluster.nodes(1);

  private Chromium chromium;
  private HttpServer site;

  @BeforeAll
  static void assumeChromium() {
    Chromium.assumeInstalled();
  }

  @AfterEach
  void stop() throws Exception {
    if (chromium != null) {
      chromium.close();
    }
    if (site != null) {
      site.close().await(5, TimeUnit.SECONDS);
    }
  }

  private static String oldClient() throws Exception {
    try (InputStream in = OldFoyerClientTest.class.getResourceAsStream("/old-client/foyer-client-4384f25.js")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void aPageOnTheClientOfBeforeStaysLiveOnItsHeartbeatAndIsTold(Vertx vertx) throws Exception {
    String foyer = "http://127.0.0.1:" + cluster.node().port();
    String client = oldClient();
    String page = "<!doctype html><title>Site queue</title>"
        + "<script src='" + foyer + "/webjars/sockjs-client/1.6.1/dist/sockjs.min.js'></script>"
        + "<script src='" + foyer + "/js/vendor/vertx-eventbus-1.0.0.js'></script>"
        + "<script src='" + foyer + "/js/position.js'></script>"
        + "<script src='/old-foyer-client.js'></script>"
        + "<script>window.seen = []; window.states = []; window.warned = []; window.beats = 0;"
        + " window.longestSilence = 0;"
        + " console.warn = (...parts) => warned.push(parts.join(' '));"
        + " window.line = FoyerClient.join({base: '" + foyer + "', event: '" + EVENT + "'})"
        + ".on('position', p => seen.push('position ' + p.position))"
        + ".on('admitted', a => { seen.push('admitted'); window.pass = a.pass; })"
        + ".on('left', g => seen.push('left ' + g.reason))"
        + ".on('connection', c => states.push(c.state))"
        + ".on('error', e => seen.push('error ' + e.code));"
        // the longest the page went without hearing the bridge while it said live
        + " setInterval(() => { if (line.connection === 'live')"
        + " longestSilence = Math.max(longestSilence, Date.now() - line.lastHeard); }, 100);</script>";
    site = await(vertx.createHttpServer().requestHandler(req -> {
      boolean script = req.path().equals("/old-foyer-client.js");
      req.response().putHeader("Content-Type", script ? "text/javascript" : "text/html; charset=utf-8")
          .end(script ? client : page);
    }).listen(0, "127.0.0.1"));
    String siteOrigin = "http://127.0.0.1:" + site.actualPort();
    ApiClient api = cluster.api();
    try {
      await(api.createEvent(EVENT, new JsonObject().put("gate", "on").put("paused", true).put("maxActive", 1)
          .put("admitPerMinute", 0).put("rankPushMillis", 200).put("corsOrigins", new JsonArray().add(siteOrigin))));
      // someone ahead, so the page's next place can only come from a rank frame
      String ahead = await(api.join(EVENT)).bodyAsJsonObject().getString("token");
      chromium = Chromium.launch(vertx);
      Chromium.Page tab = await(chromium.open(siteOrigin + "/"));
      await(tab.waitFor("window.seen && seen.includes('position 2') && line.connection === 'live'", 30_000));
      assertEquals(foyer + "/eventbus", await(tab.eval("line.bus.sockJSConn.url")), "the old client's endpoint");
      await(tab.eval("line.bus.sockJSConn.addEventListener('heartbeat', () => beats++); true"));

      // nothing but heartbeats comes while the line is paused: longer than its bound, it stays live
      // (a span watched, not an outcome waited for)
      Thread.sleep(OLD_SILENCE_MILLIS + 4_000);
      assertEquals("live", await(tab.eval("line.connection")));
      assertEquals("live", await(tab.eval("states.join(',')")), "live once, never reconnecting");
      assertTrue(((Number) await(tab.eval("beats"))).intValue() >= 2, "heartbeats heard");
      long longest = ((Number) await(tab.eval("longestSilence"))).longValue();
      assertTrue(longest < OLD_SILENCE_MILLIS, "silent for " + longest + " ms at most while live");

      // the one ahead is let in: the page hears its new place from a rank frame, then its turn
      assertEquals(200, await(api.me(EVENT, ahead)).statusCode(), "the one ahead is still present");
      api.putEvent(EVENT, new JsonObject().put("paused", false)).await(10, TimeUnit.SECONDS);
      await(tab.waitFor("seen.includes('position 1')", 20_000));
      assertEquals(204, await(api.leave(EVENT, ahead)).statusCode());
      await(tab.waitFor("seen.includes('admitted') && window.pass", 20_000));

      // (a place is emitted again on every frame that says it, as this client did)
      assertEquals("position 2,position 1,admitted", await(tab.eval("[...new Set(seen)].join(',')")),
          "no error, nothing else");
      assertEquals("live", await(tab.eval("states.join(',')")), "live once, never reconnecting");
      assertEquals("", await(tab.eval("warned.join('|')")), "no frame the old client could not place");
    } finally {
      api.close();
    }
  }
}
