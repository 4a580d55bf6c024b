package dev.foyer.push;

import dev.foyer.FoyerConfig;
import dev.foyer.bridge.Frames;
import dev.foyer.bridge.Sockets;
import dev.foyer.bus.Addresses;
import dev.foyer.bus.EventChanges;
import dev.foyer.bus.Admissions;
import dev.foyer.bus.Departures;
import dev.foyer.bus.HoldNotices;
import dev.foyer.bus.LineReset;
import dev.foyer.bus.RankRound;
import dev.foyer.common.ClusterNodes;
import dev.foyer.common.Metrics;
import dev.foyer.common.OutageLog;
import dev.foyer.common.RedisClients;
import dev.foyer.common.PgPools;
import dev.foyer.event.EventCatalog;
import dev.foyer.event.UnknownEvents;
import dev.foyer.event.EventRepository;
import dev.foyer.event.EventSettings;
import dev.foyer.line.Countdown;
import dev.foyer.line.Eta;
import dev.foyer.line.QueueStore;
import dev.foyer.line.StockBoard;
import dev.foyer.pass.PassKeyRing;
import dev.foyer.pass.PassKeys;
import dev.foyer.pass.Passes;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
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
 * Pushes to the visitors connected to this node: positions, looked up every rankPushMillis (in
 * batches, one script per batch, which also renews their presence) but sent only when what the page
 * shows by counting down from its last frame has drifted from the truth ({@link ShownPositions});
 * admission, departure and hold notices picked out of the cluster-wide batches, at once; and
 * broadcasts received once per node (one clustered subscription per address) and fanned out to the
 * local sockets, progress thinned out ({@link ProgressFanOut}).
 */
public class PushVerticle extends VerticleBase {

  static final int BATCH = 500;
  static final long ROUND_CHECK_MILLIS = 100;
  /** Looked up after every admission and departure: the exact places and those about to reach them. */
  static final long FRONT = 2 * Countdown.EXACT_WITHIN;
  /**
   * Broadcasts whose next message makes the last one stale: a socket behind keeps only the latest;
   * progress is also thinned out ({@link ProgressFanOut}).
   */
  private static final Set<String> SUPERSEDED = Set.of("progress", "stock");
  private static final Logger LOG = LoggerFactory.getLogger(PushVerticle.class);

  private final FoyerConfig config;
  private final PassKeyRing passKeys;
  private Sockets sockets;
  private Redis redis;
  private Pool pg;
  private QueueStore line;
  private EventRepository events;
  private EventCatalog catalog;
  private Passes passes;
  private final Map<String, Long> nextRound = new HashMap<>();
  private final Set<String> roundsInFlight = new HashSet<>();
  private final ShownPositions shown = new ShownPositions();
  private final Map<String, Double> pageRates = new HashMap<>();
  private final AdmissionRates admissionRates = new AdmissionRates();
  /** Per event, this node's visitors within {@link #FRONT} places at their last look-up. */
  private final Map<String, Set<String>> front = new HashMap<>();
  private final Set<String> frontInFlight = new HashSet<>();
  private final Set<String> frontAgain = new HashSet<>();
  private final Map<String, MessageConsumer<JsonObject>> broadcasts = new HashMap<>();
  private final OutageLog redisOutage = new OutageLog(LOG);
  private Counter rankMessages;
  private final Map<ShownPositions.Reason, Counter> framesBy = new java.util.EnumMap<>(ShownPositions.Reason.class);
  private ProgressFanOut progress;
  private StockBoard stockBoard;
  private dev.foyer.line.StockStore stockStore;

  public PushVerticle(FoyerConfig config, PassKeyRing passKeys) {
    this.config = config;
    this.passKeys = passKeys;
  }

