package dev.foyer.hold;

import dev.foyer.support.Chromium;
import dev.foyer.support.FoyerCluster;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Path;

import static dev.foyer.support.Waits.await;
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
  void launchBrowsersAndDeploy(Vertx vertx) throws Exception {
    alice = Chromium.launch(vertx);
    bob = Chromium.launch(vertx);
    // the browser first, then the node, as it always was: Chromium settles while the node deploys
    // (a page opened in a browser only just started fails now and then on a loaded machine)
    await(cluster.deploy());
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
  void oneHoldsASeatTheOtherSeesItHeldWithinASecondAndCannotTakeItThenTheFirstBuysIt() {
    String url = "http://127.0.0.1:" + cluster.node().port() + "/events/" + EVENT;
    String ready = "location.pathname.endsWith('/seats') && document.querySelectorAll('#map circle').length === 50"
        + " && document.getElementById('connection').dataset.state === 'live' && 'ready'";
    await(cluster.api().createEvent(EVENT, new JsonObject().put("gate", "off").put("maxActive", 10)));
    Future<Chromium.Page> opening = alice.open(url);
    Future<Chromium.Page> openingToo = bob.open(url);
    await(Future.all(opening, openingToo));
    Chromium.Page a = opening.result();
    Chromium.Page b = openingToo.result();
    await(a.waitFor(ready, 20_000));
    await(b.waitFor(ready, 20_000));
    await(a.eval(seat("A-2-5") + ".dispatchEvent(new MouseEvent('click', {bubbles: true}))"));
    // each moment taken as its answer arrives (not when this thread wakes), as the seconds are measured
    long heldAt = await(a.waitFor(classOf("A-2-5") + ".includes('mine')", 5000).map(x -> System.currentTimeMillis()));
    long seenAt = await(b.waitFor(classOf("A-2-5") + ".includes('held')", 3000).map(x -> System.currentTimeMillis()));
    long seenAfter = seenAt - heldAt;
    assertTrue(seenAfter < 1000, "the other page saw the hold after " + seenAfter + " ms");

    await(b.eval(seat("A-2-5") + ".dispatchEvent(new MouseEvent('click', {bubbles: true}))"));
    Object message = await(b.waitFor("!document.getElementById('message').hidden"
        + " && document.getElementById('message').textContent", 3000));
    Object cls = await(b.eval(classOf("A-2-5")));
    assertEquals("seat held", cls, "the other page could not pick it");
    assertTrue(message.toString().contains("not available"), message.toString());

    await(a.screenshot(Path.of("target", "seat-page.png")));
    await(a.eval("document.getElementById('confirm').click()"));
    Object seats = await(a.waitFor("!document.getElementById('done').hidden"
        + " && document.getElementById('reserved-seats').textContent", 5000));
    assertEquals("A-2-5", seats);
    await(b.waitFor(classOf("A-2-5") + " === 'seat sold'", 3000));
    Object reservation = await(a.eval("document.getElementById('reservation').textContent"));
    assertTrue(reservation.toString().matches("[0-9a-f-]{36}"), "a reservation id is shown: " + reservation);
  }
}
