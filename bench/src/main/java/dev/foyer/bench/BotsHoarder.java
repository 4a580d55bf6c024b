package dev.foyer.bench;

import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code bots}, the hoarder: one address makes {@code hoard} joins, then {@code hoard} holds of 4
 * seats with the passes it got, on a 2,000-seat house; the seats it then holds are read from the
 * seat map. Run once with the default limits and once with none.
 */
final class BotsHoarder {

  static final String HOARDER = "198.18.1.1";
  static final int HOUSE_ROWS = 20;
  static final int HOUSE_PER_ROW = 100;
  static final int HOLD_SEATS = 4;

  private final BotsCalls calls;

  BotsHoarder(BotsCalls calls) {
    this.calls = calls;
  }

  JsonObject run(BotsOptions o, boolean limited) throws Exception {
    JsonObject limits = limited
        ? new JsonObject().put("joinsPerAddress", 20).put("joinsPerNetwork", 200).put("holdsPerAddress", 30)
            .put("holdsPerNetwork", 300)
        : new JsonObject().put("joinsPerAddress", 0).put("joinsPerNetwork", 0).put("holdsPerAddress", 0)
            .put("holdsPerNetwork", 0);
    String event = calls.event(limited ? "hoard" : "hoard-unlimited", new JsonObject().put("gate", "off")
        .put("stockPacing", false).put("maxActive", 1_000_000).put("admitPerMinute", 0).put("activeSeconds", 3600)
        .put("holdSeconds", 3600).put("graceSeconds", 3600).put("maxSeatsPerHold", HOLD_SEATS).put("limits", limits),
        HOUSE_ROWS, HOUSE_PER_ROW);
    List<String> passes = new ArrayList<>();
    StatusCounts joinStatus = new StatusCounts();
    for (int from = 0; from < o.hoard(); from += o.concurrency()) {
      List<Future<JsonObject>> batch = new ArrayList<>();
      for (int i = from; i < Math.min(o.hoard(), from + o.concurrency()); i++) {
        batch.add(calls.join(null, event, HOARDER, null));
      }
      Future.all(batch).await(60, TimeUnit.SECONDS);
      for (Future<JsonObject> j : batch) {
        joinStatus.add(j.result().getInteger("status"));
        String pass = j.result().getJsonObject("body").getString("pass");
        if (pass != null) {
          passes.add(pass);
        }
      }
    }
    StatusCounts holdStatus = new StatusCounts();
    for (int from = 0; from < o.hoard() && !passes.isEmpty(); from += o.concurrency()) {
      List<Future<JsonObject>> batch = new ArrayList<>();
      for (int i = from; i < Math.min(o.hoard(), from + o.concurrency()); i++) {
        batch.add(calls.call(null, HttpMethod.POST, "/api/events/" + event + "/holds",
            "Bearer " + passes.get(i % passes.size()), HOARDER, new JsonObject().put("seats", block(i))));
      }
      Future.all(batch).await(60, TimeUnit.SECONDS);
      batch.forEach(h -> holdStatus.add(h.result().getInteger("status")));
    }
    JsonObject map = calls.call(null, HttpMethod.GET, "/api/events/" + event + "/seats", null, null, null)
        .await(60, TimeUnit.SECONDS).getJsonObject("body");
    long held = map.getJsonArray("seats").stream().filter(s -> "held".equals(((JsonObject) s).getString("status"))).count();
    int house = HOUSE_ROWS * HOUSE_PER_ROW;
    return new JsonObject().put("event", event).put("settings", limits).put("address", HOARDER).put("joins", o.hoard())
        .put("joined", passes.size()).put("joinsRefused429", joinStatus.get(429)).put("joinsByStatus", joinStatus.toJson())
        .put("holds", passes.isEmpty() ? 0 : o.hoard()).put("held201", holdStatus.get(201))
        .put("holdsRefused429", holdStatus.get(429)).put("holdsByStatus", holdStatus.toJson()).put("house", house)
        .put("seatsHeld", held).put("shareOfHouse", Math.round(held * 10000.0 / house) / 10000.0);
  }

  /** Hold i takes its own block of 4; a pass used again replaces its earlier hold, as the API says. */
  private static JsonArray block(int i) {
    int row = 1 + (i * HOLD_SEATS) / HOUSE_PER_ROW;
    int first = 1 + (i * HOLD_SEATS) % HOUSE_PER_ROW;
    JsonArray seats = new JsonArray();
    for (int n = first; n < first + HOLD_SEATS; n++) {
      seats.add("H-" + row + "-" + n);
    }
    return seats;
  }
}
