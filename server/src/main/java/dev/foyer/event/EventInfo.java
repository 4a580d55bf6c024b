package dev.foyer.event;

import java.time.Instant;

/**
 * An event as every node knows it (from PostgreSQL). {@code openingSeed} orders a shuffled
 * pre-queue; it stays secret until the opening, only its commitment is public before. {@code look}
 * is how it presents itself: names and messages per language, branding.
 */
public record EventInfo(String id, String name, Instant opensAt, EventSettings settings, String openingSeed,
                        EventLook look) {

  public EventInfo {
    look = look == null ? EventLook.NONE : look;
  }

  public EventInfo(String id, String name, Instant opensAt, EventSettings settings, String openingSeed) {
    this(id, name, opensAt, settings, openingSeed, EventLook.NONE);
  }

  public EventInfo(String id, String name, Instant opensAt, EventSettings settings) {
    this(id, name, opensAt, settings, null, EventLook.NONE);
  }

  public long opensAtMillis() {
    return opensAt == null ? 0 : opensAt.toEpochMilli();
  }
}
