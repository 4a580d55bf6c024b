package dev.foyer.support;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A real HTTP server on loopback that answers the way a broken or hostile site does, one way per path:
 * {@code /endless} streams a body without end (up to {@link #ENDLESS_SAFETY} bytes, then holds the
 * connection open: enough to tell a capped reader from one that reads it all, without filling the test's
 * heap), {@code /drip} sends one byte every {@code dripMillis} and never finishes, {@code /garbage}
 * answers 200 with HTML, {@code /error} answers 500, {@code /announced} announces a huge Content-Length.
 * Any other path answers {@code good}, and once {@link #heal()} is called every path does.
 */
public final class HostileSite {

  public static final long ENDLESS_SAFETY = 64L << 20;

  private final Vertx vertx;
  private final JsonObject good;
  private final long dripMillis;
  private final AtomicBoolean healed = new AtomicBoolean();
  private final AtomicLong mostSentOnOneAnswer = new AtomicLong();
  private final AtomicInteger connections = new AtomicInteger();
  private final AtomicInteger requests = new AtomicInteger();
  private HttpServer server;

  private HostileSite(Vertx vertx, JsonObject good, long dripMillis) {
    this.vertx = vertx;
    this.good = good;
    this.dripMillis = dripMillis;
  }

  public static Future<HostileSite> start(Vertx vertx, JsonObject good, long dripMillis) {
    HostileSite site = new HostileSite(vertx, good, dripMillis);
    site.server = vertx.createHttpServer().connectionHandler(c -> site.connections.incrementAndGet())
        .requestHandler(site::answer);
    return site.server.listen(0, "127.0.0.1").map(s -> site);
  }

  public String url(String path) {
    return "http://127.0.0.1:" + server.actualPort() + path;
  }

  /** From now on every path answers the good body. */
  public void heal() {
    healed.set(true);
  }

  /** The most body bytes written into one answer (what the reader took, plus the socket buffers). */
  public long mostSentOnOneAnswer() {
    return mostSentOnOneAnswer.get();
  }

  public int connections() {
    return connections.get();
  }

  public int requests() {
    return requests.get();
  }

  public Future<Void> close() {
    return server.close();
  }

  private void answer(HttpServerRequest req) {
    requests.incrementAndGet();
    HttpServerResponse res = req.response();
    String path = healed.get() ? "/" : req.path();
    switch (path) {
      case "/endless" -> endless(res);
      case "/drip" -> drip(res);
      case "/garbage" -> res.putHeader("Content-Type", "text/html").end("<html><body>Oops</body></html>");
      case "/error" -> res.setStatusCode(500).end("{\"error\": \"down\"}");
      case "/announced" -> res.putHeader("Content-Length", Long.toString(1L << 30)).write("{\"keys\": [");
      default -> res.putHeader("Content-Type", "application/json").end(good.encode());
    }
  }

  private void endless(HttpServerResponse res) {
    res.setChunked(true).putHeader("Content-Type", "application/json");
    Buffer chunk = Buffer.buffer(" ".repeat(16 * 1024));
    long[] queued = {0};
    long[] taken = {0};
    res.write("{\"keys\": [");
    Runnable[] pump = {null};
    pump[0] = () -> {
      // a response whose connection the reader closed drops writes, fails them and is never full:
      // count what was written into the socket (a write's success), and yield between rounds so
      // the close is seen
      for (int i = 0; i < 64 && !res.closed() && !res.writeQueueFull() && queued[0] < ENDLESS_SAFETY; i++) {
        queued[0] += chunk.length();
        res.write(chunk).onSuccess(v -> {
          taken[0] += chunk.length();
          mostSentOnOneAnswer.accumulateAndGet(taken[0], Math::max);
        });
      }
      if (res.closed() || queued[0] >= ENDLESS_SAFETY) {
        return;
      }
      if (res.writeQueueFull()) {
        res.drainHandler(v -> pump[0].run());
      } else {
        vertx.runOnContext(v -> pump[0].run());
      }
    };
    pump[0].run();
  }

  private void drip(HttpServerResponse res) {
    res.setChunked(true).putHeader("Content-Type", "application/json");
    res.write("{");
    long timer = vertx.setPeriodic(dripMillis, id -> res.write(" "));
    res.closeHandler(v -> vertx.cancelTimer(timer));
  }
}
