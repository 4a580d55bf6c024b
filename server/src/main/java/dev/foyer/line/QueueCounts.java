package dev.foyer.line;

/**
 * One event's line in numbers. {@code rate} is the measured admission rate per second, null until
 * admission has been measured; {@code trafficRate} the requests counted in the last second;
 * {@code held} the seats under a hold; {@code completed} the visitors the site said were done.
 */
public record QueueCounts(long waiting, long active, long admittedTotal, Double rate, boolean queueing,
                          long trafficRate, long held, long prequeued, boolean opened, long completed) {
}
