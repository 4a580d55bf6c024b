package dev.foyer.hold;

import dev.foyer.FoyerConfig;
import dev.foyer.bus.HoldService.SeatChange;
import dev.foyer.bus.HoldService.SeatDelta;
import dev.foyer.common.ApiError;
import dev.foyer.event.EventRepository;
import dev.foyer.event.SeatLayout;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * Seat maps: the layout from PostgreSQL (kept warm, so holds go on while PostgreSQL is away), the
 * live map in Redis rebuilt from PostgreSQL's seats and sales whenever it is missing, and the map
 * the seat page loads, rendered once per version on this node ({@link SeatMapRender}).
 * <p>
 * A request for the map is answered with a rendering at least as new as Redis was when the request
 * arrived, so a visitor who just held seats sees them held. Renderings are brought up to date one
 * at a time per event: requests arriving meanwhile share the next one, which starts after the
 * current one ends and reads only what changed since (one small Redis read when nothing did). Two
 * renderings of an event start at least {@link #RENDER_GAP_MILLIS} apart, so a map whose seats
 * change all the time costs a bounded share of a core however many clients ask.
 */
final class SeatMaps {

  static final long RENDER_GAP_MILLIS = 50;
  /** Past this many changed seats a reader is better served with the whole map. */
  static final int MOST_CHANGES = 1000;
  private static final Logger LOG = LoggerFactory.getLogger(SeatMaps.class);

  private final Vertx vertx;
  private final SeatMapStore store;
  private final ReservationRepository reservations;
  private final EventRepository events;
  private final SeatCache<Cached> cache;
  private final Map<String, Future<Long>> loading = new HashMap<>();

  /** One event's seats as this node keeps them; dropped whole ({@link SeatCache}). */
  private final class Cached {
    Future<SeatPlan> plan;
    Future<SeatMapLayout> layout;
    Rendering rendering;
  }

  SeatMaps(Vertx vertx, SeatMapStore store, ReservationRepository reservations, EventRepository events,
           FoyerConfig.Caches limits) {
    this.vertx = vertx;
    this.store = store;
    this.reservations = reservations;
    this.events = events;
    this.cache = new SeatCache<>(limits.seats(), limits.idleSeconds() * 1000);
  }

  /** Drops the layout and rendering of an event that changed; the next use reads it again. */
  void forget(String event) {
    cache.remove(event);
  }

  /** Drops the events nobody used for a while. */
  void expireIdle() {
    cache.expireIdle(System.currentTimeMillis());
  }

  /** Seats of the layouts and maps this node keeps now (foyer_cached_seats). */
  long cachedSeats() {
    return cache.seats();
  }

  private Cached cached(String event) {
    return cache.touch(event, Cached::new, System.currentTimeMillis());
  }

  /** Loads the live map once at a time per event on this node; callers meanwhile share the load. */
  Future<Long> load(String event) {
    Future<Long> running = loading.get(event);
    if (running != null) {
      return running;
    }
    Future<Long> load = reservations.seatMap(event)
        .compose(map -> store.loadSeats(event, map.seats(), map.sold()))
        .compose(n -> Future.all(plan(event), reservations.standingSold(event))
            .compose(all -> {
              SeatPlan plan = all.resultAt(0);
              java.util.Map<String, Long> sold = all.resultAt(1);
              List<SeatMapStore.StandingSpec> standing = plan.plan.standing().stream()
                  .map(a -> new SeatMapStore.StandingSpec(a.section(), a.capacity(), sold.getOrDefault(a.section(), 0L)))
                  .toList();
              return store.loadRows(event, plan.token, plan.rows, standing, plan.plan);
            })
            .map(rows -> n))
        .onFailure(err -> LOG.warn("Could not load the seat map of event {}: {}", event, err.getMessage()))
        .onComplete(ar -> loading.remove(event));
    loading.put(event, load);
    return load;
  }

  /** Rebuilds the live map if Redis lost it (restarted, flushed, failed over). */
  void reloadIfMissing(String event) {
    // asking for another generation's changes is the cheapest read that tells whether the map is there
    store.changesSince(event, "", 0, 0).onSuccess(since -> {
      if (since.missing()) {
        LOG.info("The seat map of event {} is missing from Redis; rebuilding it from PostgreSQL", event);
        load(event);
      }
    });
  }

  /** The layout's plan (prices, standing areas, the rows index), read from PostgreSQL once per change of the event. */
  Future<SeatPlan> plan(String event) {
    Cached cached = cached(event);
    if (cached.plan != null) {
      return cached.plan;
    }
    Future<SeatPlan> plan = events.layout(event).compose(spec -> spec == null
        ? Future.failedFuture(ApiError.notFound("unknown_event", "there is no event '" + event + "'"))
        : vertx.executeBlocking(() -> new SeatPlan(SeatLayout.plan(spec)), false));
    cached.plan = plan;
    plan.onComplete(ar -> {
      if (ar.succeeded()) {
        cache.weigh(event, cached, ar.result().plan.seats().size());
      } else if (cached.plan == plan) {
        cached.plan = null;
      }
    });
    return plan;
  }

  /** The layout compiled for rendering, read from PostgreSQL once per change of the event. */
  Future<SeatMapLayout> layout(String event) {
    Cached cached = cached(event);
    if (cached.layout != null) {
      return cached.layout;
    }
    Future<SeatMapLayout> compiled = Future.all(events.seats(event), plan(event))
        .compose(all -> vertx.executeBlocking(() -> SeatMapLayout.compile(all.resultAt(0),
            all.<SeatPlan>resultAt(1).plan), false));
    cached.layout = compiled;
    compiled.onFailure(err -> {
      if (cached.layout == compiled) {
        cached.layout = null;
      }
    });
    return compiled;
  }

  /** The map now: a rendering at least as new as every seat change made before this call. */
  Future<SeatMapRender.Snapshot> current(String event) {
    Cached cached = cached(event);
    if (cached.rendering == null) {
      cached.rendering = new Rendering(event);
    }
    return cached.rendering.next();
  }

  /** The seats changed after version {@code since} of {@code generation}, or that the whole map is needed. */
  Future<SeatDelta> changes(String event, String generation, long since) {
    return store.changesSince(event, generation, since, MOST_CHANGES).compose(s -> {
      if (s.missing()) {
        return load(event).map(n -> new SeatDelta(true, "", 0, List.of()));
      }
      if (s.reset()) {
        return Future.succeededFuture(new SeatDelta(true, s.generation(), s.version(), List.of()));
      }
      return Future.succeededFuture(new SeatDelta(false, s.generation(), s.version(),
          s.changes().stream().map(c -> new SeatChange(c.seat(), c.status(), c.version())).toList()));
    });
  }

  /** One event's renderings on this node: the latest, and the one under way. */
  private final class Rendering {
    private final String event;
    private SeatMapRender.Snapshot latest;
    private Promise<SeatMapRender.Snapshot> running;
    private Promise<SeatMapRender.Snapshot> waiting;
    private long renderStartedAt;
    private boolean rendered;

    Rendering(String event) {
      this.event = event;
    }

    Future<SeatMapRender.Snapshot> next() {
      if (running == null) {
        running = Promise.promise();
        Future<SeatMapRender.Snapshot> future = running.future();
        run(running);
        return future;
      }
      // the one under way may have read Redis before this caller's change: wait for the one after
      if (waiting == null) {
        waiting = Promise.promise();
      }
      return waiting.future();
    }

    private void run(Promise<SeatMapRender.Snapshot> promise) {
      rendered = false;
      Future<SeatMapRender.Snapshot> update;
      try {
        update = update();
      } catch (RuntimeException e) {
        update = Future.failedFuture(e);
      }
      update.onComplete(ar -> {
        if (ar.succeeded()) {
          latest = ar.result();
        }
        promise.handle(ar);
        Promise<SeatMapRender.Snapshot> after = waiting;
        waiting = null;
        running = after;
        if (after == null) {
          return;
        }
        long wait = rendered ? renderStartedAt + RENDER_GAP_MILLIS - System.currentTimeMillis() : 0;
        if (wait > 0) {
          vertx.setTimer(wait, id -> run(after));
        } else {
          run(after);
        }
      });
    }

    private Future<SeatMapRender.Snapshot> update() {
      return layout(event).compose(layout -> {
        SeatMapRender.Snapshot before = latest;
        if (before == null || before.layout != layout) {
          return whole(layout);
        }
        return store.changesSince(event, before.generation, before.version, MOST_CHANGES).compose(since -> {
          if (since.missing() || since.reset()) {
            return whole(layout);
          }
          if (since.version() == before.version) {
            return Future.succeededFuture(before);
          }
          return render(() -> SeatMapRender.next(before, since.version(), since.changes()));
        });
      });
    }

    private Future<SeatMapRender.Snapshot> whole(SeatMapLayout layout) {
      return store.statuses(event)
          .compose(statuses -> statuses != null ? Future.succeededFuture(statuses)
              : load(event).compose(n -> store.statuses(event)))
          .compose(statuses -> statuses == null
              ? Future.failedFuture(new ApiError(503, "dependency_down", "the seat map is not loaded yet; try again"))
              : render(() -> SeatMapRender.full(layout, statuses.generation(), statuses.version(), statuses.held(),
                  statuses.sold())));
    }

    /** Off the event loop: a whole 50,000-seat map takes tens of milliseconds to compress. */
    private Future<SeatMapRender.Snapshot> render(Callable<SeatMapRender.Snapshot> work) {
      rendered = true;
      renderStartedAt = System.currentTimeMillis();
      return vertx.executeBlocking(work, false);
    }
  }
}
