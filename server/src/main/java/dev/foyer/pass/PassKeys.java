package dev.foyer.pass;

import dev.foyer.FoyerConfig;
import dev.foyer.bus.Addresses;
import dev.foyer.common.ApiError;
import dev.foyer.common.Failures;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.Function;

/**
 * Where the pass-key ring comes from, and how it rotates: the configured ring
 * ({@link ConfiguredKeyRing}: PostgreSQL is not consulted) or else the stored one
 * ({@link StoredKeyRing}, sealed by {@link KeySeal}); and how every node follows a rotation.
 */
public final class PassKeys {

  private static final Logger LOG = LoggerFactory.getLogger(PassKeys.class);

  private final Vertx vertx;
  private final FoyerConfig config;

  public PassKeys(Vertx vertx, FoyerConfig config) {
    this.vertx = vertx;
    this.config = config;
  }

  /** True when the keys come from configuration rather than PostgreSQL. */
  public boolean configured() {
    return ConfiguredKeyRing.present(config);
  }

  /**
   * The ring a node starts with. Fails with a {@link PassKeyException} whose message an operator can
   * act on (bad file, bad PEM, another FOYER_SECRET); PostgreSQL that cannot serve now is a 503.
   */
  public Future<PassKeyRing> resolve(Pool pool) {
    return configured() ? configuredRing() : stored(pool, StoredKeyRing::resolve);
  }

  /** The ring as it is now: configuration read again, or the stored ring (after another node rotated). */
  public Future<PassKeyRing> reload(Pool pool) {
    return configured() ? configuredRing() : stored(pool, StoredKeyRing::reload);
  }

  /**
   * A new current key; the current one becomes previous, the previous one is dropped (its passes
   * stop verifying). 409 {@code pass_keys_configured} when the keys come from configuration; 503
   * when PostgreSQL is down.
   */
  public Future<PassKeyRing> rotate(Pool pool) {
    if (configured()) {
      return Future.failedFuture(new ApiError(409, "pass_keys_configured", "the pass keys come from configuration ("
          + FoyerConfig.variableName("passKey") + " or " + FoyerConfig.variableName("passKeyFile")
          + "); rotate them there: the new key as " + FoyerConfig.variableName("passKey") + ", the old one as "
          + FoyerConfig.variableName("passKeyPrevious") + ", then restart the nodes"));
    }
    return stored(pool, StoredKeyRing::rotate);
  }

  /**
   * Keeps {@code passes} on the cluster's current ring: every node reloads when any node announces
   * a rotation on {@link Addresses#PASS_KEYS_ROTATED}; a failed reload keeps the ring it had.
   * Completes once the cluster knows the subscription.
   */
  public Future<Void> follow(Pool pool, Passes passes) {
    return vertx.eventBus().<String>consumer(Addresses.PASS_KEYS_ROTATED, message -> reload(pool)
        .onSuccess(passes::use)
        .onFailure(err -> LOG.warn("Could not load the pass keys after a rotation; this node goes on with the keys "
            + "it has: {}", err.getMessage()))).completion();
  }

  private Future<PassKeyRing> stored(Pool pool, Function<StoredKeyRing, Future<PassKeyRing>> work) {
    KeySeal seal;
    try {
      seal = KeySeal.of(config.access().secret(), config.pg().schema());
    } catch (PassKeyException e) {
      return Future.failedFuture(e);
    }
    StoredKeyRing ring = new StoredKeyRing(pool, seal, config.pg().schema(),
        () -> vertx.executeBlocking(PassKey::generate, false));
    return work.apply(ring).recover(Failures.postgres());
  }

  private Future<PassKeyRing> configuredRing() {
    // files are read on a worker: a mounted secret may sit on a slow or network file system
    return vertx.executeBlocking(() -> ConfiguredKeyRing.read(config), false);
  }
}
