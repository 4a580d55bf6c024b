package dev.foyer.line;

import dev.foyer.common.EventStore;
import dev.foyer.common.Keys;
import dev.foyer.common.LuaScript;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The sale's report as Redis keeps it: the figures the line and seat scripts count per minute as
 * they happen (lua/lib/report.lua), the waits, the refusals each node adds once a second, and the
 * names and prices the stock is told with.
 */
public class ReportStore extends EventStore {

  private static final LuaScript REFUSALS = LuaScript.load("report_refusals");

  public ReportStore(Redis redis, String prefix) {
    super(redis, prefix);
  }

  /** The report's raw hashes, each field to its value. */
  public record Raw(Map<String, String> counts, Map<String, String> refusals, Map<String, String> waits,
                    Map<String, String> names) {
  }

  public Future<Raw> read(String event) {
    Keys k = keys(event);
    Future<Map<String, String>> counts = hash(k.report);
    Future<Map<String, String>> refusals = hash(k.refusals);
    Future<Map<String, String>> waits = hash(k.waits);
    Future<Map<String, String>> names = hash(k.stockNames);
    return Future.all(counts, refusals, waits, names)
        .map(all -> new Raw(counts.result(), refusals.result(), waits.result(), names.result()));
  }

  /** Adds refusals ({@code "epochMinute:code"} -> count) to the event's report in one step. */
  public Future<Void> countRefusals(String event, Map<String, Long> fields) {
    List<Object> args = new ArrayList<>(fields.size() * 2);
    fields.forEach((field, n) -> {
      args.add(field);
      args.add(n);
    });
    return REFUSALS.run(redis, List.of(keys(event).refusals), args).mapEmpty();
  }

  private Future<Map<String, String>> hash(String key) {
    return redis.send(Request.cmd(Command.HGETALL).arg(key)).map(ReportStore::toMap);
  }

  /** RESP3 answers a map, RESP2 a flat list of fields and values: the client reads both as one. */
  private static Map<String, String> toMap(Response r) {
    Map<String, String> out = new TreeMap<>();
    for (String field : r.getKeys()) {
      out.put(field, r.get(field).toString());
    }
    return out;
  }
}
