package dev.foyer.support;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static dev.foyer.support.Waits.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * foyer's pages in a real browser: one foyer node and a fresh Debian Chromium for each test of a
 * page test class. Registered as a static field:
 *
 * <pre>
 * &#64;RegisterExtension
 * static final FoyerPages pages = FoyerPages.oneNode();
 * </pre>
 *
 * Without chromium the class is skipped (on CI it fails: {@link Chromium#assumeInstalled}). Before
 * each test the browser is launched first, then the node is deployed with the test's own
 * configuration: Chromium settles while the node deploys (a page opened in a browser only just
 * started fails now and then on a loaded machine). After each test the browser is closed and the
 * node undeployed, the test's keys and schema removed, as {@link FoyerCluster} does.
 */
public final class FoyerPages implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback, AfterAllCallback {

  /** The waiting page is connected to the bridge and says so. */
  public static final String LIVE = "document.getElementById('connection').dataset.state === 'live'";

  private final FoyerCluster cluster = FoyerCluster.nodes(1).deployedByTest();
  /** The browser's own Vert.x (its DevTools sockets), apart from the node under test. */
  private Vertx vertx;
  private Chromium chromium;

  private FoyerPages() {
  }

  public static FoyerPages oneNode() {
    return new FoyerPages();
  }

  /**
   * A line nobody gets out of while it is paused: one visitor at a time, no admission by rate,
   * positions pushed every 200 ms. A fresh copy, for the test to add to.
   */
  public static JsonObject oneAtATime() {
    return new JsonObject().put("gate", "on").put("maxActive", 1).put("admitPerMinute", 0).put("rankPushMillis", 200);
  }

  public ApiClient api() {
    return cluster.api();
  }

  public TestNode node() {
    return cluster.node();
  }

  /** A Vert.x for what a test runs beside the browser (a proxy, a timer); closed after the class. */
  public Vertx vertx() {
    return vertx;
  }

  public Chromium chromium() {
    return chromium;
  }

  /** The node's address for {@code path}, as the browser reaches it. */
  /** A Redis client for looking at (or writing) the test's keys; closed after the test. */
  public io.vertx.redis.client.Redis redis() {
    return cluster.redis();
  }

  public String url(String path) {
    return "http://127.0.0.1:" + node().port() + path;
  }

  /** A new tab on the node's {@code path}. */
  public Chromium.Page open(String path) {
    return await(chromium.open(url(path)));
  }

  /**
   * Closes the browser and launches one whose window is this size ("width,height"), for a page
   * seen at desktop and at phone size without a device-metrics override.
   */
  public Chromium relaunch(String windowSize) throws Exception {
    chromium.close();
    chromium = null;
    chromium = Chromium.launch(vertx, windowSize);
    return chromium;
  }

  /** Creates the event and gives its waiting page on the node once it is live and first in line. */
  public Chromium.Page firstInLine(String event, JsonObject settings) {
    return firstInLine(event, settings, node().port());
  }

  /** The same through another port of loopback (a proxy in front of the node). */
  public Chromium.Page firstInLine(String event, JsonObject settings, int port) {
    await(api().createEvent(event, settings));
    Chromium.Page page = await(chromium.open("http://127.0.0.1:" + port + "/events/" + event));
    Object position = await(page.waitFor(LIVE + " && document.getElementById('position').textContent", 20_000));
    assertEquals("1", position.toString(), "first in line");
    return page;
  }

  /**
   * Kept for a person to look at: target/shots/{name}-{desktop|phone}.png. Taken last in a test:
   * this headless Chromium sometimes never paints the frame for a page whose network went away
   * (neither Page.captureScreenshot nor a screencast answers, and the tab's DevTools session stays
   * stuck), so a shot that does not come is reported and the test's findings stand.
   */
  public static void shot(Chromium.Page page, String name, String size) throws Exception {
    Path dir = Path.of("target", "shots");
    Files.createDirectories(dir);
    Path file = dir.resolve(name + (size.startsWith("1280") ? "-desktop" : "-phone") + ".png");
    try {
      page.screenshot(file).await(15, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      System.out.println("Chromium painted no frame for " + file + "; no screenshot this run");
    }
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    Chromium.assumeInstalled();
    vertx = Vertx.vertx();
  }

  @Override
  public void beforeEach(ExtensionContext context) throws Exception {
    cluster.beforeEach(context);
    chromium = Chromium.launch(vertx);
    await(cluster.deploy());
  }

  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    try {
      if (chromium != null) {
        chromium.close();
        chromium = null;
      }
    } finally {
      cluster.afterEach(context);
    }
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    try {
      cluster.afterAll(context);
    } finally {
      if (vertx != null) {
        vertx.close().await(10, TimeUnit.SECONDS);
        vertx = null;
      }
    }
  }
}
