package dev.foyer.support;

import org.junit.jupiter.api.Assumptions;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A real nginx on a shipped configuration, with its hosts and ports replaced for the test's own. */
public final class Nginx implements AutoCloseable {

  public static final String BINARY = "/usr/sbin/nginx";
  public static final String ENVSUBST = "/usr/bin/envsubst";
  /** The variables the site template takes, exactly as docker/site-example.sh names them to envsubst. */
  public static final String SITE_VARIABLES =
      "${FOYER_UPSTREAM} ${ORIGIN_UPSTREAM} ${SITE_LISTEN} ${WAITING_ROOM_ORIGIN} ${FOYER_EVENT} ${FOYER_DOWN} ${SITE_PAGES}";

  private final Process process;
  private final Path dir;

  private Nginx(Process process, Path dir) {
    this.process = process;
    this.dir = dir;
  }

  /** Skips the test without nginx (or envsubst, for the site template), unless on CI, which must have them. */
  public static void assumeInstalled() {
    for (String binary : new String[] {BINARY, ENVSUBST}) {
      if (!new File(binary).canExecute()) {
        Assumptions.assumeTrue(System.getenv("CI") != null, binary + " is not installed (Debian's nginx, "
            + "gettext-base); skipping");
        throw new IllegalStateException("CI must have " + binary);
      }
    }
  }

  /** Starts nginx on {@code docker/<file>} with each key of {@code replace} replaced by its value, after `nginx -t`. */
  public static Nginx start(String file, Map<String, String> replace) throws Exception {
    Path dir = Files.createTempDirectory("foyer-nginx");
    String local = Files.readString(Path.of("..", "docker", file));
    for (Map.Entry<String, String> e : replace.entrySet()) {
      if (!local.contains(e.getKey())) {
        throw new IllegalStateException(file + " no longer contains " + e.getKey());
      }
      local = local.replace(e.getKey(), e.getValue());
    }
    local = local.replace("http {", "http {\n" + ownFiles(dir));
    return launch(dir, "pid " + dir + "/nginx.pid;\nerror_log " + dir + "/error.log;\n" + local);
  }

  /**
   * Starts nginx on the shipped site template (docker/templates/site.conf.template), rendered by
   * envsubst with these variables as the nginx image renders it, inside an http block of its own.
   * {@code SITE_PAGES} defaults to docker/pages and {@code FOYER_DOWN} to closed.
   */
  public static Nginx site(Map<String, String> variables) throws Exception {
    Path dir = Files.createTempDirectory("foyer-nginx");
    ProcessBuilder render = new ProcessBuilder(ENVSUBST, SITE_VARIABLES)
        .redirectInput(Path.of("..", "docker", "templates", "site.conf.template").toFile())
        .redirectOutput(dir.resolve("site.conf").toFile()).redirectError(dir.resolve("envsubst.log").toFile());
    render.environment().put("SITE_PAGES", Path.of("..", "docker", "pages").toAbsolutePath().normalize().toString());
    render.environment().put("FOYER_DOWN", "closed");
    render.environment().putAll(variables);
    Process envsubst = render.start();
    if (!envsubst.waitFor(20, TimeUnit.SECONDS) || envsubst.exitValue() != 0) {
      throw new IllegalStateException("envsubst: " + Files.readString(dir.resolve("envsubst.log")));
    }
    return launch(dir, "pid " + dir + "/nginx.pid;\nerror_log " + dir + "/error.log;\n"
        + "events { worker_connections 256; }\nhttp {\n" + ownFiles(dir) + "\n  include " + dir + "/site.conf;\n}\n");
  }

  /** Everything nginx writes goes to the test's own folder. */
  private static String ownFiles(Path dir) {
    return "  access_log off;\n  client_body_temp_path " + dir + "/body;\n"
        + "  proxy_temp_path " + dir + "/proxy;\n  fastcgi_temp_path " + dir + "/fastcgi;\n"
        + "  uwsgi_temp_path " + dir + "/uwsgi;\n  scgi_temp_path " + dir + "/scgi;";
  }

  private static Nginx launch(Path dir, String config) throws Exception {
    Path conf = dir.resolve("nginx.conf");
    Files.writeString(conf, config);
    Process test = new ProcessBuilder(BINARY, "-t", "-c", conf.toString(), "-p", dir.toString())
        .redirectErrorStream(true).start();
    String output = new String(test.getInputStream().readAllBytes());
    if (!test.waitFor(20, TimeUnit.SECONDS) || test.exitValue() != 0) {
      throw new IllegalStateException("nginx -t: " + output);
    }
    Process nginx = new ProcessBuilder(BINARY, "-c", conf.toString(), "-p", dir.toString(), "-g", "daemon off;")
        .redirectErrorStream(true).redirectOutput(dir.resolve("out.log").toFile()).start();
    return new Nginx(nginx, dir);
  }

  /** Blocks until nginx accepts connections on {@code port} (it was started, not yet listening). */
  public void awaitListening(int port) throws Exception {
    Waits.until("nginx listening on " + port, 10_000, () -> {
      try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
        return true;
      } catch (java.io.IOException notYet) {
        if (!process.isAlive()) {
          throw new IllegalStateException("nginx exited: " + Files.readString(dir.resolve("out.log")) + errorLog());
        }
        return false;
      }
    });
  }

  public String errorLog() throws Exception {
    return Files.readString(dir.resolve("error.log"));
  }

  @Override
  public void close() throws Exception {
    process.destroy();
    process.waitFor(10, TimeUnit.SECONDS);
  }
}