  @Override
  public Future<?> start() {
    sockets = Sockets.of(vertx);
    redis = RedisClients.open(vertx, config.redis());
    pg = PgPools.open(vertx, config.pg(), "push", 2);
    line = new QueueStore(redis, config.keyPrefix());
    events = new EventRepository(pg);
    catalog = new EventCatalog(events, UnknownEvents.of(vertx));
    passes = new Passes(vertx, passKeys);
    new PassKeys(vertx, config).follow(pg, passes);
    rankMessages = Metrics.rankMessages();
    for (ShownPositions.Reason r : ShownPositions.Reason.values()) {
      if (r != ShownPositions.Reason.NONE) {
        framesBy.put(r, Metrics.rankFrames(r.name().toLowerCase(java.util.Locale.ROOT)));
      }
    }
    progress = new ProgressFanOut(vertx, sockets);
    stockBoard = StockBoard.of(vertx);
    stockStore = new dev.foyer.line.StockStore(redis, config.keyPrefix());
    Gauge.builder("foyer_connected_sockets", sockets, Sockets::sockets)
        .description("Bridge sockets open on this node").register(Metrics.registry());
    Gauge.builder("foyer_connected_visitors", sockets, Sockets::visitorCount)
        .description("Visitors registered on this node's sockets").register(Metrics.registry());
    Gauge.builder("foyer_sockets_behind", sockets, s -> s.slow().behind())
        .description("Bridge sockets whose browser is not taking frames as fast as they come; their frames wait here")
        .register(Metrics.registry());
    EventChanges.follow(vertx, this::onEventChanged);
    vertx.setPeriodic(ROUND_CHECK_MILLIS, id -> rankRounds());
    vertx.setPeriodic(5000, id -> followEvents());
    followEvents();
    return Future.all(
        vertx.eventBus().<JsonObject>consumer(Addresses.ADMISSIONS, this::onAdmissions).completion(),
        vertx.eventBus().<JsonObject>consumer(Addresses.DEPARTURES, this::onDepartures).completion(),
        vertx.eventBus().<JsonObject>consumer(Addresses.HOLD_NOTICES, this::onHoldNotices).completion(),
        vertx.eventBus().<JsonObject>consumer(Addresses.LINE_RESETS, this::onLineReset).completion());
  }

  @Override
  public Future<?> stop() {
    return Future.join(redis.close(), pg.close());
  }

  private Future<Void> onEventChanged(String event) {
    catalog.invalidate(event);
    follow(event);
    return Future.succeededFuture();
  }

  // ---- admissions, departures and hold notices: cluster-wide batches, each node serves its own sockets

  private void onAdmissions(Message<JsonObject> message) {
    Admissions batch = Admissions.fromJson(message.body());
    admissionRates.admitted(batch.event(), batch.visitors().size(), System.currentTimeMillis());
    Sockets.Delivery delivery = sockets.delivery();
    for (String visitor : batch.visitors()) {
      if (sockets.isConnected(batch.event(), visitor)) {
        sockets.forget(visitor);
        shown.forget(visitor);
        delivery.toVisitor(batch.event(), visitor, Frames.admitted(visitor,
            passes.issue(batch.event(), visitor, batch.activeUntil()), batch.activeUntil()));
      }
    }
    delivery.send();
    frontRound(batch.event());
  }

  private void onDepartures(Message<JsonObject> message) {
    Departures batch = Departures.fromJson(message.body());
    Sockets.Delivery delivery = sockets.delivery();
    for (String visitor : batch.visitors()) {
      if (delivery.toVisitor(batch.event(), visitor, Frames.gone(visitor, batch.reason()))) {
        sockets.forget(visitor);
        shown.forget(visitor);
      }
    }
    delivery.send();
    frontRound(batch.event());
  }

  private void onHoldNotices(Message<JsonObject> message) {
    HoldNotices batch = HoldNotices.fromJson(message.body());
    Sockets.Delivery delivery = sockets.delivery();
    for (HoldNotices.Notice n : batch.notices()) {
      delivery.toVisitor(batch.event(), n.visitor(), Frames.hold(n.visitor(), n.holdId(), n.status(),
          n.reservationId()));
    }
    delivery.send();
  }

  /** The line these visitors stood in is gone: each is told so at once, never left a stale position. */
  private void onLineReset(Message<JsonObject> message) {
    LineReset reset = LineReset.fromJson(message.body());
    Sockets.Delivery delivery = sockets.delivery();
    for (String visitor : sockets.visitors(reset.event())) {
      sockets.forget(visitor);
      shown.forget(visitor);
      delivery.toVisitor(reset.event(), visitor, Frames.gone(visitor, "reset"));
    }
    delivery.send();
  }

