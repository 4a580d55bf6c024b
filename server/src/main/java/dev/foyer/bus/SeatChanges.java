package dev.foyer.bus;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Map;

/** The contract's {@code seats} message on {@code foyer.seats.{event}}: seat -> free, held or sold. */
public record SeatChanges(Map<String, String> changes) {

  public JsonObject toJson() {
    JsonArray list = new JsonArray();
    changes.forEach((seat, status) -> list.add(new JsonObject().put("seat", seat).put("status", status)));
    return new JsonObject().put("type", "seats").put("changes", list);
  }
}
