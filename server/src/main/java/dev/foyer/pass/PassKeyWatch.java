package dev.foyer.pass;

import dev.foyer.FoyerConfig;
import dev.foyer.common.PgPools;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.sqlclient.Pool;

/**
 * Keeps the node's one {@link Passes} on the cluster's current key ring ({@link PassKeys#follow}):
 * one reload per node and rotation, however many rooms and event loops sign and check passes with
 * it. Its own pool of one connection, opened only when a rotation is heard.
 */
public final class PassKeyWatch extends VerticleBase {

  private final FoyerConfig config;
  private final Passes passes;
  private Pool pg;

  public PassKeyWatch(FoyerConfig config, Passes passes) {
    this.config = config;
    this.passes = passes;
  }

  @Override
  public Future<?> start() {
    pg = PgPools.open(vertx, config.pg(), "pass-keys", 1);
    return new PassKeys(vertx, config).follow(pg, passes);
  }

  @Override
  public Future<?> stop() {
    return pg.close();
  }
}