  // ---- rank rounds

  private void rankRounds() {
    long now = System.currentTimeMillis();
    for (String event : sockets.events()) {
      if (now >= nextRound.getOrDefault(event, 0L) && roundsInFlight.add(event)) {
        catalog.get(event)
            .compose(info -> {
              EventSettings s = info.settings();
              // presence leases ride on rank rounds, so they must come well inside the grace period
              long period = Math.min(s.rankPushMillis(), Math.max(100, s.graceSeconds() * 1000L / 3));
              nextRound.put(event, now + period);
              return rankRound(event, s, now, period);
            })
            .onComplete(ar -> {
              roundsInFlight.remove(event);
              if (ar.failed()) {
                nextRound.put(event, now + 1000);
                redisOutage.failed("Could not push positions for event {}, retrying every second: {}", event,
                    ar.cause().getMessage());
              } else {
                redisOutage.recovered("Positions are pushed again");
              }
            });
      }
    }
    nextRound.keySet().retainAll(sockets.events());
    pageRates.keySet().retainAll(nextRound.keySet());
    front.keySet().retainAll(nextRound.keySet());
    admissionRates.retainAll(nextRound.keySet());
  }

  private Future<Void> rankRound(String event, EventSettings settings, long now, long period) {
    // what the line was told of the stock: kept by the broadcasts, read from Redis once per node
    return stockBoard.get(event, stockStore).compose(told -> rankBatches(event, settings, now, period));
  }

  private Future<Void> rankBatches(String event, EventSettings settings, long now, long period) {
    List<String> visitors = sockets.visitors(event);
    List<Future<Integer>> batches = new ArrayList<>();
    for (int from = 0; from < visitors.size(); from += BATCH) {
      List<String> batch = visitors.subList(from, Math.min(visitors.size(), from + BATCH));
      batches.add(line.ranks(event, batch, now).map(ranks -> correct(event, settings, batch, ranks, now, period)));
    }
    return Future.all(batches).onSuccess(all -> {
      int sent = batches.stream().mapToInt(Future::result).sum();
      vertx.eventBus().publish(Addresses.RANK_ROUNDS, new RankRound(ClusterNodes.id(vertx), event, visitors.size(),
          batches.size(), sent, System.currentTimeMillis() - now).toJson());
      if (shown.size() > 2 * sockets.visitorCount() + 1000) {
        Set<String> keep = new HashSet<>();
        sockets.events().forEach(e -> keep.addAll(sockets.visitors(e)));
        shown.retainAll(keep);
      }
    }).mapEmpty();
  }

  /** Sends the visitors of one batch the frames their pages need; how many it sent. */
  private int correct(String event, EventSettings settings, List<String> batch, QueueStore.Ranks ranks, long now,
                      long period) {
    Countdown countdown = countdown(event, settings, admissionRates.perSecond(event, now, config.tickMillis()));
    double lump = countdown.rate() * config.tickMillis() / 1000.0;
    Set<String> nearFront = front.computeIfAbsent(event, e -> new HashSet<>());
    int sent = 0;
    Sockets.Delivery delivery = sockets.delivery();
    for (int i = 0; i < batch.size(); i++) {
      long position = ranks.positions()[i];
      String visitor = batch.get(i);
      if (position > 0 && position <= FRONT) {
        nearFront.add(visitor);
      } else {
        nearFront.remove(visitor);
      }
      Sockets.Told first = sockets.takeTold(visitor);
      if (first == Sockets.PENDING) {
        continue; // the register's first frame is on its way: the page counts from that one
      }
      if (first != null) {
        shown.sent(visitor, first.position(), first.rate(), first.floor(), first.at(), first.chance());
      }
      if (position <= 0) {
        shown.forget(visitor);
      } else {
        double rate = countdown.rateAt(position);
        String chance = stockBoard.chance(event, position, settings.maxSeatsPerHold());
        ShownPositions.Reason reason = shown.due(visitor, position, rate, lump, now, period, chance);
        long floor = countdown.floor(position);
        if (reason != ShownPositions.Reason.NONE && delivery.latestToVisitor(event, visitor, Frames.rank(visitor,
            position, ranks.waiting(), Eta.of(position, ranks.turnover(), settings), now, rate, floor, chance))) {
          shown.sent(visitor, position, rate, floor, now, chance);
          framesBy.get(reason).increment();
          sent++;
        }
      }
    }
    delivery.send();
    rankMessages.increment(sent);
    return sent;
  }

