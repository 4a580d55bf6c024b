package dev.foyer.push;

import dev.foyer.bridge.Frames;
import dev.foyer.bridge.Sockets;
import dev.foyer.bus.Addresses;
import dev.foyer.event.EventCatalog;
import dev.foyer.event.EventRepository;
import dev.foyer.event.EventSettings;
import dev.foyer.line.Announcement;
import dev.foyer.line.AnnouncementBoard;
import dev.foyer.line.StockBoard;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An event's broadcasts (progress, seat changes, stock, sale, announcements) received once per node, one clustered
 * subscription per address, and fanned out to the local sockets that listen: progress thinned out
 * ({@link ProgressFanOut}), stock and sale also kept on the node's {@link StockBoard}, where the sale
 * stands also sent to every visitor of the event. Runs on the push room's context only.
 */
final class Broadcasts {

  /**
   * Broadcasts whose next message makes the last one stale: a socket behind keeps only the latest;
   * progress is also thinned out ({@link ProgressFanOut}).
   */
  private static final Set<String> SUPERSEDED = Set.of("progress", "stock");

  private final Vertx vertx;
  private final Sockets sockets;
  private final EventCatalog catalog;
  private final EventRepository events;
  private final StockBoard stockBoard;
  private final ProgressFanOut progress;
  private final Map<String, MessageConsumer<JsonObject>> subscriptions = new HashMap<>();

  Broadcasts(Vertx vertx, Sockets sockets, EventCatalog catalog, EventRepository events, StockBoard stockBoard) {
    this.vertx = vertx;
    this.sockets = sockets;
    this.catalog = catalog;
    this.events = events;
    this.stockBoard = stockBoard;
    this.progress = new ProgressFanOut(vertx, sockets);
  }

  /**
   * Subscribes to every event's broadcasts up front, so a socket that registers never waits for
   * the cluster to learn about a new subscription and never misses the change right after.
   */
  void followAll() {
    events.list().onSuccess(list -> list.forEach(e -> follow(e.id())));
  }

  void follow(String event) {
    for (String address : List.of(Addresses.event(event), Addresses.seats(event), Addresses.stock(event))) {
      subscriptions.computeIfAbsent(address, a -> vertx.eventBus().<JsonObject>consumer(a, msg -> heard(event, msg)));
    }
  }

  private void heard(String event, Message<JsonObject> msg) {
    String address = msg.address();
    String frame = Frames.rec(address, msg.body());
    String type = msg.body().getString("type");
    if ("stock".equals(type) || "sale".equals(type)) {
      stockBoard.heard(event, msg.body());
    }
    if (Announcement.TYPE.equals(type)) {
      AnnouncementBoard.of(vertx).heard(event, msg.body());
    }
    if ("sale".equals(type) || Announcement.TYPE.equals(type)) {
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
      catalog.get(event).onComplete(info -> progress.received(address, frame, queueing,
          info.succeeded() ? info.result().settings().progressPushMillis()
              : EventSettings.defaults().progressPushMillis()));
      return;
    }
    Sockets.Delivery delivery = sockets.delivery();
    if (SUPERSEDED.contains(type)) {
      delivery.latestToListeners(address, frame);
    } else {
      delivery.toListeners(address, frame); // seat changes are deltas: each one counts
    }
    delivery.send();
  }

  /**
   * Where the sale stands, and the operator's announcements, reach every visitor of the event on
   * this node, on their own address: rare, and a page that listens to nothing else must hear them.
   */
  private void toEveryVisitor(String event, JsonObject sale) {
    Sockets.Delivery delivery = sockets.delivery();
    for (String visitor : sockets.visitors(event)) {
      delivery.toVisitor(event, visitor, Frames.rec(Addresses.visitor(visitor), sale));
    }
    delivery.send();
  }
}
