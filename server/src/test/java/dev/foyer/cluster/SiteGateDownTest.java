package dev.foyer.cluster;

import dev.foyer.support.Chromium;
import dev.foyer.support.Nginx;
import dev.foyer.support.RefusingPort;
import dev.foyer.support.TestServices;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.foyer.support.Waits.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shipped site template when foyer's gate cannot answer (nobody listens, it answers 5xx, or it
 * answers nothing): fail closed, the buyer gets the site's own 503 page with Retry-After, never
 * nginx's 500, and nobody reaches the origin; fail open (FOYER_DOWN=open), the origin answers,
 * told the gate was down and never told a visitor, whatever the client sent. An origin that fails
 * behind a live gate is nginx's own 502, not the waiting room's page.
 */
@ExtendWith(VertxExtension.class)
class SiteGateDownTest {

  private static final String EVENT = "demo";

  private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
      .connectTimeout(Duration.ofSeconds(5)).build();
  private final AtomicInteger originCalls = new AtomicInteger();
  private Nginx nginx;
  private HttpServer origin;
  private HttpServer gate;
  private Chromium chromium;
  /** Where a foyer or an origin that is down would be: nobody listens there. */
  private final RefusingPort down = new RefusingPort();

  @BeforeAll
  static void assumeNginx() {
    Nginx.assumeInstalled();
  }

  @AfterEach
  void stop() throws Exception {
    down.close();
    if (chromium != null) {
      chromium.close();
    }
    if (nginx != null) {
      nginx.close();
    }
    for (HttpServer server : new HttpServer[] {origin, gate}) {
      if (server != null) {
        server.close().await(5, TimeUnit.SECONDS);
      }
    }
  }

  /** The site's nginx on the template in front of "foyer" at {@code foyerPort}; the site's port. */
  private int site(Vertx vertx, int foyerPort, String foyerDown) throws Exception {
    origin = await(vertx.createHttpServer().requestHandler(req -> {
      originCalls.incrementAndGet();
      req.response().putHeader("Content-Type", "text/plain").end("origin " + req.method() + " " + req.uri()
          + " visitor=" + req.getHeader("X-Foyer-Visitor") + " gate=" + req.getHeader("X-Foyer-Gate"));
    }).listen(0, "127.0.0.1"));
    return site(foyerPort, origin.actualPort(), foyerDown);
  }

  private int site(int foyerPort, int originPort, String foyerDown) throws Exception {
    int site = TestServices.freePort();
    nginx = Nginx.site(Map.of("FOYER_UPSTREAM", "127.0.0.1:" + foyerPort, "ORIGIN_UPSTREAM", "127.0.0.1:" + originPort,
        "SITE_LISTEN", "127.0.0.1:" + site, "WAITING_ROOM_ORIGIN", "http://127.0.0.1:" + foyerPort,
        "FOYER_EVENT", EVENT, "FOYER_DOWN", foyerDown));
    nginx.awaitListening(site);
    return site;
  }

  /** A "foyer" whose gate answers every check with {@code status}, as a node without Redis does (503). */
  private int gateAnswering(Vertx vertx, int status) {
    gate = await(vertx.createHttpServer().requestHandler(req -> req.response().setStatusCode(status)
        .putHeader("Content-Type", "application/json").putHeader("X-Foyer-Visitor", status == 200 ? "v-live" : "")
        .end(status == 200 ? "" : "{\"error\":\"dependency_down\"}")).listen(0, "127.0.0.1"));
    return gate.actualPort();
  }

