package dev.foyer.push;

import dev.foyer.FoyerConfig;
import dev.foyer.common.ClusterNodes;
import dev.foyer.common.Metrics;
import dev.foyer.common.Stores;
import dev.foyer.event.EventCatalog;
import dev.foyer.event.EventRepository;
import dev.foyer.event.EventSettings;
import dev.foyer.hold.HoldVerticle;
import dev.foyer.pass.PassKeyRing;
import dev.foyer.pass.Passes;
import dev.foyer.queue.QueueStore;
import dev.foyer.queue.QueueVerticle;
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
 * Pushes to the visitors connected to this node: fresh positions every rankPushMillis (computed in
 * batches, one script per batch, which also renews their presence), admission and departure notices
 * picked out of the cluster-wide batches the queue ticks publish, and broadcasts received once per
 * node (one clustered subscription per address) and fanned out to the local sockets.
 */
public class PushVerticle extends VerticleBase {

  /** One summary per node, event and rank round: {node, event, visitors, sent, millis}. */
  public static final String RANK_ROUNDS = "foyer.internal.rank-rounds";
  static final int BATCH = 500;
  static final long ROUND_CHECK_MILLIS = 100;
  private static final Logger LOG = LoggerFactory.getLogger(PushVerticle.class);

  private final FoyerConfig config;
  private final PassKeyRing passKey;
  private final LocalSockets connected;
  private Redis redis;
  private Pool pg;
  private QueueStore store;
  private EventRepository events;
  private EventCatalog catalog;
  private Passes passes;
  private final Map<String, Long> nextRound = new HashMap<>();
  private final Set<String> roundsInFlight = new HashSet<>();
  private final Map<String, Long> lastPosition = new HashMap<>();
  private final Map<String, MessageConsumer<JsonObject>> broadcasts = new HashMap<>();
  private boolean redisWarned;
  private io.micrometer.core.instrument.Counter rankMessages;

  public PushVerticle(FoyerConfig config, PassKeyRing passKey, LocalSockets connected) {
    this.config = config;
    this.passKey = passKey;
    this.connected = connected;
  }

  @Override
  public Future<?> start() {
    redis = Stores.redis(vertx, config);
    pg = Stores.pg(vertx, config, "push", 2);
    store = new QueueStore(redis, config.keyPrefix());
    events = new EventRepository(pg);
    catalog = new EventCatalog(events);
    passes = new Passes(vertx, passKey);
    rankMessages = Metrics.rankMessages();
    io.micrometer.core.instrument.Gauge.builder("foyer_connected_sockets", connected, LocalSockets::sockets)
        .description("Bridge sockets open on this node").register(Metrics.registry());
    io.micrometer.core.instrument.Gauge.builder("foyer_connected_visitors", connected, LocalSockets::visitorCount)
        .description("Visitors registered on this node's sockets").register(Metrics.registry());
    vertx.eventBus().<String>consumer(EventCatalog.CHANGED, msg -> {
      catalog.invalidate(msg.body());
      follow(msg.body());
    });
    vertx.setPeriodic(ROUND_CHECK_MILLIS, id -> rankRounds());
    vertx.setPeriodic(5000, id -> followEvents());
    followEvents();
    return Future.all(
        vertx.eventBus().<JsonObject>consumer(QueueVerticle.ADMISSIONS, this::onAdmissions).completion(),
        vertx.eventBus().<JsonObject>consumer(QueueVerticle.DEPARTURES, this::onDepartures).completion(),
        vertx.eventBus().<JsonObject>consumer(HoldVerticle.VISITOR_MESSAGES, this::onVisitorMessages).completion());
  }

  @Override
  public Future<?> stop() {
    return Future.join(redis.close(), pg.close());
  }

  // ---- admissions and departures: one cluster-wide batch per tick, each node serves its own sockets

  private void onAdmissions(Message<JsonObject> message) {
    JsonObject batch = message.body();
    String event = batch.getString("event");
    long activeUntil = batch.getLong("activeUntil");
    LocalSockets.Delivery delivery = connected.delivery();
    for (Object v : batch.getJsonArray("visitors")) {
      String visitor = (String) v;
      if (connected.isConnected(event, visitor)) {
        lastPosition.remove(visitor);
        delivery.toVisitor(event, visitor, Frames.rec(Addresses.visitor(visitor),
            PushMessages.admitted(passes.issue(event, visitor, activeUntil), activeUntil)));
      }
    }
    delivery.send();
  }

