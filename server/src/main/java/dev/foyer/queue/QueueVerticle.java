package dev.foyer.queue;

import dev.foyer.FoyerConfig;
import dev.foyer.bus.Addresses;
import dev.foyer.bus.Admissions;
import dev.foyer.bus.Departures;
import dev.foyer.bus.EventChanges;
import dev.foyer.bus.LineReset;
import dev.foyer.bus.Progress;
import dev.foyer.common.Backends;
import dev.foyer.common.ClusterNodes;
import dev.foyer.common.Metrics;
import dev.foyer.common.OutageLog;
import dev.foyer.event.EventInfo;
import dev.foyer.event.EventRepository;
import dev.foyer.event.EventSettings;
import dev.foyer.line.GateKeeper;
import dev.foyer.line.LaneStore;
import dev.foyer.line.Lanes;
import dev.foyer.line.QueueStore;
import dev.foyer.line.TickResult;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
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
 * {@code tickMillis}: the opening if due, the gate's decision, expiry of active visitors past their
 * time, admission in join order within capacity and rate, reaping of visitors gone too long, and
 * the event's progress. The lock keeps one node ticking each event; correctness does not rest on
 * it, the admission script is atomic.
 */
public class QueueVerticle extends VerticleBase {

  static final long EVENT_REFRESH_MILLIS = 5000;
  private static final Logger LOG = LoggerFactory.getLogger(QueueVerticle.class);

  private final FoyerConfig config;
  private final Ticking ticking;
  private Backends backends;
  private QueueStore line;
  private LaneStore lanes;
  private GateKeeper gate;
  private EventRepository events;
  private Generations generations;
  private StockWatch stockWatch;
  /** Each event's last tick here: what a reset lost, as far as anyone can still tell. */
  private final Map<String, TickResult> lastTick = new HashMap<>();
  private final Map<String, EventInfo> known = new HashMap<>();
  private final Map<String, Lock> locks = new HashMap<>();
  private final Set<String> lockRequests = new HashSet<>();
  private final Set<String> inTick = new HashSet<>();
  private final Map<String, EventGauges> gauges = new HashMap<>();
  private final OutageLog redisOutage = new OutageLog(LOG);
  private final OutageLog pgOutage = new OutageLog(LOG);
  private boolean stopping;
  /**
   * When this node last started or got Redis back. Presence leases could not be renewed while
   * Redis was away, so nobody is reaped until a full grace period has passed since then.
   */
  private long healthySince = System.currentTimeMillis();

  public QueueVerticle(FoyerConfig config, Ticking ticking) {
    this.config = config;
    this.ticking = ticking;
  }

  @Override
  public Future<?> start() {
    backends = Backends.open(vertx, config.redis(), config.pg(), "queue", 2);
    Redis redis = backends.redis();
    Pool pg = backends.pg();
    line = new QueueStore(redis, config.keyPrefix());
    lanes = new LaneStore(redis, config.keyPrefix());
    stockWatch = new StockWatch(vertx, new dev.foyer.line.StockStore(redis, config.keyPrefix()));
    gate = new GateKeeper(redis, config.keyPrefix());
    events = new EventRepository(pg);
    generations = new Generations(pg, line);
    EventChanges.follow(vertx, this::onEventChanged);
    vertx.setPeriodic(config.tickMillis(), id -> tickAll());
    vertx.setPeriodic(EVENT_REFRESH_MILLIS, id -> refreshEvents());
    return refreshEvents();
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    locks.forEach((event, lock) -> {
      lock.release();
      LOG.info("Released the admission lock of event {}", event);
    });
    locks.clear();
    return backends.close();
  }

  /** The next tick of the event runs with its new settings: the change is answered only after this read. */
  private Future<Void> onEventChanged(String id) {
    return events.find(id).onSuccess(event -> {
      if (event != null) {
        known.put(id, event);
        claim(id);
      }
    }).mapEmpty();
  }

  /** Never fails: while PostgreSQL is away, ticks go on with the events this node knows. */
  private Future<Void> refreshEvents() {
    return events.list()
        .onSuccess(list -> {
          pgOutage.recovered("PostgreSQL is reachable again");
          known.clear();
          list.forEach(e -> known.put(e.id(), e));
          known.keySet().forEach(this::claim);
        })
        .onFailure(err -> pgOutage.failed(
            "PostgreSQL is unreachable, events cannot be reloaded; ticks go on with what this node knows: {}",
            err.getMessage()))
        .<Void>mapEmpty()
        .otherwiseEmpty();
  }

