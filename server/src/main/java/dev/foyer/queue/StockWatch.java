package dev.foyer.queue;

import dev.foyer.bus.Addresses;
import dev.foyer.common.Metrics;
import dev.foyer.event.EventInfo;
import dev.foyer.event.Stock;
import dev.foyer.line.Chance;
import dev.foyer.line.StockStore;
import dev.foyer.line.TickResult;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Tells the line what is left, on the event's broadcast address, from the ticks this node runs: a
 * {@code sale} frame at once when where the sale stands changes (sold out, all held, on sale again,
 * ended), and {@code stock} frames with the counts per category while they move, at most every
 * {@link #STOCK_PUSH_MILLIS} but at once when a category sells out or comes back. One broadcast per
 * change for the whole cluster; each node fans it out to its own sockets.
 */
final class StockWatch {

  /**
   * While a sale moves its counts change every tick; a page needs them far less often than that,
   * and every frame is a write to every listening socket (a category selling out is told at once).
   */
  static final long STOCK_PUSH_MILLIS = 10_000;
  private static final Logger LOG = LoggerFactory.getLogger(StockWatch.class);

  private record Told(String sale, TickResult.StockTotals totals, Set<String> soldOut, long at) {
  }

  private final Vertx vertx;
  private final StockStore store;
  private final Map<String, Told> told = new HashMap<>();
  private final Map<String, Boolean> reading = new HashMap<>();

  StockWatch(Vertx vertx, StockStore store) {
    this.vertx = vertx;
    this.store = store;
  }

  void ticked(EventInfo event, TickResult result, long now) {
    TickResult.StockTotals s = result.stock();
    Told last = told.get(event.id());
    if (!s.loaded() && last == null && s.end() == null) {
      return; // the map is not in Redis yet: nothing to tell
    }
    // a first look that finds the sale on sale tells nobody anything new
    boolean saleChanged = last == null ? !Stock.ON_SALE.equals(s.sale()) : !last.sale().equals(s.sale());
    if (saleChanged) {
      announce(event, s, last, now);
    }
    boolean moved = last == null || !same(last.totals(), s);
    if ((moved || saleChanged) && reading.putIfAbsent(event.id(), true) == null) {
      boolean due = saleChanged || last == null || now - last.at() >= STOCK_PUSH_MILLIS;
      store.stock(event.id())
          .onSuccess(stock -> {
            Told before = told.get(event.id());
            Set<String> soldOut = stock.soldOutCategories();
            if (due || before == null || !soldOut.equals(before.soldOut())) {
              publishStock(event, stock, result, now);
              told.put(event.id(), new Told(s.sale(), s, soldOut, now));
            } else {
              // told again once STOCK_PUSH_MILLIS have passed, by the next tick that sees it moved
              told.put(event.id(), new Told(s.sale(), before.totals(), before.soldOut(), before.at()));
            }
          })
          .onFailure(err -> LOG.debug("Could not read the stock of event {}: {}", event.id(), err.getMessage()))
          .onComplete(ar -> reading.remove(event.id()));
    }
  }

  void forget(String event) {
    told.remove(event);
  }

  private void announce(EventInfo event, TickResult.StockTotals s, Told last, long now) {
    JsonObject frame = new JsonObject().put("type", "sale").put("state", s.sale()).put("at", now);
    if (Stock.ALL_HELD.equals(s.sale()) && s.returnsAt() > 0) {
      frame.put("returnsAt", s.returnsAt());
    }
    if (s.end() != null) {
      frame.put("reason", s.end().reason()).put("message", s.end().message().isEmpty()
          ? dev.foyer.line.SaleEnd.defaultMessage(s.end().reason()) : s.end().message());
    }
    if (last != null || !Stock.ON_SALE.equals(s.sale())) {
      LOG.info("Event {}: {}", event.id(), switch (s.sale()) {
        case Stock.SOLD_OUT -> "sold out (nothing free, nothing held); admission stops, the line is told and keeps "
            + "its places in case tickets come back";
        case Stock.ALL_HELD -> "every ticket left is in a buyer's hold; admission pauses until some come back";
        case "ended" -> "the sale was ended; nobody joins or is let in any more";
        default -> "tickets are free again; admission resumes";
      });
    }
    if (Stock.SOLD_OUT.equals(s.sale())) {
      Metrics.soldOut(event.id()).increment();
    }
    store.remember(event.id(), frame);
    vertx.eventBus().publish(Addresses.event(event.id()), frame);
  }

  private void publishStock(EventInfo event, Stock stock, TickResult result, long now) {
    Chance.Measured m = Chance.Measured.of(stock.sold(), stock.held(), stock.buyers(), stock.holds(),
        stock.returned(), result.admittedTotal(), result.active());
    JsonObject frame = stock.toJson().put("type", "stock")
        .put("shoppers", Math.max(0, result.active() - stock.holds()))
        // the admissions so far when counted: a node sets the line's moves since against it (Chance)
        .put("admittedTotal", result.admittedTotal())
        .put("measured", new JsonObject().put("perBuyer", m.perBuyer()).put("buyShare", m.buyShare())
            .put("returnShare", m.returnShare()))
        .put("at", now);
    store.remember(event.id(), frame);
    vertx.eventBus().publish(Addresses.stock(event.id()), frame);
  }

  private static boolean same(TickResult.StockTotals a, TickResult.StockTotals b) {
    return a.free() == b.free() && a.held() == b.held() && a.sold() == b.sold() && a.holds() == b.holds();
  }
}
