package dev.foyer.ingress;

import dev.foyer.support.Chromium;
import dev.foyer.support.FoyerPages;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Path;
import java.util.List;

import static dev.foyer.support.Waits.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Every page does its work in a real Chromium under foyer's Content-Security-Policy, with not one
 * violation in the browser's log, on a desktop and on a phone viewport (screenshots in target/).
 */
@ExtendWith(VertxExtension.class)
class PagesUnderPolicyTest {

  private static final String EVENT = "city-hall";

  @RegisterExtension
  static final FoyerPages pages = FoyerPages.oneNode();

  @BeforeEach
  void createEventWithOneWaiting() {
    await(pages.api().createEvent(EVENT, new JsonObject().put("maxActive", 1).put("admitPerMinute", 0)));
    await(pages.api().join(EVENT));
  }

  /** A page, what shows that it works, and the screenshot's name. */
  private record Visit(String path, String working, String shot) {
  }

  @Test
  void everyPageWorksUnderThePolicyWithoutOneViolation() {
    List<Visit> visits = List.of(
        new Visit("/", "document.querySelectorAll('#events a').length > 0", "index"),
        new Visit("/events/" + EVENT, FoyerPages.LIVE
            + " && document.getElementById('position').textContent === '1'", "waiting"),
        new Visit("/events/" + EVENT + "/seats", "document.readyState === 'complete'", "seats"),
        new Visit("/admin", "document.getElementById('key') !== null", "admin"));
    for (boolean phone : List.of(false, true)) {
      for (Visit visit : visits) {
        Chromium.Page page = pages.open(visit.path());
        try {
          await(page.collectLog());
          await(page.viewport(phone));
          await(page.waitFor(visit.working(), 15_000));
          await(page.screenshot(Path.of("target", "policy-" + visit.shot() + (phone ? "-phone" : "") + ".png")));
          assertEquals(List.of(), page.policyViolations(), visit.path());
        } finally {
          await(page.close().otherwiseEmpty());
        }
      }
    }
  }
}