  private void onDepartures(Message<JsonObject> message) {
    JsonObject batch = message.body();
    String event = batch.getString("event");
    JsonObject gone = PushMessages.gone(batch.getString("reason"));
    LocalSockets.Delivery delivery = connected.delivery();
    for (Object v : batch.getJsonArray("visitors")) {
      String visitor = (String) v;
      if (delivery.toVisitor(event, visitor, Frames.rec(Addresses.visitor(visitor), gone))) {
        lastPosition.remove(visitor);
      }
    }
    delivery.send();
  }

  private void onVisitorMessages(Message<JsonObject> message) {
    JsonObject batch = message.body();
    String event = batch.getString("event");
    LocalSockets.Delivery delivery = connected.delivery();
    for (Object m : batch.getJsonArray("messages")) {
      JsonObject item = (JsonObject) m;
      String visitor = item.getString("visitor");
      delivery.toVisitor(event, visitor, Frames.rec(Addresses.visitor(visitor), item.getJsonObject("body")));
    }
    delivery.send();
  }

  // ---- rank rounds

  private void rankRounds() {
    long now = System.currentTimeMillis();
    for (String event : connected.events()) {
      if (now >= nextRound.getOrDefault(event, 0L) && roundsInFlight.add(event)) {
        catalog.get(event)
            .compose(info -> {
              EventSettings s = info.settings();
              // presence leases ride on rank rounds, so they must come well inside the grace period
              long period = Math.min(s.rankPushMillis(), Math.max(100, s.graceSeconds() * 1000L / 3));
              nextRound.put(event, now + period);
              return rankRound(event, s, now);
            })
            .onComplete(ar -> {
              roundsInFlight.remove(event);
              if (ar.failed()) {
                nextRound.put(event, now + 1000);
                if (!redisWarned) {
                  redisWarned = true;
                  LOG.warn("Could not push positions for event {}: {}", event, ar.cause().getMessage());
                }
              } else {
                redisWarned = false;
              }
            });
      }
    }
    nextRound.keySet().retainAll(connected.events());
  }

  private Future<Void> rankRound(String event, EventSettings settings, long now) {
    List<String> visitors = connected.visitors(event);
    List<Future<Integer>> batches = new ArrayList<>();
    for (int from = 0; from < visitors.size(); from += BATCH) {
      List<String> batch = visitors.subList(from, Math.min(visitors.size(), from + BATCH));
      batches.add(store.ranks(event, batch, now).map(ranks -> {
        int sent = 0;
        LocalSockets.Delivery delivery = connected.delivery();
        for (int i = 0; i < batch.size(); i++) {
          long position = ranks.positions()[i];
          String visitor = batch.get(i);
          if (position > 0) {
            Long before = lastPosition.put(visitor, position);
            if (before == null || before != position) {
              delivery.toVisitor(event, visitor, Frames.rank(visitor, position, ranks.waiting(),
                  QueueStore.etaSeconds(position, ranks.rate(), settings), now));
              sent++;
            }
          }
        }
        delivery.send();
        rankMessages.increment(sent);
        return sent;
      }));
    }
    return Future.all(batches).onSuccess(all -> {
      int sent = batches.stream().mapToInt(Future::result).sum();
      vertx.eventBus().publish(RANK_ROUNDS, new JsonObject()
          .put("node", ClusterNodes.id(vertx))
          .put("event", event)
          .put("visitors", visitors.size())
          .put("batches", batches.size())
          .put("sent", sent)
          .put("millis", System.currentTimeMillis() - now));
      if (lastPosition.size() > 2 * connected.visitorCount() + 1000) {
        Set<String> keep = new HashSet<>();
        connected.events().forEach(e -> keep.addAll(connected.visitors(e)));
        lastPosition.keySet().retainAll(keep);
      }
    }).mapEmpty();
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
    for (String address : List.of(Addresses.event(event), Addresses.seats(event))) {
      broadcasts.computeIfAbsent(address, a -> vertx.eventBus().<JsonObject>consumer(a, msg -> {
        LocalSockets.Delivery delivery = connected.delivery();
        delivery.toListeners(a, Frames.rec(a, msg.body()));
        delivery.send();
      }));
    }
  }


}
