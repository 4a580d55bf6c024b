package dev.foyer.bench;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A worker process of a spread-out {@code wait} run (one process may hold at most 20,000 open
 * files): started by the harness as {@code Bench wait-worker}, fed its visitors' ids and tokens on
 * standard input, it connects them, says READY, counts what arrives until told STOP, then prints
 * its figures as one JSON line.
 */
record WaitWorker(Process process, BufferedReader out, PrintWriter in) {

  /** The worker's side, in its own process. */
  static void work(Vertx vertx, int port) throws Exception {
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
    List<Api.Joined> visitors = new ArrayList<>();
    String line;
    while ((line = in.readLine()) != null && !line.equals("END")) {
      String[] parts = line.split(" ");
      visitors.add(new Api.Joined(parts[0], parts[1]));
    }
    WaitingPages pages = new WaitingPages(vertx, port, null, 3600);
    pages.connectAll(visitors);
    System.out.println("READY");
    System.out.flush();
    while ((line = in.readLine()) != null && !line.equals("STOP")) {
      // waiting for the parent's word
    }
    pages.stop();
    System.out.println(pages.toJson().encode());
    System.out.flush();
  }

  /** The harness's side: a worker process with these visitors. */
  static WaitWorker start(int port, List<Api.Joined> visitors) throws Exception {
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx1g", "-cp", System.getProperty("java.class.path"), Bench.class.getName(), "wait-worker",
        "--port", String.valueOf(port))
        .redirectError(ProcessBuilder.Redirect.DISCARD)
        .start();
    PrintWriter in = new PrintWriter(p.getOutputStream(), true);
    visitors.forEach(v -> in.println(v.visitor() + " " + v.token()));
    in.println("END");
    return new WaitWorker(p, new BufferedReader(new InputStreamReader(p.getInputStream())), in);
  }

  void awaitReady() throws Exception {
    String line;
    while ((line = out.readLine()) != null) {
      if (line.equals("READY")) {
        return;
      }
    }
    throw new IllegalStateException("a worker process died before it was ready");
  }

  /** Its figures, once it stopped counting. */
  JsonObject stop() throws Exception {
    in.println("STOP");
    String line;
    String last = null;
    while ((line = out.readLine()) != null) {
      if (line.startsWith("{")) {
        last = line;
      }
    }
    process.waitFor(30, TimeUnit.SECONDS);
    return new JsonObject(last);
  }
}
