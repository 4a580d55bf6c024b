package dev.foyer.bus;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/**
 * What happened to some visitors' holds, batched per event: each becomes a {@code hold} message on
 * the visitor's address, written by the node that holds the visitor's sockets.
 */
public record HoldNotices(String event, List<Notice> notices) {

  /** status: held, replaced, released, expired, confirmed (then with its reservation id). */
  public record Notice(String visitor, String holdId, String status, String reservationId) {

    public static Notice of(String visitor, String holdId, String status) {
      return new Notice(visitor, holdId, status, null);
    }
  }

  public HoldNotices {
    notices = List.copyOf(notices);
  }

  public JsonObject toJson() {
    JsonArray list = new JsonArray();
    notices.forEach(n -> list.add(new JsonObject().put("visitor", n.visitor()).put("holdId", n.holdId())
        .put("status", n.status()).put("reservationId", n.reservationId())));
    return new JsonObject().put("event", event).put("notices", list);
  }

  public static HoldNotices fromJson(JsonObject json) {
    List<Notice> notices = new ArrayList<>();
    for (Object o : json.getJsonArray("notices")) {
      JsonObject n = (JsonObject) o;
      notices.add(new Notice(n.getString("visitor"), n.getString("holdId"), n.getString("status"),
          n.getString("reservationId")));
    }
    return new HoldNotices(json.getString("event"), notices);
  }
}
