package dev.foyer.bench;

import io.vertx.core.json.JsonObject;

/** One admission tick of the {@code tick} scenario's event, as its progress message told it, and what /metrics said about it. */
final class Tick {

  final long at;
  final long admitted;
  final long waitingBefore;
  final long waitingAfter;
  final long admittedTotal;
  final long admitPerMinute;
  final long intervalMillis;
  /** The tick before, until this one is resolved. */
  Tick previous;
  /** When the next tick started (its message's {@code at}); null until that message came. */
  Long nextAt;
  /** The scrape after this tick's message: null when none was made (one was under way). */
  AdmitScriptTimer snapshot;
  long scrapedAt;
  boolean scrapeDone;
  /** Runs of the admission script in this tick and their time; null when the tick could not be timed. */
  Long runs;
  Double millis;

  Tick(JsonObject frame, JsonObject previous) {
    at = frame.getLong("at");
    admittedTotal = frame.getLong("admittedTotal");
    waitingAfter = frame.getLong("waiting");
    admitPerMinute = frame.getLong("admitPerMinute");
    admitted = previous == null ? 0 : admittedTotal - previous.getLong("admittedTotal");
    waitingBefore = previous == null ? -1 : previous.getLong("waiting");
    intervalMillis = previous == null ? -1 : at - previous.getLong("at");
  }

  boolean timed() {
    return millis != null;
  }
}
