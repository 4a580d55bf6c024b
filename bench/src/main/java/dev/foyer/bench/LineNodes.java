package dev.foyer.bench;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The foyer nodes a {@code line} runs against (one cluster, on loopback) and this harness process's
 * clients for each. Visitor k of the whole run joins, listens and polls on node k mod nodes; the
 * admin calls go to the first.
 */
final class LineNodes {

  /** One node: its port and this process's clients for it. */
  record Node(int index, int port, HttpClient http, WebSocketClient ws) {
  }

  /** Every open file counts against one process's limit: the request pools share 256 connections. */
  private static final int HTTP_CONNECTIONS = 256;

  private final List<Node> nodes = new ArrayList<>();

  LineNodes(Vertx vertx, List<Integer> ports) {
    int pool = Math.max(8, HTTP_CONNECTIONS / ports.size());
    for (int port : ports) {
      // kept here for the run: Vert.x closes a client nothing refers to, and its websockets with it
      nodes.add(new Node(nodes.size(), port,
          vertx.createHttpClient(new HttpClientOptions().setIdleTimeout(45).setDefaultHost("127.0.0.1")
              .setDefaultPort(port).setKeepAlive(true), new PoolOptions().setHttp1MaxSize(pool).setMaxWaitQueueSize(-1)),
          vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(20_000)
              .setDefaultHost("127.0.0.1").setDefaultPort(port))));
    }
  }

  /** {@code --ports 8081,8082,8083} (or {@code --nodes}), else {@code --port}. */
  static List<Integer> ports(String list) {
    return Arrays.stream(list.split(",")).map(String::trim).filter(p -> !p.isEmpty()).map(Integer::parseInt).toList();
  }

  /** The node of visitor {@code k} of the whole run. */
  Node of(long k) {
    return nodes.get((int) (k % nodes.size()));
  }

  Node first() {
    return nodes.get(0);
  }

  List<Node> all() {
    return nodes;
  }

  int size() {
    return nodes.size();
  }

  List<Integer> ports() {
    return nodes.stream().map(Node::port).toList();
  }

  void close() {
    for (Node n : nodes) {
      n.ws().close();
      n.http().close();
    }
  }
}
