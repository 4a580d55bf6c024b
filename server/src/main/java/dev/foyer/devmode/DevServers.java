package dev.foyer.devmode;

import dev.foyer.FoyerConfig;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.embedded.RedisServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.List;

/**
 * Dev mode: real Redis and PostgreSQL servers started in-process for whichever of the two has no
 * URL configured, so foyer runs on a bare machine. Their data lives only as long as the process.
 */
public final class DevServers implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(DevServers.class);

  private RedisServer redis;
  private EmbeddedPostgres postgres;

  /** Starts what is missing and returns the configuration pointing at it. */
  public FoyerConfig startMissing(FoyerConfig config) {
    List<String> redisUrls = config.redis().urls();
    String pgUrl = config.pg().url();
    try {
      if (redisUrls.isEmpty()) {
        int port = freePort();
        redis = RedisServer.newRedisServer().port(port).setting("bind 127.0.0.1").setting("save \"\"")
            .setting("appendonly no").build();
        redis.start();
        redisUrls = List.of("redis://127.0.0.1:" + port);
      }
      if (pgUrl == null) {
        postgres = EmbeddedPostgres.builder().setPort(freePort()).start();
        pgUrl = "postgresql://postgres@127.0.0.1:" + postgres.getPort() + "/postgres";
      }
    } catch (IOException e) {
      close();
      throw new UncheckedIOException("dev mode could not start its embedded servers", e);
    }
    LOG.info("Dev mode: no {} configured, started embedded {} (data is lost at exit)",
        redis != null && postgres != null ? "Redis or PostgreSQL" : redis != null ? "Redis" : "PostgreSQL",
        (redis != null ? "Redis at " + redisUrls.get(0) : "")
            + (redis != null && postgres != null ? " and " : "")
            + (postgres != null ? "PostgreSQL at " + pgUrl : ""));
    return config.withServers(redisUrls, pgUrl);
  }

  @Override
  public void close() {
    try {
      if (redis != null) {
        redis.stop();
      }
    } catch (IOException | RuntimeException e) {
      LOG.warn("Embedded Redis did not stop cleanly: {}", e.getMessage());
    }
    try {
      if (postgres != null) {
        postgres.close();
      }
    } catch (IOException | RuntimeException e) {
      LOG.warn("Embedded PostgreSQL did not stop cleanly: {}", e.getMessage());
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
