package dev.foyer.support;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Redis Cluster on loopback ports, from Debian's redis-server and redis-cli
 * (`--cluster-enabled yes`, `redis-cli --cluster create`): three masters, with or without a
 * replica each, removed again at close. A test may kill a node without warning.
 */
public final class LocalRedisCluster implements AutoCloseable {

  private static final String SERVER = "/usr/bin/redis-server";
  private static final String CLI = "/usr/bin/redis-cli";

  private final java.util.Map<Integer, Process> servers = new java.util.LinkedHashMap<>();
  private final List<Integer> ports = new ArrayList<>();
  private final Path dir;

  private LocalRedisCluster(Path dir) {
    this.dir = dir;
  }

  public static boolean available() {
    return new File(SERVER).canExecute() && new File(CLI).canExecute();
  }

  public static LocalRedisCluster start() throws IOException, InterruptedException {
    return start(3, 0);
  }

  /**
   * {@code masters} masters with {@code replicas} replicas each; {@code extra} are further
   * redis-server arguments for every node ({@code --cluster-node-timeout 1000}).
   */
  public static LocalRedisCluster start(int masters, int replicas, String... extra)
      throws IOException, InterruptedException {
    LocalRedisCluster cluster = new LocalRedisCluster(Files.createTempDirectory("foyer-redis-cluster"));
    try {
      for (int i = 0; i < masters * (1 + replicas); i++) {
        int port = TestServices.freePort();
        Path nodeDir = Files.createDirectories(cluster.dir.resolve(String.valueOf(port)));
        cluster.ports.add(port);
        // the bus port is chosen too: port + 10000, Redis's default, may not exist for a high free port
        int busPort = TestServices.freePort();
        List<String> command = new ArrayList<>(List.of(SERVER, "--port", String.valueOf(port), "--bind", "127.0.0.1",
            "--cluster-enabled", "yes", "--cluster-port", String.valueOf(busPort),
            "--cluster-config-file", nodeDir.resolve("nodes.conf").toString(),
            "--dir", nodeDir.toString(), "--save", "", "--appendonly", "no"));
        command.addAll(List.of(extra));
        cluster.servers.put(port, new ProcessBuilder(command)
            .redirectErrorStream(true).redirectOutput(nodeDir.resolve("redis.log").toFile()).start());
      }
      for (int port : cluster.ports) {
        cluster.awaitPing(port);
      }
      List<String> create = new ArrayList<>(List.of(CLI, "--cluster", "create"));
      cluster.ports.forEach(p -> create.add("127.0.0.1:" + p));
      create.addAll(List.of("--cluster-replicas", String.valueOf(replicas), "--cluster-yes"));
      Process p = new ProcessBuilder(create).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes());
      if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IOException("redis-cli --cluster create failed: " + out);
      }
      cluster.awaitState();
      cluster.awaitReplicasInSync(masters * replicas);
      return cluster;
    } catch (IOException | InterruptedException | RuntimeException e) {
      cluster.close();
      throw e;
    }
  }

  /** The port of the master serving this key's slot, as the cluster says now. */
  public int masterOf(String key) throws IOException, InterruptedException {
    int slot = Integer.parseInt(cli(livePort(), "cluster", "keyslot", key).trim());
    for (String line : cli(livePort(), "cluster", "nodes").split("\r?\n")) {
      String[] f = line.split(" ");
      if (f.length > 8 && f[2].contains("master") && !f[2].contains("fail")) {
        for (int i = 8; i < f.length; i++) {
          String[] range = f[i].split("-");
          if (range[0].startsWith("[")) {
            continue;
          }
          int from = Integer.parseInt(range[0]);
          int to = range.length > 1 ? Integer.parseInt(range[1]) : from;
          if (slot >= from && slot <= to) {
            return port(f[1]);
          }
        }
      }
    }
    throw new IOException("no master serves the slot of " + key);
  }

  /** The port of a replica of the master at {@code masterPort}. */
  public int replicaOf(int masterPort) throws IOException, InterruptedException {
    String masterId = null;
    String[] lines = cli(livePort(), "cluster", "nodes").split("\r?\n");
    for (String line : lines) {
      String[] f = line.split(" ");
      if (f.length > 3 && port(f[1]) == masterPort) {
        masterId = f[0];
      }
    }
    for (String line : lines) {
      String[] f = line.split(" ");
      if (f.length > 3 && f[3].equals(masterId) && !f[2].contains("fail")) {
        return port(f[1]);
      }
    }
    throw new IOException("the master on " + masterPort + " has no replica");
  }

  private static int port(String address) {
    // 127.0.0.1:7000@17000 (the bus port after @, a hostname after a comma)
    String hostPort = address.split("[@,]")[0];
    return Integer.parseInt(hostPort.substring(hostPort.lastIndexOf(':') + 1));
  }

  private int livePort() {
    return servers.entrySet().stream().filter(e -> e.getValue().isAlive()).findFirst().orElseThrow().getKey();
  }

  /** SIGKILL for one node: it vanishes mid-sentence, as a crashed host does. */
  public void kill(int port) throws InterruptedException {
    Process p = servers.get(port);
    p.destroyForcibly();
    p.waitFor(10, TimeUnit.SECONDS);
  }

  public String cli(int port, String... args) throws IOException, InterruptedException {
    return LocalRedis.cli(port, args);
  }

  private void awaitReplicasInSync(int expected) throws IOException, InterruptedException {
    long deadline = System.currentTimeMillis() + 30_000;
    while (System.currentTimeMillis() < deadline) {
      int inSync = 0;
      for (int port : ports) {
        if (cli(port, "info", "replication").contains("master_link_status:up")) {
          inSync++;
        }
      }
      if (inSync >= expected) {
        return;
      }
      Thread.sleep(200);
    }
    throw new IOException("the Cluster's replicas never came in sync");
  }

  public List<String> urls() {
    return ports.stream().map(p -> "redis://127.0.0.1:" + p).toList();
  }

  private void awaitPing(int port) throws IOException, InterruptedException {
    long deadline = System.currentTimeMillis() + 10_000;
    while (System.currentTimeMillis() < deadline) {
      if (cli(port, "ping").contains("PONG")) {
        return;
      }
      Thread.sleep(100);
    }
    throw new IOException("redis on " + port + " did not start");
  }

  private void awaitState() throws IOException, InterruptedException {
    // six nodes agreeing on slots and replicas takes seconds, longer on a busy machine
    long deadline = System.currentTimeMillis() + 60_000;
    while (System.currentTimeMillis() < deadline) {
      boolean ok = true;
      for (int port : ports) {
        ok &= cli(port, "cluster", "info").contains("cluster_state:ok");
      }
      // every node must know every other, or a replica may not find its master's peers to vote
      for (int port : ports) {
        ok &= cli(port, "cluster", "info").contains("cluster_known_nodes:" + ports.size());
      }
      if (ok) {
        return;
      }
      Thread.sleep(200);
    }
    throw new IOException("the Redis Cluster never reached cluster_state:ok");
  }

  @Override
  public void close() {
    for (Process p : servers.values()) {
      p.destroy();
      try {
        p.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException ignored) {
      // a temp folder left behind is harmless
    }
  }
}
