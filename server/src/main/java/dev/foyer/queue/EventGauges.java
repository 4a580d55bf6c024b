package dev.foyer.queue;

import dev.foyer.line.GateKeeper;
import dev.foyer.line.TickResult;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.micrometer.backends.BackendRegistries;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Prometheus figures of one event, as its last tick on this node saw them. Only the node ticking
 * the event updates them; scrape every node and take the freshest (or sum the per-node figures).
 */
final class EventGauges {

  private final AtomicLong waiting = new AtomicLong();
  private final AtomicLong active = new AtomicLong();
  private final AtomicLong admittedTotal = new AtomicLong();
  private final AtomicLong queueing = new AtomicLong();
  private final AtomicLong trafficRate = new AtomicLong();
  private volatile double admissionRate;

  EventGauges(String event) {
    MeterRegistry registry = BackendRegistries.getDefaultNow();
    if (registry == null) {
      return;
    }
    Gauge.builder("foyer_waiting_visitors", waiting, AtomicLong::get).tag("event", event)
        .description("Visitors waiting in line").register(registry);
    Gauge.builder("foyer_active_visitors", active, AtomicLong::get).tag("event", event)
        .description("Visitors admitted and in the booking flow").register(registry);
    FunctionCounter.builder("foyer_admitted", admittedTotal, AtomicLong::get).tag("event", event)
        .description("Visitors admitted since the event was created").register(registry);
    Gauge.builder("foyer_admission_rate_per_second", this, g -> g.admissionRate).tag("event", event)
        .description("Measured admission rate (exponentially weighted, 60 s)").register(registry);
    Gauge.builder("foyer_gate_queueing", queueing, AtomicLong::get).tag("event", event)
        .description("1 when joiners wait in line, 0 when they pass straight in").register(registry);
    Gauge.builder("foyer_traffic_requests_per_second", trafficRate, AtomicLong::get).tag("event", event)
        .description("Requests for this event, all nodes, in the last complete second").register(registry);
  }

  void update(TickResult result, GateKeeper.Verdict gate) {
    waiting.set(result.waiting());
    active.set(result.active());
    admittedTotal.set(result.admittedTotal());
    admissionRate = result.rate() == null ? 0 : result.rate();
    queueing.set(gate.queueing() ? 1 : 0);
    trafficRate.set(gate.rate());
  }
}
