package dev.foyer.support;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

/** Pauses inside a future chain, on the test's own Vert.x timer. */
public final class Waits {

  private Waits() {
  }

  public static Future<Void> sleep(Vertx vertx, long millis) {
    Promise<Void> done = Promise.promise();
    vertx.setTimer(Math.max(1, millis), id -> done.complete());
    return done.future();
  }
}
