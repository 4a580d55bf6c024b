package dev.foyer.hold;

import dev.foyer.support.Chromium;
import dev.foyer.support.FoyerCluster;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Files;
import java.nio.file.Path;

import static dev.foyer.support.Waits.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The seat page on a phone (390 x 844): best available first, a map that zooms until seats are big
 * enough to tap (24 CSS px at least), categories with prices in the legend, clocks that agree and
 * stop once booked.
 */
@ExtendWith(VertxExtension.class)
class SeatPhoneTest {

  private static final String EVENT = "phone-seats";
  private static final Path SHOTS = Path.of(System.getProperty("foyer.shots", "target/shots"));

  @RegisterExtension
  static final FoyerCluster cluster = FoyerCluster.nodes(1).deployedByTest();

  private Chromium phone;

  @BeforeAll
  static void assumeChromium() {
    Chromium.assumeInstalled();
  }

  @BeforeEach
  void launchBrowserAndDeploy(Vertx vertx) throws Exception {
    Files.createDirectories(SHOTS);
    phone = Chromium.launch(vertx);
    await(cluster.deploy());
  }

  @AfterEach
  void closeBrowser() throws Exception {
    phone.close();
  }

  private static JsonObject layout() {
    return new JsonObject().put("currency", "EUR")
        .put("categories", new JsonArray()
            .add(new JsonObject().put("id", "front").put("name", "Front stalls").put("price", 6500))
            .add(new JsonObject().put("id", "rear").put("name", "Rear stalls").put("price", 3900))
            .add(new JsonObject().put("id", "ga").put("name", "Standing").put("price", 2500)))
        .put("sections", new JsonArray()
            .add(new JsonObject().put("name", "A").put("rows", 12).put("seatsPerRow", 24).put("category", "rear")
                .put("categories", new JsonArray().add(new JsonObject().put("rows", "1-4").put("category", "front")))
                .put("accessible", new JsonArray()
                    .add(new JsonObject().put("row", 12).put("seats", "1").put("kind", "wheelchair"))
                    .add(new JsonObject().put("row", 12).put("seats", "2").put("kind", "companion"))))
            .add(new JsonObject().put("name", "B").put("rows", 12).put("seatsPerRow", 24).put("category", "rear"))
            .add(new JsonObject().put("name", "Floor").put("standing", 300).put("category", "ga").put("y", 14)
                .put("x", 0).put("width", 50).put("height", 5)));
  }

  private static String rectOf(String seat) {
    return "document.querySelector('[data-seat=\"" + seat + "\"]').getBoundingClientRect()";
  }

  /** A real tap: pointer down and up at the seat's centre, then the click, as a touch screen sends them. */
  private static String tapAt(String seat) {
    return "(() => { const r = " + rectOf(seat) + "; const x = r.left + r.width / 2, y = r.top + r.height / 2;"
        + " const el = document.elementFromPoint(x, y); const o = {bubbles: true, clientX: x, clientY: y, pointerId: 7,"
        + " pointerType: 'touch', isPrimary: true};"
        + " el.dispatchEvent(new PointerEvent('pointerdown', o)); el.dispatchEvent(new PointerEvent('pointerup', o));"
        + " return el.dataset.seat || el.tagName; })()";
  }

