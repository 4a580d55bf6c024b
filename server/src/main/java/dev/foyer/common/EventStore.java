package dev.foyer.common;

import io.vertx.redis.client.Redis;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A store of per-event state in Redis whose every change is a Lua script over one event's keys
 * ({@link Keys}: all tagged with the event, so each script runs on one Redis Cluster slot).
 */
public abstract class EventStore {

  /**
   * The most events whose keys a store keeps named. Its events are the ones looked up before it is
   * called, so this only bounds what a node that runs for long, or is called with odd ids, keeps.
   */
  static final int MAX_EVENTS = 1024;

  protected final Redis redis;
  private final String prefix;
  private final Map<String, Keys> named = new ConcurrentHashMap<>();

  protected EventStore(Redis redis, String prefix) {
    this.redis = redis;
    this.prefix = prefix;
  }

  /** The event's keys, named once per event and store: a store is called for the same few events all day. */
  protected Keys keys(String event) {
    Keys keys = named.get(event);
    if (keys == null) {
      if (named.size() >= MAX_EVENTS) {
        named.clear();
      }
      keys = new Keys(prefix, event);
      named.put(event, keys);
    }
    return keys;
  }
}
