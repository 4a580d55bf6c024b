package dev.foyer.bench;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A worker process of a spread-out {@code line} phase (one process may hold at most 20,000 open
 * files): started by the harness as {@code Bench line-worker}, told its part on standard input (one
 * JSON line: the nodes, the event, push or poll, the script and its {@link LinePages.Share}), it
 * says LOADED; handed its visitors (joined by the harness, one "visitor token node" line each, then
 * END), it connects them (pushed) and says READY; then, on the harness's word, opens the measured
 * window (START, answered STARTED), closes it (STOP, STOPPED), and hands over what its pages counted
 * as one JSON line (REPORT), raw, so the harness merges every process exactly ({@link LineTally}).
 * A worker whose harness is gone (standard input closed) stops.
 */
final class LineWorker implements AutoCloseable {

  private static final String EOF = "\u0000eof";

  private final Process process;
  private final PrintWriter in;
  private final BlockingQueue<String> out = new LinkedBlockingQueue<>();
  private final Path log;
  private final int index;

  private LineWorker(Process process, Path log, int index) {
    this.process = process;
    this.in = new PrintWriter(process.getOutputStream(), true);
    this.log = log;
    this.index = index;
    Thread reader = new Thread(this::read, "line-worker-" + index + "-out");
    reader.setDaemon(true);
    reader.start();
  }

  /** The worker's side, in its own process. */
  static void work(Vertx vertx) throws Exception {
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
    String first = in.readLine();
    if (first == null) {
      return;
    }
    JsonObject part = new JsonObject(first);
    List<Integer> ports = part.getJsonArray("ports").stream().map(p -> ((Number) p).intValue()).toList();
    LineNodes nodes = new LineNodes(vertx, ports);
    LinePages pages = new LinePages(vertx, nodes, part.getString("event"), part.getBoolean("poll"),
        LineBench.Script.from(part.getJsonObject("script")), LinePages.Share.from(part.getJsonObject("share")));
    try {
      say("LOADED");
      List<LinePages.Seed> seeds = new ArrayList<>();
      String line;
      while ((line = in.readLine()) != null && !line.equals("END")) {
        String[] v = line.split(" ");
        seeds.add(new LinePages.Seed(v[0], v[1], Integer.parseInt(v[2])));
      }
      pages.prepare(seeds);
      say("READY");
      while ((line = in.readLine()) != null) {
        switch (line) {
          case "START" -> {
            pages.start();
            say("STARTED");
          }
          case "STOP" -> {
            pages.stop();
            say("STOPPED");
          }
          case "REPORT" -> {
            say(pages.toJson().encode());
            return;
          }
          default -> { }
        }
      }
    } finally {
      pages.close();
      nodes.close();
    }
  }

  private static void say(String line) {
    System.out.println(line);
    System.out.flush();
  }

  /** The harness's side: worker {@code index} with its part (see {@link #work}); its standard error goes to a log file. */
  static LineWorker start(int index, JsonObject part) throws IOException {
    Path log = Files.createTempFile("foyer-line-worker-" + index + "-", ".log");
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx1g", "-cp", System.getProperty("java.class.path"), Bench.class.getName(), "line-worker")
        .redirectError(log.toFile())
        .start();
    LineWorker w = new LineWorker(p, log, index);
    w.in.println(part.encode());
    return w;
  }

  /** Its JVM is up and read its part: its visitors (joined by the harness), which it connects. */
  void hand(List<LinePages.Seed> seeds) throws Exception {
    expect("LOADED", 60_000);
    seeds.forEach(v -> in.println(v.visitor() + " " + v.token() + " " + v.node()));
    in.println("END");
  }

  /** Its visitors joined (and connected): within {@code millis}, or it failed. */
  void awaitReady(long millis) throws Exception {
    expect("READY", millis);
  }

  void start() throws Exception {
    in.println("START");
    expect("STARTED", 30_000);
  }

  void stop() throws Exception {
    in.println("STOP");
    expect("STOPPED", 60_000);
  }

  /** What its pages counted ({@link LinePages#toJson}); the worker ends. */
  JsonObject report() throws Exception {
    in.println("REPORT");
    JsonObject part = new JsonObject(expect("{", 120_000));
    process.waitFor(30, TimeUnit.SECONDS);
    return part;
  }

  /** Ends the process if it is still running (a failed run); its log is kept only then. */
  @Override
  public void close() {
    in.close();
    if (process.isAlive()) {
      process.destroy();
      System.err.println("line worker " + index + " stopped; its log: " + log);
    } else {
      try {
        Files.deleteIfExists(log);
      } catch (IOException e) {
        // a temporary file
      }
    }
  }

  /** The next line that starts with {@code prefix} (others are skipped), within {@code millis}. */
  private String expect(String prefix, long millis) throws Exception {
    long deadline = System.currentTimeMillis() + millis;
    while (true) {
      String line = out.poll(Math.max(0, deadline - System.currentTimeMillis()), TimeUnit.MILLISECONDS);
      if (line == null) {
        throw new IllegalStateException("line worker " + index + " did not say " + prefix + " within " + millis
            + " ms; its log: " + log + tail());
      }
      if (line.equals(EOF)) {
        throw new IllegalStateException("line worker " + index + " ended before it said " + prefix + "; its log: "
            + log + tail());
      }
      if (line.startsWith(prefix)) {
        return line;
      }
    }
  }

  private void read() {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream()))) {
      String line;
      while ((line = r.readLine()) != null) {
        out.add(line);
      }
    } catch (IOException e) {
      // the process is gone: said below
    }
    out.add(EOF);
  }

  /** The last lines of the worker's log, for the failure's message. */
  private String tail() {
    try {
      List<String> lines = Files.readAllLines(log);
      return "\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException e) {
      return "";
    }
  }

  /** A worker's part as {@link #work} reads it. */
  static JsonObject part(List<Integer> ports, String event, boolean poll, LineBench.Script script,
                         LinePages.Share share) {
    return new JsonObject().put("ports", new JsonArray(List.copyOf(ports))).put("event", event).put("poll", poll)
        .put("script", script.toJson()).put("share", share.toJson());
  }
}
