package dev.foyer.event;

import dev.foyer.common.ApiError;
import io.vertx.core.Future;

import java.util.HashMap;
import java.util.Map;

/**
 * A verticle's cache of events. Admin changes publish on {@code foyer.internal.event-changed}
 * (bus.Addresses.EVENT_CHANGED) so every node drops its copy at once; the short TTL is a safety net for a missed message. While PostgreSQL is unreachable
 * the last known copy keeps serving, so joins and holds go on without it. An id with no event is
 * remembered node-wide for a few seconds ({@link UnknownEvents}), and requests for one id that
 * arrive while it is being read wait for that one read, so made-up ids cannot make a query each.
 */
public class EventCatalog {

  private static final long TTL_MILLIS = 3000;

  private record Entry(EventInfo event, long loadedAt) {
  }

  private final EventRepository repository;
  private final UnknownEvents unknown;
  private final Map<String, Entry> entries = new HashMap<>();
  private final Map<String, Future<EventInfo>> reading = new HashMap<>();

  public EventCatalog(EventRepository repository, UnknownEvents unknown) {
    this.repository = repository;
    this.unknown = unknown;
  }

  /** The event, or a failed future with 404 {@code unknown_event}. */
  public Future<EventInfo> get(String id) {
    Entry entry = entries.get(id);
    long now = System.currentTimeMillis();
    if (entry != null && now - entry.loadedAt < TTL_MILLIS) {
      return Future.succeededFuture(entry.event);
    }
    if (entry == null && unknown.isUnknown(id, now)) {
      return Future.failedFuture(notFound(id));
    }
    Future<EventInfo> pending = reading.get(id);
    if (pending != null) {
      return pending;
    }
    long mark = unknown.mark();
    Future<EventInfo> read = repository.find(id).compose(event -> {
      if (event == null) {
        entries.remove(id);
        unknown.unknown(id, mark, System.currentTimeMillis());
        return Future.failedFuture(notFound(id));
      }
      entries.put(id, new Entry(event, now));
      return Future.succeededFuture(event);
    }, err -> entry != null && err instanceof ApiError e && e.status() == 503
        ? Future.succeededFuture(entry.event)
        : Future.failedFuture(err));
    if (!read.isComplete()) {
      reading.put(id, read);
      read.onComplete(ar -> reading.remove(id, read));
    }
    return read;
  }

  private static ApiError notFound(String id) {
    return ApiError.notFound("unknown_event", "there is no event '" + id + "'");
  }

  /** Keeps a freshly read copy, so the next get needs no round trip (and survives a PostgreSQL outage). */
  public void remember(EventInfo event) {
    entries.put(event.id(), new Entry(event, System.currentTimeMillis()));
  }

  /** An admin changed (or created) the event: the next get reads it, whatever this node knew. */
  public void invalidate(String id) {
    entries.remove(id);
    reading.remove(id);
    unknown.forget(id);
  }
}
