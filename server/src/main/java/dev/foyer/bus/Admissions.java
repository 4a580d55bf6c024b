package dev.foyer.bus;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * Who one tick admitted, in join order. {@code admittedTotal} orders batches from different ticks;
 * every node announces the admissions of the visitors whose sockets it holds.
 */
public record Admissions(String event, String node, long activeUntil, long admittedTotal, List<String> visitors) {

  public Admissions {
    visitors = List.copyOf(visitors);
  }

  public JsonObject toJson() {
    return new JsonObject().put("event", event).put("node", node).put("activeUntil", activeUntil)
        .put("admittedTotal", admittedTotal).put("visitors", new JsonArray(List.copyOf(visitors)));
  }

  public static Admissions fromJson(JsonObject json) {
    return new Admissions(json.getString("event"), json.getString("node"), json.getLong("activeUntil"),
        json.getLong("admittedTotal"), Payloads.strings(json.getJsonArray("visitors")));
  }
}
