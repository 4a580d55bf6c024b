package dev.foyer.common;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.micrometer.backends.BackendRegistries;

/**
 * foyer's own Prometheus meters, on the registry Vert.x exposes at /metrics. Names follow
 * Prometheus conventions: {@code foyer_} prefix, counters end in {@code _total}, times in seconds.
 * Each node counts what it does; sum over nodes for the cluster.
 */
public final class Metrics {

  private static final MeterRegistry FALLBACK = new SimpleMeterRegistry();

  private Metrics() {
  }

  public static MeterRegistry registry() {
    MeterRegistry registry = BackendRegistries.getDefaultNow();
    return registry == null ? FALLBACK : registry;
  }

  /** foyer_joins_total{event}: new visitors who joined. */
  public static Counter joins(String event) {
    return Counter.builder("foyer_joins").tag("event", event).description("Visitors who joined")
        .register(registry());
  }

  /** foyer_gone_total{event,reason}: visitors who left the flow, by reason. */
  public static Counter gone(String event, String reason) {
    return Counter.builder("foyer_gone").tag("event", event).tag("reason", reason)
        .description("Visitors who left the line or the booking flow, by reason").register(registry());
  }

  /**
   * foyer_gate_checks_total{outcome}: forward-auth checks, {@code live} or {@code refused}. No event
   * label: anyone may call the gate with any event id, and a label per id would be theirs to grow.
   */
  public static Counter gateChecks(String outcome) {
    return Counter.builder("foyer_gate_checks").tag("outcome", outcome)
        .description("Forward-auth checks of passes by the sites' proxies, by outcome").register(registry());
  }

  /** foyer_holds_total{event,outcome}: holds created, released, expired, confirmed. */
  public static Counter holds(String event, String outcome) {
    return Counter.builder("foyer_holds").tag("event", event).tag("outcome", outcome)
        .description("Seat holds by what happened to them").register(registry());
  }

  /** foyer_redis_resets_total{event}: times this node found Redis had lost the event's live state. */
  public static Counter resets(String event) {
    return Counter.builder("foyer_redis_resets").tag("event", event)
        .description("Times Redis was found to have lost the event's line (restarted empty, flushed, failed over)")
        .register(registry());
  }

  /** foyer_rank_messages_sent_total: rank updates this node pushed to its sockets. */
  public static Counter rankMessages() {
    return Counter.builder("foyer_rank_messages_sent").description("Rank updates pushed to this node's sockets")
        .register(registry());
  }

  /**
   * foyer_redis_script_seconds{script}: how long each Redis script took, round trip. Looked up on
   * each use (a map lookup), so it always lands on the registry of the running Vert.x.
   */
  public static Timer redisScript(String script) {
    return Timer.builder("foyer_redis_script").tag("script", script)
        .description("Round trip of a Redis script").register(registry());
  }

  /** foyer_postgres_query_seconds{query}: how long foyer's PostgreSQL work took, round trip. */
  public static Timer postgres(String query) {
    return Timer.builder("foyer_postgres_query").tag("query", query)
        .description("Round trip of a PostgreSQL query or transaction").register(registry());
  }
}
