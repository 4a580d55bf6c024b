package dev.foyer.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The foyer nodes of a {@code line} as the server side is measured: each node's /metrics, and with
 * their pids ({@code --server-pid}, one per node in the order of the ports) CPU from
 * {@code /proc/PID/stat} and heap after a full GC ({@link ServerProcess#heapAfterGc}). Nodes that
 * share a pid (one JVM) are counted once in the totals.
 */
final class LineServers {

  /** One reading of every node: its /metrics, and CPU seconds per node and in all. */
  record Reading(List<ServerMetrics> metrics, double[] cpuByNode, double cpuTotal) {
  }

  private final LineNodes nodes;
  private final List<String> pids;

  LineServers(LineNodes nodes, List<String> pids) {
    if (!pids.isEmpty() && pids.size() != nodes.size()) {
      throw new IllegalArgumentException("--server-pid: one pid per node, in the order of the ports ("
          + nodes.size() + " nodes, " + pids.size() + " pids)");
    }
    this.nodes = nodes;
    this.pids = pids;
  }

  /** "proc" (utime + stime of the listed pids) or "metrics" (each node's process_cpu_time_ns_total). */
  String cpuSource() {
    return pids.isEmpty() ? "metrics" : "proc";
  }

  /** "jstat" (old generation and survivors after jcmd GC.run) or "metrics" (heap used, no GC: noisy). */
  String heapSource() {
    return pids.isEmpty() ? "metrics" : "jstat";
  }

  Reading read() throws Exception {
    List<ServerMetrics> metrics = new ArrayList<>();
    for (LineNodes.Node n : nodes.all()) {
      metrics.add(ServerMetrics.read(n.http()).await(30, TimeUnit.SECONDS));
    }
    double[] byNode = new double[nodes.size()];
    double total = 0;
    if (pids.isEmpty()) {
      for (int i = 0; i < byNode.length; i++) {
        byNode[i] = metrics.get(i).cpuSeconds();
        total += byNode[i];
      }
    } else {
      Map<String, Double> byPid = new HashMap<>();
      for (String pid : new LinkedHashSet<>(pids)) {
        Double cpu = ServerProcess.cpuSeconds(pid);
        if (cpu == null) {
          throw new IllegalStateException("cannot read /proc/" + pid + "/stat: is --server-pid a process of this machine?");
        }
        byPid.put(pid, cpu);
        total += cpu;
      }
      for (int i = 0; i < byNode.length; i++) {
        byNode[i] = byPid.get(pids.get(i));
      }
    }
    return new Reading(metrics, byNode, total);
  }

  /** Each node's heap after a full GC (with pids), or heap used as /metrics says (without). */
  long[] heap() throws Exception {
    long[] out = new long[nodes.size()];
    Map<String, Long> byPid = new HashMap<>();
    for (int i = 0; i < out.length; i++) {
      if (pids.isEmpty()) {
        out[i] = ServerMetrics.read(nodes.all().get(i).http()).await(30, TimeUnit.SECONDS).heapUsedBytes();
      } else {
        String pid = pids.get(i);
        if (!byPid.containsKey(pid)) {
          Long heap = ServerProcess.heapAfterGc(pid);
          if (heap == null) {
            throw new IllegalStateException("cannot read the heap of " + pid + " with jcmd and jstat");
          }
          byPid.put(pid, heap);
        }
        out[i] = byPid.get(pid);
      }
    }
    return out;
  }

  /**
   * Heap per node and in all: before the phase's visitors joined, and with all of them joined (and,
   * pushed, connected); per visitor of that node (the harness's count at the start) and per
   * connected visitor as the node counts them.
   */
  JsonObject heapJson(long[] before, long[] with, long[] visitorsByNode, Reading connected) {
    JsonArray byNode = new JsonArray();
    for (int i = 0; i < before.length; i++) {
      long visitors = visitorsByNode[i];
      byNode.add(new JsonObject().put("port", nodes.all().get(i).port()).put("pid", pids.isEmpty() ? null : pids.get(i))
          .put("beforeJoinsBytes", before[i]).put("withVisitorsBytes", with[i]).put("visitors", visitors)
          .put("connectedVisitors", connected.metrics().get(i).connectedVisitors())
          .put("perVisitorBytes", (with[i] - before[i]) / Math.max(1, visitors)));
    }
    long beforeTotal = 0;
    long withTotal = 0;
    java.util.Set<String> counted = new java.util.HashSet<>();
    for (int i = 0; i < before.length; i++) {
      if (pids.isEmpty() || counted.add(pids.get(i))) {
        beforeTotal += before[i];
        withTotal += with[i];
      }
    }
    long visitors = 0;
    long connectedTotal = 0;
    for (int i = 0; i < before.length; i++) {
      visitors += visitorsByNode[i];
      connectedTotal += connected.metrics().get(i).connectedVisitors();
    }
    return new JsonObject().put("source", heapSource()).put("byNode", byNode)
        .put("total", new JsonObject().put("beforeJoinsBytes", beforeTotal).put("withVisitorsBytes", withTotal)
            .put("visitors", visitors).put("connectedVisitors", connectedTotal)
            .put("perVisitorBytes", (withTotal - beforeTotal) / Math.max(1, visitors)));
  }

  /** CPU seconds each node used between two readings. */
  JsonArray cpuJson(Reading before, Reading after) {
    JsonArray out = new JsonArray();
    for (int i = 0; i < nodes.size(); i++) {
      out.add(new JsonObject().put("port", nodes.all().get(i).port()).put("pid", pids.isEmpty() ? null : pids.get(i))
          .put("cpuSeconds", Math.round((after.cpuByNode()[i] - before.cpuByNode()[i]) * 1000) / 1000.0));
    }
    return out;
  }

  /** What the nodes counted between two readings, per reason (foyer_rank_frames_sent_total), summed over the nodes. */
  static JsonObject rankFramesByReason(Reading before, Reading after) {
    Map<String, Long> sum = new java.util.TreeMap<>();
    for (int i = 0; i < after.metrics().size(); i++) {
      Map<String, Long> b = before.metrics().get(i).rankFramesByReason();
      after.metrics().get(i).rankFramesByReason().forEach((reason, n) -> sum.merge(reason, n - b.getOrDefault(reason, 0L),
          Long::sum));
    }
    JsonObject out = new JsonObject();
    sum.forEach(out::put);
    return out;
  }
}
