package dev.foyer.ingress;

import dev.foyer.common.ApiError;
import dev.foyer.common.EventIds;
import dev.foyer.event.EventCatalog;
import dev.foyer.pass.Passes;
import dev.foyer.pass.QueueTokens;
import dev.foyer.push.Addresses;
import dev.foyer.push.LocalSockets;
import dev.foyer.push.Frames;
import dev.foyer.push.PushMessages;
import dev.foyer.queue.QueueStore;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.sockjs.SockJSHandler;
import io.vertx.ext.web.handler.sockjs.SockJSHandlerOptions;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.Map;

/**
 * The SockJS event-bus bridge at {@code /eventbus}, speaking the Vert.x bridge protocol so the stock
 * browser client works unchanged, but delivering node-locally: a register puts the socket in this
 * node's {@link LocalSockets}, never in a cluster-wide subscription. The guard lets a browser
 * register to an event's broadcasts, or to its own visitor address with its queue token, and send
 * nothing but pings; everything else gets an {@code err} frame.
 */
final class EventBusBridge {

  static final int MAX_REGISTRATIONS_PER_SOCKET = 16;
  /** A socket that sends nothing (not even a ping) for this long is dead; clients ping every 5 to 20 s. */
  static final long PING_TIMEOUT_MILLIS = 60_000;
  private static final Logger LOG = LoggerFactory.getLogger(EventBusBridge.class);

  private final Vertx vertx;
  private final QueueTokens tokens;
  private final QueueStore store;
  private final EventCatalog catalog;
  private final Passes passes;
  private final LocalSockets connected;

  EventBusBridge(Vertx vertx, QueueTokens tokens, QueueStore store, EventCatalog catalog, Passes passes,
                 LocalSockets connected) {
    this.vertx = vertx;
    this.tokens = tokens;
    this.store = store;
    this.catalog = catalog;
    this.passes = passes;
    this.connected = connected;
  }

  Router router() {
    SockJSHandlerOptions options = new SockJSHandlerOptions()
        .setRegisterWriteHandler(false)
        .setInsertJSESSIONID(false)
        .setHeartbeatInterval(25_000);
    return SockJSHandler.create(vertx, options).socketHandler(socket -> new Connection(socket).open());
  }

  /** The guard's verdict on a register: which kind of address, and for whom. */
  record Registration(String address, String event, String visitor) {
    boolean isVisitor() {
      return visitor != null;
    }
  }

  /** Checks a register frame; throws {@link ApiError} (its code becomes the err frame's body). */
  Registration authorize(String address, JsonObject headers, long nowSeconds) {
    if (address == null) {
      throw ApiError.badRequest("missing_address", "a register needs an address");
    }
    if (address.startsWith(Addresses.EVENT_PREFIX) || address.startsWith(Addresses.SEATS_PREFIX)) {
      String event = address.substring(address.indexOf('.', "foyer.".length()) + 1);
      if (EventIds.isValid(event)) {
        return new Registration(address, event, null);
      }
    } else if (address.startsWith(Addresses.VISITOR_PREFIX)) {
      String visitor = address.substring(Addresses.VISITOR_PREFIX.length());
      String token = headers == null ? null : headers.getString("token");
      QueueTokens.Claims claims;
      try {
        claims = tokens.verify(token, nowSeconds);
      } catch (ApiError e) {
        throw denied("registering to a visitor address needs that visitor's valid queue token in header 'token'");
      }
      if (claims.visitor().equals(visitor)) {
        return new Registration(address, claims.event(), visitor);
      }
      throw denied("the token belongs to another visitor");
    }
    throw denied("browsers may only listen to foyer.event.*, foyer.seats.* and their own foyer.visitor.* address");
  }

  private static ApiError denied(String message) {
    return new ApiError(403, "access_denied", message);
  }

  /** One browser's socket: its registrations and the visitors it stands for. */
  private final class Connection implements LocalSockets.Sink {