  /** Tries, without waiting, to become the node that ticks this event. */
  private void claim(String event) {
    if (ticking == Ticking.EVERY_NODE || stopping || locks.containsKey(event) || !lockRequests.add(event)) {
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
    return ticking == Ticking.EVERY_NODE || locks.containsKey(event);
  }

  private void tickAll() {
    for (EventInfo event : new ArrayList<>(known.values())) {
      if (owns(event.id()) && inTick.add(event.id())) {
        tick(event).onComplete(ar -> inTick.remove(event.id()));
      }
    }
  }

  /** One tick of one event: the opening if due, the gate's decision, admission, reaping. */
  private Future<Void> tick(EventInfo event) {
    long now = System.currentTimeMillis();
    return openIfDue(event, now)
        .compose(v -> decideGate(event, now))
        .compose(verdict -> line.admit(event.id(), now, event.settings()).map(result -> {
          if (redisOutage.recovered("Redis is reachable again; admission ticks resumed")) {
            healthySince = System.currentTimeMillis();
          }
          publish(event, result, verdict, now);
          stockWatch.ticked(event, result, now);
          return result;
        }))
        .compose(result -> generations.check(event.id(), result.generation())
            .otherwise((Generations.Reset) null) // PostgreSQL away: look again next tick
            .onSuccess(reset -> {
              if (reset != null) {
                announce(event, reset, now);
              }
              lastTick.put(event.id(), result);
            }))
        .compose(result -> reap(event, now))
        .onFailure(err -> redisOutage.failed(
            "Admission tick for event {} failed, ticks are skipped until Redis answers: {}", event.id(),
            err.getMessage()))
        .mapEmpty();
  }

  private Future<Void> openIfDue(EventInfo event, long now) {
    if (!event.settings().lanes().isEmpty()) {
      return openLanesIfDue(event, now);
    }
    if (event.opensAt() == null || now < event.opensAtMillis()) {
      return Future.succeededFuture();
    }
    return line.open(event.id(), event.settings().opening(), event.openingSeed()).map(moved -> {
      if (moved >= 0) {
        LOG.info("Event {} opened: {} visitors of the pre-queue moved into the line in {} order",
            event.id(), moved, event.settings().opening().wire());
      }
      return null;
    });
  }

  /** Each lane opens at its own time: its pre-queue moves into its part of the line. */
  private Future<Void> openLanesIfDue(EventInfo event, long now) {
    List<String> due = Lanes.due(event.settings(), event.opensAtMillis(), now);
    if (due.isEmpty()) {
      return Future.succeededFuture();
    }
    return lanes.open(event.id(), due, event.settings().opening(), event.openingSeed()).map(opened -> {
      opened.forEach((lane, moved) -> LOG.info("Lane {} of event {} opened: {} visitors of its pre-queue moved "
          + "into the line in {} order", lane, event.id(), moved, event.settings().opening().wire()));
      return null;
    });
  }

  private Future<GateKeeper.Verdict> decideGate(EventInfo event, long now) {
    long tick = now / config.tickMillis();
    return gate.decide(event, now, tick).onSuccess(verdict -> {
      if (verdict.flippedBecause() != null) { // only the decision recorded for the tick flips
        LOG.info("Gate of event {} turned {}: {}", event.id(),
            verdict.queueing() ? "on (joiners wait in line)" : "off (joiners pass straight in)",
            verdict.flippedBecause());
      }
    });
  }

  /** One alarm in words an operator can act on, a metric, and every node told. */
  private void announce(EventInfo event, Generations.Reset reset, long now) {
    TickResult before = lastTick.get(event.id());
    Metrics.resets(event.id()).increment();
    events.soldCount(event.id()).otherwise(-1L).onSuccess(sold -> LOG.error(
        "Redis lost the live state of event {}: its line, admitted visitors and holds are gone ({}); "
            + "settings, the seat map and {} sold seats are kept in PostgreSQL and rebuilt from it; connected "
            + "visitors are told to join again (generation {} replaced by {})", event.id(),
        before == null ? "this node had not ticked it yet"
            : "at the last tick here " + before.waiting() + " waiting and " + before.active() + " admitted",
        sold < 0 ? "the" : sold, reset.lost(), reset.fresh()));
    vertx.eventBus().publish(Addresses.LINE_RESETS, new LineReset(event.id(), reset.lost(), reset.fresh(), now).toJson());
  }

  /**
   * Visitors not seen for longer than graceSeconds: admitted ones leave and free the slot, those in
   * line become away (keeping the place, skipped by admission); away longer than awaySeconds, they
   * leave the line.
   */
  private Future<Void> reap(EventInfo event, long now) {
    EventSettings settings = event.settings();
    long grace = settings.graceSeconds() * 1000L;
    if (now - healthySince < grace) {
      return Future.succeededFuture();
    }
    // like the grace, time away counts only once leases could be renewed again
    long away = settings.awaySeconds() * 1000L;
    long awayCutoff = now - healthySince < away ? 0 : now - away;
    return line.reap(event.id(), now - grace, awayCutoff).onSuccess(reaped -> {
      List<String> removed = reaped.removed();
      if (reaped.wentAway() > 0) {
        LOG.debug("{} visitors in line for event {} not seen for {} s are away: they keep their places for up to "
            + "{} s and are skipped by admission meanwhile", reaped.wentAway(), event.id(), settings.graceSeconds(),
            settings.awaySeconds());
      }
      if (!removed.isEmpty()) {
        Metrics.gone(event.id(), "disconnected").increment(removed.size());
        LOG.debug("{} visitors of event {} disconnected (admitted ones for more than {} s, waiting ones for more "
                + "than {} s): their places are freed", removed.size(), event.id(), settings.graceSeconds(),
            settings.awaySeconds());
        vertx.eventBus().publish(Addresses.DEPARTURES, new Departures(event.id(), "disconnected", removed).toJson());
      }
    }).mapEmpty();
  }

  private void publish(EventInfo event, TickResult result, GateKeeper.Verdict verdict, long now) {
    gauges.computeIfAbsent(event.id(), EventGauges::new).update(result, verdict);
    if (!result.admitted().isEmpty()) {
      vertx.eventBus().publish(Addresses.ADMISSIONS, new Admissions(event.id(), ClusterNodes.id(vertx),
          result.activeUntil(), result.admittedTotal(), result.admitted()).toJson());
    }
    if (!result.expired().isEmpty()) {
      Metrics.gone(event.id(), "expired").increment(result.expired().size());
      vertx.eventBus().publish(Addresses.DEPARTURES, new Departures(event.id(), "expired", result.expired()).toJson());
    }
    if (ticking == Ticking.ONE_NODE_PER_EVENT) {
      vertx.eventBus().publish(Addresses.event(event.id()), new Progress(result.waiting(), result.active(),
          result.admittedTotal(), event.settings().admitPerMinute(), verdict.queueing(), verdict.rate(), now).toJson());
    }
  }
}
