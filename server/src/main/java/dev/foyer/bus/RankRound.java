package dev.foyer.bus;

import io.vertx.core.json.JsonObject;

/** What one node's rank round for one event did: visitors looked up, script batches, frames sent. */
public record RankRound(String node, String event, int visitors, int batches, int sent, long millis) {

  public JsonObject toJson() {
    return new JsonObject().put("node", node).put("event", event).put("visitors", visitors).put("batches", batches)
        .put("sent", sent).put("millis", millis);
  }

  public static RankRound fromJson(JsonObject json) {
    return new RankRound(json.getString("node"), json.getString("event"), json.getInteger("visitors"),
        json.getInteger("batches"), json.getInteger("sent"), json.getLong("millis"));
  }
}