    private final SockJSSocket socket;
    private final Context context = vertx.getOrCreateContext();
    private final Map<String, Registration> registrations = new HashMap<>();
    private long lastFrameAt = System.currentTimeMillis();
    private long timer;
    private boolean closed;

    Connection(SockJSSocket socket) {
      this.socket = socket;
    }

    void open() {
      connected.socketOpened();
      socket.handler(this::onFrame);
      socket.closeHandler(v -> close());
      socket.exceptionHandler(err -> LOG.debug("Bridge socket failed: {}", err.getMessage()));
      timer = vertx.setPeriodic(PING_TIMEOUT_MILLIS / 3, id -> {
        if (System.currentTimeMillis() - lastFrameAt > PING_TIMEOUT_MILLIS) {
          socket.close();
        }
      });
    }

    private void onFrame(Buffer data) {
      lastFrameAt = System.currentTimeMillis();
      JsonObject frame;
      try {
        frame = new JsonObject(data);
      } catch (RuntimeException e) {
        error(null, "invalid_json", "frames are JSON objects");
        return;
      }
      String type = frame.getString("type");
      String address = frame.getString("address");
      if (type == null) {
        error(address, "missing_type", "a frame needs a type");
        return;
      }
      switch (type) {
        case "ping" -> { }
        case "register" -> register(address, frame.getJsonObject("headers"));
        case "unregister" -> unregister(address);
        case "send", "publish" -> error(address, "access_denied", "browsers may not send into foyer's event bus");
        default -> error(address, "invalid_type", "unknown frame type '" + type + "'");
      }
    }

    private void register(String address, JsonObject headers) {
      Registration registration;
      try {
        registration = authorize(address, headers, System.currentTimeMillis() / 1000);
      } catch (ApiError e) {
        error(address, e.code(), e.getMessage());
        return;
      } catch (ClassCastException e) {
        error(address, "access_denied", "headers must be string values");
        return;
      }
      if (registrations.containsKey(address)) {
        return;
      }
      if (registrations.size() >= MAX_REGISTRATIONS_PER_SOCKET) {
        error(address, "max_handlers_reached", "at most " + MAX_REGISTRATIONS_PER_SOCKET + " registrations per socket");
        return;
      }
      registrations.put(address, registration);
      if (registration.isVisitor()) {
        connected.connect(registration.event(), registration.visitor(), this);
        sendCurrentState(registration);
      } else {
        connected.listen(address, this);
      }
    }

    private void sendCurrentState(Registration r) {
      long now = System.currentTimeMillis();
      catalog.get(r.event())
          .compose(info -> store.status(r.event(), r.visitor(), now)
              .map(state -> PushMessages.current(r.event(), r.visitor(), state, info.settings(), passes, now)))
          .onSuccess(message -> write(r.address(), message))
          .onFailure(err -> LOG.debug("Could not send the current state to {}: {}", r.visitor(), err.getMessage()));
    }

    private void unregister(String address) {
      Registration registration = registrations.remove(address);
      if (registration == null) {
        return;
      }
      if (registration.isVisitor()) {
        connected.disconnect(registration.event(), registration.visitor(), this);
      } else {
        connected.unlisten(address, this);
      }
    }

    @Override
    public Context context() {
      return context;
    }

    @Override
    public void write(Buffer frame) {
      if (!closed) {
        socket.write(frame);
      }
    }

    private void write(String address, JsonObject body) {
      write(Buffer.buffer(Frames.rec(address, body)));
    }

    private void error(String address, String code, String message) {
      JsonObject frame = new JsonObject().put("type", "err").put("body", code)
          .put("failureType", code).put("message", message);
      if (address != null) {
        frame.put("address", address);
      }
      if (!closed) {
        socket.write(frame.toBuffer());
      }
    }

    private void close() {
      if (closed) {
        return;
      }
      closed = true;
      vertx.cancelTimer(timer);
      for (String address : Map.copyOf(registrations).keySet()) {
        unregister(address);
      }
      connected.socketClosed();
    }
  }
}
