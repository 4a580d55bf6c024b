package dev.foyer.push;

import io.vertx.core.eventbus.DeliveryOptions;

/**
 * Event-bus addresses. The public ones are the contract browsers register to; each has a node-local
 * twin that the bridge's sockets actually listen on, so a registration never touches the cluster:
 * a node receives a broadcast once and fans it out to its own sockets.
 */
public final class Addresses {

  public static final String EVENT_PREFIX = "foyer.event.";
  public static final String SEATS_PREFIX = "foyer.seats.";
  public static final String VISITOR_PREFIX = "foyer.visitor.";
  private static final String LOCAL_PREFIX = "foyer.local.";

  /** Deliveries to this node's own sockets never leave the node. */
  public static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);

  private Addresses() {
  }

  public static String event(String event) {
    return EVENT_PREFIX + event;
  }

  public static String seats(String event) {
    return SEATS_PREFIX + event;
  }

  public static String visitor(String visitor) {
    return VISITOR_PREFIX + visitor;
  }

  /** The node-local twin of a public address. */
  public static String local(String publicAddress) {
    return LOCAL_PREFIX + publicAddress;
  }
}
