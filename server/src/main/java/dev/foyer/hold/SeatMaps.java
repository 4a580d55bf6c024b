package dev.foyer.hold;

import dev.foyer.event.EventRepository;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Seat maps: the layout from PostgreSQL (kept warm, so holds go on while PostgreSQL is away), the
 * live map in Redis rebuilt from PostgreSQL's seats and sales whenever it is missing, and the view
 * of both that the seat page loads.
 */
final class SeatMaps {

  private static final Logger LOG = LoggerFactory.getLogger(SeatMaps.class);

  private final HoldStore store;
  private final ReservationRepository reservations;
  private final EventRepository events;
  private final Map<String, JsonArray> layouts = new HashMap<>();
  private final Map<String, Future<Long>> loading = new HashMap<>();

  SeatMaps(HoldStore store, ReservationRepository reservations, EventRepository events) {
    this.store = store;
    this.reservations = reservations;
    this.events = events;
  }

  /** Drops the layout of an event that changed; the next use reads it again. */
  void forget(String event) {
    layouts.remove(event);
  }

  /** Loads the live map once at a time per event on this node; callers meanwhile share the load. */
  Future<Long> load(String event) {
    Future<Long> running = loading.get(event);
    if (running != null) {
      return running;
    }
    Future<Long> load = reservations.seatMap(event)
        .compose(map -> store.loadSeats(event, map.seats(), map.sold()))
        .onFailure(err -> LOG.warn("Could not load the seat map of event {}: {}", event, err.getMessage()))
        .onComplete(ar -> loading.remove(event));
    loading.put(event, load);
    return load;
  }

  /** Rebuilds the live map if Redis lost it (restarted, flushed, failed over). */
  void reloadIfMissing(String event) {
    store.statuses(event).onSuccess(s -> {
      if (s == null) {
        LOG.info("The seat map of event {} is missing from Redis; rebuilding it from PostgreSQL", event);
        load(event);
      }
    });
  }

  Future<JsonArray> layout(String event) {
    JsonArray cached = layouts.get(event);
    if (cached != null) {
      return Future.succeededFuture(cached);
    }
    return events.seats(event).onSuccess(seats -> layouts.put(event, seats));
  }

  /** Every seat of the layout with its status now: free, held or sold. */
  Future<JsonObject> view(String event) {
    return layout(event)
        .compose(layout -> store.statuses(event)
            .compose(statuses -> statuses != null ? Future.succeededFuture(statuses)
                : load(event).compose(n -> store.statuses(event)))
            .map(statuses -> {
              Set<String> held = statuses == null ? Set.of() : new HashSet<>(statuses.held());
              Set<String> sold = statuses == null ? Set.of() : new HashSet<>(statuses.sold());
              JsonArray out = new JsonArray();
              for (Object o : layout) {
                JsonObject seat = ((JsonObject) o).copy();
                String id = seat.getString("id");
                if (sold.contains(id) || "sold".equals(seat.getString("status"))) {
                  seat.put("status", "sold");
                } else {
                  seat.put("status", held.contains(id) ? "held" : "free");
                }
                out.add(seat);
              }
              return new JsonObject().put("seats", out);
            }));
  }
}
