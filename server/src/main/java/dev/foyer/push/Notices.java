package dev.foyer.push;

import dev.foyer.bridge.Frames;
import dev.foyer.bridge.Sockets;
import dev.foyer.bus.Addresses;
import dev.foyer.bus.Admissions;
import dev.foyer.bus.Departures;
import dev.foyer.bus.HoldNotices;
import dev.foyer.bus.LineReset;
import dev.foyer.bus.VisitExtended;
import dev.foyer.pass.Passes;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;

/**
 * What happened to particular visitors, told at once to those connected to this node: admissions
 * (with the pass), extensions of their time (an admission frame again, with the new time and pass),
 * departures, hold notices and line resets. Each arrives as one cluster-wide batch;
 * every node picks out its own sockets' visitors. Runs on the push room's context only.
 */
final class Notices {

  private final Sockets sockets;
  private final Passes passes;
  private final RankRounds rounds;

  Notices(Sockets sockets, Passes passes, RankRounds rounds) {
    this.sockets = sockets;
    this.passes = passes;
    this.rounds = rounds;
  }

  /** Subscribes to the batches; completes once the cluster knows every subscription. */
  Future<Void> listen(EventBus bus) {
    return Future.all(
        bus.<JsonObject>consumer(Addresses.ADMISSIONS, this::onAdmissions).completion(),
        bus.<JsonObject>consumer(Addresses.EXTENSIONS, this::onExtension).completion(),
        bus.<JsonObject>consumer(Addresses.DEPARTURES, this::onDepartures).completion(),
        bus.<JsonObject>consumer(Addresses.HOLD_NOTICES, this::onHoldNotices).completion(),
        bus.<JsonObject>consumer(Addresses.LINE_RESETS, this::onLineReset).completion()).mapEmpty();
  }

  private void onAdmissions(Message<JsonObject> message) {
    Admissions batch = Admissions.fromJson(message.body());
    rounds.admitted(batch.event(), batch.visitors().size(), System.currentTimeMillis());
    Sockets.Delivery delivery = sockets.delivery();
    for (String visitor : batch.visitors()) {
      if (sockets.isConnected(batch.event(), visitor)) {
        sockets.forget(visitor);
        rounds.forget(visitor);
        // the node's one signer: a status call or a register right after hands out this same pass
        delivery.toVisitor(batch.event(), visitor, Frames.admitted(visitor,
            passes.issue(batch.event(), visitor, batch.activeUntil()), batch.activeUntil()));
      }
    }
    delivery.send();
    rounds.lineMoved(batch.event());
  }

  /** A page showing the time to book counts to the new activeUntil; the pass it holds runs that long too. */
  private void onExtension(Message<JsonObject> message) {
    VisitExtended extended = VisitExtended.fromJson(message.body());
    if (!sockets.isConnected(extended.event(), extended.visitor())) {
      return;
    }
    Sockets.Delivery delivery = sockets.delivery();
    delivery.toVisitor(extended.event(), extended.visitor(), Frames.admitted(extended.visitor(),
        passes.issue(extended.event(), extended.visitor(), extended.activeUntil()), extended.activeUntil()));
    delivery.send();
  }

  private void onDepartures(Message<JsonObject> message) {
    Departures batch = Departures.fromJson(message.body());
    Sockets.Delivery delivery = sockets.delivery();
    for (String visitor : batch.visitors()) {
      if (delivery.toVisitor(batch.event(), visitor, Frames.gone(visitor, batch.reason()))) {
        sockets.forget(visitor);
        rounds.forget(visitor);
      }
    }
    delivery.send();
    rounds.lineMoved(batch.event());
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
      rounds.forget(visitor);
      delivery.toVisitor(reset.event(), visitor, Frames.gone(visitor, "reset"));
    }
    delivery.send();
  }
}
