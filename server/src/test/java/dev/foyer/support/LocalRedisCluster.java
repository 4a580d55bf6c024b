package dev.foyer.support;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Redis Cluster of three masters on loopback ports, from Debian's redis-server and
 * redis-cli (`--cluster-enabled yes`, `redis-cli --cluster create`), removed again at close.
 */
public final class LocalRedisCluster implements AutoCloseable {

  private static final String SERVER = "/usr/bin/redis-server";
  private static final String CLI = "/usr/bin/redis-cli";

  private final List<Process> servers = new ArrayList<>();
  private final List<Integer> ports = new ArrayList<>();
  private final Path dir;

  private LocalRedisCluster(Path dir) {
    this.dir = dir;
  }

  public static boolean available() {
    return new File(SERVER).canExecute() && new File(CLI).canExecute();
  }

  public static LocalRedisCluster start() throws IOException, InterruptedException {
    LocalRedisCluster cluster = new LocalRedisCluster(Files.createTempDirectory("foyer-redis-cluster"));
    try {
      for (int i = 0; i < 3; i++) {
        int port = TestServices.freePort();
        Path nodeDir = Files.createDirectories(cluster.dir.resolve(String.valueOf(port)));
        cluster.ports.add(port);
        // the bus port is chosen too: port + 10000, Redis's default, may not exist for a high free port
        int busPort = TestServices.freePort();
        cluster.servers.add(new ProcessBuilder(SERVER, "--port", String.valueOf(port), "--bind", "127.0.0.1",
            "--cluster-enabled", "yes", "--cluster-port", String.valueOf(busPort),
            "--cluster-config-file", nodeDir.resolve("nodes.conf").toString(),
            "--dir", nodeDir.toString(), "--save", "", "--appendonly", "no")
            .redirectErrorStream(true).redirectOutput(nodeDir.resolve("redis.log").toFile()).start());
      }
      for (int port : cluster.ports) {
        cluster.awaitPing(port);
      }
      List<String> create = new ArrayList<>(List.of(CLI, "--cluster", "create"));
      cluster.ports.forEach(p -> create.add("127.0.0.1:" + p));
      create.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
      Process p = new ProcessBuilder(create).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes());
      if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IOException("redis-cli --cluster create failed: " + out);
      }
      cluster.awaitState();
      return cluster;
    } catch (IOException | InterruptedException | RuntimeException e) {
      cluster.close();
      throw e;
    }
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
    long deadline = System.currentTimeMillis() + 20_000;
    while (System.currentTimeMillis() < deadline) {
      boolean ok = true;
      for (int port : ports) {
        ok &= cli(port, "cluster", "info").contains("cluster_state:ok");
      }
      if (ok) {
        return;
      }
      Thread.sleep(200);
    }
    throw new IOException("the Redis Cluster never reached cluster_state:ok");
  }

  private static String cli(int port, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(CLI, "-p", String.valueOf(port)));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    p.waitFor(10, TimeUnit.SECONDS);
    return out;
  }

  @Override
  public void close() {
    for (Process p : servers) {
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
