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

  private final Process process;
  private final Path dir;

  private Nginx(Process process, Path dir) {
    this.process = process;
    this.dir = dir;
  }

  /** Skips the test without nginx, unless on CI, which must have it. */
  public static void assumeInstalled() {
    if (!new File(BINARY).canExecute()) {
      Assumptions.assumeTrue(System.getenv("CI") != null, "Debian's nginx is not installed; skipping");
      throw new IllegalStateException("CI must have " + BINARY);
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
    local = local.replace("http {", "http {\n  access_log off;\n  client_body_temp_path " + dir + "/body;\n"
        + "  proxy_temp_path " + dir + "/proxy;\n  fastcgi_temp_path " + dir + "/fastcgi;\n"
        + "  uwsgi_temp_path " + dir + "/uwsgi;\n  scgi_temp_path " + dir + "/scgi;");
    local = "pid " + dir + "/nginx.pid;\nerror_log " + dir + "/error.log;\n" + local;
    Path conf = dir.resolve("nginx.conf");
    Files.writeString(conf, local);
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

  public String errorLog() throws Exception {
    return Files.readString(dir.resolve("error.log"));
  }

  @Override
  public void close() throws Exception {
    process.destroy();
    process.waitFor(10, TimeUnit.SECONDS);
  }
}
