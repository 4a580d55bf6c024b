package dev.foyer.bench;

import io.vertx.core.json.JsonObject;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** Answers counted by HTTP status, -1 for a request that got none; safe from any thread. */
final class StatusCounts {

  private final Map<Integer, AtomicLong> counts = new ConcurrentHashMap<>();

  void add(int status) {
    counts.computeIfAbsent(status, k -> new AtomicLong()).incrementAndGet();
  }

  long get(int status) {
    AtomicLong n = counts.get(status);
    return n == null ? 0 : n.get();
  }

  /** {"201": n, "429": m, ...} by status. */
  JsonObject toJson() {
    JsonObject out = new JsonObject();
    new TreeMap<>(counts).forEach((s, n) -> out.put(String.valueOf(s), n.get()));
    return out;
  }
}
