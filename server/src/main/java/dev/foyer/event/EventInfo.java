package dev.foyer.event;

import java.time.Instant;

/**
 * An event as every node knows it (from PostgreSQL). {@code openingSeed} orders a shuffled
 * pre-queue; it stays secret until the opening, only its commitment is public before.
 */
public record EventInfo(String id, String name, Instant opensAt, EventSettings settings, String openingSeed) {

  public EventInfo(String id, String name, Instant opensAt, EventSettings settings) {
    this(id, name, opensAt, settings, null);
  }

  public long opensAtMillis() {
    return opensAt == null ? 0 : opensAt.toEpochMilli();
  }
}
