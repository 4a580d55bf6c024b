package dev.foyer.line;

import java.util.List;

/** What one admission tick did to one event. */
public record TickResult(List<String> admitted, List<String> expired, long activeUntil, long waiting, long active,
                         long admittedTotal, Double rate) {
}
