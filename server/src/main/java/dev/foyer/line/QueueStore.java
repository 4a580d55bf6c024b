package dev.foyer.line;

import dev.foyer.common.EventStore;
import dev.foyer.common.Keys;
import dev.foyer.common.LuaScript;
import dev.foyer.common.ScriptBatcher;
import dev.foyer.event.EventSettings;
import io.vertx.core.Future;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Response;

import java.util.ArrayList;
import java.util.List;

/**
 * The waiting line and active set of every event, in Redis, changed only through Lua scripts. Shared
 * by the rooms that join (ingress), admit (queue), rank (push) and tell (bridge) visitors.
 */
public class QueueStore extends EventStore {

  /** The EWMA time constant of the measured admission rate. */
  static final int RATE_WINDOW_SECONDS = 60;
  /**
   * The EWMA time constant of the turnover of active slots (ETAs): short enough that the first
   * cycle after the opening, when every slot is young and few can have ended, is soon forgotten.
   */
  static final int TURNOVER_WINDOW_SECONDS = 30;
  static final int MAX_BATCH = 5000;
  /**
   * The most away visitors one tick steps over (admit.lua): each is stepped over once, so the
   * first tick after many phones locked at the front of a line does bounded work.
   */
  static final int MAX_SKIP = 5000;

  private static final LuaScript JOIN = LuaScript.load("join");
  private static final LuaScript STATUS = LuaScript.load("status");
  private static final LuaScript LEAVE = LuaScript.load("leave");
  private static final LuaScript ADMIT = LuaScript.load("admit");
  private static final LuaScript COUNTS = LuaScript.load("counts");
  private static final LuaScript COUNT_TRAFFIC = LuaScript.load("count_traffic");
  private static final LuaScript REAP = LuaScript.load("reap");
  private static final LuaScript RANKS = LuaScript.load("ranks");
  private static final LuaScript OPEN = LuaScript.load("open");
  private static final LuaScript GENERATION_START = LuaScript.load("generation_start");

  /** Joins an event loop reads in one pass reach Redis in one write (a surge is joins). */
  private final ScriptBatcher joins;

  public QueueStore(Redis redis, String prefix) {
    super(redis, prefix);
    this.joins = new ScriptBatcher(JOIN, redis);
  }


  /** How long a join's Idempotency-Key is remembered: a retry comes within seconds, or not at all. */
  static final long JOIN_KEY_MILLIS = 15 * 60_000;

  /**
   * The visitor a join produced: new ({@code state} set), or the one an earlier join with the same
   * idempotency key produced ({@code earlier}, state null: ask {@link #status}).
   */
  public record Joined(String visitor, VisitorState state, boolean earlier) {
  }

  /**
   * {@code opensAt} epoch ms, 0 without a scheduled opening; {@code joinKey} the client's
   * Idempotency-Key, null without one.
   */
  public Future<Joined> join(String event, String visitor, long now, EventSettings settings, long opensAt,
                             String joinKey) {
    return join(event, visitor, now, settings, opensAt, joinKey, null);
  }

  /**
   * How long an identity's place is remembered, from the join or, before a scheduled opening, from
   * the opening: a pre-queue may gather for days, and an identity forgotten before its draw could
   * join again and be drawn twice. Checked against the line, so a gone visitor frees it.
   */
  static final long IDENTITY_MILLIS = 24 * 3600_000L;

  static long identityMillis(long now, long opensAt) {
    return IDENTITY_MILLIS + Math.max(0, opensAt - now);
  }

  /**
   * As {@link #join(String, String, long, EventSettings, long, String)}; with {@code identity} (the
   * booking site's user, verified) an identity that has a place gets that one back ({@code earlier}).
   */
  public Future<Joined> join(String event, String visitor, long now, EventSettings settings, long opensAt,
                             String joinKey, String identity) {
    return join(event, visitor, now, settings, opensAt, joinKey, identity, null, null);
  }

