package dev.foyer.cluster;

import dev.foyer.support.ApiClient;
import dev.foyer.support.FoyerCluster;
import dev.foyer.support.Nginx;
import dev.foyer.support.TestServices;
import dev.foyer.support.Waits;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static dev.foyer.support.Waits.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shipped site template (docker/templates/site.conf.template) in front of a small origin and a foyer node: a buyer without a
 * pass is sent to the waiting room, waits, is admitted, comes back through the site's return path
 * with a single-use code, gets the cookie and is let through to the origin; once the site ends the
 * session with the pass, the proxy refuses the same cookie within a second. The site's backend,
 * behind the same proxy, extends a visit (relaying the fresh cookie) and completes it.
 */
@ExtendWith(VertxExtension.class)
class SiteBehindNginxTest {

  private static final String EVENT = "demo";

  @RegisterExtension
  static final FoyerCluster cluster = FoyerCluster.nodes(1);

  private Nginx nginx;
  private HttpServer origin;

  @BeforeAll
  static void assumeNginx() {
    Nginx.assumeInstalled();
  }

  @AfterEach
  void stop() throws Exception {
    if (nginx != null) {
      nginx.close();
    }
    if (origin != null) {
      origin.close().await(5, TimeUnit.SECONDS);
    }
  }

  /** The origin behind the shipped site template, in front of the node; the site's port. */
  private int startSite(Vertx vertx, Handler<HttpServerRequest> site) throws Exception {
    int port = TestServices.freePort();
    int node = cluster.node().port();
    origin = await(vertx.createHttpServer().requestHandler(site).listen(0, "127.0.0.1"));
    nginx = Nginx.site(Map.of("FOYER_UPSTREAM", "127.0.0.1:" + node, "ORIGIN_UPSTREAM", "127.0.0.1:" + origin.actualPort(),
        "SITE_LISTEN", "127.0.0.1:" + port, "WAITING_ROOM_ORIGIN", "http://127.0.0.1:" + node, "FOYER_EVENT", EVENT));
    return port;
  }

