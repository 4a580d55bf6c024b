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

import java.util.concurrent.TimeUnit;

import static dev.foyer.support.Waits.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A site's own page on another origin draws its waiting UI with /js/foyer-client.js (the official
 * Vert.x event-bus client underneath): it joins over CORS, hears its position and its admission
 * over the bridge, gets a way back, and leaves; a page of an origin the event does not list cannot,
 * and is told why in words (the console and an {@code error} event), not "unreachable".
 */
@ExtendWith(VertxExtension.class)
class FoyerClientTest {

  private static final String EVENT = "client-demo";

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
}
