package dev.foyer.ingress;

import dev.foyer.support.ApiClient;
import dev.foyer.support.Chromium;
import dev.foyer.support.FoyerPages;
import dev.foyer.support.TestSetup;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;

import static dev.foyer.support.Waits.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The report in the admin console, in a real browser under the strict policy: a sale's last forty
 * minutes (written into the report's keys as the scripts would have counted them) and what happens
 * now (visitors let in, two purchases in two categories, a refusal) are shown as the same totals the
 * API gives, and drawn as charts with time and value axes, units and legends. Screenshots at
 * desktop and phone size: target/shots/admin-report-*.png.
 */
@ExtendWith(VertxExtension.class)
class AdminReportPageTest {

  private static final String EVENT = "summer-show";
  private static final int HISTORY_MINUTES = 40;

  @RegisterExtension
  static final FoyerPages pages = FoyerPages.oneNode();

  private static String text(String id) {
    return "document.getElementById('" + id + "').textContent";
  }

  private static long count(Chromium.Page page, String selector) {
    return ((Number) await(page.eval("document.querySelectorAll('" + selector + "').length"))).longValue();
  }

  /** Forty minutes of a sale before now, as lua/lib/report.lua and the refusal counter record them. */
  private static void history(Redis redis, String base, long nowMinute) {
    Request counts = Request.cmd(Command.HSET).arg(base + "report");
    Request refusals = Request.cmd(Command.HSET).arg(base + "report-refusals");
    for (long m = nowMinute - HISTORY_MINUTES; m < nowMinute; m++) {
      long i = m - (nowMinute - HISTORY_MINUTES);
      long front = i % 5, rear = (i * 3) % 4;
      for (Object[] f : List.of(new Object[] {"joins", 400 - i * 8}, new Object[] {"admitted", 120 + (i % 6) * 10},
          new Object[] {"gone:left", i % 7}, new Object[] {"gone:expired", i % 3}, new Object[] {"gone:confirmed", (front + rear + 1) / 2},
          new Object[] {"gone:away", i % 4 == 0 ? 2 : 0}, new Object[] {"holds", front + rear + 3},
          new Object[] {"purchases", (front + rear + 1) / 2}, new Object[] {"seats:front", front},
          new Object[] {"revenue:front", front * 6500}, new Object[] {"seats:rear", rear},
          new Object[] {"revenue:rear", rear * 3900})) {
        counts.arg(m + ":" + f[0]).arg(f[1].toString());
      }
      refusals.arg(m + ":rate_limited").arg(i % 5).arg(m + ":seats_unavailable").arg(i % 3);
    }
    await(redis.send(counts));
    await(redis.send(refusals));
    await(redis.send(Request.cmd(Command.HSET).arg(base + "report-waits").arg(30).arg(20).arg(95).arg(50).arg(300).arg(8)));
  }

  @Test
  void theConsoleDrawsTheSalesReportWithAxesUnitsAndTheFiguresOfTheApi() throws Exception {
    ApiClient api = pages.api();
    JsonObject layout = new JsonObject().put("currency", "EUR")
        .put("categories", new JsonArray().add(new JsonObject().put("id", "front").put("name", "Front").put("price", 6500))
            .add(new JsonObject().put("id", "rear").put("name", "Rear").put("price", 3900)))
        .put("sections", new JsonArray()
            .add(new JsonObject().put("name", "A").put("rows", 3).put("seatsPerRow", 8).put("category", "front"))
            .add(new JsonObject().put("name", "B").put("rows", 3).put("seatsPerRow", 8).put("category", "rear")));
    assertEquals(201, await(api.putLayout(EVENT, layout, new JsonObject().put("gate", "off")
        .put("graceSeconds", 3600))).statusCode());
    List<JsonObject> in = List.of(await(api.admitted(EVENT)), await(api.admitted(EVENT)), await(api.admitted(EVENT)));
    for (int i = 0; i < 2; i++) {
      String pass = in.get(i).getString("pass");
      HttpResponse<Buffer> held = await(api.hold(EVENT, pass, i == 0 ? "A-1-1" : "B-1-1"));
      assertEquals(201, held.statusCode(), held.bodyAsString());
      assertEquals(201, await(api.confirm(EVENT, pass, held.bodyAsJsonObject().getString("holdId"))).statusCode());
    }
    assertEquals(409, await(api.hold(EVENT, in.get(2).getString("pass"), "A-1-1")).statusCode());
    history(pages.redis(), pages.node().config().keyPrefix() + ":{" + EVENT + "}:", System.currentTimeMillis() / 60_000);
    JsonObject report = dev.foyer.support.Waits.until("the refusal added", 30_000,
        () -> await(api.admin(HttpMethod.GET, "/api/admin/events/" + EVENT + "/report").send()).bodyAsJsonObject(),
        r -> r.getJsonObject("totals").getJsonObject("refusals").containsKey("seats_unavailable")
            // 39 in the forty minutes before, and the one just now
            && r.getJsonObject("totals").getJsonObject("refusals").getLong("seats_unavailable") == 40);

    Chromium.Page page = pages.open("/admin");
    await(page.collectLog());
    await(page.waitFor("!document.getElementById('login-form').hidden && 'form'", 10_000));
    await(page.eval("document.getElementById('key').value = '" + TestSetup.ADMIN_KEY + "';"
        + "document.getElementById('login').click()"));
    await(page.waitFor("document.querySelector('[data-event=\"" + EVENT + "\"]') && 'listed'", 10_000));
    await(page.eval("document.querySelector('[data-event=\"" + EVENT + "\"]').click()"));
    JsonObject totals = report.getJsonObject("totals");
    await(page.waitFor(text("r-buyers") + " === '" + totals.getLong("purchases") + "' && 'shown'", 15_000));
    assertEquals(String.valueOf(totals.getLong("joins")), await(page.eval(text("r-joins"))));
    assertEquals(String.valueOf(totals.getLong("admissions")), await(page.eval(text("r-admissions"))));
    assertEquals(String.valueOf(totals.getLong("seats")), await(page.eval(text("r-seats"))));
    assertTrue(await(page.eval(text("r-revenue"))).toString().replaceAll("[^0-9]", "")
        .equals(String.valueOf(totals.getLong("revenue"))), "revenue in euros: " + await(page.eval(text("r-revenue"))));
    assertEquals("1:35 min", await(page.eval(text("r-wait-median"))), "the median of the waits");

    // every chart has its axes, a unit and a legend; bars and lines cover the minutes
    for (String chart : List.of("report-flow", "report-departures", "report-holds", "report-revenue", "report-refusals")) {
      assertTrue(count(page, "#" + chart + " .axis line") >= 4, chart + " has axes with ticks");
      assertTrue(count(page, "#" + chart + " text.tick") >= 6, chart + " labels its axes");
      assertTrue(count(page, "#" + chart + "-legend li") >= 1, chart + " has a legend");
    }
    assertEquals("EUR / min", await(page.eval("document.querySelector('#report-revenue text.unit').textContent")));
    assertEquals(2, count(page, "#report-flow polyline"));
    assertTrue(count(page, "#report-revenue rect") >= HISTORY_MINUTES, "a bar per category and minute sold");
    assertEquals(2, count(page, "#report-sold tr"), "one row per category");
    assertEquals(List.of(), page.policyViolations(), "nothing the policy refuses");

    await(page.viewport(false));
    await(page.eval("document.getElementById('report-summary').scrollIntoView({block: 'start'})"));
    await(page.screenshot(java.nio.file.Path.of("target", "admin-report-desktop.png")));
    await(page.eval("document.getElementById('report-revenue').scrollIntoView({block: 'start'})"));
    await(page.screenshot(java.nio.file.Path.of("target", "admin-report-desktop-2.png")));
    await(page.viewport(true));
    await(page.eval("document.getElementById('report-summary').scrollIntoView({block: 'start'})"));
    await(page.screenshot(java.nio.file.Path.of("target", "admin-report-phone.png")));
    await(page.eval("document.getElementById('report-departures').scrollIntoView({block: 'start'})"));
    await(page.screenshot(java.nio.file.Path.of("target", "admin-report-phone-2.png")));
  }
}