  /**
   * As above, into a lane: the one {@code code} was made for (its use taken in the same step), else
   * {@code claimedLane} (the identity's claim), else the general lane (see {@link Lanes}).
   */
  public Future<Joined> join(String event, String visitor, long now, EventSettings settings, long opensAt,
                             String joinKey, String identity, String claimedLane, String code) {
    Keys k = keys(event);
    List<Object> args = new java.util.ArrayList<>(Admission.of(settings).args(now, visitor, opensAt,
        joinKey == null ? 0 : JOIN_KEY_MILLIS));
    args.add(identity == null ? 0 : identityMillis(now, Math.max(opensAt, latestOpening(settings, opensAt))));
    args.addAll(Lanes.joinArgs(settings, opensAt, claimedLane, code));
    List<String> keys = new java.util.ArrayList<>(List.of(k.seq, k.waiting, k.active, k.meta, k.presence,
        k.prequeue, k.joinKey(joinKey), k.identity(identity)));
    keys.addAll(Admission.stockKeys(k));
    keys.addAll(List.of(k.lanes, k.codes));
    keys.addAll(k.reportKeys);
    return joins.run(keys, args)
        .map(r -> switch (r.get(0).toString()) {
          case "existing", "identity" -> new Joined(r.get(1).toString(), null, true);
          case "refused" -> throw Lanes.refusal(r.get(1).toString(), r.get(2).toString());
          case "ended" -> throw SaleEnd.refusal(r.get(1).toString(), r.get(2).toString());
          default -> new Joined(visitor, toState(r), false);
        });
  }

  /** The latest lane opening: an identity is remembered until its lane's draw at least. */
  private static long latestOpening(EventSettings settings, long opensAt) {
    return settings.lanes().stream().mapToLong(l -> l.opensAtMillis(opensAt)).max().orElse(opensAt);
  }

  public Future<VisitorState> status(String event, String visitor, long now) {
    Keys k = keys(event);
    return STATUS.run(redis, List.of(k.waiting, k.active, k.gone, k.meta, k.presence, k.prequeue,
            k.away, k.lanes), List.of(visitor, now))
        .map(QueueStore::toState);
  }

  /** Takes the visitor out; the answer is the state they were in ({@code GONE}: nothing changed). */
  public Future<VisitorState.State> leave(String event, String visitor, String reason) {
    Keys k = keys(event);
    return LEAVE.run(redis, List.of(k.waiting, k.active, k.gone, k.presence, k.prequeue, k.away,
            k.report, k.joinedAt, k.waits),
            List.of(visitor, reason))
        .map(r -> VisitorState.State.valueOf(r.toString().toUpperCase()));
  }

  /**
   * Ends the sale: nobody joins or is admitted from now on; the next tick tells the line, with the
   * reason and the operator's message. Ending an ended sale changes its words only.
   */
  public Future<Void> endSale(String event, SaleEnd end) {
    return redis.send(io.vertx.redis.client.Request.cmd(io.vertx.redis.client.Command.HSET).arg(keys(event).meta)
        .arg("ended").arg(end.reason()).arg("endedMessage").arg(end.message()).arg("sale").arg("ended")).mapEmpty();
  }

  public Future<TickResult> admit(String event, long now, EventSettings settings) {
    Keys k = keys(event);
    List<String> keys = new java.util.ArrayList<>(List.of(k.waiting, k.active, k.gone, k.meta, k.presence,
        k.prequeue, k.away));
    keys.addAll(Admission.stockKeys(k));
    keys.add(k.lanes);
    keys.addAll(k.reportKeys);
    List<Object> args = new ArrayList<>(Admission.of(settings).args(now, MAX_BATCH, RATE_WINDOW_SECONDS, MAX_SKIP,
        TURNOVER_WINDOW_SECONDS));
    args.addAll(Lanes.admitArgs(settings));
    return ADMIT.run(redis, keys, args)
        .map(r -> {
          Response s = r.get(8);
          return new TickResult(strings(r.get(0)), strings(r.get(1)), r.get(2).toLong(), r.get(3).toLong(),
              r.get(4).toLong(), r.get(5).toLong(), decimal(r.get(6)), r.get(7).toString(),
              new TickResult.StockTotals(s.get(0).toInteger() == 1, s.get(1).toLong(), s.get(2).toLong(),
                  s.get(3).toLong(), s.get(4).toLong(), s.get(5).toLong(), s.get(6).toLong(), s.get(7).toLong(),
                  s.get(8).toString(), s.get(9).toString().isEmpty() ? null
                  : new SaleEnd(s.get(9).toString(), s.get(10).toString())));
        });
  }

  public Future<QueueCounts> counts(String event, long now) {
    Keys k = keys(event);
    return COUNTS.run(redis, List.of(k.waiting, k.active, k.meta, k.traffic(now / 1000 - 1), k.holdSeats,
            k.prequeue), List.of())
        .map(r -> new QueueCounts(r.get(0).toLong(), r.get(1).toLong(), Long.parseLong(r.get(2).toString()),
            decimal(r.get(3)), !"0".equals(r.get(4).toString()), Long.parseLong(r.get(5).toString()),
            r.get(6).toLong(), r.get(7).toLong(), "1".equals(r.get(8).toString()),
            Long.parseLong(r.get(9).toString())));
  }

