package dev.foyer.hold;

import dev.foyer.bus.Addresses;
import dev.foyer.bus.Departures;
import dev.foyer.bus.HoldNotices;
import dev.foyer.bus.HoldService;
import dev.foyer.bus.HoldService.BestAsk;
import dev.foyer.bus.HoldService.HoldAsk;
import dev.foyer.bus.HoldService.StandingAsk;
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
  public Future<Held> hold(String event, String visitor, HoldAsk ask, String idempotencyKey) {
    return catalog.get(event).compose(info -> maps.plan(event).compose(plan -> {
      int most = info.settings().maxSeatsPerHold();
      if (ask.count() > most) {
        return Future.failedFuture(new ApiError(422, "too_many_seats", "at most " + most + " seats per hold"));
      }
      long now = System.currentTimeMillis();
      long expiresAt = now + info.settings().holdSeconds() * 1000L;
      String holdId = idempotencyKey == null ? QueueTokens.newVisitorId() : holdId(event, visitor, idempotencyKey);
      Future<Held> held;
      if (ask.best() != null) {
        held = best(event, visitor, holdId, now, expiresAt, ask.best(), plan);
      } else if (ask.standing() != null) {
        held = standing(event, visitor, holdId, now, expiresAt, ask.standing(), plan);
      } else {
        held = exact(event, visitor, holdId, now, expiresAt, ask.seats(), plan);
      }
      return held.onSuccess(h -> {
        outbox.tell(event, visitor, holdId, "held");
        Metrics.holds(event, "created").increment();
      });
    }));
  }

  private Future<Held> exact(String event, String visitor, String holdId, long now, long expiresAt, List<String> seats,
                             SeatPlan plan) {
    return store.hold(event, visitor, holdId, now, expiresAt, seats)
        .compose(outcome -> outcome.result().equals("seats_not_loaded")
            ? maps.load(event).compose(n -> store.hold(event, visitor, holdId, now, expiresAt, seats))
            : Future.succeededFuture(outcome))
        .compose(outcome -> {
          if (!outcome.ok()) {
            return Future.failedFuture(holdError(outcome.result(), outcome.seats()));
          }
          replaced(event, visitor, holdId, outcome.changes(), outcome.holdId());
          return Future.succeededFuture(new Held(holdId, seats, expiresAt, null, false, null, 0, plan.seats(seats)));
        });
  }

  private Future<Held> best(String event, String visitor, String holdId, long now, long expiresAt, BestAsk ask,
                            SeatPlan plan) {
    if (!ask.category().isEmpty() && !plan.hasCategory(ask.category())) {
      return Future.failedFuture(ApiError.badRequest("unknown_category", "there is no category '" + ask.category()
          + "' on this map"));
    }
    if (!ask.section().isEmpty() && !plan.seated(ask.section())) {
      return Future.failedFuture(ApiError.badRequest("unknown_section", "there is no section of seats named '"
          + ask.section() + "' on this map"));
    }
    return bestTry(event, visitor, holdId, now, expiresAt, ask, 3).compose(best -> {
      if (!best.ok()) {
        return Future.failedFuture(holdError(best.result(), List.of()));
      }
      replaced(event, visitor, holdId, best.changes(), best.replaced());
      return Future.succeededFuture(new Held(holdId, best.seats(), best.expiresAt(), best.placement(),
          best.otherSection(), null, 0, plan.seats(best.seats())));
    });
  }

  /** One best-available step; a map not loaded yet is loaded, an index found out of step asked again. */
  private Future<HoldStore.Best> bestTry(String event, String visitor, String holdId, long now, long expiresAt,
                                         BestAsk ask, int tries) {
    return store.best(event, visitor, holdId, now, expiresAt, ask).compose(best -> {
      if (tries > 1 && best.result().equals("seats_not_loaded")) {
        return maps.load(event).compose(n -> bestTry(event, visitor, holdId, now, expiresAt, ask, tries - 1));
      }
      if (tries > 1 && best.result().equals("index_stale")) {
        LOG.warn("The rows index of event {} was out of step with a seat; asking again", event);
        return bestTry(event, visitor, holdId, now, expiresAt, ask, tries - 1);
      }
      return Future.succeededFuture(best);
    });
  }

  private Future<Held> standing(String event, String visitor, String holdId, long now, long expiresAt,
                                StandingAsk ask, SeatPlan plan) {
    if (plan.plan.standing(ask.section()) == null) {
      return Future.failedFuture(ApiError.badRequest("unknown_section", "there is no standing area named '"
          + ask.section() + "' on this map"));
    }
    return store.standing(event, visitor, holdId, now, expiresAt, ask.section(), ask.count())
        .compose(outcome -> outcome.result().equals("seats_not_loaded")
            ? maps.load(event).compose(n -> store.standing(event, visitor, holdId, now, expiresAt, ask.section(), ask.count()))
            : Future.succeededFuture(outcome))
        .compose(outcome -> {
          if (outcome.result().equals("standing_full")) {
            return Future.failedFuture(new ApiError(409, "standing_full", "standing area " + ask.section()
                + " has " + outcome.left() + " places left", new JsonObject().put("left", outcome.left())));
          }
          if (!outcome.ok()) {
            return Future.failedFuture(holdError(outcome.result(), List.of()));
          }
          replaced(event, visitor, holdId, outcome.changes(), outcome.replaced());
          return Future.succeededFuture(new Held(holdId, List.of(), outcome.expiresAt(), null, false, ask,
              outcome.left(), plan.standing(ask.section(), ask.count())));
        });
  }

  private void replaced(String event, String visitor, String holdId, HoldStore.Changes changes, String replaced) {
    outbox.seats(event, changes);
    if (replaced != null && !replaced.isEmpty() && !replaced.equals(holdId)) {
      outbox.tell(event, visitor, replaced, "replaced");
    }
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

  private static ApiError holdError(String result, List<String> seats) {
    JsonObject named = new JsonObject().put("seats", new JsonArray(new ArrayList<Object>(seats)));
    return switch (result) {
      case "not_admitted" -> new ApiError(403, "not_admitted", "only an admitted visitor, while active, can hold seats");
      case "unknown_seats" -> new ApiError(400, "unknown_seats", "these seats are not on the map", named);
      case "seats_unavailable" -> new ApiError(409, "seats_unavailable", "some of these seats are taken", named);
      case "confirm_in_progress" -> new ApiError(409, "confirm_in_progress", "your current hold is being confirmed");
      case "companion_without_wheelchair" -> new ApiError(400, "companion_without_wheelchair",
          "a companion seat is held together with the wheelchair seat next to it", named);
      case "not_enough_seats" -> new ApiError(409, "not_enough_seats",
          "there are not that many seats left together (in adjacent rows at most) for this request");
      case "unknown_section" -> ApiError.badRequest("unknown_section", "there is no such standing area on this map");
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
    return maps.plan(event).compose(plan -> store.confirmBegin(event, holdId, visitor, now, now + FENCE_MILLIS,
        fresh.toString()).compose(begin -> {
      switch (begin.result()) {
        case "confirmed":
          return Future.succeededFuture(reservation(plan, begin.reservationId(), begin.seats()));
        case "not_your_hold":
          return Future.failedFuture(new ApiError(403, "not_your_hold", "this hold belongs to someone else"));
        case "expired":
          // Redis no longer knows the hold; PostgreSQL may know it was sold (a lost answer, a wiped Redis)
          return reservations.sale(event, holdId, visitor).compose(sale -> sale != null
              ? Future.succeededFuture(reservation(plan, sale.reservationId(), sale.seats()))
              : Future.failedFuture(new ApiError(410, "hold_expired",
                  "this hold has expired or was released; pick your seats again")));
        default:
          break;
      }
      UUID reservationId = UUID.fromString(begin.reservationId());
      Reservation reservation = reservation(plan, begin.reservationId(), begin.seats());
      SeatPlan.StandingToken standing = SeatPlan.standingToken(begin.seats());
      Future<Void> sale;
      if (standing != null) {
        var area = plan.plan.standing(standing.section());
        sale = area == null
            ? Future.failedFuture(new ApiError(409, "standing_full", "standing area " + standing.section()
                + " is no longer on the map"))
            : reservations.reserveStanding(event, holdId, visitor, reservationId, standing.section(), standing.count(),
                area.capacity(), reservation.priced(), now + COMMIT_DEADLINE_MILLIS);
      } else {
        sale = reservations.reserve(event, holdId, visitor, reservationId, reservation.priced(),
            now + COMMIT_DEADLINE_MILLIS);
      }
      return sale
          .compose(v -> store.confirmEnd(event, holdId, begin.reservationId(), visitor, begin.seats(),
              reservation.priced()))
          .map(changes -> {
            Metrics.holds(event, "confirmed").increment();
            Metrics.gone(event, "confirmed").increment();
            outbox.seats(event, changes);
            outbox.tell(event, new HoldNotices.Notice(visitor, holdId, "confirmed", begin.reservationId()));
            bus.publish(Addresses.DEPARTURES, Departures.of(event, "confirmed", visitor).toJson());
            LOG.debug("Hold {} of event {} confirmed as reservation {}", holdId, event, reservationId);
            return reservation;
          });
    }));
  }

  /** A reservation's answer: its seats (or standing places) with what each costs. */
  private static Reservation reservation(SeatPlan plan, String reservationId, List<String> seats) {
    SeatPlan.StandingToken standing = SeatPlan.standingToken(seats);
    if (standing != null) {
      return new Reservation(reservationId, List.of(), new StandingAsk(standing.section(), standing.count()),
          plan.standing(standing.section(), standing.count()));
    }
    return new Reservation(reservationId, seats, null, plan.seats(seats));
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
