package dev.foyer.common;

import io.vertx.redis.client.Redis;

/**
 * A store of per-event state in Redis whose every change is a Lua script over one event's keys
 * ({@link Keys}: all tagged with the event, so each script runs on one Redis Cluster slot).
 */
public abstract class EventStore {

  protected final Redis redis;
  private final String prefix;

  protected EventStore(Redis redis, String prefix) {
    this.redis = redis;
    this.prefix = prefix;
  }

  protected Keys keys(String event) {
    return new Keys(prefix, event);
  }
}
