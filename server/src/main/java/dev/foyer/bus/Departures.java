package dev.foyer.bus;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * Visitors who left the line or the active set, and why: left, expired, disconnected, confirmed,
 * completed (the site said they were done).
 * The hold room releases their holds (except after a confirmation); the push room tells them.
 */
public record Departures(String event, String reason, List<String> visitors) {

  public Departures {
    visitors = List.copyOf(visitors);
  }

  public static Departures of(String event, String reason, String visitor) {
    return new Departures(event, reason, List.of(visitor));
  }

  public JsonObject toJson() {
    return new JsonObject().put("event", event).put("reason", reason)
        .put("visitors", new JsonArray(List.copyOf(visitors)));
  }

  public static Departures fromJson(JsonObject json) {
    return new Departures(json.getString("event"), json.getString("reason"),
        Payloads.strings(json.getJsonArray("visitors")));
  }
}
