package dev.foyer.common;

/**
 * Redis key names of one event. Every key carries the hash tag {@code {eventId}}, so a script
 * touching any of them runs on one slot, on a single Redis and on Redis Cluster alike.
 */
public final class Keys {

  private final String base;

  public Keys(String prefix, String event) {
    this.base = prefix + ":{" + event + "}:";
  }

  /** Join sequence counter (string). */
  public String seq() {
    return base + "seq";
  }

  /** Waiting line: zset visitor -> join sequence. */
  public String waiting() {
    return base + "waiting";
  }

  /** Admitted visitors: zset visitor -> activeUntil (epoch ms). */
  public String active() {
    return base + "active";
  }

  /** Visitors who left the flow: hash visitor -> reason. */
  public String gone() {
    return base + "gone";
  }

  /** Presence leases: zset visitor -> last seen (epoch ms), renewed by sockets and REST calls. */
  public String presence() {
    return base + "presence";
  }

  /** Event-wide counters and flags: hash (queueing, admittedTotal, tokens, tokensAt, rate, rateAt). */
  public String meta() {
    return base + "meta";
  }

  /** Requests served for this event during one epoch second, summed over all nodes. */
  public String traffic(long epochSecond) {
    return base + "traffic:" + epochSecond;
  }

  /** Pattern matching every key of every event under a prefix, for clean-up. */
  public static String allOf(String prefix) {
    return prefix + ":*";
  }
}
