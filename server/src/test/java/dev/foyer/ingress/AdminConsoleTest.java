package dev.foyer.ingress;

import dev.foyer.support.ApiClient;
import dev.foyer.support.Chromium;
import dev.foyer.support.FoyerCluster;
import dev.foyer.support.TestSetup;
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

/** An operator in a real browser: signs in, watches a sale move, turns the admission rate up. */
@ExtendWith(VertxExtension.class)
class AdminConsoleTest {

  private static final String EVENT = "big-night";

  @RegisterExtension
  static final FoyerCluster cluster = FoyerCluster.nodes(1).deployedByTest();

  private Chromium chromium;
  private long joiner = -1;

  @BeforeAll
  static void assumeChromium() {
    Chromium.assumeInstalled();
  }

  @BeforeEach
  void launchBrowserAndDeploy(Vertx vertx, VertxTestContext ctx) throws Exception {
    chromium = Chromium.launch(vertx);
    // the browser first, then the node, as it always was: Chromium settles while the node deploys
    // (a page opened in a browser only just started fails now and then on a loaded machine)
    cluster.deploy().onComplete(ctx.succeedingThenComplete());
  }

  @AfterEach
  void stopJoinersAndBrowser(Vertx vertx) throws Exception {
    if (joiner >= 0) {
      vertx.cancelTimer(joiner);
    }
    chromium.close();
  }

  private static String text(String id) {
    return "document.getElementById('" + id + "').textContent";
  }

