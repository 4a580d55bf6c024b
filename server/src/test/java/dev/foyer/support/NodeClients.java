package dev.foyer.support;

import io.vertx.core.json.JsonObject;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The official browser-side clients of the bridge (@vertx/eventbus-bridge-client.js over
 * sockjs-client), installed with npm from the committed lock file into src/test/node, run in Node
 * or read as the files a browser would load.
 */
public final class NodeClients {

  /** Relative to the server module, where Maven runs the tests. */
  public static final Path DIR = Path.of("src", "test", "node");

  private NodeClients() {
  }

  /**
   * CI runs `npm ci` and must have node; on a developer machine without node or npm the test says
   * so and is skipped. The packages are installed here when they are missing.
   */
  public static void assumeInstalled() {
    boolean present = runs("node", "--version") && runs("npm", "--version");
    if (!present) {
      org.junit.jupiter.api.Assumptions.assumeTrue(System.getenv("CI") != null,
          "node and npm are not installed; skipping the test of the official bridge clients");
      throw new IllegalStateException("CI must have node and npm");
    }
    install();
  }

  private static synchronized void install() {
    if (Files.isDirectory(DIR.resolve("node_modules").resolve("@vertx"))
        && Files.isDirectory(DIR.resolve("node_modules").resolve("sockjs-client"))) {
      return;
    }
    try {
      Process npm = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund").directory(DIR.toFile())
          .redirectErrorStream(true).start();
      String output = new String(npm.getInputStream().readAllBytes());
      if (!npm.waitFor(5, TimeUnit.MINUTES) || npm.exitValue() != 0) {
        npm.destroyForcibly();
        throw new IllegalStateException("npm ci failed in " + DIR + ": " + output);
      }
    } catch (IOException e) {
      throw new IllegalStateException("npm ci could not run in " + DIR, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted during npm ci", e);
    }
  }

  private static boolean runs(String... command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** The text of an installed file, e.g. {@code node_modules/sockjs-client/dist/sockjs.min.js}. */
  public static String file(String path) throws IOException {
    return Files.readString(DIR.resolve(path));
  }

  /** visitor.js: one visitor on one transport, until its admission (or the timeout). */
  public static Run visitor(String url, String transport, String visitor, String token, long timeoutMillis)
      throws IOException {
    JsonObject args = new JsonObject().put("url", url).put("transport", transport).put("visitor", visitor)
        .put("token", token).put("timeoutMillis", timeoutMillis);
    Process process = new ProcessBuilder("node", "visitor.js", args.encode()).directory(DIR.toFile())
        .redirectErrorStream(true).start();
    return new Run(process);
  }

  /** refused-send.js: a send with a reply handler, on one transport, until the callback fires (or the timeout). */
  public static Run refusedSend(String url, String transport, String address, long timeoutMillis) throws IOException {
    JsonObject args = new JsonObject().put("url", url).put("transport", transport).put("address", address)
        .put("timeoutMillis", timeoutMillis);
    Process process = new ProcessBuilder("node", "refused-send.js", args.encode()).directory(DIR.toFile())
        .redirectErrorStream(true).start();
    return new Run(process);
  }

  /** A running script: every JSON line it printed, the rest kept as text for the failure message. */
  public static final class Run implements AutoCloseable {

    private final Process process;
    private final List<JsonObject> lines = new CopyOnWriteArrayList<>();
    private final List<String> other = new CopyOnWriteArrayList<>();

    private Run(Process process) {
      this.process = process;
      Thread reader = new Thread(() -> {
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream()))) {
          String line;
          while ((line = out.readLine()) != null) {
            try {
              lines.add(new JsonObject(line));
            } catch (RuntimeException notJson) {
              other.add(line);
            }
          }
        } catch (IOException ignored) {
          // the script ended
        }
      }, "node-client-output");
      reader.setDaemon(true);
      reader.start();
    }

    /** Waits for the first printed line with this event; null after the timeout or the script's end. */
    public JsonObject await(String event, long timeoutMillis) throws InterruptedException {
      long deadline = System.currentTimeMillis() + timeoutMillis;
      while (true) {
        JsonObject found = find(event);
        if (found != null) {
          return found;
        }
        if (!process.isAlive()) {
          Thread.sleep(300); // the reader may still hold the last lines
          return find(event);
        }
        if (System.currentTimeMillis() > deadline) {
          return null;
        }
        Thread.sleep(50);
      }
    }

    private JsonObject find(String event) {
      return lines.stream().filter(l -> event.equals(l.getString("event"))).findFirst().orElse(null);
    }

    public List<JsonObject> lines() {
      return lines;
    }

    /** Every message body received so far. */
    public List<JsonObject> messages() {
      return lines.stream().filter(l -> "message".equals(l.getString("event")))
          .map(l -> l.getJsonObject("body")).toList();
    }

    public int exitCode(long timeoutMillis) throws InterruptedException {
      return process.waitFor(timeoutMillis, TimeUnit.MILLISECONDS) ? process.exitValue() : -1;
    }

    @Override
    public String toString() {
      return lines + (other.isEmpty() ? "" : " / " + other);
    }

    @Override
    public void close() {
      process.destroy();
      try {
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }
}
