package dev.foyer.bench;

import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The {@code seatmap} probe: one other request ({@code GET /api/events/{e}}) every probeMillis on a
 * fixed schedule, sent whether or not the earlier ones came back (a slow server must not thin out
 * its own samples), each timed from when it was sent.
 * Past {@link #MAX_IN_FLIGHT} outstanding, a due probe is skipped and counted.
 */
final class Probes {

  /** Probes are sent on schedule whether or not earlier ones came back, up to this many at once. */
  static final int MAX_IN_FLIGHT = 64;

  private final Vertx vertx;
  private final HttpClient http;
  private final String event;
  private final long end;
  private final long interval;
  private final Latencies latencies;
  private final AtomicLong errors;
  private final AtomicLong skipped;
  private final Promise<Void> done;
  private long due;
  private int inFlight;
  private boolean sending = true;

  Probes(Vertx vertx, HttpClient http, String event, long start, long end, int probeMillis, Latencies latencies,
         AtomicLong errors, AtomicLong skipped, Promise<Void> done) {
    this.vertx = vertx;
    this.due = start;
    this.http = http;
    this.event = event;
    this.end = end;
    this.interval = TimeUnit.MILLISECONDS.toNanos(probeMillis);
    this.latencies = latencies;
    this.errors = errors;
    this.skipped = skipped;
    this.done = done;
  }

  void tick() {
    long now = System.nanoTime();
    while (due <= now && due < end) {
      if (inFlight >= MAX_IN_FLIGHT) {
        skipped.incrementAndGet();
      } else {
        send();
      }
      due += interval;
    }
    if (due >= end) {
      sending = false;
      finishIfDone();
      return;
    }
    vertx.setTimer(Math.max(1, TimeUnit.NANOSECONDS.toMillis(due - now)), id -> tick());
  }

  private void send() {
    inFlight++;
    long sentAt = System.nanoTime();
    http.request(HttpMethod.GET, "/api/events/" + event)
        .compose(req -> req.send().compose(resp -> resp.body().map(b -> resp.statusCode())))
        .onComplete(ar -> {
          inFlight--;
          if (ar.succeeded() && ar.result() == 200) {
            latencies.add((System.nanoTime() - sentAt) / 1000);
          } else {
            errors.incrementAndGet();
          }
          finishIfDone();
        });
  }

  private void finishIfDone() {
    if (!sending && inFlight == 0) {
      done.tryComplete();
    }
  }
}
