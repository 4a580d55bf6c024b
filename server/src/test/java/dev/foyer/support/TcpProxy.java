package dev.foyer.support;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A loopback TCP proxy in front of a real server, which a test can cut (every connection dropped,
 * new ones refused) or stall (every connection silent, new ones left hanging, nothing closed: a
 * phone's network gone without a word) and restore: a dependency that goes away and comes back.
 */
public final class TcpProxy {

  private final Vertx vertx;
  private final String targetHost;
  private final int targetPort;
  private final NetClient client;
  private final Set<NetSocket> sockets = ConcurrentHashMap.newKeySet();
  private NetServer server;
  private volatile boolean cut;
  private volatile boolean stalled;
  /** Connections accepted while stalled, put through on restore. */
  private final Set<NetSocket> held = ConcurrentHashMap.newKeySet();
  private int port;

  public TcpProxy(Vertx vertx, String targetHost, int targetPort) {
    this.vertx = vertx;
    this.targetHost = targetHost;
    this.targetPort = targetPort;
    this.client = vertx.createNetClient();
  }

  public Future<Integer> start() {
    server = vertx.createNetServer().connectHandler(this::accept);
    return server.listen(0, "127.0.0.1").map(s -> port = s.actualPort());
  }

  public int port() {
    return port;
  }

  private void accept(NetSocket in) {
    if (cut) {
      in.close();
      return;
    }
    in.pause();
    sockets.add(in);
    if (stalled) {
      held.add(in);
      in.closeHandler(v -> held.remove(in));
      return;
    }
    through(in);
  }

  private void through(NetSocket in) {
    client.connect(targetPort, targetHost).onSuccess(out -> {
      sockets.add(out);
      in.handler(out::write);
      out.handler(in::write);
      in.closeHandler(v -> out.close());
      out.closeHandler(v -> in.close());
      if (stalled) {
        // stalled while connecting: restore resumes both
        out.pause();
      } else {
        in.resume();
      }
    }).onFailure(err -> in.close());
  }

  /** Drops every open connection and refuses new ones until {@link #restore()}. */
  public void cut() {
    cut = true;
    sockets.forEach(NetSocket::close);
    sockets.clear();
    held.clear();
  }

  /**
   * Stops every byte both ways without closing anything, and leaves new connections hanging, until
   * {@link #restore()} lets it all through again.
   */
  public void stall() {
    stalled = true;
    sockets.forEach(NetSocket::pause);
  }

  public void restore() {
    cut = false;
    if (stalled) {
      stalled = false;
      Set<NetSocket> waiting = Set.copyOf(held);
      held.clear();
      sockets.stream().filter(s -> !waiting.contains(s)).forEach(NetSocket::resume);
      waiting.forEach(this::through);
    }
  }

  public Future<Void> close() {
    cut();
    return server.close().compose(v -> client.close());
  }
}
