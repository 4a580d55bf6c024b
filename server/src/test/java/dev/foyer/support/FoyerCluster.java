package dev.foyer.support;

import dev.foyer.FoyerConfig;
import dev.foyer.queue.Ticking;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.sqlclient.Pool;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * Real clustered foyer nodes for one test class, and a fresh slice of Redis and PostgreSQL (a
 * {@link TestSetup}) for each of its tests. Registered as a static field:
 *
 * <pre>
 * &#64;RegisterExtension
 * static final FoyerCluster cluster = FoyerCluster.nodes(2);
 * </pre>
 *
 * The nodes join a cluster of their own, named after the class; they start before the class's first
 * test (so a class skipped by an assumption in its {@code @BeforeAll} starts none) and close after
 * its last. Before each test every node is deployed with the test's configuration, changed by
 * {@link #deployedWith}, or not at all with {@link #deployedByTest()}: the test then calls
 * {@link #deploy}. After each test, passed or failed, every node is undeployed, the test's keys and
 * schema are removed and the clients handed out ({@link #api}, {@link #redis}, {@link #pg}) closed.
 */
public final class FoyerCluster implements BeforeEachCallback, AfterEachCallback, AfterAllCallback {

  private final int size;
  /** How each test's configuration is changed before every node is deployed; null: the test deploys. */
  private final UnaryOperator<FoyerConfig> deployed;
  private final Ticking ticking;
  private final List<TestNode> nodes = new ArrayList<>();
  private String clusterName;
  /** A plain Vert.x of the extension's own for the clients, apart from the nodes under test. */
  private Vertx clients;
  private TestSetup setup;
  private final Map<Integer, ApiClient> apis = new HashMap<>();
  private Redis redis;
  private Pool pg;

  private FoyerCluster(int size, UnaryOperator<FoyerConfig> deployed, Ticking ticking) {
    this.size = size;
    this.deployed = deployed;
    this.ticking = ticking;
  }

  /** {@code size} nodes, each deployed with the test's own configuration before each test. */
  public static FoyerCluster nodes(int size) {
    return new FoyerCluster(size, UnaryOperator.identity(), Ticking.ONE_NODE_PER_EVENT);
  }

  /** The nodes are deployed before each test with the test's configuration changed by {@code change}. */
  public FoyerCluster deployedWith(UnaryOperator<FoyerConfig> change) {
    return new FoyerCluster(size, change, ticking);
  }

  /** {@link Ticking#EVERY_NODE}: every node ticks every event, racing the others, without the lock. */
  public FoyerCluster ticking(Ticking mode) {
    return new FoyerCluster(size, deployed, mode);
  }

  /** Nothing is deployed before a test: the test deploys what it needs, when it needs it. */
  public FoyerCluster deployedByTest() {
    return new FoyerCluster(size, null, ticking);
  }

  /** The running test's own Redis key prefix and PostgreSQL schema. */
  public TestSetup setup() {
    return setup;
  }

  public TestNode node() {
    return node(0);
  }

  public TestNode node(int index) {
    return nodes.get(index);
  }

  /** Deploys every node, one after another, with the test's configuration. */
  public Future<Void> deploy() {
    return deploy(UnaryOperator.identity());
  }

  /** Deploys every node, one after another, with the test's configuration changed by {@code change}. */
  public Future<Void> deploy(UnaryOperator<FoyerConfig> change) {
    Future<Void> all = Future.succeededFuture();
    for (TestNode node : nodes) {
      all = all.compose(v -> node.deploy(change.apply(setup.config()), ticking));
    }
    return all;
  }

  /** Deploys one node with the test's configuration. */
  public Future<Void> deploy(int index) {
    return node(index).deploy(setup.config(), ticking);
  }

  public ApiClient api() {
    return api(0);
  }

  /** A REST client for node {@code index}, once it is deployed; closed after the test. */
  public ApiClient api(int index) {
    if (node(index).config() == null) {
      throw new IllegalStateException("node " + index + " is not deployed");
    }
    return apis.computeIfAbsent(index, i -> new ApiClient(clients, node(i).port()));
  }

  /** A Redis client for looking at the test's keys; closed after the test. */
  public Redis redis() {
    if (redis == null) {
      redis = setup.redis(clients);
    }
    return redis;
  }

  /** A PostgreSQL pool on the test's schema; closed after the test. */
  public Pool pg() {
    if (pg == null) {
      pg = setup.pg(clients);
    }
    return pg;
  }

  @Override
  public void beforeEach(ExtensionContext context) throws Exception {
    if (clients == null) {
      clients = Vertx.vertx();
      clusterName = TestSetup.clusterName(context.getRequiredTestClass());
    }
    while (nodes.size() < size) {
      nodes.add(TestNode.start(clusterName));
    }
    setup = new TestSetup();
    if (deployed != null) {
      deploy(deployed).await(60, TimeUnit.SECONDS);
    }
  }

  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    if (setup == null) {
      return;
    }
    try {
      Future.join(nodes.stream().map(TestNode::undeploy).toList()).await(30, TimeUnit.SECONDS);
    } finally {
      apis.values().forEach(ApiClient::close);
      apis.clear();
      if (redis != null) {
        redis.close();
        redis = null;
      }
      if (pg != null) {
        pg.close();
        pg = null;
      }
      setup.cleanUp(clients);
      setup = null;
    }
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    nodes.forEach(TestNode::close);
    nodes.clear();
    if (clients != null) {
      clients.close().await(10, TimeUnit.SECONDS);
      clients = null;
    }
  }
}
