package dev.foyer.support;

import dev.foyer.FoyerConfig;
import dev.foyer.common.Keys;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.sqlclient.Pool;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A sale on one foyer node while the test fails its Redis over underneath, for a test class of one
 * failover. Registered as a static field:
 *
 * <pre>
 * &#64;RegisterExtension
 * static final SaleFailover&lt;LocalRedisSentinel&gt; failover = SaleFailover.over(SentinelFailoverTest.class, () -&gt; ...);
 * </pre>
 *
 * The Redis servers (started by the given start, which may skip the class with an assumption) and
 * the node start before the class's first test and close after its last; each test has its own
 * {@link TestSetup}, and afterwards the node is undeployed, the test's keys and schema removed.
 * The test deploys the node ({@link #deploy}), opens the sale ({@link #sale}), starts it, kills
 * what it kills and says when the failover was seen; this keeps the times, asserts that the sale
 * got going and went on, stops it and audits it into a {@link FailoverRun}.
 * {@code -Dfoyer.failover.waitReplicas=0} runs without WAIT, for comparison.
 */
public final class SaleFailover<R extends AutoCloseable>
    implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback, AfterAllCallback {

  /** Starts the Redis servers under test. */
  @FunctionalInterface
  public interface Servers<R> {
    R start() throws Exception;
  }

  /** What breaks Redis: a kill, say. */
  @FunctionalInterface
  public interface Breakage {
    void run() throws Exception;
  }

  private final Class<?> testClass;
  private final Servers<R> servers;
  private final int waitReplicas = Integer.getInteger("foyer.failover.waitReplicas", 1);
  private R redis;
  private TestNode node;
  /** A plain Vert.x of the helper's own for the clients, apart from the node under test. */
  private Vertx clients;

  private TestSetup setup;
  private ApiClient api;
  private SaleUnderLoad sale;
  private SaleUnderLoad.Shape shape;
  private String event;
  private final List<SaleUnderLoad> running = new ArrayList<>();
  private String loadBefore;
  private String loadAfter;
  private long unreplicatedAtStart;
  private long unreplicatedBefore;
  private long startedAt;
  private long killedAt;
  private long failedOverAt;
  private long stoppedAt;

  private SaleFailover(Class<?> testClass, Servers<R> servers) {
    this.testClass = testClass;
    this.servers = servers;
  }

  public static <R extends AutoCloseable> SaleFailover<R> over(Class<?> testClass, Servers<R> servers) {
    return new SaleFailover<>(testClass, servers);
  }

  public R redis() {
    return redis;
  }

  /** 1 unless {@code -Dfoyer.failover.waitReplicas} says otherwise. */
  public int waitReplicas() {
    return waitReplicas;
  }

  public TestSetup setup() {
    return setup;
  }

  /** A REST client for the node, once deployed. */
  public ApiClient api() {
    return api;
  }

  /** Deploys the node on these Redis servers (and the shared PostgreSQL), with WAIT for {@link #waitReplicas}. */
  public FoyerConfig deploy(List<String> redisUrls) throws Exception {
    FoyerConfig config = setup.config().withServers(redisUrls, TestServices.pgUrl()).withRedisWaitReplicas(waitReplicas);
    node.deploy(config).await(60, TimeUnit.SECONDS);
    api = new ApiClient(clients, node.port());
    return config;
  }

  /** Creates the sale of {@code event}, the one this run audits; it starts with {@link #start}. */
  public SaleUnderLoad sale(String event, SaleUnderLoad.Shape shape) throws Exception {
    this.event = event;
    this.shape = shape;
    this.sale = alongside(event, shape);
    return sale;
  }

  /** Creates another event's sale, started and stopped with the audited one but not audited. */
  public SaleUnderLoad alongside(String event, SaleUnderLoad.Shape shape) throws Exception {
    SaleUnderLoad other = new SaleUnderLoad(clients, List.of(api), event, shape);
    other.create(node.vertx().eventBus()).await(20, TimeUnit.SECONDS);
    running.add(other);
    return other;
  }

  /** Starts every sale and waits until the audited one got going: joins answered and seats sold. */
  public void start() throws Exception {
    loadBefore = SaleAudit.loadAverage();
    unreplicatedAtStart = SaleAudit.unreplicatedWrites();
    startedAt = System.currentTimeMillis();
    running.forEach(SaleUnderLoad::start);
    assertTrue(SaleAudit.await(() -> sale.joinsAnswered201() >= 150 && sale.confirmations() >= 5, 30_000),
        "the sale got going: " + sale.joinsAnswered201() + " joins, " + sale.confirmations() + " sales");
  }

  /** Notes the writes answered unreplicated so far and the moment, then breaks Redis; returns the moment. */
  public long kill(Breakage kill) throws Exception {
    unreplicatedBefore = SaleAudit.unreplicatedWrites() - unreplicatedAtStart;
    killedAt = System.currentTimeMillis();
    kill.run();
    return killedAt;
  }

  /**
   * The failover was seen at {@code failedOverAt}: waits until joins work again and the sale goes on
   * a while on the new master (admissions, holds and sales).
   */
  public void goesOnAfter(long failedOverAt) throws Exception {
    this.failedOverAt = failedOverAt;
    assertTrue(SaleAudit.await(() -> sale.firstJoinAnsweredAfter(killedAt) > 0, 30_000),
        "joins work again after the failover: " + sale.unexpected());
    assertTrue(SaleAudit.await(() -> sale.confirmationsAfter(failedOverAt) >= 5
            && sale.admissionsNoticedAfter(failedOverAt) >= 15, 20_000),
        "sales go on after the failover: " + sale.confirmationsAfter(failedOverAt) + " sales, "
            + sale.admissionsNoticedAfter(failedOverAt) + " admissions");
  }

  /** Stops every sale, waiting for the requests in flight. */
  public void stop() throws Exception {
    for (SaleUnderLoad s : running) {
      s.stop();
    }
    running.clear();
    stoppedAt = System.currentTimeMillis();
    loadAfter = SaleAudit.loadAverage();
  }

  /**
   * The run in figures: every 2xx join looked up again, and the audit of PostgreSQL and of Redis as
   * read through the client {@code redis} opens (on the helper's own Vert.x).
   */
  public FailoverRun run(String label, String announced, Function<Vertx, Redis> redis) throws Exception {
    List<String> lost = sale.lostJoins(api).await(60, TimeUnit.SECONDS);
    Redis audited = redis.apply(clients);
    Pool pg = setup.pg(clients);
    try {
      SaleAudit audit = SaleAudit.of(sale, pg, audited, new Keys(setup.prefix(), event), event);
      return new FailoverRun(label, waitReplicas, announced, sale, shape, audit, lost, startedAt, killedAt,
          failedOverAt, stoppedAt, unreplicatedBefore, loadBefore, loadAfter);
    } finally {
      audited.close();
      pg.close();
    }
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    redis = servers.start();
    node = TestNode.start(TestSetup.clusterName(testClass));
    clients = Vertx.vertx();
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    setup = new TestSetup();
  }

  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    try {
      // a test that failed midway leaves its sale running: its loops end before the node goes
      for (SaleUnderLoad s : running) {
        s.stop();
      }
      node.undeploy().await(30, TimeUnit.SECONDS);
    } finally {
      running.clear();
      if (api != null) {
        api.close();
        api = null;
      }
      sale = null;
      setup.cleanUp(clients);
      setup = null;
    }
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    if (node != null) {
      node.close();
    }
    if (redis != null) {
      redis.close();
    }
    if (clients != null) {
      clients.close().await(10, TimeUnit.SECONDS);
    }
  }
}
