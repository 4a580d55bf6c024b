package dev.foyer.bridge;

import dev.foyer.FoyerConfig;
import dev.foyer.common.ApiError;
import dev.foyer.common.ClientAddress;
import dev.foyer.common.Limiter;
import dev.foyer.common.Metrics;
import dev.foyer.event.EventCatalog;
import dev.foyer.line.QueueStore;
import dev.foyer.pass.Passes;
import dev.foyer.pass.QueueTokens;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.sockjs.SockJSHandler;
import io.vertx.ext.web.handler.sockjs.SockJSHandlerOptions;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The SockJS event-bus bridge at {@code /eventbus}, speaking the Vert.x bridge protocol so the stock
 * browser client works unchanged, but delivering node-locally: a register puts the socket in this
 * node's {@link Sockets}, never in a cluster-wide subscription. The {@link BridgeGuard} decides what
 * may be registered; browsers send nothing but pings and registrations, in small frames; every
 * other frame gets an {@code err} frame. What a socket is sent is bounded ({@link SocketOutput}).
 */
public final class Bridge {

  static final int MAX_REGISTRATIONS_PER_SOCKET = 16;
  /**
   * Visitor registers a socket may send: this many in a row, then one a second. Each costs a Redis
   * read and, for an admitted visitor, a freshly signed pass; unbudgeted, one socket registering and
   * unregistering its visitor in a loop kept a core busy. A page registers its visitor once when it
   * connects, and a reconnect is a new socket.
   */
  static final int REGISTER_BURST = MAX_REGISTRATIONS_PER_SOCKET;
  static final long REGISTER_REFILL_MILLIS = 1000;
  /** Browsers send only register, unregister and ping frames, a few hundred bytes each. */
  static final int MAX_FRAME_BYTES = 4096;
  /** A socket that sends nothing (not even a ping) for this long is dead; clients ping every 5 to 20 s. */
  static final long PING_TIMEOUT_MILLIS = 60_000;
  /**
   * SockJS heartbeat frames ({@code h}) to every session this often: a page that hears nothing for
   * a few seconds longer knows its socket is dead (a phone's network gone, a proxy that dropped it)
   * although no close ever arrives, instead of showing "Live" over a stale place.
   */
  static final long HEARTBEAT_MILLIS = 5_000;
  /** Websocket close status for a socket given up on: 1008, the endpoint's policy. */
  static final short CLOSE_TOO_SLOW = 1008;
  private static final Logger LOG = LoggerFactory.getLogger(Bridge.class);

  private final Vertx vertx;
  private final BridgeGuard guard;
  private final CurrentState current;
  private final Sockets sockets;
  private final EventCatalog catalog;
  private final ClientAddress clients;
  private final Limiter limiter;
  private final FoyerConfig.Clients limits;

  public Bridge(Vertx vertx, QueueTokens tokens, QueueStore line, EventCatalog catalog, Passes passes,
                ClientAddress clients, Limiter limiter, FoyerConfig.Clients limits, dev.foyer.line.StockStore stock) {
    this.vertx = vertx;
    this.guard = new BridgeGuard(tokens);
    this.sockets = Sockets.of(vertx);
    this.current = new CurrentState(line, catalog, passes, sockets, dev.foyer.line.StockBoard.of(vertx), stock);
    this.catalog = catalog;
    this.clients = clients;
    this.limiter = limiter;
    this.limits = limits;
  }

  /**
   * Largest POST the fallback transports may send: browsers send only register, unregister and ping
   * frames, batched while a send is in flight; the 16 registrations a socket may hold fit twice.
   */
  static final int MAX_POST_BYTES = 8 * 1024;

  /** The router to mount at {@code /eventbus/*}: every SockJS transport, websocket or not. */
  public Router router() {
    SockJSHandlerOptions options = new SockJSHandlerOptions()
        .setRegisterWriteHandler(false)
        .setInsertJSESSIONID(false)
        .setHeartbeatInterval(HEARTBEAT_MILLIS);
    Router sockJs = SockJSHandler.create(vertx, options).socketHandler(socket -> new Connection(socket).open());
    // Vert.x 5's SockJS handler reads the frames of the HTTP fallbacks (xhr_send from xhr-streaming,
    // xhr-polling and eventsource; jsonp_send) only from a BodyHandler that ran before it, and
    // fails the POST without one: every fallback opened, then died on its first frame.
    Router router = Router.router(vertx);
    router.post().handler(BodyHandler.create(false).setBodyLimit(MAX_POST_BYTES));
    router.route("/*").subRouter(sockJs);
    return router;
  }

  /** One browser's socket: its registrations and the visitors it stands for. */
  private final class Connection implements Sockets.Sink {

