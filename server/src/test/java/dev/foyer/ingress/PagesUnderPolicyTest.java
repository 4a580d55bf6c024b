package dev.foyer.ingress;

import dev.foyer.support.ApiClient;
import dev.foyer.support.Chromium;
import dev.foyer.support.TestNode;
import dev.foyer.support.TestSetup;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Every page does its work in a real Chromium under foyer's Content-Security-Policy, with not one
 * violation in the browser's log, on a desktop and on a phone viewport (screenshots in target/).
 */
@ExtendWith(VertxExtension.class)
class PagesUnderPolicyTest {

  private static final String EVENT = "city-hall";
  private static TestNode node;
  private TestSetup setup;
  private ApiClient api;
  private Chromium chromium;

  @BeforeAll
  static void startNode() {
    Chromium.assumeInstalled();
    node = TestNode.start(TestSetup.clusterName(PagesUnderPolicyTest.class));
  }

  @AfterAll
  static void stopNode() {
    if (node != null) {
      node.close();
    }
  }

  @BeforeEach
  void deploy(Vertx vertx, VertxTestContext ctx) throws Exception {
    setup = new TestSetup();
    chromium = Chromium.launch(vertx);
    node.deploy(setup.config())
        .onSuccess(v -> api = new ApiClient(vertx, node.port()))
        .compose(v -> api.createEvent(EVENT, new JsonObject().put("maxActive", 1).put("admitPerMinute", 0)))
        .compose(v -> api.join(EVENT))
        .onComplete(ctx.succeedingThenComplete());
  }

  @AfterEach
  void undeploy(Vertx vertx) throws Exception {
    chromium.close();
    node.undeploy().await(30, TimeUnit.SECONDS);
    setup.cleanUp(vertx);
    api.close();
  }

  /** A page, what shows that it works, and the screenshot's name. */
  private record Visit(String path, String working, String shot) {
  }

  @Test
  @Timeout(value = 120, timeUnit = TimeUnit.SECONDS)
  void everyPageWorksUnderThePolicyWithoutOneViolation(Vertx vertx, VertxTestContext ctx) {
    String base = "http://127.0.0.1:" + node.port();
    List<Visit> visits = List.of(
        new Visit("/", "document.querySelectorAll('#events a').length > 0", "index"),
        new Visit("/events/" + EVENT, "document.getElementById('connection').dataset.state === 'live'"
            + " && document.getElementById('position').textContent === '1'", "waiting"),
        new Visit("/events/" + EVENT + "/seats", "document.readyState === 'complete'", "seats"),
        new Visit("/admin", "document.getElementById('key') !== null", "admin"));
    Future<Void> chain = Future.succeededFuture();
    for (boolean phone : List.of(false, true)) {
      for (Visit visit : visits) {
        chain = chain.compose(v -> chromium.open(base + visit.path()).compose(page -> page.collectLog()
            .compose(x -> page.viewport(phone))
            .compose(x -> page.waitFor(visit.working(), 15_000))
            .compose(x -> page.screenshot(Path.of("target", "policy-" + visit.shot() + (phone ? "-phone" : "")
                + ".png")))
            .<Void>map(x -> {
              ctx.verify(() -> assertEquals(List.of(), page.policyViolations(), visit.path()));
              return null;
            })
            .timeout(30, TimeUnit.SECONDS)
            .eventually(page::close)));
      }
    }
    chain.onComplete(ctx.succeedingThenComplete());
  }
}
