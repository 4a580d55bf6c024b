package dev.foyer.hold;

import dev.foyer.FoyerConfig;
import dev.foyer.common.ApiError;
import dev.foyer.common.Metrics;
import dev.foyer.common.Stores;
import dev.foyer.event.EventCatalog;
import dev.foyer.event.EventInfo;
import dev.foyer.event.EventRepository;
import dev.foyer.pass.QueueTokens;
import dev.foyer.push.Addresses;
import dev.foyer.queue.QueueVerticle;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Redis;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Seat holds: hold, release and confirm requests from this node's ingress (node-local
 * request-reply on {@link #ADDRESS}), expiry within a quarter second, release when a visitor is
 * gone, the seat map in Redis rebuilt from PostgreSQL, and seat changes published in batches.
 */
public class HoldVerticle extends VerticleBase {

  /** Node-local request-reply: {op: hold|release|confirm|seats, event, visitor, ...}. */
  public static final String ADDRESS = "foyer.internal.holds";
  /** Batches of messages for visitors wherever they are connected: {event, messages: [{visitor, body}]}. */
  public static final String VISITOR_MESSAGES = "foyer.internal.visitor-messages";
  /** How long a confirmation owns its hold; PostgreSQL must have committed well before. */
  static final long FENCE_MILLIS = 30_000;
  static final long COMMIT_DEADLINE_MILLIS = 20_000;
  static final long EXPIRY_SWEEP_MILLIS = 250;
  static final long FLUSH_MILLIS = 100;
  private static final Logger LOG = LoggerFactory.getLogger(HoldVerticle.class);

  private final FoyerConfig config;
  private Redis redis;
  private Pool pg;
  private HoldStore store;
  private ReservationRepository reservations;
  private EventRepository events;
  private EventCatalog catalog;
  private final Set<String> known = new HashSet<>();
  private final Map<String, JsonArray> seatLayouts = new HashMap<>();
  private final Map<String, Map<String, String>> pendingChanges = new HashMap<>();
  private final Map<String, JsonArray> pendingMessages = new HashMap<>();
  private final Set<String> sweeping = new HashSet<>();
  private final Map<String, Future<Long>> loading = new HashMap<>();
  private final Map<String, SeatGauges> seatGauges = new HashMap<>();
  private boolean redisWarned;

  public HoldVerticle(FoyerConfig config) {
    this.config = config;
  }

  @Override
  public Future<?> start() {
    redis = Stores.redis(vertx, config);
    pg = Stores.pg(vertx, config, "hold", 4);
    store = new HoldStore(redis, config.keyPrefix());
    reservations = new ReservationRepository(pg);
    events = new EventRepository(pg);
    catalog = new EventCatalog(events);
    vertx.eventBus().<String>consumer(EventCatalog.CHANGED, this::onEventChanged);
    vertx.eventBus().<JsonObject>consumer(QueueVerticle.DEPARTURES, this::onDepartures);
    vertx.setPeriodic(EXPIRY_SWEEP_MILLIS, id -> expireAll());
    vertx.setPeriodic(FLUSH_MILLIS, id -> flush());
    vertx.setPeriodic(5000, id -> refreshEvents(false));
    vertx.setPeriodic(5000, id -> countSeats());
    refreshEvents(true);
    return vertx.eventBus().<JsonObject>localConsumer(ADDRESS, this::onRequest).completion();
  }

  @Override
  public Future<?> stop() {
    flush();
    return Future.join(redis.close(), pg.close());
  }

  // ---- requests from ingress

  private void onRequest(Message<JsonObject> message) {
    JsonObject request = message.body();
    Future<JsonObject> answer;
    try {
      answer = switch (request.getString("op", "")) {
        case "hold" -> hold(request);
        case "release" -> release(request);
        case "confirm" -> confirm(request);
        case "seats" -> seats(request.getString("event"));
        default -> Future.failedFuture(new ApiError(400, "bad_request", "unknown hold operation"));
      };
    } catch (ApiError e) {
      answer = Future.failedFuture(e);
    }
    answer.onSuccess(message::reply).onFailure(err -> {
      ApiError e = err instanceof ApiError a ? a : ApiError.dependencyDown("a backing service", err);
      if (!(err instanceof ApiError)) {
        LOG.warn("Hold request failed: {}", err.getMessage());
      }
      message.fail(e.status(), e.toJson().encode());
    });
  }

  private Future<JsonObject> hold(JsonObject request) {
    String event = request.getString("event");
    String visitor = request.getString("visitor");
    List<String> seats = seatList(request.getValue("seats"));
    return catalog.get(event).compose(info -> {
      if (seats.size() > info.settings().maxSeatsPerHold()) {
        return Future.failedFuture(new ApiError(422, "too_many_seats",
            "at most " + info.settings().maxSeatsPerHold() + " seats per hold"));
      }
      long now = System.currentTimeMillis();
      long expiresAt = now + info.settings().holdSeconds() * 1000L;
      String holdId = QueueTokens.newVisitorId();
      return store.hold(event, visitor, holdId, now, expiresAt, seats)
          .compose(outcome -> outcome.result().equals("seats_not_loaded")
              ? loadSeats(event).compose(n -> store.hold(event, visitor, holdId, now, expiresAt, seats))
              : Future.succeededFuture(outcome))
          .compose(outcome -> {
            if (!outcome.ok()) {
              return Future.failedFuture(holdError(outcome));
            }
            record(event, outcome.changes());
            if (!outcome.holdId().isEmpty()) {
              tell(event, visitor, holdMessage(outcome.holdId(), "replaced"));
            }
            tell(event, visitor, holdMessage(holdId, "held"));
            Metrics.holds(event, "created").increment();
            return Future.succeededFuture(new JsonObject().put("holdId", holdId)
                .put("seats", new JsonArray(new ArrayList<Object>(seats))).put("expiresAt", expiresAt));
          });
    });
  }

  private static ApiError holdError(HoldStore.Outcome outcome) {
    JsonObject seats = new JsonObject().put("seats", new JsonArray(new ArrayList<Object>(outcome.seats())));
    return switch (outcome.result()) {
      case "not_admitted" -> new ApiError(403, "not_admitted", "only an admitted visitor, while active, can hold seats");
      case "unknown_seats" -> new ApiError(400, "unknown_seats", "these seats are not on the map", seats);
      case "seats_unavailable" -> new ApiError(409, "seats_unavailable", "some of these seats are taken", seats);
      case "confirm_in_progress" -> new ApiError(409, "confirm_in_progress", "your current hold is being confirmed");
      default -> new ApiError(503, "dependency_down", "the seat map is not loaded yet; try again in a moment");
    };
  }

  private Future<JsonObject> release(JsonObject request) {
    String event = request.getString("event");
    String visitor = request.getString("visitor");
    String holdId = request.getString("holdId");
    return store.release(event, holdId, visitor).compose(outcome -> switch (outcome.result()) {
      case "ok" -> {
        record(event, outcome.changes());
        tell(event, visitor, holdMessage(holdId, "released"));
        Metrics.holds(event, "released").increment();
        yield Future.succeededFuture(new JsonObject());
      }
      case "not_your_hold" -> Future.failedFuture(new ApiError(403, "not_your_hold", "this hold belongs to someone else"));
      case "confirm_in_progress" -> Future.failedFuture(new ApiError(409, "confirm_in_progress",
          "this hold is being confirmed"));
      default -> Future.failedFuture(ApiError.notFound("unknown_hold", "there is no such hold (expired or released)"));
    });
  }

  private Future<JsonObject> confirm(JsonObject request) {
    String event = request.getString("event");
    String visitor = request.getString("visitor");
    String holdId = request.getString("holdId");
    long now = System.currentTimeMillis();
    UUID fresh = UUID.randomUUID();
    return store.confirmBegin(event, holdId, visitor, now, now + FENCE_MILLIS, fresh.toString()).compose(begin -> {
      switch (begin.result()) {
        case "confirmed":
          return Future.succeededFuture(reservation(begin.reservationId(), begin.seats()));
        case "not_your_hold":
          return Future.failedFuture(new ApiError(403, "not_your_hold", "this hold belongs to someone else"));
        case "expired":
          return Future.failedFuture(new ApiError(410, "hold_expired",
              "this hold has expired or was released; pick your seats again"));
        default:
          break;
      }
      UUID reservationId = UUID.fromString(begin.reservationId());
      return reservations.reserve(event, holdId, visitor, reservationId, begin.seats(), now + COMMIT_DEADLINE_MILLIS)
          .compose(v -> store.confirmEnd(event, holdId, begin.reservationId(), visitor, begin.seats()))
          .map(changes -> {
            Metrics.holds(event, "confirmed").increment();
            Metrics.gone(event, "confirmed").increment();
            record(event, changes);
            tell(event, visitor, holdMessage(holdId, "confirmed").put("reservationId", begin.reservationId()));
            vertx.eventBus().publish(QueueVerticle.DEPARTURES, new JsonObject().put("event", event)
                .put("reason", "confirmed").put("visitors", new JsonArray().add(visitor)));
            LOG.debug("Hold {} of event {} confirmed as reservation {}", holdId, event, reservationId);
            return reservation(begin.reservationId(), begin.seats());
          });
    });
  }

  private static JsonObject reservation(String reservationId, List<String> seats) {
    return new JsonObject().put("reservationId", reservationId).put("seats", new JsonArray(new ArrayList<Object>(seats)));
  }

  private Future<JsonObject> seats(String event) {
    return catalog.get(event)
        .compose(info -> layout(event))
        .compose(layout -> store.statuses(event).compose(statuses -> {
          if (statuses == null) {
            return loadSeats(event).compose(n -> store.statuses(event));
          }
          return Future.succeededFuture(statuses);
        }).map(statuses -> {
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

  private Future<JsonArray> layout(String event) {
    JsonArray cached = seatLayouts.get(event);
    if (cached != null) {
      return Future.succeededFuture(cached);
    }
    return events.seats(event).onSuccess(seats -> seatLayouts.put(event, seats));
  }

  // ---- departures, expiry, seat map upkeep

  private void onDepartures(Message<JsonObject> message) {
    JsonObject batch = message.body();
    if ("confirmed".equals(batch.getString("reason"))) {
      return;
    }
    String event = batch.getString("event");
    for (Object v : batch.getJsonArray("visitors")) {
      String visitor = (String) v;
      store.release(event, null, visitor).onSuccess(outcome -> {
        if (outcome.ok()) {
          Metrics.holds(event, "released").increment();
          record(event, outcome.changes());
          tell(event, visitor, holdMessage(outcome.holdId(), "released"));
        }
      });
    }
  }

  private void expireAll() {
    long now = System.currentTimeMillis();
    for (String event : known) {
      if (!sweeping.add(event)) {
        continue;
      }
      store.expire(event, now).onComplete(ar -> {
        sweeping.remove(event);
        if (ar.failed()) {
          if (!redisWarned) {
            redisWarned = true;
            LOG.warn("Hold expiry sweep failed, retrying every {} ms: {}", EXPIRY_SWEEP_MILLIS, ar.cause().getMessage());
          }
          return;
        }
        redisWarned = false;
        record(event, ar.result().changes());
        if (!ar.result().holds().isEmpty()) {
          Metrics.holds(event, "expired").increment(ar.result().holds().size());
        }
        for (String[] hold : ar.result().holds()) {
          tell(event, hold[1], holdMessage(hold[0], "expired"));
        }
      });
    }
  }

  private void onEventChanged(Message<String> message) {
    String event = message.body();
    catalog.invalidate(event);
    seatLayouts.remove(event);
    known.add(event);
    loadSeats(event);
    // keep a warm copy of the settings and layout: holds must go on while PostgreSQL is away
    events.find(event).onSuccess(info -> {
      if (info != null) {
        catalog.remember(info);
      }
    });
    layout(event);
  }

  /** Keeps the list of events current and the seat maps in Redis, reloading any Redis lost. */
  private void refreshEvents(boolean loadAll) {
    events.list().onSuccess(list -> {
      for (EventInfo e : list) {
        catalog.remember(e);
        boolean isNew = known.add(e.id());
        if (loadAll || isNew) {
          loadSeats(e.id());
        } else {
          store.statuses(e.id()).onSuccess(s -> {
            if (s == null) {
              LOG.info("The seat map of event {} is missing from Redis; rebuilding it from PostgreSQL", e.id());
              loadSeats(e.id());
            }
          });
        }
      }
    });
  }

  /** Loads the seat map once at a time per event on this node; callers meanwhile share the load. */
  private Future<Long> loadSeats(String event) {
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

  /** Keeps foyer_seats{event,status} current for the events this node knows. */
  private void countSeats() {
    for (String event : known) {
      store.counts(event).onSuccess(c -> seatGauges.computeIfAbsent(event, SeatGauges::new).set(c));
    }
  }

  // ---- batched publishing

  private void record(String event, List<HoldStore.Change> changes) {
    if (!changes.isEmpty()) {
      Map<String, String> pending = pendingChanges.computeIfAbsent(event, e -> new LinkedHashMap<>());
      changes.forEach(c -> pending.put(c.seat(), c.status()));
    }
  }

  private void tell(String event, String visitor, JsonObject body) {
    pendingMessages.computeIfAbsent(event, e -> new JsonArray())
        .add(new JsonObject().put("visitor", visitor).put("body", body));
  }

  private static JsonObject holdMessage(String holdId, String status) {
    return new JsonObject().put("type", "hold").put("holdId", holdId).put("status", status);
  }

  /** At most one seats message per event per flush, and one batch of visitor messages. */
  private void flush() {
    pendingChanges.forEach((event, changes) -> {
      JsonArray list = new JsonArray();
      changes.forEach((seat, status) -> list.add(new JsonObject().put("seat", seat).put("status", status)));
      vertx.eventBus().publish(Addresses.seats(event), new JsonObject().put("type", "seats").put("changes", list));
    });
    pendingChanges.clear();
    pendingMessages.forEach((event, messages) -> vertx.eventBus().publish(VISITOR_MESSAGES,
        new JsonObject().put("event", event).put("messages", messages)));
    pendingMessages.clear();
  }

  /** The seats of a hold request: a non-empty list of distinct seat ids; 400 otherwise. */
  static List<String> seatList(Object value) {
    if (!(value instanceof JsonArray array)) {
      throw ApiError.badRequest("invalid_seats", "seats must be an array of seat ids");
    }
    if (array.isEmpty()) {
      throw ApiError.badRequest("no_seats", "pick at least one seat");
    }
    List<String> seats = new ArrayList<>(array.size());
    for (Object o : array) {
      if (!(o instanceof String s) || s.isEmpty() || s.length() > 64) {
        throw ApiError.badRequest("invalid_seats", "seats must be an array of seat ids like \"A-3-12\"");
      }
      seats.add(s);
    }
    Set<String> duplicates = duplicates(seats);
    if (!duplicates.isEmpty()) {
      throw new ApiError(400, "duplicate_seats", "each seat may be asked for once",
          new JsonObject().put("seats", new JsonArray(new ArrayList<Object>(duplicates))));
    }
    return seats;
  }

  private static Set<String> duplicates(List<String> seats) {
    Set<String> seen = new HashSet<>();
    Set<String> dup = new HashSet<>();
    seats.forEach(s -> {
      if (!seen.add(s)) {
        dup.add(s);
      }
    });
    return dup;
  }}
