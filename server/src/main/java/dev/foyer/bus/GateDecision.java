package dev.foyer.bus;

import io.vertx.core.json.JsonObject;

/**
 * One recorded gate decision: whether joiners of the event now wait ({@code queueing}), whether it
 * flipped this tick, the cluster-wide request rate it was made from and the mode in force.
 */
public record GateDecision(String event, String node, long tick, boolean queueing, boolean flipped, long rate,
                           String mode, long at) {

  public JsonObject toJson() {
    return new JsonObject().put("event", event).put("node", node).put("tick", tick).put("queueing", queueing)
        .put("flipped", flipped).put("rate", rate).put("mode", mode).put("at", at);
  }

  public static GateDecision fromJson(JsonObject json) {
    return new GateDecision(json.getString("event"), json.getString("node"), json.getLong("tick"),
        json.getBoolean("queueing"), json.getBoolean("flipped"), json.getLong("rate"), json.getString("mode"),
        json.getLong("at"));
  }
}
