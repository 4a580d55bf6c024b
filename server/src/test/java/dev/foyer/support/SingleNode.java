package dev.foyer.support;

import io.vertx.core.Vertx;

import java.util.concurrent.TimeUnit;

/**
 * One foyer node on the tests' Redis and PostgreSQL (fresh key prefix, schema and cluster name),
 * with a Vert.x of the test's own and an API client on it: what the page and transport tests
 * start once per class.
 */
public final class SingleNode {

  private final TestNode node;
  private final TestSetup setup;
  private final Vertx client;
  private final ApiClient api;

  private SingleNode(TestNode node, TestSetup setup, Vertx client) {
    this.node = node;
    this.setup = setup;
    this.client = client;
    this.api = new ApiClient(client, node.port());
  }

  public static SingleNode start(Class<?> test) throws Exception {
    TestNode node = TestNode.start(TestSetup.clusterName(test));
    TestSetup setup = new TestSetup();
    node.deploy(setup.config()).await(60, TimeUnit.SECONDS);
    return new SingleNode(node, setup, Vertx.vertx());
  }

  public TestNode node() {
    return node;
  }

  public Vertx client() {
    return client;
  }

  public ApiClient api() {
    return api;
  }

  /** Stops the node, drops its keys and schema, closes the client. */
  public void close() throws Exception {
    api.close();
    node.undeploy().await(30, TimeUnit.SECONDS);
    setup.cleanUp(client);
    client.close().await(10, TimeUnit.SECONDS);
    node.close();
  }
}