  /**
   * Visitors whose presence lease was last renewed at or before {@code cutoff}: those admitted
   * leave, those in line become away; those away since {@code awayCutoff} or before leave the line.
   */
  public Future<Reaped> reap(String event, long cutoff, long awayCutoff) {
    Keys k = keys(event);
    return REAP.run(redis, List.of(k.waiting, k.active, k.gone, k.presence, k.prequeue, k.away,
            k.report, k.joinedAt, k.waits),
            List.of(cutoff, awayCutoff, MAX_BATCH))
        .map(r -> new Reaped(strings(r.get(0)), r.get(1).toLong()));
  }

  /** Result of {@link #reap}: who left as disconnected, and how many in line became away. */
  public record Reaped(List<String> removed, long wentAway) {
  }

  /** Positions of a batch of connected visitors (0 active, -1 gone), renewing their presence. */
  public Future<Ranks> ranks(String event, List<String> visitors, long now) {
    Keys k = keys(event);
    List<Object> args = new ArrayList<>(visitors.size() + 1);
    args.add(now);
    args.addAll(visitors);
    return RANKS.run(redis, List.of(k.waiting, k.active, k.presence, k.meta, k.prequeue, k.away), args)
        .map(r -> {
          long[] positions = new long[visitors.size()];
          for (int i = 0; i < positions.length; i++) {
            positions[i] = r.get(i + 4).toLong();
          }
          return new Ranks(r.get(0).toLong(), turnover(r.get(1), r.get(2), r.get(3)), positions);
        });
  }

  /** Result of {@link #ranks}: positions in the order the visitors were given. */
  public record Ranks(long waiting, Turnover turnover, long[] positions) {
  }

  /** Marks the event's state with {@code fresh} unless another node did first; the generation in force. */
  public Future<String> startGeneration(String event, String fresh) {
    return GENERATION_START.run(redis, List.of(keys(event).meta), List.of(fresh)).map(r -> r.get(1).toString());
  }

  /** Moves the pre-queue into the line at the opening; -1 when it had opened already. */
  public Future<Long> open(String event, EventSettings.Opening order, String seed) {
    Keys k = keys(event);
    return OPEN.run(redis, List.of(k.prequeue, k.waiting, k.meta),
            List.of(order.wire(), seed == null ? "" : seed))
        .map(Response::toLong);
  }

  public Future<Long> countTraffic(String event, long epochSecond, long requests) {
    return COUNT_TRAFFIC.run(redis, List.of(keys(event).traffic(epochSecond)), List.of(requests, 10))
        .map(Response::toLong);
  }

  private static VisitorState toState(Response r) {
    long waiting = r.get(2).toLong();
    Turnover turnover = turnover(r.get(3), r.get(4), r.get(5));
    boolean returned = "1".equals(r.get(6).toString());
    String sale = r.get(7).toString();
    String lane = r.size() > 8 && !r.get(8).toString().isEmpty() ? r.get(8).toString() : null;
    return withLane(lane, switch (r.get(0).toString()) {
      case "waiting" -> VisitorState.waiting(r.get(1).toLong(), waiting, turnover, returned).withSale(sale);
      case "active" -> VisitorState.active((long) Double.parseDouble(r.get(1).toString()), waiting, turnover)
          .withSale(sale);
      case "prequeue" -> VisitorState.prequeued(waiting, turnover, returned).withSale(sale);
      default -> VisitorState.gone(r.get(1).toString(), waiting, turnover).withSale(sale);
    });
  }

  private static VisitorState withLane(String lane, VisitorState state) {
    return lane == null ? state : state.withLane(lane);
  }

  private static Turnover turnover(Response active, Response freed, Response exposure) {
    Double f = decimal(freed);
    Double e = decimal(exposure);
    return new Turnover(active.toLong(), f == null ? 0 : f, e == null ? 0 : e);
  }

  private static List<String> strings(Response array) {
    List<String> out = new ArrayList<>(array.size());
    for (Response item : array) {
      out.add(item.toString());
    }
    return out;
  }

  private static Double decimal(Response r) {
    String s = r == null ? "" : r.toString();
    return s.isEmpty() ? null : Double.parseDouble(s);
  }
}
