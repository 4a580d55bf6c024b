package dev.foyer.ingress;

import dev.foyer.support.ApiClient;
import dev.foyer.support.Chromium;
import dev.foyer.support.FoyerCluster;
import dev.foyer.support.Nginx;
import dev.foyer.support.TestServices;
import dev.foyer.support.Waits;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static dev.foyer.support.Waits.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The site's return path, through the shipped site template and a real node, answers a browser
 * that brings a used code with a page (400, HTML, its own style allowed by the page's policy) whose
 * one link is the event's waiting room on foyer's origin, carrying the way back to the page the
 * buyer wanted; an API client gets the contract's JSON as before. An unknown event is a page too.
 */
@ExtendWith(VertxExtension.class)
class ReturnPagesTest {

  private static final String EVENT = "demo";
  private static final String BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

  @RegisterExtension
  static final FoyerCluster cluster = FoyerCluster.nodes(1);

  private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
      .connectTimeout(Duration.ofSeconds(5)).build();
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

  private HttpResponse<String> get(String url, String accept) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30));
    if (accept != null) {
      request.header("Accept", accept);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  @Test
  void aUsedCodeIsAPageForABrowserWithTheWayBackToTheWaitingRoomAndJsonForAnApiClient(Vertx vertx) throws Exception {
    int node = cluster.node().port();
    int site = TestServices.freePort();
    String siteUrl = "http://127.0.0.1:" + site;
    String foyerUrl = "http://127.0.0.1:" + node;
    origin = await(vertx.createHttpServer().requestHandler(req -> req.response().putHeader("Content-Type", "text/plain")
        .end("origin " + req.getHeader("X-Foyer-Visitor"))).listen(0, "127.0.0.1"));
    ApiClient api = cluster.api();
    await(api.createEvent(EVENT, new JsonObject().put("gate", "off").put("returnUrls",
        new JsonArray().add(siteUrl + "/.foyer/return"))));
    nginx = Nginx.site(Map.of("FOYER_UPSTREAM", "127.0.0.1:" + node, "ORIGIN_UPSTREAM", "127.0.0.1:" + origin.actualPort(),
        "SITE_LISTEN", "127.0.0.1:" + site, "WAITING_ROOM_ORIGIN", foyerUrl, "FOYER_EVENT", EVENT));
    nginx.awaitListening(site);
    try {
      // an admitted visitor's code, used once as the browser would
      JsonObject visitor = await(api.join(EVENT)).bodyAsJsonObject();
      Waits.until("admitted", 15_000, () -> "active".equals(await(api.me(EVENT, visitor.getString("token")))
          .bodyAsJsonObject().getString("state")));
      String location = await(api.request(HttpMethod.POST, "/api/events/" + EVENT + "/visitors/me/return")
          .bearerTokenAuthentication(visitor.getString("token"))
          .sendJsonObject(new JsonObject().put("url", siteUrl + "/.foyer/return?next=%2Ftickets%2F%3Fshow%3D2")))
          .bodyAsJsonObject().getString("location");
      HttpResponse<String> first = get(location, BROWSER);
      assertEquals(302, first.statusCode(), first.body());
      assertEquals("/tickets/?show=2", first.headers().firstValue("Location").orElse(null));

      // the same link again: a page, whose one link is the waiting room, carrying the way back
      HttpResponse<String> again = get(location, BROWSER);
      assertEquals(400, again.statusCode(), again.body());
      assertEquals("text/html; charset=utf-8", again.headers().firstValue("Content-Type").orElse(null));
      assertEquals("no-store", again.headers().firstValue("Cache-Control").orElse(null));
      String room = foyerUrl + "/events/" + EVENT + "?return=" + encode(siteUrl + "/.foyer/return?next="
          + encode("/tickets/?show=2"));
      assertTrue(again.body().contains("<h1>This way back no longer works</h1>"), again.body());
      assertTrue(again.body().contains("href=\"" + room.replace("&", "&amp;") + "\">Back to the waiting room</a>"),
          again.body());

      // an API client, or none that says, gets the contract's JSON as before
      for (String accept : new String[] {"application/json", null, "*/*"}) {
        HttpResponse<String> json = get(location, accept);
        assertEquals(400, json.statusCode());
        assertEquals("application/json", json.headers().firstValue("Content-Type").orElse(null), "Accept " + accept);
        assertEquals("invalid_return_code", new JsonObject(json.body()).getString("error"));
      }

      // an event that does not exist, straight at the node: a page, on to what is on sale
      HttpResponse<String> unknown = get(foyerUrl + "/api/events/nope/return?foyer_code=x&next=/", BROWSER);
      assertEquals(404, unknown.statusCode());
      assertTrue(unknown.body().contains("<h1>There is no such event</h1>")
          && unknown.body().contains("href=\"/\">See what is on sale</a>"), unknown.body());

      // in a browser on the site's origin: drawn with its own style, nothing refused, the link goes to the room
      chromium = Chromium.launch(vertx);
      Chromium.Page page = await(chromium.open(location));
      await(page.collectLog());
      Object title = await(page.waitFor("document.querySelector('h1') && document.querySelector('h1').textContent"
          + " + ' | ' + getComputedStyle(document.querySelector('a.button')).backgroundColor", 15_000));
      assertEquals("This way back no longer works | rgb(91, 60, 196)", title, "styled by the page's own style");
      await(page.viewport(false));
      await(page.screenshot(Path.of("target", "return-used-desktop.png")));
      await(page.viewport(true));
      await(page.screenshot(Path.of("target", "return-used-phone.png")));
      assertTrue(page.policyViolations().isEmpty(), page.policyViolations().toString());
      await(page.eval("document.getElementById('way-on').click()"));
      Object wayBack = await(page.waitFor("location.href === '" + room + "' && document.getElementById('way-back')"
          + " && !document.getElementById('way-back').hidden && document.getElementById('way-back').textContent", 30_000));
      assertTrue(wayBack.toString().contains("go back to 127.0.0.1"), wayBack.toString());
    } finally {
      api.close();
    }
  }
}
