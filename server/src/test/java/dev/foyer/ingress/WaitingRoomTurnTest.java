package dev.foyer.ingress;

import dev.foyer.support.Chromium;
import dev.foyer.support.FoyerPages;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.concurrent.TimeUnit;

import static dev.foyer.support.FoyerPages.shot;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The waiting page's moments in Chromium: it says how long one may be away, it asks before leaving
 * the line (and leaving frees the place), and admission is an unmistakable "it's your turn" (title,
 * a card with a button) before it goes on to book by itself.
 */
@ExtendWith(VertxExtension.class)
class WaitingRoomTurnTest {

  @RegisterExtension
  static final FoyerPages pages = FoyerPages.oneNode();

  private static Chromium.Page waitingPage(String event) {
    return pages.firstInLine(event, FoyerPages.oneAtATime().put("activeSeconds", 300).put("paused", true));
  }

  private static Object eval(Chromium.Page page, String js) throws Exception {
    return page.eval(js).await(10, TimeUnit.SECONDS);
  }

  private static long waiting(String event) throws Exception {
    return pages.api().stats(event).await(10, TimeUnit.SECONDS).getLong("waiting");
  }

  @ParameterizedTest(name = "window {0}")
  @ValueSource(strings = {"1280,800", "390,844"})
  void admissionIsAnItsYourTurnMomentBeforeTheBookingPage(String size) throws Exception {
    pages.relaunch(size);
    String event = "your-turn-" + size.replace(',', 'x');
    Chromium.Page page = waitingPage(event);
    Object away = eval(page, "document.getElementById('away').textContent");
    assertTrue(away.toString().replaceAll("\\s+", " ").contains("your place is kept while you are away for up to 10 minutes"),
        "the page says how long one may be away: " + away);
    shot(page, "waiting", size);

    pages.api().putEvent(event, new JsonObject().put("paused", false)).await(10, TimeUnit.SECONDS);
    page.waitFor("!document.getElementById('turn-card').hidden", 15_000).await(20, TimeUnit.SECONDS);
    assertTrue(eval(page, "document.title").toString().startsWith("It's your turn!"), "the tab's title says it");
    assertEquals("Go to booking", eval(page, "document.getElementById('turn-go').textContent"));
    assertTrue(eval(page, "document.getElementById('turn-time').textContent").toString().matches("[45] minutes"),
        "the time to book is told: " + eval(page, "document.getElementById('turn-time').textContent"));
    assertEquals(true, eval(page, "document.getElementById('waiting-card').hidden"
        + " && document.getElementById('leave').hidden"), "the line is over");
    shot(page, "your-turn", size);
    // and on to book by itself after a few seconds, the pass kept for the seat page
    page.waitFor("location.pathname.endsWith('/seats') && 'ok'", 20_000).await(25, TimeUnit.SECONDS);
    Object pass = eval(page, "sessionStorage.getItem('foyer.pass." + event + "')");
    assertTrue(pass != null && new JsonObject(pass.toString()).getString("pass").contains("."), "pass kept: " + pass);
  }

  @Test
  void theButtonGoesToBookAtOnce() throws Exception {
    String event = "your-turn-button";
    Chromium.Page page = waitingPage(event);
    pages.api().putEvent(event, new JsonObject().put("paused", false)).await(10, TimeUnit.SECONDS);
    page.waitFor("!document.getElementById('turn-card').hidden", 15_000).await(20, TimeUnit.SECONDS);
    long clicked = System.currentTimeMillis();
    eval(page, "document.getElementById('turn-go').click(); true");
    page.waitFor("location.pathname.endsWith('/seats') && 'ok'", 10_000).await(15, TimeUnit.SECONDS);
    long after = System.currentTimeMillis() - clicked;
    assertTrue(after < 4_000, "on the booking page " + after + " ms after the click, not after the countdown");
  }

  @Test
  void leavingTheLineAsksFirstAndStayingKeepsThePlace() throws Exception {
    String event = "leave-asks";
    Chromium.Page page = waitingPage(event);
    eval(page, "document.getElementById('leave').click(); true");
    assertEquals(true, eval(page, "!document.getElementById('leave-confirm').hidden"
        + " && document.getElementById('waiting-card').hidden"), "a confirm step in the page");
    assertTrue(eval(page, "document.getElementById('leave-confirm').textContent").toString().contains("0 ahead of you now"));
    assertEquals(1L, waiting(event), "asking does not leave");
    eval(page, "document.getElementById('leave-no').click(); true");
    assertEquals(true, eval(page, "!document.getElementById('waiting-card').hidden"
        + " && document.getElementById('leave-confirm').hidden"), "back in line");
    assertEquals(1L, waiting(event), "still in line");

    eval(page, "document.getElementById('leave').click(); true");
    eval(page, "document.getElementById('leave-yes').click(); true");
    Object reason = page.waitFor("!document.getElementById('gone-card').hidden"
        + " && document.getElementById('gone-reason').textContent", 10_000).await(15, TimeUnit.SECONDS);
    assertEquals("You left the line.", reason);
    assertEquals(0L, waiting(event), "the place was freed at once");
  }
}
