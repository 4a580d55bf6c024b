package dev.foyer.ingress;

import dev.foyer.support.ApiClient;
import dev.foyer.support.Chromium;
import dev.foyer.support.FoyerPages;
import dev.foyer.support.TestSetup;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Path;

import static dev.foyer.support.Waits.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An operator in a real browser: signs in, watches a sale move, turns the admission rate up. */
@ExtendWith(VertxExtension.class)
class AdminConsoleTest {

  private static final String EVENT = "big-night";

  @RegisterExtension
  static final FoyerPages pages = FoyerPages.oneNode();

  private long joiner = -1;

  @AfterEach
  void stopJoiners(Vertx vertx) {
    if (joiner >= 0) {
      vertx.cancelTimer(joiner);
    }
  }

  private static String text(String id) {
    return "document.getElementById('" + id + "').textContent";
  }

  @Test
  void anOperatorSignsInWatchesTheSaleMoveAndRaisesTheAdmissionRate(Vertx vertx) {
    ApiClient api = pages.api();
    // a line far longer than its small seat map, moving at the rate the operator sets
    await(api.createEvent(EVENT, new JsonObject().put("gate", "on").put("maxActive", 10_000).put("admitPerMinute", 60)
        .put("stockPacing", false)));
    // a steady stream of people: 25 joins a second
    joiner = vertx.setPeriodic(200, id -> {
      for (int i = 0; i < 5; i++) {
        api.join(EVENT);
      }
    });
    Chromium.Page page = pages.open("/admin");
    await(page.waitFor("!document.getElementById('login-form').hidden && 'form'", 10_000));
    await(page.eval("document.getElementById('key').value = '" + TestSetup.ADMIN_KEY + "';"
        + "document.getElementById('login').click()"));
    await(page.waitFor("document.querySelector('[data-event=\"" + EVENT + "\"]') && 'listed'", 10_000));
    await(page.eval("document.querySelector('[data-event=\"" + EVENT + "\"]').click()"));
    Object gate = await(page.waitFor("parseInt(" + text("waiting") + ") > 20 && parseInt(" + text("admitted") + ") > 0"
        + " && " + text("gate"), 15_000));
    assertEquals("queueing", gate, "the gate shows the event queueing");
    await(page.waitFor("parseInt(" + text("seats-free") + ") === 50 && 'seats'", 10_000));
    Object before = await(page.waitFor("(() => { const r = parseInt(" + text("rate") + "); return r > 0 && r <= 120 && r; })()",
        15_000));
    long rateBefore = ((Number) before).longValue();
    await(page.eval("const f = document.getElementById('admit-per-minute'); f.value = '1200';"
        + "f.dispatchEvent(new Event('input')); document.getElementById('apply').click()"));
    await(page.waitFor(text("control-message") + ".includes('Applied')", 10_000));
    Object after = await(page.waitFor("(() => { const r = parseInt(" + text("rate") + "); return r >= 600 && r; })()",
        20_000));
    await(page.eval("const m = document.getElementById('pow-mode'); m.value = 'adaptive';"
        + "m.dispatchEvent(new Event('input')); const j = document.getElementById('joins-per-address');"
        + "j.value = '5'; j.dispatchEvent(new Event('input')); document.getElementById('apply-bots').click()"));
    await(page.waitFor(text("bots-message") + ".includes('Applied')", 10_000));
    await(page.screenshot(Path.of("target", "admin-console.png")));
    await(page.viewport(false));
    await(page.eval("document.getElementById('apply-bots').scrollIntoView({block: 'center'})"));
    await(page.screenshot(Path.of("target", "admin-console-bots.png")));
    await(page.viewport(true));
    await(page.eval("document.getElementById('apply-bots').scrollIntoView({block: 'center'})"));
    await(page.screenshot(Path.of("target", "admin-console-bots-phone.png")));
    JsonObject stats = await(api.stats(EVENT));
    assertTrue(((Number) after).longValue() >= 600, "the admission rate followed: " + after);
    assertTrue(rateBefore <= 120, "before: " + rateBefore);
    assertEquals(1200, stats.getJsonObject("settings").getInteger("admitPerMinute"),
        "applied cluster-wide through the API");
    assertEquals("adaptive", stats.getJsonObject("settings").getJsonObject("pow").getString("mode"));
    assertEquals(5, stats.getJsonObject("settings").getJsonObject("limits").getInteger("joinsPerAddress"));
  }

