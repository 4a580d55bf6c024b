package dev.foyer.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonObject;

import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/**
 * The floor under foyer's heap per connected visitor (`wsfloor`): the heap a bare Vert.x server
 * holds per open websocket that it only keeps (no foyer code at all: an HTTP server with the same
 * options as foyer's, whose websocket handler keeps each socket in a list). Run in a JVM of its own
 * ({@link Server}), read after a full GC before and with N sockets connected from this process, as
 * the `line` scenario reads foyer's nodes. What foyer holds per visitor beyond this figure is its
 * own; the rest is the stack's, and no change inside foyer takes it off.
 */
final class WsFloorBench {

  private WsFloorBench() {
  }

  /** {@code port} 0: a free one. */
  static JsonObject run(Vertx vertx, int sockets, int port) throws Exception {
    if (sockets < 1 || sockets > 19_500) {
      throw new IllegalArgumentException("--sockets is 1 to 19,500 (one process holds at most 20,000 files)");
    }
    if (port == 0) {
      try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
        port = free.getLocalPort();
      }
    }
    // this process's own class path: the harness's jar, or a test's (Vert.x and this class on it)
    String classPath = System.getProperty("java.class.path");
    Process server = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-Xmx1g",
        "-cp", classPath, Server.class.getName(), String.valueOf(port)).inheritIO().start();
    try {
      String pid = String.valueOf(server.pid());
      awaitPort(port);
      Long before = ServerProcess.heapAfterGc(pid);
      WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions()
          .setMaxConnections(sockets).setConnectTimeout(30_000));
      List<Future<WebSocket>> opened = new ArrayList<>(sockets);
      for (int i = 0; i < sockets; i++) {
        opened.add(client.connect(port, "127.0.0.1", "/ws"));
      }
      Future.all(opened).await(120, TimeUnit.SECONDS);
      Long with = ServerProcess.heapAfterGc(pid);
      JsonObject result = new JsonObject().put("scenario", "wsfloor").put("sockets", sockets)
          .put("server", "Vert.x " + vertxVersion() + ", native transport, no websocket compression, sockets kept and nothing else")
          .put("heapBeforeBytes", before).put("heapWithSocketsBytes", with)
          .put("perSocketBytes", before == null || with == null ? null : (with - before) / sockets);
      client.close().await(30, TimeUnit.SECONDS);
      return result;
    } finally {
      server.destroy();
      server.waitFor(10, TimeUnit.SECONDS);
    }
  }

  private static String vertxVersion() throws java.io.IOException {
    try (var in = Vertx.class.getClassLoader().getResourceAsStream("META-INF/vertx/vertx-version.txt")) {
      return in == null ? "?" : new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
    }
  }

  private static void awaitPort(int port) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 30_000;
    while (System.currentTimeMillis() < deadline) {
      try (Socket probe = new Socket("127.0.0.1", port)) {
        return;
      } catch (java.io.IOException e) {
        Thread.sleep(100);
      }
    }
    throw new IllegalStateException("the bare websocket server did not listen on " + port + " within 30 s");
  }

  /** The bare server: keeps every websocket it is given, reads and drops what they send. */
  public static final class Server {
    private static final ConcurrentLinkedQueue<ServerWebSocket> KEPT = new ConcurrentLinkedQueue<>();

    public static void main(String[] args) {
      Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
      vertx.createHttpServer(new HttpServerOptions().setPerMessageWebSocketCompressionSupported(false)
              .setPerFrameWebSocketCompressionSupported(false))
          .webSocketHandler(ws -> {
            KEPT.add(ws);
            ws.handler(data -> { });
            ws.closeHandler(v -> KEPT.remove(ws));
          })
          .listen(Integer.parseInt(args[0]));
    }
  }
}
