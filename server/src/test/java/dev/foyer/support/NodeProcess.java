package dev.foyer.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A foyer node as its own operating-system process, started the way an operator starts one (Main,
 * configured by FOYER_* variables), so that a test can kill it without a word (SIGKILL).
 */
public final class NodeProcess {

  private final Process process;
  private final List<String> log = new CopyOnWriteArrayList<>();
  private final int port;

  private NodeProcess(Process process, int port) {
    this.process = process;
    this.port = port;
    Thread reader = new Thread(() -> {
      try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream()))) {
        String line;
        while ((line = out.readLine()) != null) {
          log.add(line);
        }
      } catch (IOException ignored) {
        // the process ended
      }
    }, "node-" + port + "-output");
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * Starts a node with these variables on top of the test's Redis, PostgreSQL and keys; a null
   * cluster name leaves the node to name its cluster after its state, as an operator's would.
   */
  public static NodeProcess start(TestSetup setup, String clusterName, Map<String, String> extra) throws IOException {
    int port = TestServices.freePort();
    ProcessBuilder builder = builder(null);
    Map<String, String> env = builder.environment();
    env.put("FOYER_HTTP_PORT", String.valueOf(port));
    env.put("FOYER_REDIS_URL", TestServices.redisUrl());
    env.put("FOYER_PG_URL", TestServices.pgUrl());
    env.put("FOYER_KEY_PREFIX", setup.prefix());
    env.put("FOYER_PG_SCHEMA", setup.schema());
    env.put("FOYER_ADMIN_KEY", TestSetup.ADMIN_KEY);
    env.put("FOYER_SECRET", TestSetup.SECRET);
    env.put("FOYER_TICK_MILLIS", "200");
    env.put("FOYER_HTTP_INSTANCES", "1");
    // as TestSetup's nodes: loopback is the trusted proxy and never limited
    env.put("FOYER_TRUSTED_PROXIES", String.join(",", TestSetup.LOOPBACK_UNLIMITED.trustedProxies()));
    env.put("FOYER_UNLIMITED_CLIENTS", String.join(",", TestSetup.LOOPBACK_UNLIMITED.unlimitedClients()));
    if (clusterName != null) {
      env.put("FOYER_CLUSTER_NAME", clusterName);
    }
    env.putAll(extra);
    return new NodeProcess(builder.start(), port);
  }

  /**
   * A node with nothing configured but its HTTP port, started in this directory, as someone trying
   * foyer out would start it: dev mode, embedded Redis and PostgreSQL, the demo event.
   */
  public static NodeProcess startDevMode(Path directory) throws IOException {
    int port = TestServices.freePort();
    ProcessBuilder builder = builder(directory);
    builder.environment().put("FOYER_HTTP_PORT", String.valueOf(port));
    builder.environment().put("FOYER_HTTP_INSTANCES", "1");
    return new NodeProcess(builder.start(), port);
  }

  private static ProcessBuilder builder(Path directory) {
    ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx512m", "-XX:+ExitOnOutOfMemoryError", "-Djava.net.preferIPv4Stack=true", "-cp", System.getProperty("java.class.path"),
        "dev.foyer.Main").redirectErrorStream(true);
    if (directory != null) {
      builder.directory(directory.toFile());
    }
    builder.environment().keySet().removeIf(k -> k.startsWith("FOYER_"));
    return builder;
  }

  /** The exit status once the process has ended, or null if it still runs after the timeout. */
  public Integer awaitExit(long timeoutMillis) throws InterruptedException {
    return process.waitFor(timeoutMillis, TimeUnit.MILLISECONDS) ? process.exitValue() : null;
  }

  /** The first log line containing the text, or null. */
  public String line(String text) {
    return log.stream().filter(l -> l.contains(text)).findFirst().orElse(null);
  }

  public int port() {
    return port;
  }

  public List<String> log() {
    return log;
  }

  public boolean logged(String text) {
    return log.stream().anyMatch(l -> l.contains(text));
  }

  /** Waits for a log line; false after the timeout. */
  public boolean awaitLog(String text, long timeoutMillis) throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMillis;
    while (System.currentTimeMillis() < deadline) {
      if (logged(text)) {
        return true;
      }
      if (!process.isAlive()) {
        return false;
      }
      Thread.sleep(100);
    }
    return false;
  }

  /** SIGKILL: no shutdown hook, no goodbye to the cluster, locks and sockets just vanish. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  public void stop() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
