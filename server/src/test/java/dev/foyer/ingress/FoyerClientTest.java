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
 * A site's own page on another origin draws its waiting UI with /js/foyer-client.js (the official
 * Vert.x event-bus client underneath): it joins over CORS, hears its position and its admission
 * over the bridge, gets a way back, and leaves; a page of an origin the event does not list cannot,
 * and is told why in words (the console and an {@code error} event), not "unreachable". A page still
 * running the foyer-client.js of before the slow heartbeat (a copy of it as of 4384f25, in test
 * resources: it talks to /eventbus and gives a socket up after 8 s of silence) is heartbeaten within
 * its bound, so it stays live without a reconnect, and is told its places and its admission,
 * ignoring whatever the server sends that it never knew.
 */
@ExtendWith(VertxExtension.class)
class FoyerClientTest {

  private static final String EVENT = "client-demo";
  private static final String OLD_EVENT = "old-client";
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


  @Test
  void aSitesOwnPageJoinsHearsItsPlaceAndAdmissionAndLeaves(Vertx vertx) throws Exception {
    String foyer = "http://127.0.0.1:" + cluster.node().port();
    String page = "<!doctype html><title>Site queue</title><p id=log></p>"
        + "<script src='" + foyer + "/webjars/sockjs-client/1.6.1/dist/sockjs.min.js'></script>"
        + "<script src='" + foyer + "/js/vendor/vertx-eventbus-1.0.0.js'></script>"
        + "<script src='" + foyer + "/js/foyer-client.js'></script>"
        + "<script>window.seen = []; window.said = [];"
        + " console.error = (...parts) => said.push(parts.join(' '));"
        + " window.line = FoyerClient.join({base: '" + foyer + "', event: '" + EVENT + "'})"
        + ".on('position', p => seen.push('position ' + p.position))"
        + ".on('admitted', a => { seen.push('admitted'); window.pass = a.pass; })"
        + ".on('left', g => seen.push('left ' + g.reason))"
        + ".on('error', e => { seen.push('error ' + e.code); window.why = e.message; });</script>";
    site = await(vertx.createHttpServer().requestHandler(req -> req.response()
        .putHeader("Content-Type", "text/html; charset=utf-8").end(page)).listen(0, "127.0.0.1"));
    String siteOrigin = "http://127.0.0.1:" + site.actualPort();
    // "localhost" is another origin for the same server: one the event does not list
    String otherOrigin = "http://localhost:" + site.actualPort();
    ApiClient api = cluster.api();
    try {
      await(api.createEvent(EVENT, new JsonObject().put("gate", "on").put("paused", true).put("rankPushMillis", 200)
          .put("corsOrigins", new JsonArray().add(siteOrigin))
          .put("returnUrls", new JsonArray().add(siteOrigin + "/back"))));
      chromium = Chromium.launch(vertx);
      Chromium.Page tab = await(chromium.open(siteOrigin + "/"));
      // live over the bridge, not only told by its REST rejoins: sockjs-client's reads of another
      // origin are credentialed, and once the bridge refused them, so a site's page never opened a socket
      await(tab.waitFor("window.seen && seen.includes('position 1') && line.connection === 'live'", 30_000));
      assertTrue(String.valueOf(await(tab.eval("line.bus.sockJSConn.url"))).endsWith("/eventbus/v2"),
          "on the slow heartbeat's endpoint");
      api.putEvent(EVENT, new JsonObject().put("paused", false)).await(10, TimeUnit.SECONDS);
      await(tab.waitFor("window.seen.includes('admitted') && window.pass", 30_000));
      Object back = await(tab.eval("line.returnTo('" + siteOrigin + "/back')"));
      assertTrue(back.toString().startsWith(siteOrigin + "/back?foyer_code="), back.toString());
      Object foreign = await(tab.eval("line.returnTo('https://evil.test/').then(() => 'went', e => e.code)"));
      assertEquals("return_url_not_allowed", foreign);
      await(tab.eval("line.leave()"));
      await(tab.waitFor("window.seen.includes('left left')", 10_000));
      assertEquals(0L, await(api.stats(EVENT)).getLong("active"), "the slot was freed");
      assertTrue(!((String) await(tab.eval("seen.join(',')"))).contains("error"), "no errors");

      Chromium.Page stranger = await(chromium.open(otherOrigin + "/"));
      // the browser hides a refused call's answer; the client learns why from a read foyer lets it see
      await(stranger.waitFor("window.seen && seen.includes('error origin_not_allowed')", 30_000));
      String why = (String) await(stranger.eval("window.why"));
      assertTrue(why.contains(otherOrigin) && why.contains("corsOrigins"), why);
      assertEquals("foyer: " + why, await(stranger.eval("said.join('|')")), "said once on the console");
      assertEquals(0L, await(api.stats(EVENT)).getLong("waiting"), "a page of an unlisted origin cannot read the join");
    } finally {
      api.close();
    }
  }

  private static String oldClient() throws Exception {
    try (InputStream in = FoyerClientTest.class.getResourceAsStream("/old-client/foyer-client-4384f25.js")) {
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
        + " window.line = FoyerClient.join({base: '" + foyer + "', event: '" + OLD_EVENT + "'})"
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
      await(api.createEvent(OLD_EVENT, new JsonObject().put("gate", "on").put("paused", true).put("maxActive", 1)
          .put("admitPerMinute", 0).put("rankPushMillis", 200).put("corsOrigins", new JsonArray().add(siteOrigin))));
      // someone ahead, so the page's next place can only come from a rank frame
      String ahead = await(api.join(OLD_EVENT)).bodyAsJsonObject().getString("token");
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
      assertEquals(200, await(api.me(OLD_EVENT, ahead)).statusCode(), "the one ahead is still present");
      api.putEvent(OLD_EVENT, new JsonObject().put("paused", false)).await(10, TimeUnit.SECONDS);
      await(tab.waitFor("seen.includes('position 1')", 20_000));
      assertEquals(204, await(api.leave(OLD_EVENT, ahead)).statusCode());
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
