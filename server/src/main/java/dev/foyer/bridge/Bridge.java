package dev.foyer.bridge;

import dev.foyer.FoyerConfig;
import dev.foyer.common.ClientAddress;
import dev.foyer.common.Limiter;
import dev.foyer.event.EventCatalog;
import dev.foyer.line.AnnouncementBoard;
import dev.foyer.line.AnnouncementStore;
import dev.foyer.line.QueueStore;
import dev.foyer.line.StockBoard;
import dev.foyer.line.StockStore;
import dev.foyer.pass.Passes;
import dev.foyer.pass.QueueTokens;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.sockjs.SockJSHandler;
import io.vertx.ext.web.handler.sockjs.SockJSHandlerOptions;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;

/**
 * The SockJS event-bus bridge at {@code /eventbus} and {@code /eventbus/v2} (the same bridge, two
 * heartbeats), speaking the Vert.x bridge protocol so the stock browser client works unchanged, but
 * delivering node-locally: a register puts the socket in this node's {@link Sockets}, never in a
 * cluster-wide subscription. Each socket is a {@link BridgeSocket}; the frames it may send are read
 * by {@link InboundFrames}, and its {@link Registrations} ask the {@link BridgeGuard} what may be
 * registered. What a socket is sent is bounded ({@link SocketOutput}).
 */
public final class Bridge {

  /**
   * SockJS heartbeat frames ({@code h}) to every session at {@link #V2} this often: a page that
   * hears nothing for a few seconds longer (foyer-client.js gives up after 29 s) knows its socket is
   * dead (a phone's network gone, a proxy that dropped it) although no close ever arrives, instead
   * of showing "Live" over a stale place. 2.4 writes a visitor-minute; the browser's own events
   * (offline, online, visible, resume, focus) catch most losses at once, so this only bounds a
   * network that falls silent without a word. Under the idle timeouts of the usual proxies (60 s).
   */
  static final long HEARTBEAT_MILLIS = 25_000;
  /**
   * The heartbeat at {@code /eventbus} itself, as before {@link #V2} existed: pages still running a
   * foyer-client.js from then give a socket up after 8 s of silence, and would reconnect in a loop
   * on the slow heartbeat. 12 writes a visitor-minute, paid only by such pages (and by other clients
   * of the stock protocol that count on it) until they load the current client.
   */
  static final long LEGACY_HEARTBEAT_MILLIS = 5_000;
  /**
   * Where, under the bridge's mount, the endpoint with the slow heartbeat is. SockJS clients name
   * their server with digits ({@code /eventbus/123/{session}/websocket}), so no path of the legacy
   * endpoint starts with it.
   */
  public static final String V2 = "/v2";
  /**
   * Largest POST the fallback transports may send: browsers send only register, unregister and ping
   * frames, batched while a send is in flight; the 16 registrations a socket may hold fit twice.
   */
  static final int MAX_POST_BYTES = 8 * 1024;

  private final Vertx vertx;
  private final SocketOpenings openings;
  private final Registrations.Shared node;

  public Bridge(Vertx vertx, QueueTokens tokens, QueueStore line, EventCatalog catalog, Passes passes,
                ClientAddress clients, Limiter limiter, FoyerConfig.Clients limits, StockStore stock,
                AnnouncementStore announcements) {
    this.vertx = vertx;
    this.openings = new SocketOpenings(clients, limiter, limits);
    Sockets sockets = Sockets.of(vertx);
    CurrentState current = new CurrentState(line, catalog, passes, sockets, StockBoard.of(vertx), stock,
        AnnouncementBoard.of(vertx), announcements);
    this.node = new Registrations.Shared(new BridgeGuard(tokens), catalog, sockets, current);
  }

  /**
   * The router to mount at {@code /eventbus/*}: every SockJS transport, websocket or not, twice:
   * at {@link #V2} with the slow heartbeat, and at the mount itself with the legacy one. The same
   * sockets behind both; only the heartbeat differs.
   */
  public Router router() {
    // Vert.x 5's SockJS handler reads the frames of the HTTP fallbacks (xhr_send from xhr-streaming,
    // xhr-polling and eventsource; jsonp_send) only from a BodyHandler that ran before it, and
    // fails the POST without one: every fallback opened, then died on its first frame.
    Router router = Router.router(vertx);
    router.post().handler(BodyHandler.create(false).setBodyLimit(MAX_POST_BYTES));
    router.route(V2 + "/*").subRouter(sockJs(HEARTBEAT_MILLIS));
    router.route("/*").subRouter(sockJs(LEGACY_HEARTBEAT_MILLIS));
    return router;
  }

  /**
   * Vert.x starts one periodic timer per SockJS session (every transport but the raw websocket,
   * which has no heartbeat) when the session is made, whatever the session sends meanwhile: the
   * interval is the only say there is in it.
   */
  private Router sockJs(long heartbeatMillis) {
    SockJSHandlerOptions options = new SockJSHandlerOptions()
        .setRegisterWriteHandler(false)
        .setInsertJSESSIONID(false)
        .setHeartbeatInterval(heartbeatMillis);
    return SockJSHandler.create(vertx, options).socketHandler(this::open);
  }

  private void open(SockJSSocket socket) {
    new BridgeSocket(vertx, socket, openings, node).open();
  }
}
