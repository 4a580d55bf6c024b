package dev.foyer.support;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One real redis-server (or redis-sentinel) process on a free loopback port, from Debian's
 * binaries, in a folder of its own; without persistence unless the arguments ask for it. A test
 * kills it without warning ({@link #kill()}, SIGKILL) or stops it at the end ({@link #close()}).
 */
public final class LocalRedis implements AutoCloseable {

  static final String SERVER = "/usr/bin/redis-server";
  static final String CLI = "/usr/bin/redis-cli";

  private final Process process;
  private final int port;
  private final Path dir;

  private LocalRedis(Process process, int port, Path dir) {
    this.process = process;
    this.port = port;
    this.dir = dir;
  }

  public static boolean available() {
    return new File(SERVER).canExecute() && new File(CLI).canExecute();
  }

  /** A redis-server on a free port with these extra arguments ({@code --replicaof 127.0.0.1 P}, ...). */
  public static LocalRedis server(Path parent, String... args) throws IOException, InterruptedException {
    // a free port can be taken by another process before Redis binds it (suites running side by
    // side): a server that could not bind is started again on other ports
    for (int attempt = 1; ; attempt++) {
      int port = TestServices.freePort();
      Path dir = Files.createDirectories(parent.resolve("redis-" + port));
      List<String> command = new ArrayList<>(List.of(SERVER, "--port", String.valueOf(port), "--bind", "127.0.0.1",
          "--dir", dir.toString(), "--save", "", "--appendonly", "no"));
      command.addAll(List.of(args));
      if (command.contains("--cluster-enabled") && !command.contains("--cluster-port")) {
        // the cluster bus would be port + 10000, which nothing reserved
        command.addAll(List.of("--cluster-port", String.valueOf(TestServices.freePort())));
      }
      try {
        return started(command, port, dir);
      } catch (IOException e) {
        if (attempt >= 5 || !String.valueOf(e.getMessage()).contains("Address already in use")) {
          throw e;
        }
      }
    }
  }

  /**
   * A Sentinel watching {@code masterName} at {@code masterPort}, quick to act: the master counts as
   * down after {@code downAfterMillis} without an answer.
   */
  public static LocalRedis sentinel(Path parent, String masterName, int masterPort, int quorum, long downAfterMillis,
                                    long failoverTimeoutMillis) throws IOException, InterruptedException {
    int port = TestServices.freePort();
    Path dir = Files.createDirectories(parent.resolve("sentinel-" + port));
    // Sentinel rewrites its own configuration file as it learns, so it gets a file of its own
    Path conf = dir.resolve("sentinel.conf");
    Files.writeString(conf, String.join("\n",
        "port " + port,
        "bind 127.0.0.1",
        "dir " + dir,
        "sentinel monitor " + masterName + " 127.0.0.1 " + masterPort + " " + quorum,
        "sentinel down-after-milliseconds " + masterName + " " + downAfterMillis,
        "sentinel failover-timeout " + masterName + " " + failoverTimeoutMillis,
        "sentinel parallel-syncs " + masterName + " 1",
        ""));
    return started(List.of(SERVER, conf.toString(), "--sentinel"), port, dir);
  }

  private static LocalRedis started(List<String> command, int port, Path dir) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(dir.resolve("redis.log").toFile()).start();
    LocalRedis redis = new LocalRedis(process, port, dir);
    long deadline = System.currentTimeMillis() + 10_000;
    while (System.currentTimeMillis() < deadline) {
      String pong = redis.cli("ping");
      // a server asking for a password answers too: it is up
      if (pong.contains("PONG") || pong.contains("NOAUTH")) {
        return redis;
      }
      if (!process.isAlive()) {
        break;
      }
      Thread.sleep(50);
    }
    redis.close();
    throw new IOException("redis on port " + port + " did not start: " + redis.log());
  }

  public int port() {
    return port;
  }

  public String url() {
    return "redis://127.0.0.1:" + port;
  }

  public boolean alive() {
    return process.isAlive();
  }

  /** redis-cli against this server; its output (errors included). */
  public String cli(String... args) throws IOException, InterruptedException {
    return cli(port, args);
  }

  static String cli(int port, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(CLI, "-p", String.valueOf(port)));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(10, TimeUnit.SECONDS)) {
      p.destroyForcibly();
    }
    return out;
  }

  /** The value of one {@code field:value} line of an INFO section ("" when absent). */
  public String info(String section, String field) throws IOException, InterruptedException {
    for (String line : cli("info", section).split("\r?\n")) {
      if (line.startsWith(field + ":")) {
        return line.substring(field.length() + 1).trim();
      }
    }
    return "";
  }

  public String log() {
    try {
      return Files.readString(dir.resolve("redis.log"));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  /** SIGKILL: no goodbye, no last write to disk, connections just end. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }

  /** Removes a folder these servers lived in. */
  public static void delete(Path dir) {
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException ignored) {
      // a temp folder left behind is harmless
    }
  }
}
