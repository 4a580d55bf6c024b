package dev.foyer.ingress;

import dev.foyer.support.ApiClient;
import dev.foyer.support.Chromium;
import dev.foyer.support.FoyerPages;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.foyer.support.Waits.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A real headless Chromium on the waiting page of an event that asks for proof of work: the page
 * solves the ALTCHA challenge by itself, under the pages' strict CSP, and takes its place. Prints the
 * solve time at each difficulty step (FOYER_POW_STEPS=1000,10000,... to measure others).
 */
@ExtendWith(VertxExtension.class)
class WaitingRoomPowTest {

  @RegisterExtension
  static final FoyerPages pages = FoyerPages.oneNode();

  @Test
  void theWaitingPageSolvesTheChallengeByItselfAndJoins() throws Exception {
    ApiClient api = pages.api();
    String steps = System.getenv().getOrDefault("FOYER_POW_STEPS", "1000,20000,100000");
    List<String> figures = new ArrayList<>();
    String[] all = steps.split(",");
    // the metrics registry is the JVM's, shared with the classes this fork ran before: count from here
    double refusedBefore = refusedWithoutSolution(api);
    for (int i = 0; i < all.length; i++) {
      int difficulty = Integer.parseInt(all[i].trim());
      String event = "pow-page-" + difficulty;
      // the screenshots at the hardest step, where the progress line shows long enough to be seen
      boolean shots = i == all.length - 1;
      await(api.createEvent(event, new JsonObject().put("gate", "on").put("paused", true)
          .put("pow", new JsonObject().put("mode", "fixed").put("difficulty", difficulty))));
      Chromium.Page page = pages.open("/events/" + event);
      await(page.collectLog());
      if (shots) {
        await(page.viewport(false));
        await(page.waitFor("!document.getElementById('pow').hidden", 15_000));
        await(page.screenshot(Path.of("target", "waiting-pow-desktop.png")));
      }
      // the hardest step may take its two minutes on a loaded machine: waited for a little longer
      Object millis = page.waitFor("document.getElementById('position').textContent !== '–'"
          + " && window.foyerPowMillis", 120_000).await(130, TimeUnit.SECONDS);
      Object position = await(page.eval("document.getElementById('position').textContent"));
      figures.add(String.format("pow: difficulty %,d solved in Chromium in %.0f ms", difficulty,
          Double.parseDouble(millis.toString())));
      System.out.println(figures.get(figures.size() - 1));
      assertEquals("1", position, "the page joined and has its place");
      assertEquals(List.of(), page.policyViolations(), "the widget runs under the strict CSP");
      if (shots) {
        await(page.viewport(true));
        await(page.screenshot(Path.of("target", "waiting-pow-phone.png")));
      }
      await(page.close());
    }
    // each page joined (its place shown) only after its solution was taken: the join without one was refused
    double refused = refusedWithoutSolution(api);
    assertEquals(all.length, refused - refusedBefore, 0.0, "every page was first refused without a solution");
    assertEquals(all.length, figures.size());
  }

  /** foyer_refused_total{reason="pow_required"} as /metrics shows it now (0 before the first). */
  private static double refusedWithoutSolution(ApiClient api) {
    String metrics = await(api.request(io.vertx.core.http.HttpMethod.GET, "/metrics").send()).bodyAsString();
    java.util.regex.Matcher m = java.util.regex.Pattern
        .compile("(?m)^foyer_refused_total\\{reason=\"pow_required\"} ([0-9.E]+)$").matcher(metrics);
    return m.find() ? Double.parseDouble(m.group(1)) : 0.0;
  }
}
