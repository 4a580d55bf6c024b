package dev.foyer.hold;

import dev.foyer.support.ApiClient;
import dev.foyer.support.Chromium;
import dev.foyer.support.FoyerCluster;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The pages tell a buyer the truth about the tickets, in a real Chromium: the waiting page shows
 * what is left per category and price and the chance of a ticket; a category selling out is marked
 * on the seat page at once, and a sell-out is said plainly there; a joiner of a sold-out sale is told
 * so and may keep the place. Screenshots (desktop and phone) go to target/shots/sale-*.png.
 */
@ExtendWith(VertxExtension.class)
class SoldOutPagesTest {

  private static final Path SHOTS = Path.of("target", "shots");
  private static final String DESKTOP = "1280,900";

  @RegisterExtension
  static final FoyerCluster cluster = FoyerCluster.nodes(1);

  private Chromium browser;

  @BeforeAll
  static void assumeChromium() throws Exception {
    Chromium.assumeInstalled();
    java.nio.file.Files.createDirectories(SHOTS);
  }

  @AfterEach
  void closeBrowser() throws Exception {
    if (browser != null) {
      browser.close();
    }
  }

  private static JsonObject layout() {
    return new JsonObject().put("currency", "EUR")
        .put("categories", new JsonArray()
            .add(new JsonObject().put("id", "front").put("name", "Front stalls").put("price", 9000))
            .add(new JsonObject().put("id", "back").put("name", "Back stalls").put("price", 4000)))
        .put("sections", new JsonArray()
            .add(new JsonObject().put("name", "A").put("rows", 1).put("seatsPerRow", 4).put("category", "front"))
            .add(new JsonObject().put("name", "B").put("rows", 1).put("seatsPerRow", 4).put("category", "back")));
  }

  /** A buyer let in through the API buys these seats. */
  private void buy(ApiClient api, String event, String... seats) throws Exception {
    JsonObject visitor = await(api.admitted(event));
    String pass = visitor.getString("pass");
    HttpResponse<Buffer> held = await(api.hold(event, pass, seats));
    assertEquals(201, held.statusCode(), held.bodyAsString());
    assertEquals(201, await(api.confirm(event, pass, held.bodyAsJsonObject().getString("holdId"))).statusCode());
  }

  @Test
  void theWaitingPageShowsWhatIsLeftAndTheChance(Vertx vertx) throws Exception {
    ApiClient api = cluster.api();
    String event = "gala-line";
    assertEquals(201, await(api.putLayout(event, layout(), new JsonObject().put("gate", "off").put("maxActive", 1)
        .put("maxSeatsPerHold", 2))).statusCode());
    buy(api, event, "A-1-1", "A-1-2");
    buy(api, event, "A-1-3", "A-1-4");
    // the one slot taken by someone still choosing: the page's visitor waits behind them
    await(api.admitted(event));
    browser = Chromium.launch(vertx, DESKTOP);
    String url = "http://127.0.0.1:" + cluster.node().port() + "/events/" + event;
    Chromium.Page page = await(browser.open(url));
    String shown = "!document.getElementById('waiting-card').hidden && !document.getElementById('stock-card').hidden"
        + " && document.getElementById('stock-list').textContent";
    Object left = await(page.waitFor(shown, 30_000));
    assertTrue(left.toString().contains("sold out") && left.toString().contains("4 left"), left.toString());
    // a rank frame sent before this node's line heard the stock carries no figure to judge by
    // (uncertain); once it has, one shopper ahead with four seats free is likely whatever the sale measures
    Object chance = await(page.waitFor("!document.getElementById('chance').hidden"
        + " && document.getElementById('chance').dataset.chance === 'likely' && 'likely'", 30_000)
        .recover(err -> page.eval("document.getElementById('chance').dataset.chance")));
    assertEquals("likely", chance, "one shopper ahead, four seats free, two a buyer at most: likely whatever the "
        + "sale measures");
    await(page.waitFor("document.getElementById('connection').dataset.state === 'live'", 30_000));
    await(page.screenshot(SHOTS.resolve("sale-waiting-desktop.png")));
    await(page.viewport(true));
    await(page.screenshot(SHOTS.resolve("sale-waiting-phone.png")));
  }

  @Test
  void theSeatPageMarksACategorySoldOutAndThenSaysSoldOutAndAJoinerIsToldSo(Vertx vertx) throws Exception {
    ApiClient api = cluster.api();
    String event = "gala-seats";
    assertEquals(201, await(api.putLayout(event, layout(), new JsonObject().put("gate", "off").put("maxActive", 10)))
        .statusCode());
    browser = Chromium.launch(vertx, DESKTOP);
    String url = "http://127.0.0.1:" + cluster.node().port() + "/events/" + event;
    Chromium.Page seats = await(browser.open(url));
    await(seats.waitFor("location.pathname.endsWith('/seats') && document.querySelectorAll('#map circle').length === 8"
        + " && document.getElementById('connection').dataset.state === 'live' && 'ready'", 30_000));

    buy(api, event, "A-1-1", "A-1-2", "A-1-3", "A-1-4");
    Object front = await(seats.waitFor("[...document.getElementById('best-what').options]"
        + ".find(o => o.value === 'front' && o.disabled && o.textContent.includes('sold out')) && 'marked'", 15_000));
    assertEquals("marked", front);

    buy(api, event, "B-1-1", "B-1-2", "B-1-3", "B-1-4");
    // (the buyer's hold made it all held for a moment: the page said so, then sold out)
    Object soldOut = await(seats.waitFor("!document.getElementById('sold-out').hidden"
        + " && document.getElementById('sold-out').textContent.startsWith('Sold out')"
        + " && document.getElementById('find').disabled && 'said'", 15_000));
    assertEquals("said", soldOut);
    await(seats.screenshot(SHOTS.resolve("sale-seats-desktop.png")));
    await(seats.viewport(true));
    await(seats.screenshot(SHOTS.resolve("sale-seats-phone.png")));

    // someone arriving now joins the line and is told plainly, with the choice to keep the place
    Chromium other = Chromium.launch(vertx, DESKTOP);
    try {
      Chromium.Page late = await(other.open(url));
      Object card = await(late.waitFor("!document.getElementById('sold-out-card').hidden"
          + " && document.getElementById('sold-out-card').textContent", 30_000));
      assertTrue(card.toString().contains("Keep my place"), card.toString());
      await(late.screenshot(SHOTS.resolve("sale-sold-out-desktop.png")));
      await(late.viewport(true));
      await(late.screenshot(SHOTS.resolve("sale-sold-out-phone.png")));
      await(late.eval("document.getElementById('keep-place').click()"));
      Object kept = await(late.waitFor("!document.getElementById('sale-banner').hidden"
          + " && document.getElementById('sale-banner').textContent", 10_000));
      assertTrue(kept.toString().contains("keeping your place"), kept.toString());
    } finally {
      other.close();
    }
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(90, TimeUnit.SECONDS);
  }
}
