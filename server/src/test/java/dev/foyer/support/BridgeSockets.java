package dev.foyer.support;

import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClientOptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.foyer.support.Waits.await;

/**
 * The bridge sockets ({@link BridgeClient}) a test opens, closed after it whatever its result.
 * Registered as a static field beside the class's {@link FoyerCluster}:
 *
 * <pre>
 * &#64;RegisterExtension
 * static final BridgeSockets sockets = BridgeSockets.closedAfterEachTest();
 * </pre>
 *
 * The sockets run on a Vert.x of the extension's own, apart from the nodes under test, closed
 * after the class. Whether the nodes are undeployed before or after the sockets are closed makes
 * no difference: a socket the node already ended is left alone.
 */
public final class BridgeSockets implements AfterEachCallback, AfterAllCallback {

  private final List<BridgeClient> open = new ArrayList<>();
  private Vertx vertx;

  private BridgeSockets() {
  }

  public static BridgeSockets closedAfterEachTest() {
    return new BridgeSockets();
  }

  /** A socket to the bridge on this port, with the client's default options. */
  public BridgeClient connect(int port) {
    return connect(port, new WebSocketClientOptions());
  }

  /** With client options of the test's choosing: a small receive buffer, a larger frame size. */
  public synchronized BridgeClient connect(int port, WebSocketClientOptions options) {
    if (vertx == null) {
      vertx = Vertx.vertx();
    }
    BridgeClient bridge = await(BridgeClient.connect(vertx, port, options));
    open.add(bridge);
    return bridge;
  }

  @Override
  public synchronized void afterEach(ExtensionContext context) {
    for (BridgeClient bridge : open) {
      if (!bridge.isClosed()) {
        try {
          bridge.close().otherwiseEmpty().await(5, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
          // a socket that will not close is dropped with the extension's Vert.x; the test's result stands
        }
      }
    }
    open.clear();
  }

  @Override
  public synchronized void afterAll(ExtensionContext context) throws Exception {
    if (vertx != null) {
      vertx.close().await(10, TimeUnit.SECONDS);
      vertx = null;
    }
  }
}
