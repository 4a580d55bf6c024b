package dev.foyer.line;

import dev.foyer.event.EventSettings;

import java.util.List;

/**
 * The inputs of the one admission rule (lua/lib/admission.lua), taken from an event's settings and
 * handed in the same order to the tick and to a join that may pass straight in.
 */
record Admission(int maxActive, int admitPerMinute, long activeMillis, boolean paused, boolean stockPacing) {

  /** The stock's keys (lib/admission.lua, admission.stockKeys), after each script's own keys. */
  static List<String> stockKeys(dev.foyer.common.Keys k) {
    return List.of(k.stock, k.standing, k.standingHeld, k.standingSold, k.holds, k.rowMeta,
        k.holdExpiry);
  }

  static Admission of(EventSettings settings) {
    return new Admission(settings.maxActive(), settings.admitPerMinute(), settings.activeSeconds() * 1000L,
        settings.paused(), settings.stockPacing());
  }

  /** ARGV[1..6] of join.lua and admit.lua, followed by the script's own arguments. */
  List<Object> args(long now, Object... more) {
    List<Object> args = new java.util.ArrayList<>(6 + more.length);
    args.add(now);
    args.add(maxActive);
    args.add(admitPerMinute);
    args.add(activeMillis);
    args.add(paused ? 1 : 0);
    args.add(stockPacing ? 1 : 0);
    args.addAll(List.of(more));
    return args;
  }
}