  @Test
  void aBuyerIsSentToWaitComesBackWithTheCookieAndIsRefusedOnceGone(Vertx vertx) throws Exception {
    int site = startSite(vertx, req -> req.response()
        .putHeader("Content-Type", "text/plain")
        .end("origin " + req.uri() + " visitor=" + req.getHeader("X-Foyer-Visitor")
            + " event=" + req.getHeader("X-Foyer-Event")));
    String siteUrl = "http://127.0.0.1:" + site;
    String foyerUrl = "http://127.0.0.1:" + cluster.node().port();
    ApiClient api = cluster.api();
    api.createEvent(EVENT, new JsonObject().put("gate", "on").put("paused", true).put("rankPushMillis", 200)
        .put("returnUrls", new JsonArray().add(siteUrl + "/.foyer/return"))).await(10, TimeUnit.SECONDS);
    WebClient browser = WebClient.create(vertx);
    try {
      // no pass: sent to the waiting room, carrying the way back
      HttpResponse<Buffer> first = await(Waits.until(vertx, () -> browser.get(site, "127.0.0.1", "/tickets/?show=2")
          .followRedirects(false).send().recover(notYet -> Future.succeededFuture(null)), r -> r != null, 10_000));
      assertEquals(302, first.statusCode(), first.bodyAsString());
      String room = first.getHeader("Location");
      assertTrue(room.startsWith(foyerUrl + "/events/" + EVENT + "?return="), room);
      String back = URLDecoder.decode(room.substring(room.indexOf("return=") + 7), StandardCharsets.UTF_8);
      assertEquals(siteUrl + "/.foyer/return?next=%2Ftickets%2F%3Fshow%3D2", back);
      assertEquals(200, await(api.request(HttpMethod.GET, "/api/events/" + EVENT + "/return-url")
          .addQueryParam("url", back).send()).statusCode(), "the waiting page would show the way back");

      // waits, is admitted
      JsonObject visitor = await(api.join(EVENT)).bodyAsJsonObject();
      assertEquals("waiting", visitor.getString("state"));
      String token = visitor.getString("token");
      await(api.putEvent(EVENT, new JsonObject().put("paused", false)));
      JsonObject active = await(Waits.until(vertx, () -> api.me(EVENT, token).map(HttpResponse::bodyAsJsonObject),
          s -> "active".equals(s.getString("state")), 15_000));

      // comes back with a single-use code, gets the site's cookie, is let through
      JsonObject issued = await(api.request(HttpMethod.POST, "/api/events/" + EVENT + "/visitors/me/return")
          .bearerTokenAuthentication(token).sendJsonObject(new JsonObject().put("url", back))).bodyAsJsonObject();
      String location = issued.getString("location");
      assertTrue(location.startsWith(siteUrl + "/.foyer/return?"), location);
      HttpResponse<Buffer> returned = await(browser.getAbs(location).followRedirects(false).send());
      assertEquals(302, returned.statusCode(), returned.bodyAsString());
      assertEquals("/tickets/?show=2", returned.getHeader("Location"));
      String cookie = returned.cookies().get(0).split(";", 2)[0];
      assertTrue(cookie.startsWith("foyer_pass_" + EVENT + "="), cookie);
      HttpResponse<Buffer> through = await(browser.get(site, "127.0.0.1", "/tickets/?show=2")
          .putHeader("Cookie", cookie).putHeader("X-Foyer-Visitor", "forged").followRedirects(false).send());
      assertEquals(200, through.statusCode());
      assertEquals("origin /tickets/?show=2 visitor=" + active.getString("visitor") + " event=" + EVENT,
          through.bodyAsString(), "the proxy names the visitor, whatever the client sent");
      HttpResponse<Buffer> reused = await(browser.getAbs(location).followRedirects(false).send());
      assertEquals(400, reused.statusCode(), "a code works once");

      // the site ends the session with the pass; the proxy refuses the cookie within a second
      String pass = active.getString("pass");
      long left = System.nanoTime();
      assertEquals(204, await(api.request(HttpMethod.DELETE, "/api/events/" + EVENT + "/visitors/me")
          .bearerTokenAuthentication(pass).send()).statusCode());
      HttpResponse<Buffer> refused = await(browser.get(site, "127.0.0.1", "/tickets/?show=2")
          .putHeader("Cookie", cookie).followRedirects(false).send());
      long millis = (System.nanoTime() - left) / 1_000_000;
      assertEquals(302, refused.statusCode());
      assertTrue(refused.getHeader("Location").startsWith(foyerUrl + "/events/" + EVENT), refused.getHeader("Location"));
      assertTrue(millis < 1000, "refused " + millis + " ms after leaving");

      // a foreign return URL is refused, through the page's check and when asking for a code
      HttpResponse<Buffer> foreign = await(api.request(HttpMethod.GET, "/api/events/" + EVENT + "/return-url")
          .addQueryParam("url", "http://evil.test/.foyer/return").send());
      assertEquals(400, foreign.statusCode());
      assertEquals("return_url_not_allowed", foreign.bodyAsJsonObject().getString("error"));
      HttpResponse<Buffer> forged = await(browser.get(site, "127.0.0.1", "/.foyer/return?foyer_code=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA&next=/")
          .followRedirects(false).send());
      assertEquals(400, forged.statusCode());
      assertNotNull(forged.bodyAsJsonObject().getString("error"));
    } finally {
      browser.close();
      api.close();
    }
  }