    private final SockJSSocket socket;
    private final Context context = vertx.getOrCreateContext();
    private final Map<String, BridgeGuard.Registration> registrations = new HashMap<>();
    /** Visitor addresses let through the places-per-socket check (registrations may be pending it). */
    private final java.util.Set<String> connected = new java.util.HashSet<>();
    private Future<Void> visitorLookups = Future.succeededFuture();
    private final SocketOutput output;
    private long lastFrameAt = System.currentTimeMillis();
    private double registerBudget = REGISTER_BURST;
    private long registerBudgetAt = lastFrameAt;
    private long timer;
    private boolean closed;

    Connection(SockJSSocket socket) {
      this.socket = socket;
      this.output = new SocketOutput(vertx, SocketOutput.Limits.DEFAULT, socket, sockets.slow(), this::giveUp);
    }

    void open() {
      sockets.socketOpened();
      checkOpenings();
      socket.handler(this::onFrame);
      socket.closeHandler(v -> close());
      socket.exceptionHandler(this::onFailure);
      timer = vertx.setPeriodic(PING_TIMEOUT_MILLIS / 3, id -> {
        if (System.currentTimeMillis() - lastFrameAt > PING_TIMEOUT_MILLIS) {
          socket.close();
        }
      });
    }

    /**
     * Sockets opened per address and network a minute, cluster-wide (the buckets share the
     * network's hash tag); one over the limit gets an err frame {@code rate_limited} and is closed.
     */
    private void checkOpenings() {
      ClientAddress.Client client = clients.of(socket.remoteAddress() == null ? null : socket.remoteAddress().hostAddress(),
          socket.headers() == null ? null : socket.headers().getAll("X-Forwarded-For"));
      if (client.unlimited() || (limits.socketsPerAddress() == 0 && limits.socketsPerNetwork() == 0)) {
        return;
      }
      limiter.take("sockets:" + client.network(), List.of(
          new Limiter.Bucket("a:" + client.address(), limits.socketsPerAddress()),
          new Limiter.Bucket("n:" + client.network(), limits.socketsPerNetwork()))).onSuccess(wait -> {
        if (wait > 0 && !closed) {
          Metrics.refused("socket").increment();
          error(null, "rate_limited", "too many sockets from your address or network; try again in "
              + Math.max(1, (wait + 999) / 1000) + " s");
          close();
          socket.close(CLOSE_TOO_SLOW, "rate limited");
        }
      });
    }

    private void onFrame(Buffer data) {
      lastFrameAt = System.currentTimeMillis();
      try {
        handle(data);
      } catch (RuntimeException e) {
        LOG.warn("A bridge frame could not be handled and was refused: {}", e.toString());
        error(null, "internal_error", "the frame could not be handled");
      }
    }

    private void handle(Buffer data) {
      if (data.length() > MAX_FRAME_BYTES) {
        tooLarge();
        return;
      }
      JsonObject frame;
      try {
        frame = new JsonObject(data);
      } catch (RuntimeException e) {
        error(null, "invalid_json", "frames are JSON objects");
        return;
      }
      Object type = frame.getValue("type");
      Object address = frame.getValue("address");
      Object headers = frame.getValue("headers");
      if (address != null && !(address instanceof String)) {
        error(null, "invalid_address", "address must be a string");
        return;
      }
      if (headers != null && !(headers instanceof JsonObject)) {
        error((String) address, "invalid_headers", "headers must be an object of string values");
        return;
      }
      if (type == null) {
        error((String) address, "missing_type", "a frame needs a type");
        return;
      }
      if (!(type instanceof String kind)) {
        error((String) address, "invalid_type", "type must be a string");
        return;
      }
      switch (kind) {
        case "ping" -> { }
        case "register" -> register((String) address, (JsonObject) headers);
        case "unregister" -> unregister((String) address);
        case "send", "publish" -> refuseSend((String) address, frame.getValue("replyAddress"));
        default -> error((String) address, "invalid_type", "unknown frame type '" + kind + "'");
      }
    }

    /**
     * Browsers may not send. A send with a reply handler is answered on its reply address: the
     * official client hands an err frame on that address to the send's callback, and one on the
     * send's address only to the bus's onerror (or a handler registered there).
     */
    private void refuseSend(String address, Object replyAddress) {
      if (replyAddress != null && !(replyAddress instanceof String)) {
        error(address, "invalid_reply_address", "replyAddress must be a string");
        return;
      }
      error(replyAddress != null ? (String) replyAddress : address, "access_denied",
          "browsers may not send into foyer's event bus");
    }

    private void tooLarge() {
      error(null, "frame_too_large", "frames are at most " + MAX_FRAME_BYTES + " bytes");
    }

    /**
     * In Vert.x 5.0.10 the websocket reader raises an IllegalStateException, and stays open, only
     * for a message over its size limit (256 KB, in fragments); it drops the message. A single
     * frame over 64 KB makes it close the connection instead.
     */
    private void onFailure(Throwable err) {
      if (err instanceof IllegalStateException && !closed) {
        LOG.debug("Refused a frame over the websocket's message limit from {}", socket.remoteAddress());
        tooLarge();
      } else {
        LOG.debug("Bridge socket of {} failed: {}", socket.remoteAddress(), err.getMessage());
      }
    }

