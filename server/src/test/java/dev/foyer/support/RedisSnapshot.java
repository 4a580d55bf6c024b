package dev.foyer.support;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Every key under a test's prefix, found with SCAN (not a list of names spelt by hand, which misses
 * whatever key a change adds: a limit bucket, a spent proof-of-work, a presence lease), each with
 * its type, its whole value and whether it expires. Two snapshots compare with {@link #diff}, one
 * line per key that appeared, vanished or changed, so "a refusal changes nothing" names what did.
 *
 * <p>What moves on its own while a test watches (the ticker's bookkeeping, the per-second request
 * counters that count every request by design) is left out by the caller, with {@link #ignoring},
 * each with its reason.
 */
public final class RedisSnapshot {

  /** Keys, or hash fields of keys, that a snapshot leaves out; both match after the prefix. */
  public record Ignored(Pattern key, Set<String> fields, String why) {
    /** Every request to a known event counts towards its cluster-wide rate (the gate reads it), refused or not. */
    public static final Ignored TRAFFIC = key("\\{[^}]+\\}:traffic:[0-9]+",
        "every request to a known event counts towards its cluster-wide rate, which the gate reads");

    /** What the ticker writes on every tick, paused or not: its clock, the admission rate's state, the line's generation (set by the first tick). */
    public static final Ignored TICKS = fields("\\{[^}]+\\}:meta", Set.of("gateTick", "rate", "rateAt", "tokens",
        "tokensAt", "turnoverExposure", "turnoverFreed", "generation", "scanFrom", "activeAfter", "sale"),
        "the ticker's own bookkeeping, rewritten every tick");

    /** What the ticker last told the line of the stock, kept for nodes that start later; written by ticks, not requests. */
    public static final Ignored STOCK_TOLD = key("\\{[^}]+\\}:stock-told",
        "the last stock and sale frames the ticker told the line, written by ticks");

    /** Each node's heartbeat, beside the split watch's list of live nodes: written every 2 s, by no request. */
    public static final Ignored NODE_BEATS = key("cluster:nodes",
        "each node's heartbeat for the split watch, rewritten every 2 s whatever the requests");

    /** Every refusal of a known event is counted for the sale's report, added by each node once a second. */
    public static final Ignored REFUSALS = key("\\{[^}]+\\}:report-refusals",
        "every refusal of a known event is counted for the sale's report, by design");

    /**
     * A seat map being built by one node's load before it is swapped in: every node loads every map
     * at start and after each admin change (lua/load_seats.lua), on its own time, whatever the requests.
     */
    public static final Ignored SEAT_LOADS = key("\\{[^}]+\\}:seats:loading:.+",
        "a seat map being built by a node's load, which every node runs at start and after each admin change");

    /** Everything that moves on its own while a test watches, whatever the requests. */
    public static final List<Ignored> BACKGROUND = List.of(TRAFFIC, TICKS, STOCK_TOLD, NODE_BEATS, REFUSALS,
        SEAT_LOADS);

    /** The whole key. */
    public static Ignored key(String regex, String why) {
      return new Ignored(Pattern.compile(regex), Set.of(), why);
    }

    /** Some fields of a hash. */
    public static Ignored fields(String regex, Set<String> fields, String why) {
      return new Ignored(Pattern.compile(regex), Set.copyOf(fields), why);
    }
  }

  private final Map<String, String> keys;

  private RedisSnapshot(Map<String, String> keys) {
    this.keys = keys;
  }

  /** Every key of {@code prefix} (the test's own, see {@link TestSetup#prefix()}), less the ignored. */
  public static Future<RedisSnapshot> of(Redis redis, String prefix, List<Ignored> ignoring) {
    return scan(redis, prefix + ":*", "0", new TreeSet<>()).compose(names -> {
      List<Future<String>> values = new ArrayList<>();
      List<String> kept = new ArrayList<>();
      for (String name : names) {
        String local = name.substring(prefix.length() + 1);
        Set<String> fields = new TreeSet<>();
        boolean whole = false;
        for (Ignored i : ignoring) {
          if (i.key().matcher(local).matches()) {
            whole |= i.fields().isEmpty();
            fields.addAll(i.fields());
          }
        }
        if (!whole) {
          kept.add(local);
          values.add(describe(redis, name, fields));
        }
      }
      return Future.all(values).map(all -> {
        Map<String, String> out = new TreeMap<>();
        for (int i = 0; i < kept.size(); i++) {
          if (values.get(i).result() != null) { // gone between SCAN and the read
            out.put(kept.get(i), values.get(i).result());
          }
        }
        return new RedisSnapshot(out);
      });
    });
  }

  public static Future<RedisSnapshot> of(Redis redis, String prefix) {
    return of(redis, prefix, List.of());
  }

  private static Future<Set<String>> scan(Redis redis, String match, String cursor, Set<String> into) {
    return redis.send(Request.cmd(Command.SCAN).arg(cursor).arg("MATCH").arg(match).arg("COUNT").arg(1000))
        .compose(r -> {
          for (Response k : r.get(1)) {
            into.add(k.toString());
          }
          String next = r.get(0).toString();
          return next.equals("0") ? Future.succeededFuture(into) : scan(redis, match, next, into);
        });
  }

  /** "type [expires|persistent] value", the value in a stable order; null when the key is gone. */
  private static Future<String> describe(Redis redis, String key, Set<String> ignoredFields) {
    return redis.send(Request.cmd(Command.TYPE).arg(key)).compose(t -> {
      String type = t.toString();
      Future<String> value = switch (type) {
        case "string" -> redis.send(Request.cmd(Command.GET).arg(key)).map(String::valueOf);
        case "hash" -> redis.send(Request.cmd(Command.HGETALL).arg(key)).map(r -> {
          Map<String, String> sorted = new TreeMap<>();
          for (String field : r.getKeys()) {
            if (!ignoredFields.contains(field)) {
              sorted.put(field, r.get(field).toString());
            }
          }
          return sorted.toString();
        });
        case "set" -> redis.send(Request.cmd(Command.SMEMBERS).arg(key)).map(r -> {
          Set<String> sorted = new TreeSet<>();
          r.forEach(m -> sorted.add(m.toString()));
          return sorted.toString();
        });
        case "zset" -> redis.send(Request.cmd(Command.ZRANGE).arg(key).arg(0).arg(-1).arg("WITHSCORES"))
            .map(RedisSnapshot::pairs);
        case "list" -> redis.send(Request.cmd(Command.LRANGE).arg(key).arg(0).arg(-1)).map(String::valueOf);
        case "none" -> Future.succeededFuture(null);
        default -> Future.succeededFuture("(" + type + ")");
      };
      return value.compose(v -> v == null ? Future.succeededFuture((String) null)
          : redis.send(Request.cmd(Command.PTTL).arg(key))
              // -2: it expired after it was read, so it is gone
              .map(ttl -> ttl.toLong() == -2 ? null : type + (ttl.toLong() >= 0 ? " expiring " : " persistent ") + v));
    });
  }

  /** RESP2 answers a flat list, RESP3 a list of pairs: the same text either way. */
  private static String pairs(Response r) {
    List<String> out = new ArrayList<>();
    if (r.size() > 0 && r.get(0).type() == io.vertx.redis.client.ResponseType.MULTI) {
      r.forEach(p -> out.add(p.get(0) + "=" + p.get(1)));
    } else {
      for (int i = 0; i + 1 < r.size(); i += 2) {
        out.add(r.get(i) + "=" + r.get(i + 1));
      }
    }
    return out.toString();
  }

  public Set<String> keys() {
    return keys.keySet();
  }

  /** What {@code key} (after the prefix) was: "type expiring|persistent value"; null when absent. */
  public String get(String key) {
    return keys.get(key);
  }

  /** One line per key that appeared, vanished or changed between this snapshot and {@code after}; "" when none. */
  public String diff(RedisSnapshot after) {
    StringBuilder out = new StringBuilder();
    Set<String> all = new TreeSet<>(keys.keySet());
    all.addAll(after.keys.keySet());
    for (String key : all) {
      String was = keys.get(key);
      String is = after.keys.get(key);
      if (was == null) {
        out.append("\n  + ").append(key).append(": ").append(is);
      } else if (is == null) {
        out.append("\n  - ").append(key).append(": ").append(was);
      } else if (!was.equals(is)) {
        out.append("\n  ~ ").append(key).append(": ").append(was).append("\n      now ").append(is);
      }
    }
    return out.toString();
  }

  /** Fails naming every key that moved, when any did. */
  public void assertUnchangedIn(RedisSnapshot after, String message) {
    String diff = diff(after);
    if (!diff.isEmpty()) {
      throw new AssertionError(message + ":" + diff);
    }
  }

  @Override
  public String toString() {
    return keys.toString();
  }
}
