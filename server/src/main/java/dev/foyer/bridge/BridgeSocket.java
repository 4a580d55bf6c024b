package dev.foyer.bridge;

import dev.foyer.common.Metrics;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One browser's socket from its opening to its close: the openings limit, the frames it sends
 * ({@link InboundFrames}) going to its {@link Registrations}, what it is sent ({@link SocketOutput}),
 * and letting go of it when it falls silent, stops reading or fails.
 */
final class BridgeSocket implements Sockets.Sink {

  /** A socket that sends nothing (not even a ping) for this long is dead; clients ping every 5 to 20 s. */
  static final long PING_TIMEOUT_MILLIS = 60_000;
  /** Websocket close status for a socket given up on: 1008, the endpoint's policy. */
  static final short CLOSE_TOO_SLOW = 1008;
  private static final Logger LOG = LoggerFactory.getLogger(BridgeSocket.class);

  private final Vertx vertx;
  private final SockJSSocket socket;
  private final Sockets sockets;
  private final SocketOpenings openings;
  private final Context context;
  private final SocketOutput output;
  private final Registrations registrations;
  private long lastFrameAt = System.currentTimeMillis();
  private long timer;
  private boolean closed;

  BridgeSocket(Vertx vertx, SockJSSocket socket, SocketOpenings openings, Registrations.Shared node) {
    this.vertx = vertx;
    this.socket = socket;
    this.sockets = node.sockets();
    this.openings = openings;
    this.context = vertx.getOrCreateContext();
    this.output = new SocketOutput(vertx, SocketOutput.Limits.DEFAULT, socket, sockets.slow(), this::giveUp);
    this.registrations = new Registrations(node, this);
  }

  void open() {
    sockets.socketOpened();
    openings.wait(socket).onSuccess(this::refuseOverLimit);
    socket.handler(this::onFrame);
    socket.closeHandler(v -> close());
    socket.exceptionHandler(this::onFailure);
    timer = vertx.setPeriodic(PING_TIMEOUT_MILLIS / 3, id -> {
      if (System.currentTimeMillis() - lastFrameAt > PING_TIMEOUT_MILLIS) {
        socket.close();
      }
    });
  }

  /** A socket over its address's or network's openings gets an err frame {@code rate_limited} and is closed. */
  private void refuseOverLimit(long wait) {
    if (wait > 0 && !closed) {
      Metrics.refused("socket").increment();
      registrations.error(null, "rate_limited", "too many sockets from your address or network; try again in "
          + Math.max(1, (wait + 999) / 1000) + " s");
      close();
      socket.close(CLOSE_TOO_SLOW, "rate limited");
    }
  }

  private void onFrame(Buffer data) {
    lastFrameAt = System.currentTimeMillis();
    try {
      InboundFrames.read(data, registrations);
    } catch (RuntimeException e) {
      LOG.warn("A bridge frame could not be handled and was refused: {}", e.toString());
      registrations.error(null, "internal_error", "the frame could not be handled");
    }
  }

  /**
   * In Vert.x 5.0.10 the websocket reader raises an IllegalStateException, and stays open, only
   * for a message over its size limit (256 KB, in fragments); it drops the message. A single
   * frame over 64 KB makes it close the connection instead.
   */
  private void onFailure(Throwable err) {
    if (err instanceof IllegalStateException && !closed) {
      LOG.debug("Refused a frame over the websocket's message limit from {}", socket.remoteAddress());
      InboundFrames.tooLarge(registrations);
    } else {
      LOG.debug("Bridge socket of {} failed: {}", socket.remoteAddress(), err.getMessage());
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
    registrations.close();
    sockets.socketClosed();
  }
}
