package dev.foyer.ingress;

import dev.foyer.support.ApiClient;
import dev.foyer.support.Chromium;
import dev.foyer.support.FoyerCluster;
import dev.foyer.support.Nginx;
import dev.foyer.support.TestServices;
import io.vertx.core.Future;
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

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real Chromium walks the site's path: the protected origin behind the shipped nginx sends it to
 * foyer's waiting room, the page shows where it will go back to, waits, is admitted, returns to the
 * origin and is let through; once the visitor has left, the origin sends it to the waiting room
 * again; a foreign return URL is refused on the page, which says the visitor books on foyer's
 * seat page instead, and its your-turn button says so and goes there.
 */
@ExtendWith(VertxExtension.class)
class SiteReturnPageTest {

  private static final String EVENT = "demo";

  @RegisterExtension
  static final FoyerCluster cluster = FoyerCluster.nodes(1);

  private Nginx nginx;
  private HttpServer origin;
  private Chromium chromium;

  @BeforeAll
  static void assumeBinaries() {
    Nginx.assumeInstalled();
    Chromium.assumeInstalled();
  }

  @AfterEach
  void stop() throws Exception {
    if (chromium != null) {
      chromium.close();
    }
    if (nginx != null) {
      nginx.close();
    }
    if (origin != null) {
      origin.close().await(5, TimeUnit.SECONDS);
    }
  }

  private static <R> R await(Future<R> f) {
    try {
      return f.await(30, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("no answer within 30 s", e);
    }
  }

  @Test
  void aBrowserIsSentToWaitShownTheWayBackAdmittedAndLetThroughUntilItLeaves(Vertx vertx) throws Exception {
    int node = cluster.node().port();
    int site = TestServices.freePort();
    origin = await(vertx.createHttpServer().requestHandler(req -> req.response()
        .putHeader("Content-Type", "text/html; charset=utf-8")
        .end("<!doctype html><title>Tickets</title><h1 id=origin>Tickets</h1><p id=who>"
            + req.getHeader("X-Foyer-Visitor") + "</p>")).listen(0, "127.0.0.1"));
    String siteUrl = "http://127.0.0.1:" + site;
    String foyerUrl = "http://127.0.0.1:" + node;
    ApiClient api = cluster.api();
    api.createEvent(EVENT, new JsonObject().put("gate", "on").put("paused", true).put("rankPushMillis", 200)
        .put("returnUrls", new JsonArray().add(siteUrl + "/.foyer/return"))).await(10, TimeUnit.SECONDS);
    nginx = Nginx.site(Map.of("FOYER_UPSTREAM", "127.0.0.1:" + node, "ORIGIN_UPSTREAM", "127.0.0.1:" + origin.actualPort(),
        "SITE_LISTEN", "127.0.0.1:" + site, "WAITING_ROOM_ORIGIN", foyerUrl, "FOYER_EVENT", EVENT));
    chromium = Chromium.launch(vertx);
    try {
      Chromium.Page page = await(chromium.open(siteUrl + "/tickets/"));
      await(page.collectLog());
      Object shown = await(page.waitFor("location.href.startsWith('" + foyerUrl + "/events/" + EVENT + "?return=')"
          + " && !document.getElementById('way-back').hidden"
          + " && document.getElementById('connection').dataset.state === 'live'"
          + " && document.getElementById('way-back').textContent", 30_000));
      assertTrue(shown.toString().contains("go back to 127.0.0.1"), shown.toString());
      await(page.viewport(false));
      await(page.screenshot(Path.of("target", "site-return-desktop.png")));
      await(page.viewport(true));
      await(page.screenshot(Path.of("target", "site-return-phone.png")));
      await(page.viewport(false));

      api.putEvent(EVENT, new JsonObject().put("paused", false)).await(10, TimeUnit.SECONDS);
      Object visitor = await(page.waitFor("location.href === '" + siteUrl + "/tickets/'"
          + " && document.getElementById('who') && document.getElementById('who').textContent", 30_000));
      assertTrue(visitor.toString().length() > 10, "the origin was told the visitor: " + visitor);
      assertEquals(true, await(page.eval("!document.cookie.includes('foyer_pass')")), "the cookie is HttpOnly");
      assertTrue(page.policyViolations().isEmpty(), page.policyViolations().toString());

      // the visitor leaves (from foyer's page, with the token it kept); the origin no longer lets them in
      await(page.call("Page.navigate", new JsonObject().put("url", foyerUrl + "/")));
      Object token = await(page.waitFor("location.href === '" + foyerUrl + "/'"
          + " && localStorage.getItem('foyer.token." + EVENT + "')", 15_000));
      assertEquals(204, await(api.leave(EVENT, token.toString())).statusCode());
      await(page.call("Page.navigate", new JsonObject().put("url", siteUrl + "/tickets/")));
      await(page.waitFor("location.href.startsWith('" + foyerUrl + "/events/" + EVENT + "')"
          + " && !document.getElementById('gone-card').hidden", 30_000));

      // a link with a foreign return URL: refused on the page, the visitor stays with foyer
      // (admission paused again, so the page waits rather than moving on to foyer's seat page)
      api.putEvent(EVENT, new JsonObject().put("paused", true)).await(10, TimeUnit.SECONDS);
      await(page.call("Page.navigate", new JsonObject().put("url", foyerUrl + "/events/" + EVENT
          + "?return=" + java.net.URLEncoder.encode("https://evil.test/steal", "UTF-8"))));
      Object refused = await(page.waitFor("document.getElementById('way-back').dataset.state === 'refused'"
          + " && document.getElementById('way-back').textContent", 28_000)
          .recover(err -> page.eval("location.href + ' | ' + document.getElementById('way-back').dataset.state + ' | '"
              + " + document.getElementById('way-back').textContent + ' | ' + document.body.innerText.slice(0, 300) + ' | '"
              + " + performance.getEntriesByType('resource').map(e => e.name + ' ' + e.responseStatus + ' ' + Math.round(e.duration)).join(', ')")
              .compose(state -> Future.failedFuture(err.getMessage() + "; page: " + state))));
      assertTrue(refused.toString().contains("return_url_not_allowed"), refused.toString());
      assertTrue(refused.toString().contains("you book here instead"), refused.toString());
      await(page.screenshot(Path.of("target", "site-return-refused.png")));

      // its turn: the button says what the page does (book here, not back to the site), and it does it
      api.putEvent(EVENT, new JsonObject().put("paused", false)).await(10, TimeUnit.SECONDS);
      Object button = await(page.waitFor("!document.getElementById('turn-card').hidden"
          + " && document.getElementById('turn-go').textContent", 30_000));
      assertEquals("Book here instead", button);
      await(page.screenshot(Path.of("target", "site-return-refused-turn.png")));
      await(page.eval("document.getElementById('turn-go').click()"));
      await(page.waitFor("location.href === '" + foyerUrl + "/events/" + EVENT + "/seats'", 30_000));
    } finally {
      api.close();
    }
  }
}