  /**
   * Positions change when someone is admitted or leaves, so the visitors near the front, who are
   * told every change, are looked up again right after each admission or departure batch instead of
   * waiting up to a round: one small script for at most the few hundred of them on this node.
   */
  private void frontRound(String event) {
    Set<String> nearFront = front.get(event);
    if (nearFront != null) {
      // a look-up renews presence: never for a visitor whose page has gone
      nearFront.removeIf(v -> !sockets.isConnected(event, v));
    }
    if (nearFront == null || nearFront.isEmpty()) {
      return;
    }
    if (!frontInFlight.add(event)) {
      frontAgain.add(event);
      return;
    }
    List<String> visitors = new ArrayList<>(nearFront);
    long now = System.currentTimeMillis();
    catalog.get(event)
        .compose(info -> line.ranks(event, visitors, now).map(ranks -> correct(event, info.settings(), visitors, ranks,
            now, info.settings().rankPushMillis())))
        .onComplete(ar -> {
          frontInFlight.remove(event);
          if (frontAgain.remove(event)) {
            frontRound(event);
          }
        });
  }

  /**
   * The rate this event's pages count down with: it follows the measured rate only when that moves
   * by a material amount, so the noise of a moving average does not send every page a frame.
   */
  private Countdown countdown(String event, EventSettings settings, Double measured) {
    Countdown now = Countdown.of(settings, measured);
    Double before = pageRates.get(event);
    if (before != null && !Countdown.materiallyDifferent(before, now.rate())) {
      return new Countdown(before, now.allowance());
    }
    pageRates.put(event, now.rate());
    return now;
  }

  // ---- broadcasts: one clustered subscription per node and address, fanned out locally

  /**
   * Subscribes to every event's broadcasts up front, so a socket that registers never waits for
   * the cluster to learn about a new subscription and never misses the change right after.
   */
  private void followEvents() {
    events.list().onSuccess(list -> list.forEach(e -> follow(e.id())));
  }

  private void follow(String event) {
    for (String address : List.of(Addresses.event(event), Addresses.seats(event), Addresses.stock(event))) {
      broadcasts.computeIfAbsent(address, a -> vertx.eventBus().<JsonObject>consumer(a, msg -> {
        String frame = Frames.rec(a, msg.body());
        String type = msg.body().getString("type");
        if ("stock".equals(type) || "sale".equals(type)) {
          stockBoard.heard(event, msg.body());
        }
        if ("sale".equals(type)) {
          toEveryVisitor(event, msg.body());
        }
        if ("progress".equals(type)) {
          Long admitted = msg.body().getLong("admittedTotal");
          if (admitted != null) {
            stockBoard.admitted(event, admitted);
          }
          Boolean queueing = msg.body().getBoolean("queueing");
          // cached nearly always (the event was read to be followed); should a read wait on Redis,
          // what it could put out of order is superseded by the next tick's progress
          catalog.get(event).onComplete(info -> progress.received(a, frame, queueing,
              info.succeeded() ? info.result().settings().progressPushMillis()
                  : EventSettings.defaults().progressPushMillis()));
        } else {
          Sockets.Delivery delivery = sockets.delivery();
          if (SUPERSEDED.contains(type)) {
            delivery.latestToListeners(a, frame);
          } else {
            delivery.toListeners(a, frame); // seat changes are deltas: each one counts
          }
          delivery.send();
        }
      }));
    }
  }

  /**
   * Where the sale stands reaches every visitor of the event on this node, on their own address:
   * rare (a change of state), and a page that listens to nothing else must hear it.
   */
  private void toEveryVisitor(String event, JsonObject sale) {
    Sockets.Delivery delivery = sockets.delivery();
    for (String visitor : sockets.visitors(event)) {
      delivery.toVisitor(event, visitor, Frames.rec(Addresses.visitor(visitor), sale));
    }
    delivery.send();
  }
}
