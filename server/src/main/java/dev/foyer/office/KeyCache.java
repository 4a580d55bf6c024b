package dev.foyer.office;

import io.vertx.core.Vertx;
import io.vertx.core.shareddata.Shareable;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The operator keys this node read lately, by key id, each for at most {@link #TTL_MILLIS}: an admin
 * call costs a PostgreSQL read only once per key per node in that time. A revocation drops the key
 * here at once on the node that made it and, through {@code foyer.internal.operator-keys-changed},
 * on the others when the notice arrives; should a notice be lost, the TTL bounds how long a revoked
 * key may still work. One per node ({@link #of}), shared by its ingress instances.
 */
public final class KeyCache implements Shareable {

  static final long TTL_MILLIS = 5_000;
  /** Keys are few (at most {@link OperatorKeys#MAX_ACTIVE} active); a bound all the same. */
  static final int MAX_ENTRIES = 1_000;

  record Entry(StoredKey key, long readAt) {
  }

  private final Map<String, Entry> entries = new ConcurrentHashMap<>();
  /** When each key was last dropped: a read that started before then must not bring it back. */
  private final Map<String, Long> dropped = new ConcurrentHashMap<>();

  public static KeyCache of(Vertx vertx) {
    return vertx.sharedData().<String, KeyCache>getLocalMap("foyer.operator-keys").computeIfAbsent("node",
        k -> new KeyCache());
  }

  StoredKey fresh(String id, long now) {
    Entry e = entries.get(id);
    return e != null && now - e.readAt() < TTL_MILLIS ? e.key() : null;
  }

  /** Keeps a live key as read when the read started (so the TTL counts from what PostgreSQL said then). */
  void put(StoredKey key, long readAt) {
    Long droppedAt = dropped.get(key.id());
    if (droppedAt != null && droppedAt >= readAt) {
      // revoked while this read was on its way: what it read may be the key before the revocation
      return;
    }
    if (entries.size() >= MAX_ENTRIES) {
      entries.clear();
    }
    entries.put(key.id(), new Entry(key, readAt));
  }

  public void drop(String id) {
    if (dropped.size() >= MAX_ENTRIES) {
      dropped.clear();
    }
    dropped.put(id, System.currentTimeMillis());
    entries.remove(id);
  }
}
