package dev.foyer.hold;

import dev.foyer.common.Metrics;
import io.micrometer.core.instrument.Gauge;

import java.util.concurrent.atomic.AtomicLong;

/** foyer_seats{event,status}: free, held and sold seats of one event, refreshed every few seconds. */
final class SeatGauges {

  private final AtomicLong free = new AtomicLong();
  private final AtomicLong held = new AtomicLong();
  private final AtomicLong sold = new AtomicLong();

  SeatGauges(String event) {
    register(event, "free", free);
    register(event, "held", held);
    register(event, "sold", sold);
  }

  private static void register(String event, String status, AtomicLong value) {
    Gauge.builder("foyer_seats", value, AtomicLong::get).tag("event", event).tag("status", status)
        .description("Seats by status").register(Metrics.registry());
  }

  void set(SeatMapStore.Counts counts) {
    held.set(counts.held());
    sold.set(counts.sold());
    free.set(Math.max(0, counts.seats() - counts.held() - counts.sold()));
  }
}
