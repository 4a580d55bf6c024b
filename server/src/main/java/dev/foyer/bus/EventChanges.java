package dev.foyer.bus;

import dev.foyer.common.ClusterNodes;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.shareddata.Shareable;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * An admin change of an event, applied on this node before the admin's answer goes out and on the
 * others by a notice on {@link Addresses#EVENT_CHANGED}. Every verticle of the node that keeps
 * something of an event follows the changes here: the node that makes a change runs every follower
 * on its own context and waits for them all (a bus notice reaches this node's consumers only a
 * moment after the answer, and a cache must not serve the old event in that moment), then tells
 * the other nodes, whose followers run when the notice arrives (within a second in practice).
 */
public final class EventChanges implements Shareable {

  /** Header naming the node a notice comes from: that node applied it already. */
  static final String FROM = "from";

  private record Follower(Vertx vertx, Context context, Function<String, Future<?>> apply) {
    boolean alive() {
      return context.deploymentID() == null || vertx.deploymentIDs().contains(context.deploymentID());
    }
  }

  private final List<Follower> followers = new CopyOnWriteArrayList<>();

  /** The one of this node (this Vert.x): each node of a test's cluster in one JVM has its own. */
  public static EventChanges of(Vertx vertx) {
    return (EventChanges) vertx.sharedData().getLocalMap("foyer.events")
        .computeIfAbsent("changes", k -> new EventChanges());
  }

  /**
   * Called from a verticle's start: {@code apply} runs on its context for each change of an event,
   * made on this node or announced by another; the future it returns says when the verticle's copy
   * of the event is current. Followers of undeployed verticles are dropped.
   */
  public static void follow(Vertx vertx, Function<String, Future<?>> apply) {
    Context context = vertx.getOrCreateContext();
    of(vertx).followers.add(new Follower(vertx, context, apply));
    String self = ClusterNodes.id(vertx);
    vertx.eventBus().<String>consumer(Addresses.EVENT_CHANGED, message -> {
      if (!self.equals(message.headers().get(FROM))) {
        apply.apply(message.body());
      }
    });
  }

  /**
   * Applies the change of event {@code id} on every follower of this node, then tells the other
   * nodes; the future completes once this node's followers are current (a follower that fails is
   * still counted: the change is saved, and its next read is from PostgreSQL).
   */
  public static Future<Void> announce(Vertx vertx, String id) {
    return of(vertx).applyHere(id).onComplete(ar -> vertx.eventBus().publish(Addresses.EVENT_CHANGED, id,
        new DeliveryOptions().addHeader(FROM, ClusterNodes.id(vertx))));
  }

  private Future<Void> applyHere(String id) {
    followers.removeIf(f -> !f.alive());
    List<Future<?>> applied = new ArrayList<>();
    for (Follower f : followers) {
      Promise<Void> done = Promise.promise();
      f.context.runOnContext(v -> {
        Future<?> result;
        try {
          result = f.apply.apply(id);
        } catch (RuntimeException e) {
          result = Future.failedFuture(e);
        }
        (result == null ? Future.succeededFuture() : result).onComplete(ar -> done.complete());
      });
      applied.add(done.future());
    }
    return Future.all(applied).mapEmpty();
  }
}