  private HttpResponse<String> send(int site, String method, String path, String... headers) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + site + path))
        .timeout(Duration.ofSeconds(30)).method(method, method.equals("POST")
            ? HttpRequest.BodyPublishers.ofString("seats=A-1-1") : HttpRequest.BodyPublishers.noBody());
    if (headers.length > 0) {
      request.headers(headers);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static void assertUnavailablePage(HttpResponse<String> r) {
    assertEquals(503, r.statusCode(), r.body());
    assertEquals("30", r.headers().firstValue("Retry-After").orElse(null));
    assertEquals("no-store", r.headers().firstValue("Cache-Control").orElse(null));
    assertEquals("text/html; charset=utf-8", r.headers().firstValue("Content-Type").orElse(null));
    assertTrue(r.body().contains("<h1>The waiting room is unavailable</h1>"), r.body());
  }

  @Test
  void aGateNobodyListensOnGivesTheSitesOwnPageAndNobodyReachesTheOrigin(Vertx vertx) throws Exception {
    int site = site(vertx, down.port(), "closed");
    assertUnavailablePage(send(site, "GET", "/tickets/?show=2"));
    assertUnavailablePage(send(site, "POST", "/tickets/buy", "Content-Type", "application/x-www-form-urlencoded"));
    assertUnavailablePage(send(site, "GET", "/tickets/", "X-Foyer-Visitor", "forged", "Cookie", "foyer_pass_demo=x"));
    assertUnavailablePage(send(site, "GET", "/.foyer/return?foyer_code=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA&next=/"));
    assertEquals(0, originCalls.get(), "fail closed: nobody reaches the origin unchecked");

    chromium = Chromium.launch(vertx);
    Chromium.Page page = await(chromium.open("http://127.0.0.1:" + site + "/tickets/"));
    await(page.waitFor("document.querySelector('h1') && document.querySelector('h1').textContent", 15_000));
    await(page.viewport(false));
    await(page.screenshot(Path.of("target", "site-gate-down-desktop.png")));
    await(page.viewport(true));
    await(page.screenshot(Path.of("target", "site-gate-down-phone.png")));
    assertEquals("Try again", await(page.eval("document.querySelector('a.button').textContent")));
  }

  @Test
  void aGateThatAnswers5xxGivesTheSamePage(Vertx vertx) throws Exception {
    int site = site(vertx, gateAnswering(vertx, 503), "closed");
    assertUnavailablePage(send(site, "GET", "/tickets/"));
    gate.close().await(5, TimeUnit.SECONDS);
    gate = null;
    nginx.close();
    site = site(gateAnswering(vertx, 500), origin.actualPort(), "closed");
    assertUnavailablePage(send(site, "GET", "/tickets/"));
    assertEquals(0, originCalls.get());
  }

  @Test
  void aGateThatNeverAnswersGivesTheSamePageWithinSeconds(Vertx vertx) throws Exception {
    // the kernel completes the connection into the backlog; nobody ever reads the request
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      int site = site(vertx, silent.getLocalPort(), "closed");
      long started = System.nanoTime();
      assertUnavailablePage(send(site, "GET", "/tickets/"));
      long seconds = (System.nanoTime() - started) / 1_000_000_000;
      assertTrue(seconds >= 4 && seconds < 15, "the gate's read timeout is 5 s; took " + seconds + " s");
    }
  }

  @Test
  void failOpenLetsBuyersStraightToTheOriginWithoutAVisitor(Vertx vertx) throws Exception {
    int site = site(vertx, down.port(), "open");
    HttpResponse<String> through = send(site, "GET", "/tickets/?show=2", "X-Foyer-Visitor", "forged",
        "X-Foyer-Event", "forged");
    assertEquals(200, through.statusCode(), through.body());
    assertEquals("origin GET /tickets/?show=2 visitor=null gate=unavailable", through.body());
    HttpResponse<String> post = send(site, "POST", "/tickets/buy", "Content-Type", "application/x-www-form-urlencoded");
    assertEquals("origin POST /tickets/buy visitor=null gate=unavailable", post.body());
  }

  @Test
  void anOriginThatFailsBehindALiveGateIsNginxsOwn502InEitherMode(Vertx vertx) throws Exception {
    int liveGate = gateAnswering(vertx, 200);
    for (String mode : new String[] {"closed", "open"}) {
      int site = site(liveGate, down.port(), mode);
      HttpResponse<String> r = send(site, "GET", "/tickets/");
      assertEquals(502, r.statusCode(), mode + ": " + r.body());
      assertTrue(!r.body().contains("waiting room"), mode + ": " + r.body());
      nginx.close();
      nginx = null;
    }
  }
}
