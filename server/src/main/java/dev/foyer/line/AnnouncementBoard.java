package dev.foyer.line;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.Shareable;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Each event's announcement as this node last heard it (the broadcast on {@code foyer.event.{event}}),
 * for the pages that register later: answered from memory, so a burst of registers costs Redis
 * nothing. What the node knows is read again from Redis when it is older than {@link #FRESH_MILLIS},
 * so a node that started after an announcement, or missed a notice, is right again within that time.
 * A notice and a read of Redis racing each other never put it back ({@link #take}).
 */
public final class AnnouncementBoard implements Shareable {

  static final long FRESH_MILLIS = 10_000;

  /** What is known of one event and since when; {@code announcement} null: it never had one. */
  private record Known(Announcement announcement, long at) {
  }

  private final Map<String, Known> known = new ConcurrentHashMap<>();

  public static AnnouncementBoard of(Vertx vertx) {
    return vertx.sharedData().<String, AnnouncementBoard>getLocalMap("foyer.announcements")
        .computeIfAbsent("node", k -> new AnnouncementBoard());
  }

  /** Takes an announcement frame heard on the bus (or posted on this node). */
  public void heard(String event, JsonObject frame) {
    take(event, Announcement.of(frame), System.currentTimeMillis(), false);
  }

  /** The frame a page that registers now is sent: the announcement or its withdrawal; null when there never was one. */
  public Future<JsonObject> frame(String event, AnnouncementStore store) {
    // Redis is read about once per event, ingress instance and FRESH_MILLIS (registers racing that read read too)
    long now = System.currentTimeMillis();
    Known k = known.get(event);
    if (k != null && now - k.at() < FRESH_MILLIS) {
      return Future.succeededFuture(k.announcement() == null ? null : k.announcement().frame());
    }
    return store.current(event).map(read -> {
      Known after = take(event, read, now, true);
      return after.announcement() == null ? null : after.announcement().frame();
    });
  }

  /**
   * A frame heard counts when it says more than what is known; a read from Redis counts when it
   * started after what is known was learned (Redis is the truth then, even if it lost the
   * announcement), else only when it says more.
   */
  private Known take(String event, Announcement a, long at, boolean read) {
    return known.compute(event, (e, before) -> {
      if (a == null && !read) {
        return before;
      }
      if (before == null || (read && before.at() < at) || (a != null && a.newerThan(before.announcement()))) {
        return new Known(a, at);
      }
      return before;
    });
  }
}
