package dev.foyer;

import dev.foyer.common.Migrations;
import dev.foyer.common.SplitWatch;
import dev.foyer.common.PgPools;
import dev.foyer.devmode.DemoEvent;
import dev.foyer.hold.HoldVerticle;
import dev.foyer.ingress.IngressVerticle;
import dev.foyer.pass.PassKeyWatch;
import dev.foyer.pass.PassKeys;
import dev.foyer.pass.Passes;
import dev.foyer.push.PushVerticle;
import dev.foyer.queue.QueueVerticle;
import dev.foyer.queue.Ticking;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import io.vertx.sqlclient.Pool;

import java.util.EnumSet;

/**
 * One foyer node on a (clustered) Vert.x: migrates the schema, settles the pass key, then deploys
 * the verticles. The node signs and checks passes with one {@link Passes} (one key ring, one cache
 * of recent passes), shared by push and every ingress instance. Main uses it, and so do tests that
 * start several nodes in one JVM.
 */
public final class FoyerNode {

  private FoyerNode() {
  }

  public static VertxOptions vertxOptions() {
    return new VertxOptions().setPreferNativeTransport(true).setMetricsOptions(new MicrometerMetricsOptions()
        .setEnabled(true)
        .setJvmMetricsEnabled(true)
        // no per-address or per-path labels: one per event and visitor would flood the registry
        .setLabels(EnumSet.of(Label.HTTP_METHOD, Label.HTTP_CODE, Label.HTTP_ROUTE, Label.EB_SIDE, Label.EB_FAILURE,
            Label.POOL_TYPE, Label.POOL_NAME, Label.CLIENT_NAME, Label.NAMESPACE))
        .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true)));
  }

  public static Future<Void> deploy(Vertx vertx, FoyerConfig config) {
    return deploy(vertx, config, Ticking.ONE_NODE_PER_EVENT);
  }

  /** With {@link Ticking#EVERY_NODE} only in tests that race nodes' ticks on purpose. */
  public static Future<Void> deploy(Vertx vertx, FoyerConfig config, Ticking ticking) {
    Pool setup = PgPools.open(vertx, config.pg(), "setup", 1);
    return Migrations.run(setup, config.pg().schema())
        .compose(v -> new PassKeys(vertx, config).resolve(setup))
        .compose(key -> (config.demo() ? DemoEvent.ensure(setup) : Future.<Void>succeededFuture()).map(key))
        .eventually(setup::close)
        .map(key -> new Passes(vertx, key))
        .compose(passes -> vertx.deployVerticle(() -> new PassKeyWatch(config, passes), new DeploymentOptions())
            .compose(id -> vertx.deployVerticle(() -> new QueueVerticle(config, ticking), new DeploymentOptions()))
            .compose(id -> vertx.deployVerticle(() -> new HoldVerticle(config), new DeploymentOptions()))
            .compose(id -> vertx.deployVerticle(() -> new PushVerticle(config, passes), new DeploymentOptions()))
            .compose(id -> vertx.deployVerticle(() -> new IngressVerticle(config, passes),
                new DeploymentOptions().setInstances(config.http().instances())))
            .compose(id -> vertx.deployVerticle(() -> new SplitWatch(config.redis(), config.keyPrefix()), new DeploymentOptions())))
        .mapEmpty();
  }
}