  @Test
  void anOperatorListsTheSitesAnEventSendsVisitorsBackToAndTakesCallsFrom() {
    ApiClient api = pages.api();
    await(api.createEvent(EVENT, new JsonObject().put("gate", "on")));
    Chromium.Page page = pages.open("/admin");
    await(page.viewport(false));
    await(page.waitFor("!document.getElementById('login-form').hidden && 'form'", 10_000));
    await(page.eval("document.getElementById('key').value = '" + TestSetup.ADMIN_KEY + "';"
        + "document.getElementById('login').click()"));
    await(page.waitFor("document.querySelector('[data-event=\"" + EVENT + "\"]') && 'listed'", 10_000));
    await(page.eval("document.querySelector('[data-event=\"" + EVENT + "\"]').click()"));
    await(page.waitFor(text("seats-free") + " === '50' && 'shown'", 10_000));
    await(page.eval("{ const r = document.getElementById('return-urls');"
        + "r.value = 'https://evil.example/?x=1'; r.dispatchEvent(new Event('input'));"
        + "document.getElementById('save-sites').click() }"));
    await(page.waitFor(text("sites-message") + ".includes('returnUrls')", 10_000));
    await(page.eval("{ const r = document.getElementById('return-urls');"
        + "r.value = 'https://tickets.example.com/.foyer/return\\n  https://tickets.example.com/spring/ ';"
        + "r.dispatchEvent(new Event('input'));"
        + "const c = document.getElementById('cors-origins'); c.value = 'https://tickets.example.com';"
        + "c.dispatchEvent(new Event('input')); document.getElementById('save-sites').click() }"));
    await(page.waitFor(text("sites-message") + ".includes('Saved')", 10_000));
    await(page.screenshot(Path.of("target", "admin-sites.png")));
    JsonObject settings = await(api.stats(EVENT)).getJsonObject("settings");
    assertEquals(new io.vertx.core.json.JsonArray().add("https://tickets.example.com/.foyer/return")
        .add("https://tickets.example.com/spring/"), settings.getJsonArray("returnUrls"));
    assertEquals(new io.vertx.core.json.JsonArray().add("https://tickets.example.com"),
        settings.getJsonArray("corsOrigins"));
  }

  /**
   * The console's audit log and announcement: an operator key signs in, tells the line something, a
   * waiting page shows it (as text) until it is withdrawn, and the audit log lists each change with
   * who made it.
   */
  @Test
  void anOperatorAnnouncesToTheLineAndTheAuditLogShowsWhoDidWhat() throws Exception {
    ApiClient api = pages.api();
    Chromium.Page waiting = pages.firstInLine(EVENT, new JsonObject().put("gate", "on").put("paused", true));
    JsonObject key = await(api.admin(io.vertx.core.http.HttpMethod.POST, "/api/admin/keys")
        .sendJsonObject(new JsonObject().put("name", "Floor manager").put("role", "operator"))).bodyAsJsonObject();
    Chromium.Page page = pages.open("/admin");
    await(page.waitFor("!document.getElementById('login-form').hidden && 'form'", 10_000));
    await(page.eval("document.getElementById('key').value = '" + key.getString("key") + "';"
        + "document.getElementById('login').click()"));
    await(page.waitFor(text("who") + ".includes('Floor manager (operator)')", 10_000));
    assertTrue((Boolean) await(page.eval("document.getElementById('keys-card').hidden")), "keys are for admins");
    await(page.waitFor("document.querySelector('[data-event=\"" + EVENT + "\"]') && 'listed'", 10_000));
    await(page.eval("document.querySelector('[data-event=\"" + EVENT + "\"]').click()"));
    await(page.waitFor("document.querySelector('#audit-rows tr[data-action=\"event.create\"]') && 'logged'", 10_000));

    String message = "Doors open at 19:30 <b>sharp</b>";
    await(page.eval("document.getElementById('announcement-message').value = '" + message + "';"
        + "document.getElementById('announce').click()"));
    await(page.waitFor(text("announcement-result") + ".includes('Posted')", 10_000));
    Object shown = await(waiting.waitFor("!document.getElementById('announcement').hidden && "
        + "document.getElementById('announcement-text').textContent", 15_000));
    assertEquals(message, shown, "the waiting page shows it as text");
    assertEquals(0L, ((Number) await(waiting.eval("document.querySelectorAll('#announcement b').length"))).longValue());
    await(page.waitFor("document.querySelector('#audit-rows tr[data-action=\"announcement.post\"]') && 'logged'", 10_000));
    assertTrue(((String) await(page.eval("document.querySelector('#audit-rows tr[data-action=\"announcement.post\"]')"
        + ".textContent"))).contains("Floor manager (operator)"));
    // a change the key may not make is refused and says why
    await(page.eval("document.getElementById('new-id').value = 'other-night';"
        + "document.getElementById('new-name').value = 'Other night';"
        + "document.getElementById('create-form').requestSubmit()"));
    await(page.waitFor(text("create-message") + ".includes('admin')", 10_000));

    await(waiting.viewport(false));
    FoyerPages.shot(waiting, "waiting-announcement", "1280,800");
    await(waiting.viewport(true));
    FoyerPages.shot(waiting, "waiting-announcement", "390,844");
    await(page.viewport(false));
    await(page.eval("document.getElementById('announcement-now').scrollIntoView({block: 'start'})"));
    FoyerPages.shot(page, "admin-audit", "1280,800");
    await(page.viewport(true));
    await(page.eval("document.getElementById('audit-card').scrollIntoView({block: 'start'})"));
    FoyerPages.shot(page, "admin-audit", "390,844");

    await(page.eval("document.getElementById('withdraw').click()"));
    await(waiting.waitFor("document.getElementById('announcement').hidden && 'hidden'", 15_000));
    await(page.waitFor("document.querySelector('#audit-rows tr[data-action=\"announcement.withdraw\"]') && 'logged'",
        10_000));
  }
}