  /**
   * The site's backend, behind its proxy, gives a buyer whose payment is slow more time and ends the
   * visit once paid: it calls foyer with the pass from the buyer's cookie and relays the fresh
   * cookie of the extension, which the proxy's gate then takes; after the completion it refuses it.
   */
  @Test
  void theSitesBackendExtendsThenCompletesTheVisitAndTheProxyFollows(Vertx vertx) throws Exception {
    String cookieName = "foyer_pass_" + EVENT;
    WebClient backend = WebClient.create(vertx);
    int site = startSite(vertx, req -> {
      String step = req.path().equals("/pay/slow") ? "extend" : req.path().equals("/pay/done") ? "complete" : null;
      if (step == null) {
        req.response().end("origin " + req.path());
        return;
      }
      var call = backend.post(cluster.node().port(), "127.0.0.1", "/api/events/" + EVENT + "/visitors/me/" + step)
          .bearerTokenAuthentication(req.getCookie(cookieName).getValue());
      (step.equals("extend") ? call.sendJsonObject(new JsonObject().put("seconds", 90)) : call.send())
          .onSuccess(r -> {
            // the extension's fresh pass, as the cookie the proxy's gate reads, goes on to the browser
            r.cookies().forEach(c -> req.response().headers().add("Set-Cookie", c));
            req.response().setStatusCode(r.statusCode()).end(r.bodyAsString());
          })
          .onFailure(err -> req.response().setStatusCode(502).end(String.valueOf(err)));
    });
    String siteUrl = "http://127.0.0.1:" + site;
    ApiClient api = cluster.api();
    await(api.createEvent(EVENT, new JsonObject().put("gate", "off")
        .put("returnUrls", new JsonArray().add(siteUrl + "/.foyer/return"))));
    WebClient browser = WebClient.create(vertx);
    try {
      JsonObject visitor = await(api.admitted(EVENT));
      String location = await(api.request(HttpMethod.POST, "/api/events/" + EVENT + "/visitors/me/return")
          .bearerTokenAuthentication(visitor.getString("token"))
          .sendJsonObject(new JsonObject().put("url", siteUrl + "/.foyer/return?next=/pay/"))).bodyAsJsonObject()
          .getString("location");
      HttpResponse<Buffer> entered = await(Waits.until(vertx, () -> browser.getAbs(location).followRedirects(false)
          .send().recover(notYet -> Future.succeededFuture(null)), r -> r != null, 10_000));
      String cookie = entered.cookies().get(0).split(";", 2)[0];

      HttpResponse<Buffer> slow = await(browser.get(site, "127.0.0.1", "/pay/slow").putHeader("Cookie", cookie)
          .followRedirects(false).send());
      assertEquals(200, slow.statusCode(), slow.bodyAsString());
      long later = slow.bodyAsJsonObject().getLong("activeUntil");
      assertEquals(visitor.getLong("activeUntil") + 90_000, later);
      String fresh = slow.cookies().get(0).split(";", 2)[0];
      assertEquals(cookieName + "=" + slow.bodyAsJsonObject().getString("pass"), fresh, "relayed through the proxy");
      HttpResponse<Buffer> through = await(browser.get(site, "127.0.0.1", "/pay/").putHeader("Cookie", fresh)
          .followRedirects(false).send());
      assertEquals(200, through.statusCode(), "the gate takes the fresh pass");

      HttpResponse<Buffer> done = await(browser.get(site, "127.0.0.1", "/pay/done").putHeader("Cookie", fresh)
          .followRedirects(false).send());
      assertEquals(200, done.statusCode(), done.bodyAsString());
      assertEquals("completed", done.bodyAsJsonObject().getString("reason"));
      HttpResponse<Buffer> after = await(browser.get(site, "127.0.0.1", "/pay/").putHeader("Cookie", fresh)
          .followRedirects(false).send());
      assertEquals(302, after.statusCode(), "a completed visit is over at the gate");
      assertEquals("completed", await(api.me(EVENT, visitor.getString("token"))).bodyAsJsonObject().getString("reason"));
    } finally {
      browser.close();
      backend.close();
      api.close();
    }
  }
}
