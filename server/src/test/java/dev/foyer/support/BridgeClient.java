package dev.foyer.support;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Predicate;

/**
 * A browser's side of the bridge over a real websocket (SockJS's raw websocket transport): sends
 * register/ping/send frames, keeps every frame it receives (text or binary) until the test takes it.
 */
public final class BridgeClient {

  private final Vertx vertx;
  private final WebSocketClient client;
  private WebSocket socket;
  private final List<JsonObject> received = new ArrayList<>();
  private final List<Waiter> waiters = new ArrayList<>();
  private final Promise<Void> closed = Promise.promise();
  private Short closeStatus;
  private Predicate<JsonObject> drop = f -> false;
  private long dropped;

  private record Waiter(Predicate<JsonObject> test, Promise<JsonObject> promise, long timer) {
  }

  private BridgeClient(Vertx vertx, WebSocketClientOptions options) {
    this.vertx = vertx;
    this.client = vertx.createWebSocketClient(options);
  }

  public static Future<BridgeClient> connect(Vertx vertx, int port) {
    return connect(vertx, port, new WebSocketClientOptions());
  }

  /** With client options of the test's choosing: a small receive buffer, a larger frame size. */
  public static Future<BridgeClient> connect(Vertx vertx, int port, WebSocketClientOptions options) {
    return connect(vertx, port, options, null);
  }

  /** As a client behind the trusted proxy (loopback in tests) that names it in X-Forwarded-For. */
  public static Future<BridgeClient> connectFrom(Vertx vertx, int port, String forwardedFor) {
    return connect(vertx, port, new WebSocketClientOptions(), forwardedFor);
  }

  private static Future<BridgeClient> connect(Vertx vertx, int port, WebSocketClientOptions options, String forwardedFor) {
    BridgeClient bridge = new BridgeClient(vertx, options);
    WebSocketConnectOptions connect = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
        .setURI("/eventbus/websocket");
    if (forwardedFor != null) {
      connect.addHeader("X-Forwarded-For", forwardedFor);
    }
    return bridge.client.connect(connect)
        .map(ws -> {
          bridge.socket = ws;
          ws.binaryMessageHandler(bridge::onFrame);
          ws.textMessageHandler(text -> bridge.onFrame(Buffer.buffer(text)));
          ws.closeHandler(v -> {
            bridge.closeStatus = ws.closeStatusCode();
            bridge.closed.tryComplete();
          });
          return bridge;
        });
  }

  /**
   * A frame a waiter takes is not kept, as one {@link #next} finds already received is removed.
   * Synchronized, like {@link #next}: a test may await frames from its own thread.
   */
  private synchronized void onFrame(Buffer data) {
    JsonObject frame = new JsonObject(data);
    if (drop.test(frame)) {
      dropped++;
      return;
    }
    Iterator<Waiter> it = waiters.iterator();
    while (it.hasNext()) {
      Waiter w = it.next();
      if (w.test.test(frame)) {
        it.remove();
        vertx.cancelTimer(w.timer);
        w.promise.complete(frame);
        return;
      }
    }
    received.add(frame);
  }

  public Future<Void> register(String address, JsonObject headers) {
    return send(new JsonObject().put("type", "register").put("address", address)
        .put("headers", headers == null ? new JsonObject() : headers));
  }

  public Future<Void> registerVisitor(String visitor, String token) {
    return register("foyer.visitor." + visitor, new JsonObject().put("token", token));
  }

  public Future<Void> send(JsonObject frame) {
    return socket.writeTextMessage(frame.encode());
  }

  /** Any text at all, JSON or not. */
  public Future<Void> sendText(String text) {
    return socket.writeTextMessage(text);
  }

  public Future<Void> sendBinary(Buffer data) {
    return socket.writeBinaryMessage(data);
  }

  /** One websocket frame as given: fragments of a message, or a frame over the server's limit. */
  public Future<Void> sendFrame(WebSocketFrame frame) {
    return socket.writeFrame(frame);
  }

  /** Frames the test only counts: neither kept nor offered to waiters. */
  public synchronized BridgeClient drop(Predicate<JsonObject> which) {
    drop = which;
    return this;
  }

  public synchronized long dropped() {
    return dropped;
  }

  /** Stops reading: what the server sends stays in the network buffers. */
  public void pause() {
    socket.pause();
  }

  public void resume() {
    socket.resume();
  }

  public boolean isClosed() {
    return closed.future().isComplete();
  }

  /** The websocket close status the server sent, once closed (null: none, or still open). */
  public Short closeStatus() {
    return closeStatus;
  }

  /** The first frame, received already or later, that matches; fails after the timeout. */
  public synchronized Future<JsonObject> next(Predicate<JsonObject> test, long timeoutMillis) {
    for (Iterator<JsonObject> it = received.iterator(); it.hasNext(); ) {
      JsonObject frame = it.next();
      if (test.test(frame)) {
        it.remove();
        return Future.succeededFuture(frame);
      }
    }
    Promise<JsonObject> promise = Promise.promise();
    long[] timer = new long[1];
    Waiter waiter = new Waiter(test, promise, vertx.setTimer(timeoutMillis, id -> {
      synchronized (this) {
        waiters.removeIf(w -> w.promise == promise);
      }
      promise.tryFail("no matching frame within " + timeoutMillis + " ms; received " + lastReceived());
    }));
    waiters.add(waiter);
    return promise.future();
  }

  /** A rec frame on the address whose body has this type. */
  public Future<JsonObject> nextMessage(String address, String type, long timeoutMillis) {
    return next(f -> "rec".equals(f.getString("type")) && address.equals(f.getString("address"))
        && type.equals(f.getJsonObject("body").getString("type")), timeoutMillis).map(f -> f.getJsonObject("body"));
  }

  public Future<JsonObject> nextError(long timeoutMillis) {
    return next(f -> "err".equals(f.getString("type")), timeoutMillis);
  }

  private synchronized String lastReceived() {
    return received.size() <= 10 ? received.toString()
        : received.size() + " frames, the last ten " + received.subList(received.size() - 10, received.size());
  }

  /** What arrived and was not taken by {@link #next}, as of now. */
  public synchronized List<JsonObject> received() {
    return List.copyOf(received);
  }

  public Future<Void> close() {
    return socket.close().compose(v -> client.close());
  }

  public Future<Void> closed() {
    return closed.future();
  }
}
