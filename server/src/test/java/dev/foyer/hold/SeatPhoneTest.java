package dev.foyer.hold;

import dev.foyer.support.Chromium;
import dev.foyer.support.FoyerCluster;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import io.vertx.junit5.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
  void launchBrowserAndDeploy(Vertx vertx, VertxTestContext ctx) throws Exception {
    Files.createDirectories(SHOTS);
    phone = Chromium.launch(vertx);
    cluster.deploy().onComplete(ctx.succeedingThenComplete());
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
  @Timeout(value = 180, timeUnit = TimeUnit.SECONDS)
  void onAPhoneBestAvailableComesFirstSeatsAreTappableOnlyAt24PxAndTheClocksStopWhenBooked(Vertx vertx,
                                                                                         VertxTestContext ctx) {
    String url = "http://127.0.0.1:" + cluster.node().port() + "/events/" + EVENT;
    String ready = "location.pathname.endsWith('/seats') && document.querySelectorAll('#map circle').length === 576"
        + " && document.getElementById('connection').dataset.state === 'live' && 'ready'";
    Future<HttpResponse<Buffer>> created = cluster.api().putLayout(EVENT, layout(),
        new JsonObject().put("gate", "off").put("maxActive", 10).put("holdSeconds", 900).put("activeSeconds", 120));
    Chromium.Page[] page = new Chromium.Page[1];
    created
        .compose(r -> phone.open(url))
        .compose(p -> {
          page[0] = p;
          return p.viewport(true);
        })
        .compose(v -> page[0].waitFor(ready, 40_000).recover(err -> page[0].screenshot(SHOTS.resolve("phone-not-ready.png"))
            .compose(x -> page[0].eval(
            "document.querySelectorAll('#map circle').length + ' ' + location.pathname + ' '"
                + " + document.getElementById('connection').textContent + ' ' + document.body.innerText.slice(0, 300)")
            .compose(state -> Future.failedFuture("the seat page never got ready: " + state)))))
        .compose(v -> page[0].eval("[document.getElementById('best-card').getBoundingClientRect().top"
            + " < document.getElementById('map').getBoundingClientRect().top,"
            + " document.getElementById('legend').innerText, [...document.getElementById('best-what').options].map(o => o.text).join('|')]"))
        .compose(first -> {
          ctx.verify(() -> {
            JsonArray facts = (JsonArray) first;
            assertEquals(true, facts.getBoolean(0), "best available comes before the map");
            assertTrue(facts.getString(1).contains("Front stalls") && facts.getString(1).contains("65"), facts.getString(1));
            assertTrue(facts.getString(2).contains("Standing: Floor"), facts.getString(2));
          });
          return page[0].screenshot(SHOTS.resolve("phone-overview.png"));
        })
        // the whole map is too small to aim at: a tap zooms in instead of picking
        .compose(v -> page[0].eval(rectOf("A-6-12") + ".width"))
        .compose(small -> {
          ctx.verify(() -> assertTrue(((Number) small).doubleValue() < 24, "overview seats are small: " + small));
          return page[0].eval(tapAt("A-6-12"));
        })
        .compose(v -> page[0].eval("[" + rectOf("A-6-12") + ".width, document.querySelector('[data-seat=\"A-6-12\"]')"
            + ".getAttribute('class')]"))
        .compose(after -> {
          ctx.verify(() -> {
            JsonArray a = (JsonArray) after;
            assertTrue(a.getDouble(0) >= 24, "after the tap a seat is at least 24 CSS px: " + a.getDouble(0));
            assertTrue(a.getString(1).contains("free"), "the zooming tap picked nothing: " + a.getString(1));
          });
          return page[0].screenshot(SHOTS.resolve("phone-zoomed.png"));
        })
        .compose(v -> page[0].eval(tapAt("A-6-12")))
        .compose(v -> page[0].waitFor("document.querySelector('[data-seat=\"A-6-12\"]').getAttribute('class').includes('mine')"
            + " && document.getElementById('hold-price').textContent", 5000))
        .compose(price -> {
          ctx.verify(() -> assertTrue(price.toString().contains("39"), "the hold shows its price: " + price));
          // best available: two front-stall seats, in place of the picked one
          return page[0].eval("document.getElementById('best-count').value = '2';"
              + " document.getElementById('best-what').value = 'front'; document.getElementById('find').click()");
        })
        .compose(v -> page[0].waitFor("document.getElementById('hold-seats').textContent.includes('A-1-')"
            + " && document.getElementById('message').textContent", 5000))
        .compose(message -> {
          ctx.verify(() -> assertTrue(message.toString().contains("together"), message.toString()));
          return page[0].eval("[document.getElementById('hold-seats').textContent, document.getElementById('hold-price').textContent,"
              + " document.getElementById('hold-left').textContent, document.getElementById('time-left').textContent,"
              + " document.querySelector('[data-seat=\"A-6-12\"]').getAttribute('class')]");
        })
        .compose(state -> {
          ctx.verify(() -> {
            JsonArray s = (JsonArray) state;
            assertEquals("A-1-12, A-1-13", s.getString(0));
            assertTrue(s.getString(1).contains("130"), s.getString(1));
            assertTrue(seconds(s.getString(2)) <= seconds(s.getString(3)),
                "the hold (held for 15 min) never shows more than the time to book: " + s.getString(2) + " vs " + s.getString(3));
            assertTrue(s.getString(4).contains("free"), "the picked seat went back: " + s.getString(4));
          });
          return page[0].screenshot(SHOTS.resolve("phone-best.png"));
        })
        // the same page on a desktop, then back to the phone
        .compose(v -> page[0].viewport(false))
        .compose(v -> page[0].screenshot(SHOTS.resolve("desktop-best.png")))
        .compose(v -> page[0].viewport(true))
        .compose(v -> page[0].eval("document.getElementById('confirm').click()"))
        .compose(v -> page[0].waitFor("!document.getElementById('done').hidden && document.getElementById('reserved-price').textContent", 10_000))
        .compose(paid -> {
          ctx.verify(() -> assertTrue(paid.toString().contains("130"), paid.toString()));
          return page[0].eval("document.getElementById('time-left').textContent");
        })
        .compose(before -> vertx.timer(1500).map(before))
        .compose(before -> page[0].eval("[document.getElementById('time-left').textContent,"
            + " document.getElementById('clock-line').hidden, document.getElementById('connection').textContent]")
            .map(after -> new JsonArray().add(before).add(after)))
        .compose(both -> {
          ctx.verify(() -> {
            JsonArray after = ((JsonArray) both).getJsonArray(1);
            assertEquals(((JsonArray) both).getString(0), after.getString(0), "the clock stopped once booked");
            assertEquals(true, after.getBoolean(1), "no clock is shown once booked");
            assertTrue(!after.getString(2).contains("Live"), "nothing says Live once booked");
          });
          return page[0].screenshot(SHOTS.resolve("phone-booked.png"));
        })
        .compose(v -> page[0].viewport(false))
        .onComplete(ctx.succeeding(v -> ctx.completeNow()));
  }

  private static int seconds(String mmss) {
    String[] p = mmss.split(":");
    return Integer.parseInt(p[0]) * 60 + Integer.parseInt(p[1]);
  }
}
