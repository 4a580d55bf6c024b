package dev.foyer.bridge;

import dev.foyer.common.Metrics;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * What this node's sockets that fall behind cost and what became of them, for the operator:
 * {@code foyer_sockets_behind} (now), {@code foyer_frames_coalesced_total} and
 * {@code foyer_slow_sockets_closed_total{reason}}. Each closed socket is a debug line; the info
 * line sums them up, at most once a minute, since a crowd of stalled browsers must not flood the log.
 */
public final class SlowSockets {

  static final long SUMMARY_EVERY_MILLIS = 60_000;
  static final long SUMMARY_DELAY_MILLIS = 5_000;
  private static final Logger LOG = LoggerFactory.getLogger(SlowSockets.class);

  private final AtomicInteger behind = new AtomicInteger();
  private final Counter coalesced = Counter.builder("foyer_frames_coalesced")
      .description("Rank and progress frames a socket behind never got because a newer one replaced them")
      .register(Metrics.registry());
  private final Counter stalled = closedCounter("stalled");
  private final Counter backlog = closedCounter("backlog");
  private final Vertx vertx;
  private long summarySince;
  private long lastSummaryAt;
  private boolean summaryPending;
  private int stalledSinceSummary;
  private int backlogSinceSummary;

  SlowSockets(Vertx vertx) {
    this.vertx = vertx;
  }

  private static Counter closedCounter(String reason) {
    return Counter.builder("foyer_slow_sockets_closed").tag("reason", reason)
        .description("Bridge sockets closed because their browser stopped reading: stalled (behind for "
            + SocketOutput.Limits.DEFAULT.stallMillis() / 1000 + " s) or backlog (over "
            + SocketOutput.Limits.DEFAULT.heldBytes() / 1024 + " KB of notices waiting)")
        .register(Metrics.registry());
  }

  /** Sockets whose frames wait on this node because the browser is not taking them. */
  public int behind() {
    return behind.get();
  }

  public double closedTotal() {
    return stalled.count() + backlog.count();
  }

  public double coalescedTotal() {
    return coalesced.count();
  }

  void fellBehind() {
    behind.incrementAndGet();
  }

  void caughtUp() {
    behind.decrementAndGet();
  }

  void coalesced() {
    coalesced.increment();
  }

  void closed(String remote, SocketOutput.GiveUp reason) {
    (reason == SocketOutput.GiveUp.STALLED ? stalled : backlog).increment();
    LOG.debug("Closed the bridge socket of {}: {}; the page reconnects and keeps its place", remote,
        reason == SocketOutput.GiveUp.STALLED
            ? "its browser took nothing for " + SocketOutput.Limits.DEFAULT.stallMillis() / 1000 + " s while frames waited for it"
            : "more than " + SocketOutput.Limits.DEFAULT.heldBytes() / 1024 + " KB of notices waited for its browser");
    summarize(reason);
  }

  /**
   * Counts the close into the next summary line: the first close after a quiet spell is told a few
   * seconds later together with the ones that follow it, then at most one line a minute.
   */
  private synchronized void summarize(SocketOutput.GiveUp reason) {
    if (reason == SocketOutput.GiveUp.STALLED) {
      stalledSinceSummary++;
    } else {
      backlogSinceSummary++;
    }
    if (summaryPending) {
      return;
    }
    summaryPending = true;
    long now = System.currentTimeMillis();
    summarySince = now;
    vertx.setTimer(Math.max(SUMMARY_DELAY_MILLIS, lastSummaryAt + SUMMARY_EVERY_MILLIS - now), id -> logSummary());
  }

  private synchronized void logSummary() {
    LOG.info("Closed {} bridge socket(s) in the last {} s whose browsers stopped reading ({} took nothing for {} s,"
            + " {} had over {} KB of notices waiting); their pages reconnect and keep their places"
            + " (foyer_slow_sockets_closed_total; each socket at debug level)",
        stalledSinceSummary + backlogSinceSummary, (System.currentTimeMillis() - summarySince + 999) / 1000,
        stalledSinceSummary, SocketOutput.Limits.DEFAULT.stallMillis() / 1000, backlogSinceSummary,
        SocketOutput.Limits.DEFAULT.heldBytes() / 1024);
    lastSummaryAt = System.currentTimeMillis();
    stalledSinceSummary = 0;
    backlogSinceSummary = 0;
    summaryPending = false;
  }
}
