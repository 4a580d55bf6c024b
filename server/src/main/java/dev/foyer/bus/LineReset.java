package dev.foyer.bus;

import io.vertx.core.json.JsonObject;

/**
 * Redis lost an event's live state (line, admitted visitors, holds) and a new generation started:
 * every node tells its connected visitors to join again, and the hold room rebuilds the seat map.
 */
public record LineReset(String event, String lost, String fresh, long at) {

  public JsonObject toJson() {
    return new JsonObject().put("event", event).put("lost", lost).put("fresh", fresh).put("at", at);
  }

  public static LineReset fromJson(JsonObject json) {
    return new LineReset(json.getString("event"), json.getString("lost"), json.getString("fresh"), json.getLong("at"));
  }
}