    /** Takes one visitor register from the socket's budget (a token bucket); false when it is spent. */
    private boolean registerBudgeted() {
      long now = System.currentTimeMillis();
      registerBudget = Math.min(REGISTER_BURST, registerBudget + (now - registerBudgetAt) / (double) REGISTER_REFILL_MILLIS);
      registerBudgetAt = now;
      if (registerBudget < 1) {
        return false;
      }
      registerBudget--;
      return true;
    }

    private void register(String address, JsonObject headers) {
      BridgeGuard.Registration registration;
      try {
        registration = guard.authorize(address, headers, System.currentTimeMillis() / 1000);
      } catch (ApiError e) {
        error(address, e.code(), e.getMessage());
        return;
      }
      if (registrations.containsKey(address)) {
        return;
      }
      if (registrations.size() >= MAX_REGISTRATIONS_PER_SOCKET) {
        error(address, "max_handlers_reached", "at most " + MAX_REGISTRATIONS_PER_SOCKET + " registrations per socket");
        return;
      }
      if (registration.isVisitor()) {
        if (!registerBudgeted()) {
          Metrics.refused("registers").increment();
          error(address, "too_many_registers", "at most " + REGISTER_BURST
              + " visitor registers in a row on one socket, then one a second");
          return;
        }
        registerVisitor(registration);
        return;
      }
      registrations.put(address, registration);
      sockets.listen(address, this);
      // broadcasts are thinned out per node (progress at most every few seconds): a page that
      // registers gets the latest at once instead of waiting for the next
      String latest = sockets.latest(address);
      if (latest != null) {
        output.write(latest, address, true);
      }
    }

    /**
     * One socket keeps alive the places it registers to, so a bot could hold many with one
     * connection: at most the event's placesPerSocket visitors of one event per socket.
     */
    private void registerVisitor(BridgeGuard.Registration registration) {
      String address = registration.address();
      // reserved at once so that a second register arriving before the lookup answers counts too
      registrations.put(address, registration);
      // chained, because a cached event answers at once while an uncached one waits on Redis:
      // unchained, a later register could be counted before an earlier one
      visitorLookups = visitorLookups.transform(done -> catalog.get(registration.event())).andThen(ar -> {
        if (closed || registrations.get(address) != registration) {
          return;
        }
        int allowed = ar.succeeded() ? ar.result().settings().limits().placesPerSocket() : MAX_REGISTRATIONS_PER_SOCKET;
        // the visitors connected so far, in the order their registers arrived
        long places = connected.stream().map(registrations::get)
            .filter(r -> r != null && r.event().equals(registration.event())).count();
        if (places >= allowed) {
          registrations.remove(address);
          Metrics.refused("places").increment();
          error(address, "too_many_places", "one socket may stand for at most " + allowed
              + " visitors of this event");
          return;
        }
        connectVisitor(registration);
      }).mapEmpty();
    }

    private void connectVisitor(BridgeGuard.Registration registration) {
      {
        connected.add(registration.address());
        sockets.connect(registration.event(), registration.visitor(), this);
        current.frame(registration.event(), registration.visitor(), System.currentTimeMillis())
            .onSuccess(frame -> output.write(frame, registration.visitor(), false))
            .onFailure(err -> LOG.debug("Could not send the current state to {}: {}", registration.visitor(),
                err.getMessage()));
      }
    }

    private void unregister(String address) {
      if (address == null) {
        error(null, "missing_address", "an unregister needs an address");
        return;
      }
      BridgeGuard.Registration registration = registrations.remove(address);
      if (registration == null) {
        return;
      }
      if (registration.isVisitor()) {
        if (connected.remove(address)) {
          sockets.disconnect(registration.event(), registration.visitor(), this);
        }
      } else {
        sockets.unlisten(address, this);
      }
    }

    @Override
    public Context context() {
      return context;
    }

    @Override
    public void write(String frame, String slot, boolean latestOnly) {
      output.write(frame, slot, latestOnly);
    }

    private void error(String address, String code, String message) {
      output.write(Frames.err(address, code, message), null, false);
    }

    /** The browser stopped reading: let go of it now, then close; the page reconnects. */
    private void giveUp(SocketOutput.GiveUp reason) {
      sockets.slow().closed(String.valueOf(socket.remoteAddress()), reason);
      close();
      socket.close(CLOSE_TOO_SLOW, reason == SocketOutput.GiveUp.STALLED ? "not reading" : "too far behind");
    }

    private void close() {
      if (closed) {
        return;
      }
      closed = true;
      output.close();
      vertx.cancelTimer(timer);
      for (String address : Map.copyOf(registrations).keySet()) {
        unregister(address);
      }
      sockets.socketClosed();
    }
  }
}