  @Test
  void onAPhoneBestAvailableComesFirstSeatsAreTappableOnlyAt24PxAndTheClocksStopWhenBooked() throws Exception {
    String url = "http://127.0.0.1:" + cluster.node().port() + "/events/" + EVENT;
    String ready = "location.pathname.endsWith('/seats') && document.querySelectorAll('#map circle').length === 576"
        + " && document.getElementById('connection').dataset.state === 'live' && 'ready'";
    await(cluster.api().putLayout(EVENT, layout(),
        new JsonObject().put("gate", "off").put("maxActive", 10).put("holdSeconds", 900).put("activeSeconds", 120)));
    Chromium.Page page = await(phone.open(url));
    await(page.viewport(true));
    try {
      await(page.waitFor(ready, 40_000));
    } catch (Exception notReady) {
      await(page.screenshot(SHOTS.resolve("phone-not-ready.png")));
      Object state = await(page.eval("document.querySelectorAll('#map circle').length + ' ' + location.pathname + ' '"
          + " + document.getElementById('connection').textContent + ' ' + document.body.innerText.slice(0, 300)"));
      fail("the seat page never got ready: " + state, notReady);
    }
    JsonArray facts = (JsonArray) await(page.eval("[document.getElementById('best-card').getBoundingClientRect().top"
        + " < document.getElementById('map').getBoundingClientRect().top,"
        + " document.getElementById('legend').innerText,"
        + " [...document.getElementById('best-what').options].map(o => o.text).join('|')]"));
    assertEquals(true, facts.getBoolean(0), "best available comes before the map");
    assertTrue(facts.getString(1).contains("Front stalls") && facts.getString(1).contains("65"), facts.getString(1));
    assertTrue(facts.getString(2).contains("Standing: Floor"), facts.getString(2));
    await(page.screenshot(SHOTS.resolve("phone-overview.png")));

    // the whole map is too small to aim at: a tap zooms in instead of picking
    Object small = await(page.eval(rectOf("A-6-12") + ".width"));
    assertTrue(((Number) small).doubleValue() < 24, "overview seats are small: " + small);
    await(page.eval(tapAt("A-6-12")));
    JsonArray a = (JsonArray) await(page.eval("[" + rectOf("A-6-12") + ".width,"
        + " document.querySelector('[data-seat=\"A-6-12\"]').getAttribute('class')]"));
    assertTrue(a.getDouble(0) >= 24, "after the tap a seat is at least 24 CSS px: " + a.getDouble(0));
    assertTrue(a.getString(1).contains("free"), "the zooming tap picked nothing: " + a.getString(1));
    await(page.screenshot(SHOTS.resolve("phone-zoomed.png")));

    await(page.eval(tapAt("A-6-12")));
    Object price = await(page.waitFor("document.querySelector('[data-seat=\"A-6-12\"]').getAttribute('class')"
        + ".includes('mine') && document.getElementById('hold-price').textContent", 5000));
    assertTrue(price.toString().contains("39"), "the hold shows its price: " + price);
    // best available: two front-stall seats, in place of the picked one
    await(page.eval("document.getElementById('best-count').value = '2';"
        + " document.getElementById('best-what').value = 'front'; document.getElementById('find').click()"));
    Object message = await(page.waitFor("document.getElementById('hold-seats').textContent.includes('A-1-')"
        + " && document.getElementById('message').textContent", 5000));
    assertTrue(message.toString().contains("together"), message.toString());
    JsonArray s = (JsonArray) await(page.eval("[document.getElementById('hold-seats').textContent,"
        + " document.getElementById('hold-price').textContent, document.getElementById('hold-left').textContent,"
        + " document.getElementById('time-left').textContent,"
        + " document.querySelector('[data-seat=\"A-6-12\"]').getAttribute('class')]"));
    assertEquals("A-1-12, A-1-13", s.getString(0));
    assertTrue(s.getString(1).contains("130"), s.getString(1));
    assertTrue(seconds(s.getString(2)) <= seconds(s.getString(3)),
        "the hold (held for 15 min) never shows more than the time to book: " + s.getString(2) + " vs "
            + s.getString(3));
    assertTrue(s.getString(4).contains("free"), "the picked seat went back: " + s.getString(4));
    await(page.screenshot(SHOTS.resolve("phone-best.png")));

    // the same page on a desktop, then back to the phone
    await(page.viewport(false));
    await(page.screenshot(SHOTS.resolve("desktop-best.png")));
    await(page.viewport(true));
    await(page.eval("document.getElementById('confirm').click()"));
    Object paid = await(page.waitFor("!document.getElementById('done').hidden"
        + " && document.getElementById('reserved-price').textContent", 10_000));
    assertTrue(paid.toString().contains("130"), paid.toString());
    String before = (String) await(page.eval("document.getElementById('time-left').textContent"));
    // nothing must change for a second and a half: a clock still running would have moved
    Thread.sleep(1500);
    JsonArray after = (JsonArray) await(page.eval("[document.getElementById('time-left').textContent,"
        + " document.getElementById('clock-line').hidden, document.getElementById('connection').textContent]"));
    assertEquals(before, after.getString(0), "the clock stopped once booked");
    assertEquals(true, after.getBoolean(1), "no clock is shown once booked");
    assertTrue(!after.getString(2).contains("Live"), "nothing says Live once booked");
    await(page.screenshot(SHOTS.resolve("phone-booked.png")));
    await(page.viewport(false));
  }

  private static int seconds(String mmss) {
    String[] p = mmss.split(":");
    return Integer.parseInt(p[0]) * 60 + Integer.parseInt(p[1]);
  }
}
