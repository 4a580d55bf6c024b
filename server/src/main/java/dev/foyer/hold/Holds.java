package dev.foyer.hold;

import dev.foyer.bus.Addresses;
import dev.foyer.bus.Departures;
import dev.foyer.bus.HoldNotices;
import dev.foyer.bus.HoldService;
import dev.foyer.common.ApiError;
import dev.foyer.common.Metrics;
import dev.foyer.event.EventCatalog;
import dev.foyer.pass.QueueTokens;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Holds, releases and confirmations. A confirmation is two-phase: Redis fences the hold (owner and
 * expiry checked at one instant, the hold kept for {@link #FENCE_MILLIS}), PostgreSQL records the
 * sale in one transaction that must commit well inside the fence, then Redis marks the seats sold.
 */
record Holds(HoldStore store, ReservationRepository reservations, EventCatalog catalog, SeatMaps maps, Outbox outbox, EventBus bus) implements HoldService  {

  /** How long a confirmation owns its hold; PostgreSQL must have committed well before. */
  static final long FENCE_MILLIS = 30_000;
  static final long COMMIT_DEADLINE_MILLIS = 20_000;
  private static final Logger LOG = LoggerFactory.getLogger(Holds.class);


  @Override
  public Future<Held> hold(String event, String visitor, List<String> seats, String idempotencyKey) {
    return catalog.get(event).compose(info -> {
      if (seats.size() > info.settings().maxSeatsPerHold()) {
        return Future.failedFuture(new ApiError(422, "too_many_seats",
            "at most " + info.settings().maxSeatsPerHold() + " seats per hold"));
      }
      long now = System.currentTimeMillis();
      long expiresAt = now + info.settings().holdSeconds() * 1000L;
      String holdId = idempotencyKey == null ? QueueTokens.newVisitorId() : holdId(event, visitor, idempotencyKey);
      return store.hold(event, visitor, holdId, now, expiresAt, seats)
          .compose(outcome -> outcome.result().equals("seats_not_loaded")
              ? maps.load(event).compose(n -> store.hold(event, visitor, holdId, now, expiresAt, seats))
              : Future.succeededFuture(outcome))
          .compose(outcome -> {
            if (!outcome.ok()) {
              return Future.failedFuture(holdError(outcome));
            }
            outbox.seats(event, outcome.changes());
            if (!outcome.holdId().isEmpty() && !outcome.holdId().equals(holdId)) {
              outbox.tell(event, visitor, outcome.holdId(), "replaced");
            }
            outbox.tell(event, visitor, holdId, "held");
            Metrics.holds(event, "created").increment();
            return Future.succeededFuture(new Held(holdId, seats, expiresAt));
          });
    });
  }

  /**
   * A retried hold names the same hold: its id follows from the visitor and the attempt's key, so
   * the retry replaces the hold with itself (the same seats, held again) instead of adding one.
   */
  static String holdId(String event, String visitor, String idempotencyKey) {
    try {
      byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(
          (event + "\n" + visitor + "\n" + idempotencyKey).getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOf(digest, 16));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
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

  @Override
  public Future<Void> release(String event, String visitor, String holdId) {
    return store.release(event, holdId, visitor).compose(outcome -> switch (outcome.result()) {
      case "ok" -> {
        outbox.seats(event, outcome.changes());
        outbox.tell(event, visitor, holdId, "released");
        Metrics.holds(event, "released").increment();
        yield Future.<Void>succeededFuture();
      }
      case "not_your_hold" -> Future.failedFuture(new ApiError(403, "not_your_hold", "this hold belongs to someone else"));
      case "confirm_in_progress" -> Future.failedFuture(new ApiError(409, "confirm_in_progress",
          "this hold is being confirmed"));
      default -> Future.failedFuture(ApiError.notFound("unknown_hold", "there is no such hold (expired or released)"));
    });
  }

  /** Whatever hold a visitor who left still had goes back. */
  void releaseAllOf(String event, String visitor) {
    store.release(event, null, visitor).onSuccess(outcome -> {
      if (outcome.ok()) {
        Metrics.holds(event, "released").increment();
        outbox.seats(event, outcome.changes());
        outbox.tell(event, visitor, outcome.holdId(), "released");
      }
    });
  }

  @Override
  public Future<Reservation> confirm(String event, String visitor, String holdId) {
    long now = System.currentTimeMillis();
    UUID fresh = UUID.randomUUID();
    return store.confirmBegin(event, holdId, visitor, now, now + FENCE_MILLIS, fresh.toString()).compose(begin -> {
      switch (begin.result()) {
        case "confirmed":
          return Future.succeededFuture(new Reservation(begin.reservationId(), begin.seats()));
        case "not_your_hold":
          return Future.failedFuture(new ApiError(403, "not_your_hold", "this hold belongs to someone else"));
        case "expired":
          // Redis no longer knows the hold; PostgreSQL may know it was sold (a lost answer, a wiped Redis)
          return reservations.sale(event, holdId, visitor).compose(sale -> sale != null
              ? Future.succeededFuture(new Reservation(sale.reservationId(), sale.seats()))
              : Future.failedFuture(new ApiError(410, "hold_expired",
                  "this hold has expired or was released; pick your seats again")));
        default:
          break;
      }
      UUID reservationId = UUID.fromString(begin.reservationId());
      return reservations.reserve(event, holdId, visitor, reservationId, begin.seats(), now + COMMIT_DEADLINE_MILLIS)
          .compose(v -> store.confirmEnd(event, holdId, begin.reservationId(), visitor, begin.seats()))
          .map(changes -> {
            Metrics.holds(event, "confirmed").increment();
            Metrics.gone(event, "confirmed").increment();
            outbox.seats(event, changes);
            outbox.tell(event, new HoldNotices.Notice(visitor, holdId, "confirmed", begin.reservationId()));
            bus.publish(Addresses.DEPARTURES, Departures.of(event, "confirmed", visitor).toJson());
            LOG.debug("Hold {} of event {} confirmed as reservation {}", holdId, event, reservationId);
            return new Reservation(begin.reservationId(), begin.seats());
          });
    });
  }

  @Override
  public Future<SeatMapBody> seatMap(String event) {
    return catalog.get(event).compose(info -> maps.current(event)).map(snapshot -> snapshot.body);
  }

  @Override
  public Future<SeatDelta> seatChanges(String event, String generation, long since) {
    return catalog.get(event).compose(info -> maps.changes(event, generation, since));
  }
}
