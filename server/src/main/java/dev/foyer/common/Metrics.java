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
    // counted on every join: kept per event rather than looked up by its tags each time
    MeterRegistry registry = registry();
    Bound bound = JOINS.get(event);
    if (bound == null || bound.registry() != registry) {
      bound = new Bound(registry, Counter.builder("foyer_joins").tag("event", event)
          .description("Visitors who joined").register(registry));
      JOINS.put(event, bound);
    }
    return bound.counter();
  }

  private record Bound(MeterRegistry registry, Counter counter) {
  }

  /** Events only ever joined once known to the catalog: as bounded as the events themselves. */
  private static final java.util.Map<String, Bound> JOINS = new java.util.concurrent.ConcurrentHashMap<>();

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

  /** foyer_passes_signed_total: passes this node signed (a recent one handed out again is not counted). */
  public static Counter passesSigned() {
    return Counter.builder("foyer_passes_signed").description("Passes this node signed (RSA)").register(registry());
  }

  /** foyer_holds_total{event,outcome}: holds created, released, expired, confirmed. */
  public static Counter holds(String event, String outcome) {
    return Counter.builder("foyer_holds").tag("event", event).tag("outcome", outcome)
        .description("Seat holds by what happened to them").register(registry());
  }

  /**
   * foyer_refused_total{reason}: requests and sockets refused to protect the sale from one client:
   * join, hold, confirm, socket (a limit per address or network), places (per socket), registers (per socket), pow_required,
   * pow_invalid, pow_reused, pow_stale, identity_required, identity_invalid.
   */
  public static Counter refused(String reason) {
    return Counter.builder("foyer_refused").tag("reason", reason)
        .description("Requests refused by the limits per client, the proof of work or the identity check")
        .register(registry());
  }

  private static final java.util.Map<String, java.util.concurrent.atomic.AtomicLong> DIFFICULTY =
      new java.util.concurrent.ConcurrentHashMap<>();

  /** foyer_pow_difficulty{event}: the difficulty (ALTCHA maxnumber) of the last challenge this node issued. */
  public static void powDifficulty(String event, long difficulty) {
    MeterRegistry registry = registry();
    // keyed by registry too: each Vert.x (a test's node) has its own
    DIFFICULTY.computeIfAbsent(System.identityHashCode(registry) + "/" + event, k -> {
      java.util.concurrent.atomic.AtomicLong value = new java.util.concurrent.atomic.AtomicLong();
      io.micrometer.core.instrument.Gauge.builder("foyer_pow_difficulty", value, java.util.concurrent.atomic.AtomicLong::get)
          .tag("event", event).description("Difficulty (largest secret number) of the proof-of-work challenges issued now")
          .register(registry);
      return value;
    }).set(difficulty);
  }

  private static final java.util.Map<Integer, java.util.concurrent.atomic.AtomicReference<java.util.function.LongSupplier>>
      CACHED_SEATS = new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * foyer_cached_seats: seats of the layouts and seat maps this node keeps in memory (bounded by
   * FOYER_CACHED_SEATS). The gauge reads whichever supplier the hold verticle deployed last handed
   * in, so a redeployed verticle (a test's next node) is the one counted.
   */
  public static void cachedSeats(java.util.function.LongSupplier seats) {
    MeterRegistry registry = registry();
    CACHED_SEATS.computeIfAbsent(System.identityHashCode(registry), k -> {
      var current = new java.util.concurrent.atomic.AtomicReference<java.util.function.LongSupplier>(() -> 0);
      io.micrometer.core.instrument.Gauge.builder("foyer_cached_seats", current, c -> c.get().getAsLong())
          .description("Seats of the layouts and seat maps this node keeps in memory").register(registry);
      return current;
    }).set(seats);
  }

  /** foyer_redis_resets_total{event}: times this node found Redis had lost the event's live state. */
  public static Counter resets(String event) {
    return Counter.builder("foyer_redis_resets").tag("event", event)
        .description("Times Redis was found to have lost the event's line (restarted empty, flushed, failed over)")
        .register(registry());
  }

  /** foyer_sold_out_total{event}: times the event sold out (nothing free, nothing held), as the ticking node saw it. */
  public static Counter soldOut(String event) {
    return Counter.builder("foyer_sold_out").tag("event", event)
        .description("Times the event sold out: nothing free and nothing held (returns may bring it back)")
        .register(registry());
  }

  /** foyer_rank_messages_sent_total: rank updates this node pushed to its sockets. */
  public static Counter rankMessages() {
    return Counter.builder("foyer_rank_messages_sent").description("Rank updates pushed to this node's sockets")
        .register(registry());
  }

  /**
   * foyer_rank_frames_sent_total{reason}: why each rank frame went out (see push/ShownPositions):
   * first, moving (an operator paused or resumed; the line started or stopped where the page would notice), rate, keepalive, front (a change within the first
   * 100), drift (past max(1, 1 %)).
   */
  public static Counter rankFrames(String reason) {
    return Counter.builder("foyer_rank_frames_sent").tag("reason", reason)
        .description("Rank frames pushed to this node's visitors, by why they were due").register(registry());
  }

  /**
   * foyer_redis_batched_runs_total{script}: runs of a script that went to Redis in one write with
   * others of the same event loop pass (see ScriptBatcher); during a surge most joins do.
   */
  public static Counter redisBatchedRuns(String script) {
    return Counter.builder("foyer_redis_batched_runs").tag("script", script)
        .description("Runs of a Redis script sent in one write with others").register(registry());
  }

  /**
   * foyer_redis_script_seconds{script}: how long each Redis script took, round trip. Looked up on
   * each use (a map lookup), so it always lands on the registry of the running Vert.x.
   */
  public static Timer redisScript(String script) {
    return Timer.builder("foyer_redis_script").tag("script", script)
        .description("Round trip of a Redis script").register(registry());
  }

  /**
   * foyer_event_lookups_total: reads of one event from PostgreSQL, which the event catalogs make
   * when their copy is missing or old (an id with no event is not read again for a few seconds).
   */
  public static Counter eventLookups() {
    return Counter.builder("foyer_event_lookups").description("Reads of one event from PostgreSQL")
        .register(registry());
  }

  /** foyer_postgres_query_seconds{query}: how long foyer's PostgreSQL work took, round trip. */
  public static Timer postgres(String query) {
    return Timer.builder("foyer_postgres_query").tag("query", query)
        .description("Round trip of a PostgreSQL query or transaction").register(registry());
  }

  private static final java.util.Map<Integer, java.util.concurrent.atomic.AtomicInteger> SPLIT =
      new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * foyer_cluster_split: live nodes serving this node's state that are not in its cluster (0 when
   * whole; see SplitWatch). Keyed by registry: each Vert.x (a test's node) has its own.
   */
  public static void clusterSplit(int nodes) {
    MeterRegistry registry = registry();
    SPLIT.computeIfAbsent(System.identityHashCode(registry), k -> {
      java.util.concurrent.atomic.AtomicInteger value = new java.util.concurrent.atomic.AtomicInteger();
      io.micrometer.core.instrument.Gauge.builder("foyer_cluster_split", value, java.util.concurrent.atomic.AtomicInteger::get)
          .description("Live nodes serving this node's state (Redis key prefix) that are not in its cluster")
          .register(registry);
      return value;
    }).set(nodes);
  }
}
