package dev.foyer.push;

/** The event-bus addresses of the contract, the ones browsers register to. */
public final class Addresses {

  public static final String EVENT_PREFIX = "foyer.event.";
  public static final String SEATS_PREFIX = "foyer.seats.";
  public static final String VISITOR_PREFIX = "foyer.visitor.";

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
}
