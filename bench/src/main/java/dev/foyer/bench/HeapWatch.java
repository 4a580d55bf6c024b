package dev.foyer.bench;

import io.vertx.core.http.HttpClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.concurrent.TimeUnit;

/**
 * The server's heap during a {@code wait} sale: with its pid and a period, read after a full GC
 * every period (with its resident memory and the sockets behind), and the sale stopped early once
 * the heap is past the limit; without, the sale only runs its time.
 */
final class HeapWatch {

  private final HttpClient http;
  private final String pid;
  private final long everyMillis;
  private final long limitBytes;
  private final JsonArray samples = new JsonArray();
  private Long stoppedEarly;
  private long maxHeap;
  private long maxBehind;

  HeapWatch(HttpClient http, String pid, long everyMillis, long limitBytes) {
    this.http = http;
    this.pid = pid;
    this.everyMillis = everyMillis;
    this.limitBytes = limitBytes;
  }

  /** Until {@code end} (epoch ms), or the heap past the limit; {@code before} is the reading at {@code start}. */
  void watch(long start, long end, ServerMetrics before) throws Exception {
    boolean sampling = pid != null && everyMillis > 0;
    while (System.currentTimeMillis() < end) {
      Thread.sleep(Math.min(sampling ? everyMillis : Long.MAX_VALUE, Math.max(0, end - System.currentTimeMillis())));
      if (!sampling || System.currentTimeMillis() >= end) {
        continue;
      }
      ServerProcess.fullGc(pid);
      ServerMetrics now = ServerMetrics.read(http).await(10, TimeUnit.SECONDS);
      long at = (System.currentTimeMillis() - start) / 1000;
      samples.add(new JsonObject().put("atSeconds", at).put("heapBytes", now.heapUsedBytes())
          .put("rssBytes", ServerProcess.rss(pid)).put("socketsBehind", now.socketsBehind())
          .put("slowSocketsClosed", now.slowSocketsClosed() - before.slowSocketsClosed()));
      maxHeap = Math.max(maxHeap, now.heapUsedBytes());
      maxBehind = Math.max(maxBehind, now.socketsBehind());
      if (limitBytes > 0 && now.heapUsedBytes() > limitBytes) {
        stoppedEarly = at;
        break;
      }
    }
  }

  /** The samples and the peaks, {@code last} (after the sale, after a full GC) counted in. */
  JsonObject toJson(ServerMetrics last) {
    return new JsonObject()
        .put("heapAfterGcSamples", samples)
        .put("heapAfterGcAtEndBytes", pid == null ? null : last.heapUsedBytes())
        .put("maxHeapAfterGcBytes", pid == null ? null : Math.max(maxHeap, last.heapUsedBytes()))
        .put("stoppedEarlyAtSeconds", stoppedEarly)
        .put("maxSocketsBehind", Math.max(maxBehind, last.socketsBehind()));
  }
}
