package dev.foyer.line;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.Shareable;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The last stock and sale frames this node heard for each event (one clustered broadcast per
 * change, see the queue's StockWatch), for every room of the node to answer from without asking
 * Redis: rank frames' chance, a visitor's status, the state sent on a register. Events are dropped
 * when the node stops following them, so it holds what the live events need.
 */
public final class StockBoard implements Shareable {

  private static final String NODE_REGISTRY = "foyer.stock-board";

  /**
   * What the line was last told of one event: the stock frame and the sale frame (either may be
   * null), and the admissions so far as the last progress frame counted them (-1: none heard).
   */
  public record Told(JsonObject stock, JsonObject sale, long admittedTotal, JsonObject shown) {

    Told(JsonObject stock, JsonObject sale, long admittedTotal) {
      this(stock, sale, admittedTotal, shown(stock));
    }

    /**
     * The stock as a visitor's status shows it (without the frame's type and the figures the
     * chance is computed from), made once per frame rather than once per answer. Never changed.
     */
    private static JsonObject shown(JsonObject stock) {
      if (stock == null) {
        return null;
      }
      JsonObject shown = stock.copy();
      shown.remove("type");
      shown.remove("shoppers");
      shown.remove("measured");
      return shown;
    }
  }

  private final Map<String, Told> told = new ConcurrentHashMap<>();

  public static StockBoard of(Vertx vertx) {
    return vertx.sharedData().<String, StockBoard>getLocalMap(NODE_REGISTRY).computeIfAbsent("node", k -> new StockBoard());
  }

  /** Takes a frame of type stock or sale. */
  public void heard(String event, JsonObject frame) {
    told.compute(event, (e, before) -> {
      Told t = before == null ? new Told(null, null, -1) : before;
      return "sale".equals(frame.getString("type")) ? new Told(t.stock(), frame, t.admittedTotal())
          : new Told(frame, t.sale(), t.admittedTotal());
    });
  }

  /**
   * Takes the admissions so far from a progress frame (one a tick): stock frames come at most every
   * 10 s, and those admitted since one was counted were still in line, ahead of everyone, when it was.
   */
  public void admitted(String event, long admittedTotal) {
    told.compute(event, (e, before) -> before == null ? new Told(null, null, admittedTotal)
        : new Told(before.stock(), before.sale(), Math.max(before.admittedTotal(), admittedTotal)));
  }

  /** The word for a visitor at {@code position} of this event, from what the board was told (null: no stock yet). */
  public String chance(String event, long position, int maxPerBuyer) {
    Told t = told.get(event);
    return t == null ? null : Chance.of(t.stock(), position, maxPerBuyer, t.admittedTotal());
  }

  public Told get(String event) {
    return told.get(event);
  }

  /**
   * What the line was last told, from this node's memory or else (a node that started after the
   * last broadcast) from Redis once.
   */
  public io.vertx.core.Future<Told> get(String event, StockStore store) {
    Told known = told.get(event);
    if (known != null) {
      return io.vertx.core.Future.succeededFuture(known);
    }
    return store.told(event).map(t -> {
      told.putIfAbsent(event, t);
      return told.get(event);
    });
  }

  /** Where the sale stands as last told (on_sale when nothing was told). */
  public String sale(String event) {
    Told t = told.get(event);
    return t == null || t.sale() == null ? dev.foyer.event.Stock.ON_SALE : t.sale().getString("state");
  }

  public void forget(String event) {
    told.remove(event);
  }
}
