package dev.foyer.event;

import java.time.Instant;

/** An event as every node knows it (from PostgreSQL). */
public record EventInfo(String id, String name, Instant opensAt, EventSettings settings) {
}
