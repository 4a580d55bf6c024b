package dev.foyer.line;

import dev.foyer.common.EventStore;
import dev.foyer.common.Keys;
import dev.foyer.common.LuaScript;
import dev.foyer.event.EventInfo;
import dev.foyer.event.EventSettings;
import io.vertx.core.Future;
import io.vertx.redis.client.Redis;

import java.util.List;

/**
 * Everything about an event's gate but the pure decision ({@link Gate}) and the join that reads it
 * (lua/lib/admission.lua): the state in Redis, one recorded decision per tick cluster-wide, and the
 * admin's overrides applied at once on every node.
 */
public class GateKeeper extends EventStore {

  private static final LuaScript GATE_READ = LuaScript.load("gate_read");
  private static final LuaScript GATE_APPLY = LuaScript.load("gate_apply");
  private static final LuaScript SET_QUEUEING = LuaScript.load("set_queueing");

  public GateKeeper(Redis redis, String prefix) {
    super(redis, prefix);
  }

  /**
   * The gate after this tick: whether joiners wait, the cluster-wide request rate of the last
   * complete second, whether this node's decision is the one recorded for the tick ({@code decided})
   * and, if it flipped the gate, why (null otherwise).
   */
  public record Verdict(boolean queueing, long rate, boolean decided, String flippedBecause) {
  }

  /**
   * One decision per event per tick for the whole cluster: any node may compute it, the first to
   * record it for this tick wins, and the others read it back.
   */
  public Future<Verdict> decide(EventInfo event, long now, long tick) {
    EventSettings settings = event.settings();
    Keys k = keys(event.id());
    return GATE_READ.run(redis, List.of(k.meta, k.traffic(now / 1000 - 1)), List.of()).compose(r -> {
      String stored = r.get(0).toString();
      Boolean was = stored.isEmpty() ? null : "1".equals(stored);
      long flippedAt = r.get(1).toLong();
      long rate = r.get(2).toLong();
      boolean current = was != null ? was : settings.gate() == EventSettings.Gate.ON;
      Gate.Decision decision = Gate.decide(settings, new Gate.State(current, flippedAt), rate, now);
      return GATE_APPLY.run(redis, List.of(k.meta),
              List.of(tick, was == null ? "" : (was ? "1" : "0"), decision.queueing() ? "1" : "0", now))
          .map(applied -> applied.toInteger() != 1
              ? new Verdict(current, rate, false, null)
              // the first decision of an event sets the gate up; it flips nothing
              : new Verdict(decision.queueing(), rate, true, decision.flipped() && was != null ? decision.why() : null));
    });
  }

  /**
   * Applies an override at once on every node ({@code on}, {@code off}); under {@code auto} the next
   * tick decides from the traffic. Answers whether joiners now wait (null: auto decides).
   */
  public Future<Boolean> override(EventInfo event) {
    return switch (event.settings().gate()) {
      case ON -> setQueueing(event.id(), true).map(true);
      case OFF -> setQueueing(event.id(), false).map(false);
      case AUTO -> Future.succeededFuture((Boolean) null);
    };
  }

  private Future<Void> setQueueing(String event, boolean queueing) {
    return SET_QUEUEING.run(redis, List.of(keys(event).meta), List.of(queueing ? "1" : "0")).mapEmpty();
  }
}
