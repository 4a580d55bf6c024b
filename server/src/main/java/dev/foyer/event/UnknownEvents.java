package dev.foyer.event;

import io.vertx.core.Vertx;
import io.vertx.core.shareddata.Shareable;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * This node's memory of event ids PostgreSQL had no event for, shared by all its verticles: for a
 * few seconds another request for such an id is answered 404 without a query, so a flood of made-up
 * ids costs one query per id and life, not one per request. Bounded (the oldest id goes first), so
 * random ids cannot grow the node's memory. Forgotten at once when an event changes, which every
 * node hears on {@code foyer.internal.event-changed}.
 */
public final class UnknownEvents implements Shareable {

  static final long LIFE_MILLIS = 5000;
  static final int MAX_IDS = 10_000;

  private final Map<String, Long> since = new LinkedHashMap<>(256, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
      return size() > MAX_IDS;
    }
  };
  /** Counts changes heard, so a lookup that was under way across a change does not mark its id unknown. */
  private long changes;

  /** The one of this node (this Vert.x): each node of a test's cluster in one JVM has its own. */
  public static UnknownEvents of(Vertx vertx) {
    return (UnknownEvents) vertx.sharedData().getLocalMap("foyer.events")
        .computeIfAbsent("unknown", k -> new UnknownEvents());
  }

  public synchronized boolean isUnknown(String id, long now) {
    Long at = since.get(id);
    if (at == null) {
      return false;
    }
    if (now - at >= LIFE_MILLIS) {
      since.remove(id);
      return false;
    }
    return true;
  }

  /** The mark to hand back to {@link #unknown} when the lookup answers. */
  public synchronized long mark() {
    return changes;
  }

  /** PostgreSQL had no event {@code id} for a lookup begun at {@code mark}. */
  public synchronized void unknown(String id, long mark, long now) {
    if (mark == changes) {
      // re-inserted, so the order is the order of lookups and the oldest goes first
      since.remove(id);
      since.put(id, now);
    }
  }

  public synchronized void forget(String id) {
    changes++;
    since.remove(id);
  }

  synchronized int size() {
    return since.size();
  }
}
