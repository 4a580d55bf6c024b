package dev.foyer.hold;

import dev.foyer.FoyerConfig;
import dev.foyer.bus.Addresses;
import dev.foyer.bus.Departures;
import dev.foyer.bus.EventChanges;
import dev.foyer.bus.HoldService;
import dev.foyer.common.Backends;
import dev.foyer.common.Metrics;
import dev.foyer.common.OutageLog;
import dev.foyer.event.EventCatalog;
import dev.foyer.event.UnknownEvents;
import dev.foyer.event.EventInfo;
import dev.foyer.event.EventRepository;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Redis;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The seat-hold room: serves {@link HoldService} to this node's ingress, expires holds within a
 * quarter second, releases the holds of visitors who are gone, keeps every event's seat map in
 * Redis, and sends seat changes and hold notices in batches.
 */
public class HoldVerticle extends VerticleBase {

  static final long EXPIRY_SWEEP_MILLIS = 250;
  static final long FLUSH_MILLIS = 100;
  static final long EVENT_REFRESH_MILLIS = 5000;
  private static final Logger LOG = LoggerFactory.getLogger(HoldVerticle.class);

  private final FoyerConfig config;
  private Backends backends;
  private HoldStore store;
  private SeatMapStore seatMap;
  private EventRepository events;
  private EventCatalog catalog;
  private SeatMaps maps;
  private Outbox outbox;
  private Holds holds;
  private final Set<String> known = new HashSet<>();
  private final Set<String> sweeping = new HashSet<>();
  private final Map<String, SeatGauges> seatGauges = new HashMap<>();
  private final OutageLog redisOutage = new OutageLog(LOG);
  private boolean stopping;

  public HoldVerticle(FoyerConfig config) {
    this.config = config;
  }

  @Override
  public Future<?> start() {
    backends = Backends.open(vertx, config.redis(), config.pg(), "hold", 4);
    Redis redis = backends.redis();
    Pool pg = backends.pg();
    store = new HoldStore(redis, config.keyPrefix());
    seatMap = new SeatMapStore(redis, config.keyPrefix());
    events = new EventRepository(pg);
    catalog = new EventCatalog(events, UnknownEvents.of(vertx));
    maps = new SeatMaps(vertx, seatMap, new ReservationRepository(pg), events, config.caches());
    Metrics.cachedSeats(maps::cachedSeats);
    outbox = new Outbox(vertx.eventBus());
    holds = new Holds(store, new ReservationRepository(pg), catalog, maps, outbox, vertx.eventBus());
    EventChanges.follow(vertx, this::onEventChanged);
    vertx.eventBus().<JsonObject>consumer(Addresses.DEPARTURES, this::onDepartures);
    // Redis lost the event's state: the seat map (seats, sales) comes back from PostgreSQL at once
    vertx.eventBus().<JsonObject>consumer(Addresses.LINE_RESETS, msg -> maps.load(msg.body().getString("event")));
    vertx.setPeriodic(EXPIRY_SWEEP_MILLIS, id -> expireAll());
    vertx.setPeriodic(FLUSH_MILLIS, id -> outbox.flush());
    vertx.setPeriodic(EVENT_REFRESH_MILLIS, id -> refreshEvents(false));
    vertx.setPeriodic(EVENT_REFRESH_MILLIS, id -> countSeats());
    // idle events go within a tenth of the idle time past it (and within a minute)
    vertx.setPeriodic(Math.max(100, Math.min(60_000, config.caches().idleSeconds() * 100)), id -> maps.expireIdle());
    refreshEvents(true);
    return HoldService.serve(vertx, holds).completion();
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    outbox.flush();
    return backends.close();
  }

  private void onDepartures(Message<JsonObject> message) {
    Departures batch = Departures.fromJson(message.body());
    if (!"confirmed".equals(batch.reason())) {
      batch.visitors().forEach(visitor -> holds.releaseAllOf(batch.event(), visitor));
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
          if (stopping) {
            return; // the sweep ran into the closing client: nothing is wrong with Redis
          }
          redisOutage.failed("Hold expiry sweep failed, retrying every {} ms: {}", EXPIRY_SWEEP_MILLIS,
              ar.cause().getMessage());
          return;
        }
        redisOutage.recovered("Hold expiry sweeps run again");
        outbox.seats(event, ar.result().changes());
        if (!ar.result().holds().isEmpty()) {
          Metrics.holds(event, "expired").increment(ar.result().holds().size());
        }
        for (String[] hold : ar.result().holds()) {
          outbox.tell(event, hold[1], hold[0], "expired");
        }
      });
    }
  }

  /** Current once the live map is in Redis and the settings are read again (the layout is read on use). */
  private Future<Void> onEventChanged(String event) {
    catalog.invalidate(event);
    maps.forget(event);
    known.add(event);
    // keep a warm copy of the settings: holds must go on while PostgreSQL is away
    Future<EventInfo> settings = events.find(event).onSuccess(info -> {
      if (info != null) {
        catalog.remember(info);
      }
    });
    return Future.join(maps.load(event), settings).mapEmpty();
  }

  /** Keeps the list of events current and the seat maps in Redis, reloading any Redis lost. */
  private void refreshEvents(boolean loadAll) {
    events.list().onSuccess(list -> {
      for (EventInfo e : list) {
        catalog.remember(e);
        boolean isNew = known.add(e.id());
        if (loadAll || isNew) {
          maps.load(e.id());
        } else {
          maps.reloadIfMissing(e.id());
        }
      }
    });
  }

  /** Keeps foyer_seats{event,status} current for the events this node knows. */
  private void countSeats() {
    for (String event : known) {
      seatMap.counts(event).onSuccess(c -> seatGauges.computeIfAbsent(event, SeatGauges::new).set(c));
    }
  }
}
