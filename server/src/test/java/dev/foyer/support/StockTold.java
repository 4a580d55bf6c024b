package dev.foyer.support;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;

/**
 * Waits until the line has been told the stock of an event (the ticking node's first stock frame,
 * which it also keeps in Redis): from then on every rank frame carries the chance of a ticket, so a
 * test that counts frames is not surprised by the one that tells it for the first time.
 */
public final class StockTold {

  private StockTold() {
  }

  public static Future<Void> of(Vertx vertx, FoyerCluster cluster, String event) {
    String key = cluster.setup().prefix() + ":{" + event + "}:stock-told";
    return Waits.until(vertx, () -> cluster.redis().send(Request.cmd(Command.HEXISTS).arg(key).arg("stock"))
        .map(r -> r.toInteger() == 1), told -> told, 30_000).mapEmpty();
  }
}
