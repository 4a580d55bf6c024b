package dev.foyer.support;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.postgresql.PostgreSQLContainer;
import redis.embedded.RedisServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;

/**
 * The real Redis and PostgreSQL the tests talk to, in this order of preference: the servers named by
 * FOYER_TEST_REDIS_URL / FOYER_TEST_PG_URL (CI sets them), Testcontainers where Docker runs, else
 * embedded servers started once for the whole test JVM.
 */
public final class TestServices {

  private static String redisUrl;
  private static String pgUrl;

  private TestServices() {
  }

  public static synchronized String redisUrl() {
    if (redisUrl == null) {
      String configured = System.getenv("FOYER_TEST_REDIS_URL");
      if (configured != null && !configured.isBlank()) {
        redisUrl = configured;
      } else if (dockerAvailable()) {
        GenericContainer<?> redis = new GenericContainer<>("redis:7-alpine").withExposedPorts(6379);
        redis.start();
        redisUrl = "redis://" + redis.getHost() + ":" + redis.getMappedPort(6379);
      } else {
        try {
          int port = freePort();
          RedisServer server = RedisServer.newRedisServer().port(port).setting("bind 127.0.0.1")
              .setting("save \"\"").setting("appendonly no").build();
          server.start();
          Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
              server.stop();
            } catch (IOException ignored) {
              // the JVM is going away anyway
            }
          }));
          redisUrl = "redis://127.0.0.1:" + port;
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
    return redisUrl;
  }

  public static synchronized String pgUrl() {
    if (pgUrl == null) {
      String configured = System.getenv("FOYER_TEST_PG_URL");
      if (configured != null && !configured.isBlank()) {
        pgUrl = configured;
      } else if (dockerAvailable()) {
        PostgreSQLContainer pg = new PostgreSQLContainer("postgres:17-alpine");
        pg.start();
        pgUrl = "postgresql://" + pg.getUsername() + ":" + pg.getPassword() + "@" + pg.getHost() + ":"
            + pg.getMappedPort(5432) + "/" + pg.getDatabaseName();
      } else {
        try {
          EmbeddedPostgres pg = EmbeddedPostgres.builder().setPort(freePort()).start();
          Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
              pg.close();
            } catch (IOException ignored) {
              // the JVM is going away anyway
            }
          }));
          pgUrl = "postgresql://postgres@127.0.0.1:" + pg.getPort() + "/postgres";
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
    return pgUrl;
  }

  private static boolean dockerAvailable() {
    try {
      return DockerClientFactory.instance().isDockerAvailable();
    } catch (Throwable e) {
      return false;
    }
  }

  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
