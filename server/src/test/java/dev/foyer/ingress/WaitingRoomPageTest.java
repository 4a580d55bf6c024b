package dev.foyer.ingress;

import dev.foyer.support.ApiClient;
import dev.foyer.support.Chromium;
import dev.foyer.support.FoyerPages;
import dev.foyer.support.Waits;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;

import static dev.foyer.support.Waits.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A real headless Chromium waits in line on the page, watches its place fall and is let in. */
@ExtendWith(VertxExtension.class)
class WaitingRoomPageTest {

  private static final String EVENT = "open-air";

  @RegisterExtension
  static final FoyerPages pages = FoyerPages.oneNode();

  @Test
  void theWaitingPageShowsItsPlaceFallingAndLandsOnTheSeatPageWhenAdmitted(Vertx vertx) throws Exception {
    ApiClient api = pages.api();
    List<Long> positionsSeen = new ArrayList<>();
    List<String> ahead = new ArrayList<>();
    // one at a time; the three people ahead leave one by one, so the page's visitor moves up
    await(api.createEvent(EVENT, new JsonObject().put("maxActive", 1).put("admitPerMinute", 0).put("activeSeconds", 120)
        .put("rankPushMillis", 200).put("paused", true)));
    for (int i = 0; i < 3; i++) {
      ahead.add(await(api.join(EVENT)).bodyAsJsonObject().getString("token"));
    }
    Chromium.Page page = pages.open("/events/" + EVENT);
    Object first = await(page.waitFor(FoyerPages.LIVE + " && document.getElementById('position').textContent", 15_000));
    positionsSeen.add(Long.parseLong(first.toString()));
    // kept for a person to look at: target/waiting-room.png
    await(page.screenshot(java.nio.file.Path.of("target", "waiting-room.png")));
    Object aheadAndWaiting = await(page.eval("document.getElementById('ahead').textContent + '|' + "
        + "document.getElementById('waiting').textContent"));
    assertEquals("3|4", aheadAndWaiting, "three ahead, four waiting");
    long[] next = {0};
    vertx.setPeriodic(1000, id -> {
      if (next[0] < ahead.size()) {
        api.leave(EVENT, ahead.get((int) next[0]++));
      } else {
        vertx.cancelTimer(id);
      }
    });
    await(api.putEvent(EVENT, new JsonObject().put("paused", false)));
    watchPositions(page, positionsSeen);
    await(page.waitFor("location.pathname.endsWith('/seats')"
        + " && document.querySelectorAll('#map circle').length === 50 && 'ok'", 15_000));
    Object left = await(page.eval("document.getElementById('time-left').textContent"));
    assertEquals(4L, positionsSeen.get(0));
    assertTrue(positionsSeen.size() >= 3, "the place fell step by step: " + positionsSeen);
    for (int i = 1; i < positionsSeen.size(); i++) {
      assertTrue(positionsSeen.get(i) < positionsSeen.get(i - 1), "only ever falling: " + positionsSeen);
    }
    assertTrue(left.toString().matches("\\d+:\\d\\d"), "a countdown is shown: " + left);
  }

  /**
   * Records each new position the page shows until it leaves the waiting page (an evaluation the
   * navigation cuts short counts as left).
   */
  private static void watchPositions(Chromium.Page page, List<Long> seen) throws Exception {
    Waits.until("the page leaves the waiting page", 35_000, () -> {
      Object value;
      try {
        value = await(page.eval("location.pathname.endsWith('/seats') ? 'done'"
            + " : document.getElementById('position').textContent"));
      } catch (Exception navigating) {
        return true;
      }
      if ("done".equals(value)) {
        return true;
      }
      try {
        long position = Long.parseLong(String.valueOf(value));
        if (position != seen.get(seen.size() - 1)) {
          seen.add(position);
        }
      } catch (NumberFormatException ignored) {
        // the page is between states
      }
      return false;
    });
  }
}
