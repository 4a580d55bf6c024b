package dev.foyer.bus;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Map;

/**
 * The contract's {@code seats} message on {@code foyer.seats.{event}}: seat -> its status (free,
 * held or sold) and the seat-status version of that change, all of one seat-map generation. A page
 * applies a change only when it is newer than what it knows of that seat, so messages from several
 * nodes arriving out of order, or after a catch-up read, never turn a seat back.
 */
public record SeatChanges(String generation, Map<String, Change> changes) {

  public record Change(String status, long version) {
  }

  public JsonObject toJson() {
    JsonArray list = new JsonArray();
    changes.forEach((seat, c) -> list.add(new JsonObject().put("seat", seat).put("status", c.status())
        .put("version", c.version())));
    return new JsonObject().put("type", "seats").put("generation", generation).put("changes", list);
  }
}
