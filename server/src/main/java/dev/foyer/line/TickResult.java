package dev.foyer.line;

import java.util.List;

/**
 * What one admission tick did to one event; {@code generation} is the marker of the state Redis
 * holds ("" when it has none: never built, or lost); {@code stock} what was left after it.
 */
public record TickResult(List<String> admitted, List<String> expired, long activeUntil, long waiting, long active,
                         long admittedTotal, Double rate, String generation, StockTotals stock) {

  /**
   * The stock's totals as the tick saw them (tickets: seats and standing places): {@code returned}
   * counts holds that ended unbought, {@code returnsAt} is when the first hold now runs out (0: none),
   * {@code sale} where the sale stands (on_sale, all_held, sold_out, ended).
   */
  public record StockTotals(boolean loaded, long free, long held, long sold, long buyers, long holds, long returned,
                            long returnsAt, String sale, SaleEnd end) {
  }
}
