package dev.foyer.support;

import dev.foyer.ClusterConfigs;
import dev.foyer.FoyerConfig;
import dev.foyer.FoyerNode;
import dev.foyer.queue.Ticking;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real foyer node for tests: its own clustered Vert.x with Hazelcast on loopback, joined to the
 * test's own cluster name so that test classes (and a foyer running on this machine) never meet.
 */
public final class TestNode {

  private final Vertx vertx;
  private final List<String> deployments = new ArrayList<>();
  private FoyerConfig config;

  private TestNode(Vertx vertx) {
    this.vertx = vertx;
  }

  public static TestNode start(String clusterName) {
    try {
      Vertx vertx = Vertx.builder()
          .with(FoyerNode.vertxOptions())
          .withMetrics(new MicrometerMetricsFactory())
          .withClusterManager(new HazelcastClusterManager(hazelcast(clusterName)))
          .buildClustered()
          .await(60, TimeUnit.SECONDS);
      return new TestNode(vertx);
    } catch (Exception e) {
      throw new IllegalStateException("could not start a clustered test node", e);
    }
  }

  /** The shipped loopback cluster (every port of its range a member) under the test's own name. */
  static com.hazelcast.config.Config hazelcast(String clusterName) {
    return ClusterConfigs.loopback(clusterName);
  }

  public Vertx vertx() {
    return vertx;
  }

  public FoyerConfig config() {
    return config;
  }

  public int port() {
    return config.http().port();
  }

  /** Deploys foyer's verticles with this configuration (its own HTTP port). */
  public Future<Void> deploy(FoyerConfig config) {
    return deploy(config, Ticking.ONE_NODE_PER_EVENT);
  }

  /** {@link Ticking#EVERY_NODE}: this node ticks every event without the lock, racing the others. */
  public Future<Void> deploy(FoyerConfig config, Ticking ticking) {
    this.config = config;
    var before = new java.util.HashSet<>(vertx.deploymentIDs());
    return FoyerNode.deploy(vertx, config, ticking).onSuccess(v -> vertx.deploymentIDs().stream()
        .filter(id -> !before.contains(id)).forEach(deployments::add));
  }

  public Future<Void> undeploy() {
    List<Future<Void>> all = new ArrayList<>();
    for (String id : deployments) {
      if (vertx.deploymentIDs().contains(id)) {
        all.add(vertx.undeploy(id));
      }
    }
    deployments.clear();
    return Future.join(all).mapEmpty();
  }

  public void close() {
    try {
      vertx.close().await(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      // a test that fails to close a node must not hide the test's own result
    }
  }
}
