package dev.foyer.bus;

import io.vertx.core.json.JsonObject;

/**
 * The contract's {@code progress} message on {@code foyer.event.{event}}: the line in numbers, as
 * the tick that just ran saw it; {@code rate} is the cluster-wide request rate the gate reads.
 */
public record Progress(long waiting, long active, long admittedTotal, int admitPerMinute, boolean queueing, long rate,
                       long at) {

  public JsonObject toJson() {
    return new JsonObject().put("type", "progress").put("waiting", waiting).put("active", active)
        .put("admittedTotal", admittedTotal).put("admitPerMinute", admitPerMinute).put("queueing", queueing)
        .put("rate", rate).put("at", at);
  }
}
