package dev.foyer.queue;

import dev.foyer.FoyerConfig;
import dev.foyer.common.ClusterNodes;
import dev.foyer.common.Metrics;
import dev.foyer.common.Stores;
import dev.foyer.event.EventCatalog;
import dev.foyer.event.EventInfo;
import dev.foyer.event.EventRepository;
import dev.foyer.event.EventSettings;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.Lock;
import io.vertx.redis.client.Redis;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Periodic admission. For each event this node holds the cluster lock of, it ticks every
 * {@code tickMillis}: expire active visitors past their time, admit waiting ones in join order within
 * capacity and rate, publish who was admitted and the event's progress. The lock keeps one node
 * ticking each event; correctness does not rest on it, the admission script is atomic.
 */
public class QueueVerticle extends AbstractVerticle {

  /**
   * Published once per tick that admitted anyone: {event, node, activeUntil, admittedTotal, visitors},
   * visitors in join order; admittedTotal orders batches from different ticks.
   */
  public static final String ADMISSIONS = "foyer.internal.admissions";
  /** Every recorded gate decision: {event, node, tick, queueing, flipped, rate, mode, at}. */
  public static final String GATE_DECISIONS = "foyer.internal.gate-decisions";
  /** Published when visitors leave the active set or the line: {event, reason, visitors}. */
  public static final String DEPARTURES = "foyer.internal.departures";
  static final long EVENT_REFRESH_MILLIS = 5000;

  private static final Logger LOG = LoggerFactory.getLogger(QueueVerticle.class);

  private final FoyerConfig config;
  private Redis redis;
  private Pool pg;
  private QueueStore store;
  private EventRepository events;
  private final Map<String, EventInfo> known = new HashMap<>();
  private final Map<String, Lock> locks = new HashMap<>();
  private final Set<String> lockRequests = new HashSet<>();
  private final Set<String> ticking = new HashSet<>();
  private final Map<String, EventGauges> gauges = new HashMap<>();
  private boolean redisDown;
  private boolean pgDown;
  private boolean stopping;
  /**
   * When this node last started or got Redis back. Presence leases could not be renewed while
   * Redis was away, so nobody is reaped until a full grace period has passed since then.
   */
  private long healthySince = System.currentTimeMillis();

  public QueueVerticle(FoyerConfig config) {
    this.config = config;
  }

  public static String progressAddress(String event) {
    return "foyer.event." + event;
  }

  @Override
  public void start(Promise<Void> started) {
    redis = Stores.redis(vertx, config);
    pg = Stores.pg(vertx, config, "queue", 2);
    store = new QueueStore(redis, config.keyPrefix());
    events = new EventRepository(pg);
    vertx.eventBus().<String>consumer(EventCatalog.CHANGED, this::onEventChanged);
    vertx.setPeriodic(config.tickMillis(), id -> tickAll());
    vertx.setPeriodic(EVENT_REFRESH_MILLIS, id -> refreshEvents());
    refreshEvents().onComplete(ar -> started.complete());
  }

  @Override
  public void stop(Promise<Void> stopped) {
    stopping = true;
    locks.forEach((event, lock) -> {
      lock.release();
      LOG.info("Released the admission lock of event {}", event);
    });
    locks.clear();
    Future.join(redis.close(), pg.close()).onComplete(ar -> stopped.complete());
  }

  private void onEventChanged(Message<String> message) {
    String id = message.body();
    events.find(id).onSuccess(event -> {
      if (event != null) {
        known.put(id, event);
        claim(id);
      }
    });
  }

  private Future<Void> refreshEvents() {
    return events.list()
        .onSuccess(list -> {
          if (pgDown) {
            pgDown = false;
            LOG.info("PostgreSQL is reachable again");
          }
          known.clear();
          list.forEach(e -> known.put(e.id(), e));
          known.keySet().forEach(this::claim);
        })
        .onFailure(err -> {
          if (!pgDown) {
            pgDown = true;
            LOG.warn("PostgreSQL is unreachable, events cannot be reloaded; ticks go on with what this node knows: {}",
                err.getMessage());
          }
        })
        .<Void>mapEmpty()
        .recover(err -> Future.succeededFuture());
  }

  /** Tries, without waiting, to become the node that ticks this event. */
  private void claim(String event) {
    if (!config.lockEvents() || stopping || locks.containsKey(event) || !lockRequests.add(event)) {
      return;
    }
    vertx.sharedData().getLockWithTimeout("foyer.admission." + event, 10)
        .onComplete(ar -> {
          lockRequests.remove(event);
          if (ar.succeeded()) {
            if (stopping) {
              ar.result().release();
              return;
            }
            locks.put(event, ar.result());
            LOG.info("This node now runs admission for event {}", event);
          }
        });
  }

  private boolean owns(String event) {
    return !config.lockEvents() || locks.containsKey(event);
  }

  private void tickAll() {
    for (EventInfo event : new ArrayList<>(known.values())) {
      if (owns(event.id()) && ticking.add(event.id())) {
        tick(event).onComplete(ar -> ticking.remove(event.id()));
      }
    }
  }

