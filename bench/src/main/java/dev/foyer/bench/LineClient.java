package dev.foyer.bench;

import io.vertx.core.http.WebSocket;

/** One simulated visitor of {@code line}: its token, and what its page shows. */
final class LineClient {

  final String id;
  final String token;
  private long position;
  private double rate;
  private long floor = 1;
  private long receivedAt;
  private boolean done;
  WebSocket socket;

  LineClient(String id, String token) {
    this.id = id;
    this.token = token;
  }

  synchronized void rank(long position, double rate, long floor, long now) {
    this.position = position;
    this.rate = rate;
    this.floor = floor;
    this.receivedAt = now;
  }

  /** The position the page shows at {@code now}, counted down from the last frame as the page does. */
  synchronized long shown(long now) {
    return position <= 0 ? 0 : ShownPosition.shown(position, rate, floor, now - receivedAt);
  }

  synchronized long lastPosition() {
    return position;
  }

  /** Done waiting (admitted, gone or left); true the first time only. */
  synchronized boolean finish() {
    boolean was = done;
    done = true;
    return !was;
  }

  synchronized boolean isDone() {
    return done;
  }
}
