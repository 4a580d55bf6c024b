package dev.foyer.line;

import dev.foyer.common.EventStore;
import dev.foyer.common.LuaScript;
import dev.foyer.event.Stock;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.ArrayList;
import java.util.List;

/** What is left of an event's tickets, as the seat scripts count it (lua/stock.lua). */
public class StockStore extends EventStore {

  private static final LuaScript STOCK = LuaScript.load("stock");

  public StockStore(Redis redis, String prefix) {
    super(redis, prefix);
  }

  public Future<Stock> stock(String event) {
    return STOCK.run(redis, keys(event).seatKeys, List.of())
        .map(r -> Stock.of(strings(r.get(0)), strings(r.get(1)), strings(r.get(2)), strings(r.get(3)),
            strings(r.get(4)), r.get(5).toLong(), r.get(6).toLong() > 0, (long) Double.parseDouble(r.get(7).toString())));
  }

  /**
   * Keeps the last stock or sale frame the line was told, for a node that starts (or forgot) after
   * it went out: the broadcast reaches only the nodes up then.
   */
  public Future<Void> remember(String event, JsonObject frame) {
    return redis.send(Request.cmd(Command.HSET).arg(keys(event).stockTold).arg(frame.getString("type"))
        .arg(frame.encode())).mapEmpty();
  }

  /** The last stock and sale frames told ({@link StockBoard.Told}; either may be null). */
  public Future<StockBoard.Told> told(String event) {
    return redis.send(Request.cmd(Command.HMGET).arg(keys(event).stockTold).arg("stock").arg("sale"))
        .map(r -> new StockBoard.Told(json(r.get(0)), json(r.get(1)), -1));
  }

  private static JsonObject json(Response r) {
    return r == null ? null : new JsonObject(r.toString());
  }

  private static List<String> strings(Response array) {
    List<String> out = new ArrayList<>(array.size());
    array.forEach(item -> out.add(item.toString()));
    return out;
  }
}
