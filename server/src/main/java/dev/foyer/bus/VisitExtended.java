package dev.foyer.bus;

import io.vertx.core.json.JsonObject;

/**
 * A site gave an admitted visitor more time: whichever node holds the visitor's socket tells the
 * page the new activeUntil, with a pass that runs until then.
 */
public record VisitExtended(String event, String visitor, long activeUntil) {

  public JsonObject toJson() {
    return new JsonObject().put("event", event).put("visitor", visitor).put("activeUntil", activeUntil);
  }

  public static VisitExtended fromJson(JsonObject json) {
    return new VisitExtended(json.getString("event"), json.getString("visitor"), json.getLong("activeUntil"));
  }
}
