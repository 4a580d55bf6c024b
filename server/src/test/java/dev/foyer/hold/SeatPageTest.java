package dev.foyer.hold;

import dev.foyer.support.ApiClient;
import dev.foyer.support.Chromium;
import dev.foyer.support.FoyerCluster;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Two admitted visitors in two real browsers share one live seat map. */
@ExtendWith(VertxExtension.class)
class SeatPageTest {

  private static final String EVENT = "arena-seats";

  @RegisterExtension
  static final FoyerCluster cluster = FoyerCluster.nodes(1).deployedByTest();

  private Chromium alice;
  private Chromium bob;

  @BeforeAll
  static void assumeChromium() {
    Chromium.assumeInstalled();
  }

  @BeforeEach
  void launchBrowsersAndDeploy(Vertx vertx, VertxTestContext ctx) throws Exception {
    alice = Chromium.launch(vertx);
    bob = Chromium.launch(vertx);
    // the browser first, then the node, as it always was: Chromium settles while the node deploys
    // (a page opened in a browser only just started fails now and then on a loaded machine)
    cluster.deploy().onComplete(ctx.succeedingThenComplete());
  }

  @AfterEach
  void closeBrowsers() throws Exception {
    alice.close();
    bob.close();
  }

  private static String seat(String id) {
    return "document.querySelector('[data-seat=\"" + id + "\"]')";
  }

  private static String classOf(String id) {
    return seat(id) + ".getAttribute('class')";
  }

  @Test
  void oneHoldsASeatTheOtherSeesItHeldWithinASecondAndCannotTakeItThenTheFirstBuysIt(Vertx vertx,
                                                                                     VertxTestContext ctx) {
    ApiClient api = cluster.api();
    String url = "http://127.0.0.1:" + cluster.node().port() + "/events/" + EVENT;
    String ready = "location.pathname.endsWith('/seats') && document.querySelectorAll('#map circle').length === 50"
        + " && document.getElementById('connection').dataset.state === 'live' && 'ready'";
    long[] heldAt = new long[1];
    api.createEvent(EVENT, new JsonObject().put("gate", "off").put("maxActive", 10))
        .compose(v -> Future.all(alice.open(url), bob.open(url)))
        .compose(pages -> {
          Chromium.Page a = pages.resultAt(0);
          Chromium.Page b = pages.resultAt(1);
          return a.waitFor(ready, 20_000)
              .compose(x -> b.waitFor(ready, 20_000))
              .compose(x -> a.eval(seat("A-2-5") + ".dispatchEvent(new MouseEvent('click', {bubbles: true}))"))
              .compose(x -> a.waitFor(classOf("A-2-5") + ".includes('mine')", 5000))
              .compose(x -> {
                heldAt[0] = System.currentTimeMillis();
                return b.waitFor(classOf("A-2-5") + ".includes('held')", 3000);
              })
              .compose(x -> {
                long seenAfter = System.currentTimeMillis() - heldAt[0];
                ctx.verify(() -> assertTrue(seenAfter < 1000, "the other page saw the hold after " + seenAfter + " ms"));
                return b.eval(seat("A-2-5") + ".dispatchEvent(new MouseEvent('click', {bubbles: true}))");
              })
              .compose(x -> b.waitFor("!document.getElementById('message').hidden"
                  + " && document.getElementById('message').textContent", 3000))
              .compose(message -> b.eval(classOf("A-2-5")).map(cls -> {
                ctx.verify(() -> {
                  assertEquals("seat held", cls, "the other page could not pick it");
                  assertTrue(message.toString().contains("not available"), message.toString());
                });
                return null;
              }))
              .compose(x -> a.screenshot(Path.of("target", "seat-page.png")))
              .compose(x -> a.eval("document.getElementById('confirm').click()"))
              .compose(x -> a.waitFor("!document.getElementById('done').hidden"
                  + " && document.getElementById('reserved-seats').textContent", 5000))
              .compose(seats -> {
                ctx.verify(() -> assertEquals("A-2-5", seats));
                return b.waitFor(classOf("A-2-5") + " === 'seat sold'", 3000);
              })
              .compose(x -> a.eval("document.getElementById('reservation').textContent"));
        })
        .onComplete(ctx.succeeding(reservation -> ctx.verify(() -> {
          assertTrue(reservation.toString().matches("[0-9a-f-]{36}"), "a reservation id is shown: " + reservation);
          ctx.completeNow();
        })));
  }
}
