package dev.foyer.ingress;

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
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real headless Chromium on the waiting page of an event that asks for proof of work: the page
 * solves the ALTCHA challenge by itself, under the pages' strict CSP, and takes its place. Prints the
 * solve time at each difficulty step (FOYER_POW_STEPS=1000,10000,... to measure others).
 */
@ExtendWith(VertxExtension.class)
class WaitingRoomPowTest {

  @RegisterExtension
  static final FoyerCluster cluster = FoyerCluster.nodes(1).deployedByTest();

  private Chromium chromium;

  @BeforeAll
  static void assumeChromium() {
    Chromium.assumeInstalled();
  }

  @BeforeEach
  void launchBrowserAndDeploy(Vertx vertx, VertxTestContext ctx) throws Exception {
    chromium = Chromium.launch(vertx);
    cluster.deploy().onComplete(ctx.succeedingThenComplete());
  }

  @AfterEach
  void closeBrowser() throws Exception {
    chromium.close();
  }

  @Test
  @io.vertx.junit5.Timeout(value = 10, timeUnit = java.util.concurrent.TimeUnit.MINUTES)
  void theWaitingPageSolvesTheChallengeByItselfAndJoins(Vertx vertx, VertxTestContext ctx) {
    ApiClient api = cluster.api();
    String steps = System.getenv().getOrDefault("FOYER_POW_STEPS", "1000,20000,100000");
    List<String> figures = new ArrayList<>();
    String[] all = steps.split(",");
    // the metrics registry is the JVM's, shared with the classes this fork ran before: count from here
    double[] refusedBefore = new double[1];
    Future<Void> chain = refusedWithoutSolution(api).map(n -> {
      refusedBefore[0] = n;
      return null;
    });
    for (int i = 0; i < all.length; i++) {
      int difficulty = Integer.parseInt(all[i].trim());
      String event = "pow-page-" + difficulty;
      // the screenshots at the hardest step, where the progress line shows long enough to be seen
      boolean shots = i == all.length - 1;
      chain = chain.compose(v -> api.createEvent(event, new JsonObject().put("gate", "on").put("paused", true)
              .put("pow", new JsonObject().put("mode", "fixed").put("difficulty", difficulty))))
          .compose(v -> chromium.open("http://127.0.0.1:" + cluster.node().port() + "/events/" + event))
          .compose(page -> page.collectLog()
              .compose(x -> shots ? page.viewport(false)
                  .compose(y -> page.waitFor("!document.getElementById('pow').hidden", 15_000))
                  .compose(y -> page.screenshot(Path.of("target", "waiting-pow-desktop.png"))).mapEmpty()
                  : Future.succeededFuture())
              .compose(x -> page.waitFor("document.getElementById('position').textContent !== '–'"
                  + " && window.foyerPowMillis", 120_000))
              .compose(millis -> page.eval("document.getElementById('position').textContent").map(position -> {
                figures.add(String.format("pow: difficulty %,d solved in Chromium in %.0f ms", difficulty,
                    Double.parseDouble(millis.toString())));
                System.out.println(figures.get(figures.size() - 1));
                ctx.verify(() -> {
                  assertEquals("1", position, "the page joined and has its place");
                  assertEquals(List.of(), page.policyViolations(), "the widget runs under the strict CSP");
                });
                return page;
              }))
              .compose(p -> shots ? p.viewport(true).compose(y -> p.screenshot(Path.of("target", "waiting-pow-phone.png")))
                  .map(y -> p) : Future.succeededFuture(p))
              .compose(p -> p.close()));
    }
    // each page joined (its place shown) only after its solution was taken: the join without one was refused
    chain.compose(v -> refusedWithoutSolution(api))
        .onComplete(ctx.succeeding(refused -> ctx.verify(() -> {
          assertEquals(all.length, refused - refusedBefore[0], 0.0, "every page was first refused without a solution");
          assertEquals(all.length, figures.size());
          ctx.completeNow();
        })));
  }

  /** foyer_refused_total{reason="pow_required"} as /metrics shows it now (0 before the first). */
  private static Future<Double> refusedWithoutSolution(ApiClient api) {
    return api.request(io.vertx.core.http.HttpMethod.GET, "/metrics").send().map(metrics -> {
      java.util.regex.Matcher m = java.util.regex.Pattern
          .compile("(?m)^foyer_refused_total\\{reason=\"pow_required\"} ([0-9.E]+)$").matcher(metrics.bodyAsString());
      return m.find() ? Double.parseDouble(m.group(1)) : 0.0;
    });
  }
}