  @Test
  void anOperatorSignsInWatchesTheSaleMoveAndRaisesTheAdmissionRate(Vertx vertx, VertxTestContext ctx) {
    ApiClient api = cluster.api();
    long[] rateBefore = new long[1];
    // a line far longer than its small seat map, moving at the rate the operator sets
    api.createEvent(EVENT, new JsonObject().put("gate", "on").put("maxActive", 10_000).put("admitPerMinute", 60)
            .put("stockPacing", false))
        .compose(v -> {
          // a steady stream of people: 25 joins a second
          joiner = vertx.setPeriodic(200, id -> {
            for (int i = 0; i < 5; i++) {
              api.join(EVENT);
            }
          });
          return chromium.open("http://127.0.0.1:" + cluster.node().port() + "/admin");
        })
        .compose(page -> page.waitFor("!document.getElementById('login-form').hidden && 'form'", 10_000)
            .compose(x -> page.eval("document.getElementById('key').value = '" + TestSetup.ADMIN_KEY + "';"
                + "document.getElementById('login').click()"))
            .compose(x -> page.waitFor("document.querySelector('[data-event=\"" + EVENT + "\"]') && 'listed'", 10_000))
            .compose(x -> page.eval("document.querySelector('[data-event=\"" + EVENT + "\"]').click()"))
            .compose(x -> page.waitFor("parseInt(" + text("waiting") + ") > 20 && parseInt(" + text("admitted") + ") > 0"
                + " && " + text("gate"), 15_000))
            .compose(gate -> {
              ctx.verify(() -> assertEquals("queueing", gate, "the gate shows the event queueing"));
              return page.waitFor("parseInt(" + text("seats-free") + ") === 50 && 'seats'", 10_000);
            })
            .compose(x -> page.waitFor("(() => { const r = parseInt(" + text("rate") + "); return r > 0 && r <= 120 && r; })()",
                15_000))
            .compose(before -> {
              rateBefore[0] = ((Number) before).longValue();
              return page.eval("const f = document.getElementById('admit-per-minute'); f.value = '1200';"
                  + "f.dispatchEvent(new Event('input')); document.getElementById('apply').click()");
            })
            .compose(x -> page.waitFor(text("control-message") + ".includes('Applied')", 10_000))
            .compose(x -> page.waitFor("(() => { const r = parseInt(" + text("rate") + "); return r >= 600 && r; })()",
                20_000))
            .compose(after -> page.eval("const m = document.getElementById('pow-mode'); m.value = 'adaptive';"
                    + "m.dispatchEvent(new Event('input')); const j = document.getElementById('joins-per-address');"
                    + "j.value = '5'; j.dispatchEvent(new Event('input')); document.getElementById('apply-bots').click()")
                .compose(x -> page.waitFor(text("bots-message") + ".includes('Applied')", 10_000)).map(after))
            .compose(after -> page.screenshot(Path.of("target", "admin-console.png")).map(after))
            .compose(after -> page.viewport(false)
                .compose(x -> page.eval("document.getElementById('apply-bots').scrollIntoView({block: 'center'})"))
                .compose(x -> page.screenshot(Path.of("target", "admin-console-bots.png")))
                .compose(x -> page.viewport(true))
                .compose(x -> page.eval("document.getElementById('apply-bots').scrollIntoView({block: 'center'})"))
                .compose(x -> page.screenshot(Path.of("target", "admin-console-bots-phone.png")))
                .map(after))
            .compose(after -> api.stats(EVENT).map(stats -> {
              ctx.verify(() -> {
                assertTrue(((Number) after).longValue() >= 600, "the admission rate followed: " + after);
                assertTrue(rateBefore[0] <= 120, "before: " + rateBefore[0]);
                assertEquals(1200, stats.getJsonObject("settings").getInteger("admitPerMinute"),
                    "applied cluster-wide through the API");
                assertEquals("adaptive", stats.getJsonObject("settings").getJsonObject("pow").getString("mode"));
                assertEquals(5, stats.getJsonObject("settings").getJsonObject("limits").getInteger("joinsPerAddress"));
              });
              return null;
            })))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void anOperatorListsTheSitesAnEventSendsVisitorsBackToAndTakesCallsFrom(Vertx vertx, VertxTestContext ctx) {
    ApiClient api = cluster.api();
    api.createEvent(EVENT, new JsonObject().put("gate", "on"))
        .compose(v -> chromium.open("http://127.0.0.1:" + cluster.node().port() + "/admin"))
        .compose(page -> page.viewport(false)
            .compose(x -> page.waitFor("!document.getElementById('login-form').hidden && 'form'", 10_000))
            .compose(x -> page.eval("document.getElementById('key').value = '" + TestSetup.ADMIN_KEY + "';"
                + "document.getElementById('login').click()"))
            .compose(x -> page.waitFor("document.querySelector('[data-event=\"" + EVENT + "\"]') && 'listed'", 10_000))
            .compose(x -> page.eval("document.querySelector('[data-event=\"" + EVENT + "\"]').click()"))
            .compose(x -> page.waitFor(text("seats-free") + " === '50' && 'shown'", 10_000))
            .compose(x -> page.eval("{ const r = document.getElementById('return-urls');"
                + "r.value = 'https://evil.example/?x=1'; r.dispatchEvent(new Event('input'));"
                + "document.getElementById('save-sites').click() }"))
            .compose(x -> page.waitFor(text("sites-message") + ".includes('returnUrls')", 10_000))
            .compose(x -> page.eval("{ const r = document.getElementById('return-urls');"
                + "r.value = 'https://tickets.example.com/.foyer/return\\n  https://tickets.example.com/spring/ ';"
                + "r.dispatchEvent(new Event('input'));"
                + "const c = document.getElementById('cors-origins'); c.value = 'https://tickets.example.com';"
                + "c.dispatchEvent(new Event('input')); document.getElementById('save-sites').click() }"))
            .compose(x -> page.waitFor(text("sites-message") + ".includes('Saved')", 10_000))
            .compose(x -> page.screenshot(Path.of("target", "admin-sites.png")))
            .compose(x -> api.stats(EVENT).map(stats -> {
              ctx.verify(() -> {
                JsonObject settings = stats.getJsonObject("settings");
                assertEquals(new io.vertx.core.json.JsonArray().add("https://tickets.example.com/.foyer/return")
                    .add("https://tickets.example.com/spring/"), settings.getJsonArray("returnUrls"));
                assertEquals(new io.vertx.core.json.JsonArray().add("https://tickets.example.com"),
                    settings.getJsonArray("corsOrigins"));
              });
              return null;
            })))
        .onComplete(ctx.succeedingThenComplete());
  }
}
