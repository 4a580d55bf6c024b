package dev.foyer.hold;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What this node keeps of each event's seats (the plan, the compiled layout, the rendered map),
 * bounded by seats: a 50,000-seat event weighs tens of megabytes, and a box office serves hundreds
 * of events over time, so memory follows the events in use, not every event that ever was. Past
 * {@code maxSeats} in total the events used longest ago go first; an event untouched for
 * {@code idleMillis} goes too. An event bigger than the whole bound is kept alone while in use.
 * Whatever goes is read again from PostgreSQL and Redis on its next use. One verticle's, used on
 * its event loop only.
 */
final class SeatCache<V> {

  private static final class Entry<V> {
    final V value;
    long seats;
    long touched;

    Entry(V value, long touched) {
      this.value = value;
      this.touched = touched;
    }
  }

  private final long maxSeats;
  private final long idleMillis;
  /** In order of use, the longest unused first. */
  private final LinkedHashMap<String, Entry<V>> entries = new LinkedHashMap<>(16, 0.75f, true);
  /** Read by the metrics scrape from another thread. */
  private volatile long seats;

  SeatCache(long maxSeats, long idleMillis) {
    this.maxSeats = maxSeats;
    this.idleMillis = idleMillis;
  }

  /** The event's entry, made when missing; counts as a use. */
  V touch(String event, Supplier<V> create, long now) {
    Entry<V> entry = entries.get(event);
    if (entry == null) {
      entry = new Entry<>(create.get(), now);
      entries.put(event, entry);
    }
    entry.touched = now;
    return entry.value;
  }

  /** The entry's weight once its layout is known; others go, oldest use first, while over the bound. */
  void weigh(String event, V value, long weight) {
    Entry<V> entry = entries.get(event);
    if (entry == null || entry.value != value) {
      return; // dropped or replaced meanwhile: its seats are not kept
    }
    seats += weight - entry.seats;
    entry.seats = weight;
    Iterator<Map.Entry<String, Entry<V>>> oldest = entries.entrySet().iterator();
    while (seats > maxSeats && oldest.hasNext()) {
      Map.Entry<String, Entry<V>> e = oldest.next();
      if (e.getValue() != entry) {
        seats -= e.getValue().seats;
        oldest.remove();
      }
    }
  }

  void remove(String event) {
    Entry<V> entry = entries.remove(event);
    if (entry != null) {
      seats -= entry.seats;
    }
  }

  /** Drops the events nobody touched for the idle time. */
  void expireIdle(long now) {
    entries.values().removeIf(e -> {
      if (now - e.touched < idleMillis) {
        return false;
      }
      seats -= e.seats;
      return true;
    });
  }

  /** Seats of the events kept now. */
  long seats() {
    return seats;
  }

  int events() {
    return entries.size();
  }
}
