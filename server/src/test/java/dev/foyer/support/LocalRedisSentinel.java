package dev.foyer.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A replicated Redis watched by three Sentinels, all real processes on loopback: a master, one
 * replica of it, and Sentinels with a quorum of two that call the master down after
 * {@link #DOWN_AFTER_MILLIS} and fail over to the replica. Removed again at close.
 */
public final class LocalRedisSentinel implements AutoCloseable {

  public static final String MASTER_NAME = "foyer-master";
  public static final long DOWN_AFTER_MILLIS = 1000;
  static final long FAILOVER_TIMEOUT_MILLIS = 5000;

  private final Path dir;
  private LocalRedis master;
  private LocalRedis replica;
  private final List<LocalRedis> sentinels = new ArrayList<>();

  private LocalRedisSentinel(Path dir) {
    this.dir = dir;
  }

  public static LocalRedisSentinel start() throws IOException, InterruptedException {
    LocalRedisSentinel set = new LocalRedisSentinel(Files.createTempDirectory("foyer-redis-sentinel"));
    try {
      set.master = LocalRedis.server(set.dir);
      set.replica = LocalRedis.server(set.dir, "--replicaof", "127.0.0.1", String.valueOf(set.master.port()));
      set.awaitReplicaInSync();
      for (int i = 0; i < 3; i++) {
        set.sentinels.add(LocalRedis.sentinel(set.dir, MASTER_NAME, set.master.port(), 2, DOWN_AFTER_MILLIS,
            FAILOVER_TIMEOUT_MILLIS));
      }
      set.awaitSentinelsAgree();
      return set;
    } catch (IOException | InterruptedException | RuntimeException e) {
      set.close();
      throw e;
    }
  }

  private void awaitReplicaInSync() throws IOException, InterruptedException {
    long deadline = System.currentTimeMillis() + 20_000;
    while (System.currentTimeMillis() < deadline) {
      if ("up".equals(replica.info("replication", "master_link_status"))
          && "1".equals(master.info("replication", "connected_slaves"))) {
        return;
      }
      Thread.sleep(100);
    }
    throw new IOException("the replica never came in sync with the master: " + replica.log());
  }

  /** Each Sentinel knows the replica and the two other Sentinels: without that there is no quorum to fail over. */
  private void awaitSentinelsAgree() throws IOException, InterruptedException {
    long deadline = System.currentTimeMillis() + 30_000;
    while (System.currentTimeMillis() < deadline) {
      boolean ready = true;
      for (LocalRedis s : sentinels) {
        String out = s.cli("sentinel", "master", MASTER_NAME);
        ready &= field(out, "num-other-sentinels").equals("2") && field(out, "num-slaves").equals("1");
      }
      if (ready) {
        return;
      }
      Thread.sleep(200);
    }
    throw new IOException("the Sentinels never found each other and the replica");
  }

  /** A field of {@code SENTINEL MASTER}'s flat name/value list, as redis-cli prints it. */
  private static String field(String out, String name) {
    String[] lines = out.split("\r?\n");
    for (int i = 0; i + 1 < lines.length; i++) {
      if (lines[i].trim().equals(name)) {
        return lines[i + 1].trim();
      }
    }
    return "";
  }

  /** FOYER_REDIS_URL for foyer: the Sentinels and the master set's name. */
  public String url() {
    StringBuilder url = new StringBuilder("redis-sentinel://");
    for (int i = 0; i < sentinels.size(); i++) {
      url.append(i == 0 ? "" : ",").append("127.0.0.1:").append(sentinels.get(i).port());
    }
    return url.append('/').append(MASTER_NAME).toString();
  }

  public LocalRedis master() {
    return master;
  }

  public LocalRedis replica() {
    return replica;
  }

  public List<LocalRedis> sentinels() {
    return sentinels;
  }

  /** The master's port as the Sentinels report it now. */
  public int currentMasterPort() throws IOException, InterruptedException {
    String[] lines = sentinels.get(0).cli("sentinel", "get-master-addr-by-name", MASTER_NAME).split("\r?\n");
    return lines.length >= 2 ? Integer.parseInt(lines[1].trim()) : -1;
  }

  @Override
  public void close() {
    for (LocalRedis s : sentinels) {
      s.close();
    }
    if (replica != null) {
      replica.close();
    }
    if (master != null) {
      master.close();
    }
    LocalRedis.delete(dir);
  }
}
