package dev.foyer.bus;

/**
 * Every event-bus address foyer uses. The contract's addresses are the ones browsers register to
 * through the bridge; the internal ones carry the records of this package between the rooms, which
 * never import each other and meet only here.
 */
public final class Addresses {

  // ---- the contract (docs/API.md): browsers listen, nodes publish

  public static final String EVENT_PREFIX = "foyer.event.";
  public static final String SEATS_PREFIX = "foyer.seats.";
  public static final String STOCK_PREFIX = "foyer.stock.";
  public static final String VISITOR_PREFIX = "foyer.visitor.";

  // ---- internal, published cluster-wide

  /** {@link Admissions}: once per tick that admitted anyone. */
  public static final String ADMISSIONS = "foyer.internal.admissions";
  /** {@link Departures}: visitors who left the line or the active set. */
  public static final String DEPARTURES = "foyer.internal.departures";
  /** {@link VisitExtended}: an admitted visitor's time was extended by the site. */
  public static final String EXTENSIONS = "foyer.internal.extensions";
  /** {@link HoldNotices}: what happened to visitors' holds, for whichever node holds their sockets. */
  public static final String HOLD_NOTICES = "foyer.internal.hold-notices";
  /** {@link LineReset}: Redis lost an event's live state; it starts again. */
  public static final String LINE_RESETS = "foyer.internal.line-resets";
  /** The new signing key's kid after a rotation: every node reloads the ring its passes use. */
  public static final String PASS_KEYS_ROTATED = "foyer.internal.pass-keys-rotated";
  /** The event id (a string) whenever an event or its settings change, so every cache drops its copy. */
  public static final String EVENT_CHANGED = "foyer.internal.event-changed";
  /** The id of an operator key that was revoked (or created): every node drops its cached copy. */
  public static final String OPERATOR_KEYS_CHANGED = "foyer.internal.operator-keys-changed";

  // ---- internal, node-local request-reply

  /** {@link HoldService} of this node's hold verticle. */
  public static final String HOLDS = "foyer.internal.holds";

  private Addresses() {
  }

  /** {@link Progress} of one event. */
  public static String event(String event) {
    return EVENT_PREFIX + event;
  }

  /** {@link SeatChanges} of one event. */
  public static String seats(String event) {
    return SEATS_PREFIX + event;
  }

  /** What is left of one event's tickets: stock frames (the queue's StockWatch). */
  public static String stock(String event) {
    return STOCK_PREFIX + event;
  }

  /** One visitor's notices: rank, admitted, gone, hold. */
  public static String visitor(String visitor) {
    return VISITOR_PREFIX + visitor;
  }
}
