package dev.foyer.push;

import dev.foyer.FoyerConfig;
import dev.foyer.bridge.Sockets;
import dev.foyer.bus.EventChanges;
import dev.foyer.common.Backends;
import dev.foyer.common.Metrics;
import dev.foyer.event.EventCatalog;
import dev.foyer.event.EventRepository;
import dev.foyer.event.UnknownEvents;
import dev.foyer.line.QueueStore;
import dev.foyer.line.StockBoard;
import dev.foyer.line.StockStore;
import dev.foyer.pass.Passes;
import io.micrometer.core.instrument.Gauge;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.redis.client.Redis;
import io.vertx.sqlclient.Pool;

/**
 * The push room: everything this node sends to the visitors connected to it, in three jobs on one
 * context: {@link Notices} (admissions, departures, holds, resets: at once), {@link RankRounds}
 * (positions, only when a page has drifted from the truth) and {@link Broadcasts} (an event's
 * progress, seats, stock and sale, one subscription per node). Passes are signed by the node's one
 * {@link Passes}, shared with ingress.
 */
public class PushVerticle extends VerticleBase {

  /** How often the events are read again, so a new one's broadcasts are followed before a socket asks. */
  private static final long FOLLOW_MILLIS = 5000;

  private final FoyerConfig config;
  private final Passes passes;
  private Backends backends;
  private EventCatalog catalog;
  private Broadcasts broadcasts;

  public PushVerticle(FoyerConfig config, Passes passes) {
    this.config = config;
    this.passes = passes;
  }

  @Override
  public Future<?> start() {
    Sockets sockets = Sockets.of(vertx);
    backends = Backends.open(vertx, config.redis(), config.pg(), "push", 2);
    Redis redis = backends.redis();
    Pool pg = backends.pg();
    EventRepository events = new EventRepository(pg);
    catalog = new EventCatalog(events, UnknownEvents.of(vertx));
    StockBoard stockBoard = StockBoard.of(vertx);
    RankRounds rounds = new RankRounds(config.tickMillis(), sockets, catalog,
        new QueueStore(redis, config.keyPrefix()), stockBoard, new StockStore(redis, config.keyPrefix()));
    broadcasts = new Broadcasts(vertx, sockets, catalog, events, stockBoard);
    gauges(sockets);
    EventChanges.follow(vertx, this::onEventChanged);
    vertx.setPeriodic(RankRounds.CHECK_MILLIS, id -> rounds.due());
    vertx.setPeriodic(FOLLOW_MILLIS, id -> broadcasts.followAll());
    broadcasts.followAll();
    return new Notices(sockets, passes, rounds).listen(vertx.eventBus());
  }

  @Override
  public Future<?> stop() {
    return backends.close();
  }

  private Future<Void> onEventChanged(String event) {
    catalog.invalidate(event);
    broadcasts.follow(event);
    return Future.succeededFuture();
  }

  private static void gauges(Sockets sockets) {
    Gauge.builder("foyer_connected_sockets", sockets, Sockets::sockets)
        .description("Bridge sockets open on this node").register(Metrics.registry());
    Gauge.builder("foyer_connected_visitors", sockets, Sockets::visitorCount)
        .description("Visitors registered on this node's sockets").register(Metrics.registry());
    Gauge.builder("foyer_sockets_behind", sockets, s -> s.slow().behind())
        .description("Bridge sockets whose browser is not taking frames as fast as they come; their frames wait here")
        .register(Metrics.registry());
  }
}