  /** One tick of one event: the opening if due, the gate's decision, admission, reaping. */
  private Future<Void> tick(EventInfo event) {
    EventSettings settings = event.settings();
    long now = System.currentTimeMillis();
    return openIfDue(event, now)
        .compose(v -> decideGate(event, now))
        .compose(gate -> store.admit(event.id(), now, settings).map(result -> {
          if (redisDown) {
            redisDown = false;
            healthySince = System.currentTimeMillis();
            LOG.info("Redis is reachable again; admission ticks resumed");
          }
          publish(event, result, gate, now);
          return result;
        }))
        .compose(result -> reap(event, now))
        .onFailure(err -> {
          if (!redisDown) {
            redisDown = true;
            LOG.warn("Admission tick for event {} failed, ticks are skipped until Redis answers: {}",
                event.id(), err.getMessage());
          }
        })
        .mapEmpty();
  }

  private Future<Void> openIfDue(EventInfo event, long now) {
    if (event.opensAt() == null || now < event.opensAtMillis()) {
      return Future.succeededFuture();
    }
    return store.open(event.id(), event.settings().opening(), event.openingSeed()).map(moved -> {
      if (moved >= 0) {
        LOG.info("Event {} opened: {} visitors of the pre-queue moved into the line in {} order",
            event.id(), moved, event.settings().opening().wire());
      }
      return null;
    });
  }

  /** The gate's state after this tick's decision, with the rate it was made from. */
  record GateNow(boolean queueing, long rate) {
  }

  /**
   * One decision per event per tick for the whole cluster: any node may compute it, the first to
   * record it for this tick wins, and the others read it back.
   */
  private Future<GateNow> decideGate(EventInfo event, long now) {
    EventSettings settings = event.settings();
    return store.readGate(event.id(), now).compose(reading -> {
      boolean current = reading.queueing() != null ? reading.queueing() : settings.gate() == EventSettings.Gate.ON;
      Gate.Decision decision = Gate.decide(settings, new Gate.State(current, reading.flippedAt()), reading.rate(), now);
      long tick = now / config.tickMillis();
      return store.applyGate(event.id(), tick, reading.queueing(), decision.queueing(), now).map(applied -> {
        if (!applied) {
          return new GateNow(current, reading.rate());
        }
        if (decision.flipped() && reading.queueing() != null) {
          LOG.info("Gate of event {} turned {}: {}", event.id(),
              decision.queueing() ? "on (joiners wait in line)" : "off (joiners pass straight in)", decision.why());
        }
        vertx.eventBus().publish(GATE_DECISIONS, new JsonObject()
            .put("event", event.id()).put("node", ClusterNodes.id(vertx)).put("tick", tick)
            .put("queueing", decision.queueing()).put("flipped", decision.flipped() && reading.queueing() != null)
            .put("rate", reading.rate()).put("mode", settings.gate().wire()).put("at", now));
        return new GateNow(decision.queueing(), reading.rate());
      });
    });
  }

  /** Visitors gone for longer than graceSeconds leave the line or the active set. */
  private Future<Void> reap(EventInfo event, long now) {
    long grace = event.settings().graceSeconds() * 1000L;
    if (now - healthySince < grace) {
      return Future.succeededFuture();
    }
    return store.reap(event.id(), now - grace).onSuccess(removed -> {
      if (!removed.isEmpty()) {
        Metrics.gone(event.id(), "disconnected").increment(removed.size());
        LOG.debug("{} visitors of event {} disconnected for more than {} s: their places are freed",
            removed.size(), event.id(), event.settings().graceSeconds());
        vertx.eventBus().publish(DEPARTURES, new JsonObject()
            .put("event", event.id())
            .put("reason", "disconnected")
            .put("visitors", new JsonArray(new ArrayList<Object>(removed))));
      }
    }).mapEmpty();
  }

  private void publish(EventInfo event, TickResult result, GateNow gate, long now) {
    gauges(event.id()).update(result, gate);
    if (!result.admitted().isEmpty()) {
      vertx.eventBus().publish(ADMISSIONS, new JsonObject()
          .put("event", event.id())
          .put("node", ClusterNodes.id(vertx))
          .put("activeUntil", result.activeUntil())
          .put("admittedTotal", result.admittedTotal())
          .put("visitors", new JsonArray(new ArrayList<>(result.admitted()))));
    }
    if (!result.expired().isEmpty()) {
      Metrics.gone(event.id(), "expired").increment(result.expired().size());
      vertx.eventBus().publish(DEPARTURES, new JsonObject()
          .put("event", event.id())
          .put("reason", "expired")
          .put("visitors", new JsonArray(new ArrayList<Object>(result.expired()))));
    }
    if (config.lockEvents()) {
      vertx.eventBus().publish(progressAddress(event.id()), progress(event, result, gate, now));
    }
  }

  static JsonObject progress(EventInfo event, TickResult result, GateNow gate, long now) {
    return new JsonObject()
        .put("type", "progress")
        .put("waiting", result.waiting())
        .put("active", result.active())
        .put("admittedTotal", result.admittedTotal())
        .put("admitPerMinute", event.settings().admitPerMinute())
        .put("queueing", gate.queueing())
        .put("rate", gate.rate())
        .put("at", now);
  }

  private EventGauges gauges(String event) {
    return gauges.computeIfAbsent(event, EventGauges::new);
  }


}
