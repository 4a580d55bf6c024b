package dev.foyer.bench;

import io.vertx.core.http.HttpClient;
import io.vertx.core.json.JsonObject;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.Consumer;

/**
 * Times the ticks of one event from /metrics: a scrape of the admission script's timer after each
 * progress message (none while one is under way), and each tick handed on, in the order they came,
 * once it is resolved: timed, or left untimed when its scrapes could hold a neighbour's run. Used on
 * the bridge socket's event loop only.
 */
final class TickScrapes {

  private final HttpClient http;
  private final Consumer<Tick> resolved;
  private final Consumer<Throwable> failed;
  private final Deque<Tick> pending = new ArrayDeque<>();
  private JsonObject lastFrame;
  private Tick lastTick;
  private boolean scraping;

  TickScrapes(HttpClient http, Consumer<Tick> resolved, Consumer<Throwable> failed) {
    this.http = http;
    this.resolved = resolved;
    this.failed = failed;
  }

  /** The body of the event's next progress message. */
  void progress(JsonObject body) {
    Tick tick = new Tick(body, lastFrame);
    lastFrame = body;
    tick.previous = lastTick;
    if (lastTick != null) {
      lastTick.nextAt = tick.at;
    }
    lastTick = tick;
    pending.add(tick);
    if (scraping) {
      // this tick's run may or may not be in the scrape under way: this tick and the next go untimed
      tick.scrapeDone = true;
    } else {
      scraping = true;
      AdmitScriptTimer.read(http).onComplete(ar -> {
        scraping = false;
        if (ar.failed()) {
          failed.accept(ar.cause());
          return;
        }
        tick.snapshot = ar.result();
        tick.scrapedAt = System.currentTimeMillis();
        tick.scrapeDone = true;
        resolve();
      });
    }
    resolve();
  }

  /**
   * Ticks in the order they came, each once its own scrape is back and the next tick's message has
   * come. A tick is timed from the scrapes after its message and after the one before: the earlier
   * one came back before this tick started, so it cannot hold this tick's run, and this one came back
   * before the next tick started, so it cannot hold the next one's (the node and the harness read the
   * same clock on loopback). Anything else would be a guess, so the tick goes untimed.
   */
  private void resolve() {
    while (!pending.isEmpty() && pending.peek().scrapeDone && pending.peek().nextAt != null) {
      Tick t = pending.poll();
      Tick before = t.previous;
      t.previous = null;
      if (t.snapshot != null && before != null && before.snapshot != null
          && before.scrapedAt < t.at && t.scrapedAt < t.nextAt) {
        t.runs = t.snapshot.count() - before.snapshot.count();
        t.millis = Math.round((t.snapshot.seconds() - before.snapshot.seconds()) * 1e6) / 1000.0; // to the µs
      }
      resolved.accept(t);
    }
  }
}
