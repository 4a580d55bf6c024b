package dev.foyer.push;

import dev.foyer.bridge.Sockets;
import io.vertx.core.Vertx;

import java.util.HashMap;
import java.util.Map;

/**
 * Hands an event's {@code progress} broadcast to this node's sockets at most once every
 * {@code progressPushMillis} (the event's setting, 5 s unless set; 0: every tick) per address, the
 * latest one, instead of once per tick: the waiting page
 * only shows the line's length from it (rank frames carry it too), and a socket write per listener
 * per tick was the largest cost left of a waiting visitor. A change of the gate ({@code queueing})
 * goes out at once, and a socket that registers gets the latest at once (Sockets keeps it).
 * Runs on the push room's context only.
 */
final class ProgressFanOut {

  private static final class Address {
    long sentAt;
    Boolean queueing;
    String pending;
    long timer = -1;
  }

  private final Vertx vertx;
  private final Sockets sockets;
  private final Map<String, Address> addresses = new HashMap<>();

  ProgressFanOut(Vertx vertx, Sockets sockets) {
    this.vertx = vertx;
    this.sockets = sockets;
  }

  void received(String address, String frame, Boolean queueing, long every) {
    sockets.remember(address, frame);
    Address a = addresses.computeIfAbsent(address, k -> new Address());
    long now = System.currentTimeMillis();
    boolean gateTurned = a.queueing != null && !a.queueing.equals(queueing);
    a.queueing = queueing;
    if (gateTurned || now - a.sentAt >= every) {
      send(address, a, frame, now);
      return;
    }
    a.pending = frame;
    if (a.timer == -1) {
      a.timer = vertx.setTimer(a.sentAt + every - now, id -> {
        a.timer = -1;
        if (a.pending != null) {
          send(address, a, a.pending, System.currentTimeMillis());
        }
      });
    }
  }

  private void send(String address, Address a, String frame, long now) {
    a.sentAt = now;
    a.pending = null;
    if (a.timer != -1) {
      vertx.cancelTimer(a.timer);
      a.timer = -1;
    }
    Sockets.Delivery delivery = sockets.delivery();
    delivery.latestToListeners(address, frame);
    delivery.send();
  }
}
