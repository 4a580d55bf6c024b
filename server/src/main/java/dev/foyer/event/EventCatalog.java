package dev.foyer.event;

import dev.foyer.common.ApiError;
import io.vertx.core.Future;

import java.util.HashMap;
import java.util.Map;

/**
 * A verticle's cache of events. Admin changes publish on {@code foyer.internal.event-changed}
 * (bus.Addresses.EVENT_CHANGED) so every node drops its copy at once; the short TTL is a safety net for a missed message. While PostgreSQL is unreachable
 * the last known copy keeps serving, so joins and holds go on without it.
 */
public class EventCatalog {

  private static final long TTL_MILLIS = 3000;

  private record Entry(EventInfo event, long loadedAt) {
  }

  private final EventRepository repository;
  private final Map<String, Entry> entries = new HashMap<>();

  public EventCatalog(EventRepository repository) {
    this.repository = repository;
  }

  /** The event, or a failed future with 404 {@code unknown_event}. */
  public Future<EventInfo> get(String id) {
    Entry entry = entries.get(id);
    long now = System.currentTimeMillis();
    if (entry != null && now - entry.loadedAt < TTL_MILLIS) {
      return Future.succeededFuture(entry.event);
    }
    return repository.find(id).compose(event -> {
      if (event == null) {
        entries.remove(id);
        return Future.failedFuture(ApiError.notFound("unknown_event", "there is no event '" + id + "'"));
      }
      entries.put(id, new Entry(event, now));
      return Future.succeededFuture(event);
    }, err -> entry != null && err instanceof ApiError e && e.status() == 503
        ? Future.succeededFuture(entry.event)
        : Future.failedFuture(err));
  }

  /** Keeps a freshly read copy, so the next get needs no round trip (and survives a PostgreSQL outage). */
  public void remember(EventInfo event) {
    entries.put(event.id(), new Entry(event, System.currentTimeMillis()));
  }

  public void invalidate(String id) {
    entries.remove(id);
  }
}
