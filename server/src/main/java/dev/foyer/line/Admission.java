package dev.foyer.line;

import dev.foyer.event.EventSettings;

import java.util.List;

/**
 * The inputs of the one admission rule (lua/lib/admission.lua), taken from an event's settings and
 * handed in the same order to the tick and to a join that may pass straight in.
 */
record Admission(int maxActive, int admitPerMinute, long activeMillis, boolean paused) {

  static Admission of(EventSettings settings) {
    return new Admission(settings.maxActive(), settings.admitPerMinute(), settings.activeSeconds() * 1000L,
        settings.paused());
  }

  /** ARGV[1..5] of join.lua and admit.lua, followed by the script's own arguments. */
  List<Object> args(long now, Object... more) {
    List<Object> args = new java.util.ArrayList<>(5 + more.length);
    args.add(now);
    args.add(maxActive);
    args.add(admitPerMinute);
    args.add(activeMillis);
    args.add(paused ? 1 : 0);
    args.addAll(List.of(more));
    return args;
  }
}
