package dev.foyer.bridge;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.WriteStream;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * One socket's outgoing frames, bounded, so that a browser that stops reading costs its node a
 * fixed amount of memory instead of one queued frame per push for as long as it stays connected.
 *
 * <p>Frames go straight to the transport while it keeps up. What the transport has taken but not
 * yet written to the network is counted from the writes' completions: SockJS's own
 * {@code writeQueueFull()} only sees frames waiting between two polls, and once a frame is handed
 * to a websocket or a streaming response it counts as gone, so a browser that stopped reading looked
 * empty forever while the frames piled up below. {@code writeQueueFull()} and the drain handler are
 * still honoured, for the transports whose own queue fills first.
 *
 * <p>Past {@link Limits#inFlightBytes} the socket is <em>behind</em> and frames wait here. A frame the
 * next one of its kind supersedes (a rank on a visitor's address, a progress broadcast) has one slot
 * per address, replaced in place, so a socket behind only ever gets the latest. Every other frame
 * (admission, departure, hold, seat changes, errors, the state sent on register) is kept, in order;
 * it also closes the slot of its address, so a later rank goes out after it, never before. A socket
 * behind for {@link Limits#stallMillis}, or holding more than {@link Limits#heldBytes} bytes of frames it
 * may not drop, is given up on: its page reconnects, keeps its place and gets its current state.
 *
 * <p>Runs on the socket's event loop only.
 */
final class SocketOutput {

  /**
   * @param inFlightBytes bytes the transport may hold unwritten before frames wait here instead
   * @param heldBytes     bytes of frames that may not be dropped a socket may be behind by
   * @param stallMillis   how long a socket may stay behind before it is closed
   */
  record Limits(int inFlightBytes, int heldBytes, long stallMillis) {
    static final Limits DEFAULT = new Limits(16 * 1024, 64 * 1024, 20_000);
  }

  /** Listening to every write's completion would cost an allocation per frame; every few KB is enough. */
  private static final int ACK_EVERY = 4 * 1024;

  /** Why a socket was given up on. */
  enum GiveUp { STALLED, BACKLOG }

  /** A frame waiting for the transport; a superseded one has its text replaced in place. */
  private static final class Held {
    String frame;
    final String slot;
    final boolean latestOnly;

    Held(String frame, String slot, boolean latestOnly) {
      this.frame = frame;
      this.slot = slot;
      this.latestOnly = latestOnly && slot != null;
    }
  }

  private final Vertx vertx;
  private final Limits limits;
  private final WriteStream<Buffer> transport;
  private final SlowSockets slow;
  private final Consumer<GiveUp> onGiveUp;

  private long written;
  private long flushed;
  private long lastMark;
  /** Created when the socket first falls behind: most sockets never do. */
  private ArrayDeque<Held> held;
  private Map<String, Held> latest;
  private int heldBytes;
  private boolean holding;
  private long stallTimer = -1;
  private boolean drainArmed;
  private boolean transportClosed;
  private boolean done;

  SocketOutput(Vertx vertx, Limits limits, WriteStream<Buffer> transport, SlowSockets slow,
               Consumer<GiveUp> onGiveUp) {
    this.vertx = vertx;
    this.limits = limits;
    this.transport = transport;
    this.slow = slow;
    this.onGiveUp = onGiveUp;
  }

  /**
   * Sends the frame, or holds it while the socket is behind. {@code slot} names the frame's address
   * (a visitor id or a broadcast address); {@code latestOnly} says the next frame of this slot
   * supersedes it.
   */
  void write(String frame, String slot, boolean latestOnly) {
    if (done) {
      return;
    }
    if (!isHolding()) {
      if (!behind()) {
        send(frame);
        return;
      }
      startHolding();
    }
    hold(frame, slot, latestOnly);
    if (!done) {
      pump();
    }
  }

  /** The socket closed: whatever waits for it is dropped. */
  void close() {
    if (!done) {
      done = true;
      stopHolding();
    }
  }

  boolean isBehind() {
    return isHolding();
  }

  /** Bytes handed to the transport and not yet reported written out. */
  long inFlight() {
    return written - flushed;
  }

  /** Bytes of frames that may not be dropped, waiting here. */
  int heldBytes() {
    return heldBytes;
  }

  private boolean isHolding() {
    return holding;
  }

  private boolean behind() {
    return written - flushed >= limits.inFlightBytes() || transportFull();
  }

  /** A websocket that has just closed says so by throwing; its close handler follows. */
  private boolean transportFull() {
    if (transportClosed) {
      return true;
    }
    try {
      return transport.writeQueueFull();
    } catch (IllegalStateException closed) {
      transportClosed = true;
      return true;
    }
  }

  private void send(String frame) {
    Buffer data = Buffer.buffer(frame);
    written += data.length();
    Future<Void> sent;
    try {
      sent = transport.write(data);
    } catch (IllegalStateException closed) {
      transportClosed = true;
      return;
    }
    // the socket falling behind on this write must hear when it is out, or nothing would wake it up
    if (written - lastMark >= ACK_EVERY || written - flushed >= limits.inFlightBytes()) {
      lastMark = written;
      long upTo = written;
      sent.onComplete(ar -> flushed(upTo));
    }
  }

  private void flushed(long upTo) {
    if (upTo > flushed) {
      flushed = upTo;
    }
    if (isHolding()) {
      pump();
    }
  }

  private void hold(String frame, String slot, boolean latestOnly) {
    if (latestOnly && slot != null) {
      Held superseded = latest.get(slot);
      if (superseded != null) {
        superseded.frame = frame;
        slow.coalesced();
        return;
      }
      Held h = new Held(frame, slot, true);
      latest.put(slot, h);
      held.add(h);
      return;
    }
    if (slot != null) {
      latest.remove(slot);
    }
    held.add(new Held(frame, slot, false));
    heldBytes += frame.length();
    if (heldBytes > limits.heldBytes()) {
      giveUp(GiveUp.BACKLOG);
    }
  }

  private void pump() {
    while (!done && !held.isEmpty() && !behind()) {
      Held h = held.poll();
      if (h.latestOnly) {
        latest.remove(h.slot, h);
      } else {
        heldBytes -= h.frame.length();
      }
      send(h.frame);
    }
    if (done) {
      return;
    }
    if (held.isEmpty()) {
      stopHolding();
    } else if (!drainArmed && transportFull() && !transportClosed) {
      armDrain();
    }
  }

  /** SockJS sessions forget their drain handler once it is called, so it is set each time. */
  private void armDrain() {
    try {
      transport.drainHandler(v -> {
        drainArmed = false;
        if (isHolding()) {
          pump();
        }
      });
      drainArmed = true;
    } catch (IllegalStateException closed) {
      transportClosed = true;
    }
  }

  private void startHolding() {
    if (held == null) {
      held = new ArrayDeque<>();
      latest = new HashMap<>();
    }
    holding = true;
    slow.fellBehind();
    stallTimer = vertx.setTimer(limits.stallMillis(), id -> {
      stallTimer = -1;
      giveUp(GiveUp.STALLED);
    });
  }

  private void stopHolding() {
    if (!holding) {
      return;
    }
    holding = false;
    slow.caughtUp();
    if (stallTimer != -1) {
      vertx.cancelTimer(stallTimer);
      stallTimer = -1;
    }
    held.clear();
    latest.clear();
    heldBytes = 0;
  }

  private void giveUp(GiveUp reason) {
    if (done) {
      return;
    }
    done = true;
    stopHolding();
    onGiveUp.accept(reason);
  }
}
