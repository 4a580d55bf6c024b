package dev.foyer.support;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Predicate;

/**
 * A browser's side of the bridge over a real websocket (SockJS's raw websocket transport): sends
 * register/ping/send frames, keeps every frame it receives (text or binary) for the test to await.
 */
public final class BridgeClient {

  private final Vertx vertx;
  private final WebSocketClient client;
  private WebSocket socket;
  private final List<JsonObject> received = new ArrayList<>();
  private final List<Waiter> waiters = new ArrayList<>();
  private final Promise<Void> closed = Promise.promise();

  private record Waiter(Predicate<JsonObject> test, Promise<JsonObject> promise, long timer) {
  }

  private BridgeClient(Vertx vertx) {
    this.vertx = vertx;
    this.client = vertx.createWebSocketClient();
  }

  public static Future<BridgeClient> connect(Vertx vertx, int port) {
    BridgeClient bridge = new BridgeClient(vertx);
    return bridge.client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
            .setURI("/eventbus/websocket"))
        .map(ws -> {
          bridge.socket = ws;
          ws.binaryMessageHandler(bridge::onFrame);
          ws.textMessageHandler(text -> bridge.onFrame(Buffer.buffer(text)));
          ws.closeHandler(v -> bridge.closed.tryComplete());
          return bridge;
        });
  }

  private void onFrame(Buffer data) {
    JsonObject frame = new JsonObject(data);
    received.add(frame);
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

  /** The first frame, received already or later, that matches; fails after the timeout. */
  public Future<JsonObject> next(Predicate<JsonObject> test, long timeoutMillis) {
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
      waiters.removeIf(w -> w.promise == promise);
      promise.tryFail("no matching frame within " + timeoutMillis + " ms; received " + received);
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

  public List<JsonObject> received() {
    return received;
  }

  public Future<Void> close() {
    return socket.close().compose(v -> client.close());
  }

  public Future<Void> closed() {
    return closed.future();
  }
}
