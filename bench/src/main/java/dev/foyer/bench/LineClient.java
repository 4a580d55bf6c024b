package dev.foyer.bench;

import io.vertx.core.http.WebSocket;

/**
 * One simulated visitor of {@code line}: its token, the node it joined on, what its page shows, and
 * what it received and how long it waited inside the measured window (for the far-back figures).
 */
final class LineClient {

  final String id;
  final String token;
  final LineNodes.Node node;
  /** When it joined (epoch ms): its waiting starts there, or at the window's start if later. */
  final long arrivedAt;
  private long position;
  private double rate;
  private long floor = 1;
  private long receivedAt;
  private boolean done;
  private boolean admitted;
  private long doneAt;
  private long shownAtDone;
  private int framesInWindow;
  WebSocket socket;

  LineClient(String id, String token, LineNodes.Node node, long arrivedAt) {
    this.id = id;
    this.token = token;
    this.node = node;
    this.arrivedAt = arrivedAt;
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

  /** A rank frame (or a poll's answer) inside the measured window. */
  synchronized void countFrame() {
    framesInWindow++;
  }

  /** Done waiting (gone or left); true the first time only. */
  synchronized boolean finish() {
    return finish(false);
  }

  /** Admitted: done waiting, at the front; true the first time only. */
  synchronized boolean admit() {
    return finish(true);
  }

  private boolean finish(boolean admission) {
    if (done) {
      return false;
    }
    long now = System.currentTimeMillis();
    shownAtDone = shown(now);
    doneAt = now;
    done = true;
    admitted = admission;
    return true;
  }

  synchronized boolean isDone() {
    return done;
  }

  /** How long it waited inside the window [from, to] (epoch ms). */
  synchronized long waitedMillis(long from, long to) {
    long end = done ? Math.min(doneAt, to) : to;
    return Math.max(0, end - Math.max(arrivedAt, from));
  }

  /**
   * For the far-back figures: {shown position at its last moment in the window, frames in the
   * window, ms waited in it}, or null when it was admitted (it reached the front) or never waited
   * inside the window.
   */
  synchronized long[] farBackRecord(long from, long to) {
    long waited = waitedMillis(from, to);
    if (admitted || waited <= 0) {
      return null;
    }
    long last = done && doneAt <= to ? shownAtDone : shown(to);
    return new long[] {last, framesInWindow, waited};
  }
}
