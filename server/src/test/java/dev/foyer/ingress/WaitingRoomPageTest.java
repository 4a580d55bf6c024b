package dev.foyer.ingress;

import dev.foyer.support.ApiClient;
import dev.foyer.support.Chromium;
import dev.foyer.support.FoyerCluster;
import dev.foyer.support.Waits;
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

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A real headless Chromium waits in line on the page, watches its place fall and is let in. */
@ExtendWith(VertxExtension.class)
class WaitingRoomPageTest {

  private static final String EVENT = "open-air";

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
    // the browser first, then the node, as it always was: Chromium settles while the node deploys
    // (a page opened in a browser only just started fails now and then on a loaded machine)
    cluster.deploy().onComplete(ctx.succeedingThenComplete());
  }

  @AfterEach
  void closeBrowser() throws Exception {
    chromium.close();
  }

  @Test
  void theWaitingPageShowsItsPlaceFallingAndLandsOnTheSeatPageWhenAdmitted(Vertx vertx, VertxTestContext ctx) {
    ApiClient api = cluster.api();
    List<Long> positionsSeen = new ArrayList<>();
    List<String> ahead = new ArrayList<>();
    // one at a time; the three people ahead leave one by one, so the page's visitor moves up
    api.createEvent(EVENT, new JsonObject().put("maxActive", 1).put("admitPerMinute", 0).put("activeSeconds", 120)
            .put("rankPushMillis", 200).put("paused", true))
        .compose(v -> api.join(EVENT)).map(r -> ahead.add(r.bodyAsJsonObject().getString("token")))
        .compose(v -> api.join(EVENT)).map(r -> ahead.add(r.bodyAsJsonObject().getString("token")))
        .compose(v -> api.join(EVENT)).map(r -> ahead.add(r.bodyAsJsonObject().getString("token")))
        .compose(v -> chromium.open("http://127.0.0.1:" + cluster.node().port() + "/events/" + EVENT))
        .compose(page -> page.waitFor("document.getElementById('connection').dataset.state === 'live'"
                + " && document.getElementById('position').textContent", 15_000)
            .compose(first -> {
              positionsSeen.add(Long.parseLong(first.toString()));
              // kept for a person to look at: target/waiting-room.png
              return page.screenshot(java.nio.file.Path.of("target", "waiting-room.png"));
            })
            .compose(shot -> {
              return page.eval("document.getElementById('ahead').textContent + '|' + "
                  + "document.getElementById('waiting').textContent");
            })
            .compose(aheadAndWaiting -> {
              ctx.verify(() -> assertEquals("3|4", aheadAndWaiting, "three ahead, four waiting"));
              long[] next = {0};
              vertx.setPeriodic(1000, id -> {
                if (next[0] < ahead.size()) {
                  api.leave(EVENT, ahead.get((int) next[0]++));
                } else {
                  vertx.cancelTimer(id);
                }
              });
              return api.putEvent(EVENT, new JsonObject().put("paused", false));
            })
            .compose(v -> watchPositions(vertx, page, positionsSeen, 20_000))
            .compose(v -> page.waitFor("location.pathname.endsWith('/seats')"
                + " && document.querySelectorAll('#map circle').length === 50 && 'ok'", 15_000))
            .compose(map -> page.eval("document.getElementById('time-left').textContent").map(left -> {
              ctx.verify(() -> {
                assertEquals(4L, positionsSeen.get(0));
                assertTrue(positionsSeen.size() >= 3, "the place fell step by step: " + positionsSeen);
                for (int i = 1; i < positionsSeen.size(); i++) {
                  assertTrue(positionsSeen.get(i) < positionsSeen.get(i - 1), "only ever falling: " + positionsSeen);
                }
                assertTrue(left.toString().matches("\\d+:\\d\\d"), "a countdown is shown: " + left);
              });
              return null;
            })))
        .onComplete(ctx.succeedingThenComplete());
  }

  /** Records each new position the page shows until it leaves the waiting page. */
  private Future<Void> watchPositions(Vertx vertx, Chromium.Page page, List<Long> seen, long timeoutMillis) {
    long deadline = System.currentTimeMillis() + timeoutMillis;
    return page.eval("location.pathname.endsWith('/seats') ? 'done' : document.getElementById('position').textContent")
        .recover(err -> Future.succeededFuture("done"))
        .compose(value -> {
          if ("done".equals(value) || System.currentTimeMillis() > deadline) {
            return Future.succeededFuture();
          }
          try {
            long position = Long.parseLong(String.valueOf(value));
            if (position != seen.get(seen.size() - 1)) {
              seen.add(position);
            }
          } catch (NumberFormatException ignored) {
            // the page is between states
          }
          return Waits.sleep(vertx, 100).compose(v -> watchPositions(vertx, page, seen,
              deadline - System.currentTimeMillis()));
        });
  }
}
