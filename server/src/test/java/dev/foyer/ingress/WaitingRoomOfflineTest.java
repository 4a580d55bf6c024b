package dev.foyer.ingress;

import dev.foyer.support.Chromium;
import dev.foyer.support.FoyerPages;
import dev.foyer.support.TcpProxy;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.concurrent.TimeUnit;

import static dev.foyer.support.FoyerPages.LIVE;
import static dev.foyer.support.FoyerPages.shot;
import static dev.foyer.support.Waits.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The waiting page in Chromium when the network goes away, as on a phone: "Live" only while the
 * bridge is heard (a network gone silent shows "Reconnecting" within seconds, no network at all
 * shows offline at once), and back live, with the same place, as soon as the network is back; a
 * page becoming visible again reconnects at once instead of waiting out its backoff.
 */
@ExtendWith(VertxExtension.class)
class WaitingRoomOfflineTest {

  @RegisterExtension
  static final FoyerPages pages = FoyerPages.oneNode();

  private TcpProxy proxy;

  @BeforeEach
  void startProxy() {
    // the browser reaches the node through a network the test can take away
    proxy = new TcpProxy(pages.vertx(), "127.0.0.1", pages.node().port());
    await(proxy.start());
  }

  @AfterEach
  void stopProxy() {
    await(proxy.close());
  }

  /** An event nobody is admitted to, and a page waiting first in its line, live. */
  private Chromium.Page waitingPage(String event) {
    return pages.firstInLine(event, FoyerPages.oneAtATime().put("paused", true), proxy.port());
  }

  private static String text(Chromium.Page page, String id) {
    return String.valueOf(await(page.eval("document.getElementById('" + id + "').textContent")));
  }

  @ParameterizedTest(name = "window {0}")
  @ValueSource(strings = {"1280,800", "390,844"})
  void aNetworkGoneSilentShowsReconnectingWithinSecondsAndTheSamePlaceOnceItIsBack(String size) throws Exception {
    pages.relaunch(size);
    String event = "silent-network-" + size.replace(',', 'x');
    Chromium.Page page = waitingPage(event);
    String visitor = String.valueOf(page.eval("foyerLine.visitor").await(10, TimeUnit.SECONDS));
    // nothing closes, nothing errs: the bytes just stop, as when a phone's network goes
    proxy.stall();
    long cutAt = System.currentTimeMillis();
    page.waitFor("document.getElementById('connection').dataset.state === 'reconnecting'", 20_000)
        .await(25, TimeUnit.SECONDS);
    long noticedAfter = System.currentTimeMillis() - cutAt;
    assertTrue(noticedAfter < 15_000, "silence noticed after " + noticedAfter + " ms (heartbeat 5 s, given up after 8 s)");
    assertEquals("Your place is kept for 10 minutes while you are away.", text(page, "connection-note"));
    // away long enough for the page to say so on its return
    Thread.sleep(Math.max(0, 16_000 - (System.currentTimeMillis() - cutAt)));
    proxy.restore();
    page.waitFor(LIVE, 30_000).await(35, TimeUnit.SECONDS);
    assertEquals(visitor, String.valueOf(page.eval("foyerLine.visitor").await(10, TimeUnit.SECONDS)), "the same visitor");
    assertEquals("1", text(page, "position"), "the same place");
    Object back = page.waitFor("!document.getElementById('back-again').hidden"
        + " && document.getElementById('back-again').textContent", 5_000).await(10, TimeUnit.SECONDS);
    assertTrue(back.toString().matches("Welcome back\\. You were away for \\d+ seconds and your place was kept\\."),
        back.toString());
    shot(page, "back-again", size);
  }

  @ParameterizedTest(name = "window {0}")
  @ValueSource(strings = {"1280,800", "390,844"})
  void noNetworkAtAllShowsOfflineAtOnceAndGoesLiveWhenTheBrowserIsOnlineAgain(String size) throws Exception {
    pages.relaunch(size);
    String event = "no-network-" + size.replace(',', 'x');
    Chromium.Page page = waitingPage(event);
    page.call("Network.enable", new JsonObject()).await(10, TimeUnit.SECONDS);
    page.call("Network.emulateNetworkConditions", new JsonObject().put("offline", true).put("latency", 0)
        .put("downloadThroughput", -1).put("uploadThroughput", -1)).await(10, TimeUnit.SECONDS);
    page.waitFor("document.getElementById('connection').dataset.state === 'offline'", 5_000)
        .await(10, TimeUnit.SECONDS);
    assertEquals("No network. Your place is kept for 10 minutes while you are away.", text(page, "connection-note"));
    // long enough offline for the backoff to have grown well past the wait below
    page.waitFor("foyerLine.retryAt && foyerLine.retryAt - Date.now() > 6000", 30_000).await(35, TimeUnit.SECONDS);
    page.call("Network.emulateNetworkConditions", new JsonObject().put("offline", false).put("latency", 0)
        .put("downloadThroughput", -1).put("uploadThroughput", -1)).await(10, TimeUnit.SECONDS);
    long onlineAt = System.currentTimeMillis();
    page.waitFor(LIVE, 10_000).await(15, TimeUnit.SECONDS);
    long liveAfter = System.currentTimeMillis() - onlineAt;
    assertTrue(liveAfter < 5_000, "live " + liveAfter + " ms after the browser was online: at once, not after the backoff");
    assertEquals("1", text(page, "position"), "the same place");
    page.call("Network.emulateNetworkConditions", new JsonObject().put("offline", true).put("latency", 0)
        .put("downloadThroughput", -1).put("uploadThroughput", -1)).await(10, TimeUnit.SECONDS);
    page.waitFor("document.getElementById('connection').dataset.state === 'offline'", 5_000)
        .await(10, TimeUnit.SECONDS);
    shot(page, "offline", size);
  }

  @Test
  void aPageBecomingVisibleReconnectsAtOnceInsteadOfWaitingOutItsBackoff() throws Exception {
    String event = "visible-again";
    Chromium.Page page = waitingPage(event);
    // every connection dropped and new ones refused: the page backs off, further each time
    proxy.cut();
    page.waitFor("foyerLine.retryAt && foyerLine.retryAt - Date.now() > 6000", 40_000).await(45, TimeUnit.SECONDS);
    Object dueIn = page.eval("foyerLine.retryAt - Date.now()").await(10, TimeUnit.SECONDS);
    assertTrue(!"live".equals(text(page, "connection")), "not live while cut");
    proxy.restore();
    // as when a phone is unlocked: the page comes back to the front
    long shownAt = System.currentTimeMillis();
    page.eval("document.dispatchEvent(new Event('visibilitychange')); document.visibilityState")
        .await(10, TimeUnit.SECONDS);
    page.waitFor(LIVE, 5_000).await(10, TimeUnit.SECONDS);
    long liveAfter = System.currentTimeMillis() - shownAt;
    assertTrue(liveAfter < ((Number) dueIn).longValue() - 1000,
        "live " + liveAfter + " ms after becoming visible, before the retry due in " + dueIn + " ms");
    assertEquals("1", text(page, "position"), "the same place");
    proxy.cut();
    page.waitFor("document.getElementById('connection').dataset.state === 'reconnecting'", 20_000)
        .await(25, TimeUnit.SECONDS);
    shot(page, "reconnecting", "390,844");
  }
}
