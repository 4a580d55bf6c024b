package dev.foyer.push;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Each event's admissions per second over the last {@link #WINDOW_MILLIS}, from the cluster-wide
 * admission batches every node receives: the rate a page counts down with. The line's own moving
 * average (a minute long, for ETAs) is too slow for that: when a full house stops admission for
 * twenty seconds, pages counting at the minute's average drift off and need a correction every few
 * seconds; with the last ten seconds they are told once that the line stopped, and once that it
 * moves again. Runs on the push room's context only.
 */
final class AdmissionRates {

  static final long WINDOW_MILLIS = 10_000;

  private final Map<String, ArrayDeque<long[]>> batches = new HashMap<>();

  void admitted(String event, int count, long at) {
    ArrayDeque<long[]> recent = batches.computeIfAbsent(event, e -> new ArrayDeque<>());
    recent.addLast(new long[] {at, count});
    expire(recent, at);
  }

  /**
   * Admissions per second lately; 0 once no batch came for two ticks (the line stopped: the page
   * is told at once, not as a sliding window empties). A line that just started is measured over
   * the time it has moved, not the whole window.
   */
  double perSecond(String event, long now, long tickMillis) {
    ArrayDeque<long[]> recent = batches.get(event);
    if (recent == null) {
      return 0;
    }
    expire(recent, now);
    if (recent.isEmpty() || recent.peekLast()[0] < now - 2 * tickMillis - tickMillis / 2) {
      return 0;
    }
    long total = 0;
    for (long[] b : recent) {
      total += b[1];
    }
    long span = Math.min(WINDOW_MILLIS, now - recent.peekFirst()[0] + tickMillis);
    return total * 1000.0 / Math.max(1000, span);
  }

  void retainAll(Set<String> events) {
    batches.keySet().retainAll(events);
  }

  private static void expire(ArrayDeque<long[]> recent, long now) {
    while (!recent.isEmpty() && recent.peekFirst()[0] <= now - WINDOW_MILLIS) {
      recent.pollFirst();
    }
  }
}
