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

  /** Visitors who joined before the opening: zset visitor -> arrival sequence. */
  public String prequeue() {
    return base + "prequeue";
  }

  /** The visitor that a join's Idempotency-Key created: string, expires. */
  public String joinKey(String key) {
    return base + "join-key:" + key;
  }

  /** The lanes visitors joined: hash lane name -> index, "#index" -> name, "#count" (lua/lib/lanes.lua). */
  public String lanes() {
    return base + "lanes";
  }

  /** Codes that enter a lane: hash code -> "lane|uses left|uses" (lua/lib/lanes.lua). */
  public String codes() {
    return base + "codes";
  }

  /** The codes one Idempotency-Key made: string, comma-separated, expires (lua/codes_make.lua). */
  public String codesMakeKey(String key) {
    return base + "codes-key:" + key;
  }

  /** The visitor of one identity (the booking site's user id, hashed): string, expires. */
  public String identity(String identity) {
    return base + "identity:" + identity;
  }

  /** Seconds each admitted visitor's time was extended so far: hash visitor -> seconds (extend.lua). */
  public String extended() {
    return base + "extended";
  }

  /** The answer of one visitor's extension under its Idempotency-Key: string activeUntil, expires. */
  public String extendKey(String visitor, String key) {
    return base + "extend-key:" + visitor + ":" + key;
  }

  /** Presence leases: zset visitor -> last seen (epoch ms), renewed by sockets and REST calls. */
  public String presence() {
    return base + "presence";
  }

  /**
   * Waiting visitors whose presence lease ran out: zset visitor -> last seen (epoch ms). Still in
   * line, skipped by admission, removed past awaySeconds (lua/lib/away.lua).
   */
  public String away() {
    return base + "away";
  }

  /**
   * Event-wide counters and flags: hash (queueing, admittedTotal, completed, tokens, tokensAt, rate, rateAt,
   * scanFrom, activeAfter, turnoverFreed, turnoverExposure).
   */
  public String meta() {
    return base + "meta";
  }

  /** Requests served for this event during one epoch second, summed over all nodes. */
  public String traffic(long epochSecond) {
    return base + "traffic:" + epochSecond;
  }

  /** Seat ids of the event's map: set, rebuilt from PostgreSQL. */
  public String seats() {
    return base + "seats";
  }

  /** Where one load builds a seat map before it replaces {@link #seats()} in one step. */
  public String seatsLoading(String loadId) {
    return base + "seats:loading:" + loadId;
  }

  /** Sold seats: hash seat -> reservation id, rebuilt from PostgreSQL. */
  public String sold() {
    return base + "sold";
  }

  /**
   * The seat map's version: hash gen (its generation, new whenever a load changes the map) and n (the
   * last seat-status version, one more for every step that changes a status).
   */
  public String seatVersion() {
    return base + "seat-version";
  }

  /** Seat-status changes of the current generation: zset seat -> the version of its last change. */
  public String seatLog() {
    return base + "seat-log";
  }

  /** Live holds: hash holdId -> "visitor|expiresAt|seat,seat" (standing places: "@section:count"). */
  public String holds() {
    return base + "holds";
  }

  /** A visitor's one hold: hash visitor -> holdId. */
  public String holdByVisitor() {
    return base + "hold-by-visitor";
  }

  /** Held seats: hash seat -> holdId. */
  public String holdSeats() {
    return base + "hold-seats";
  }

  /** When holds run out: zset holdId -> expiresAt (epoch ms), pushed back while a confirmation runs. */
  public String holdExpiry() {
    return base + "hold-expiry";
  }

  /** Confirmations under way: hash holdId -> "reservationId|fenceUntil". */
  public String confirming() {
    return base + "confirming";
  }

  /** Finished confirmations, for retries: hash holdId -> "reservationId|visitor|seat,seat". */
  public String confirmed() {
    return base + "confirmed";
  }

  /** A return code: string visitor id, expires within a minute, taken once. */
  public String returnCode(String code) {
    return base + "return-code:" + code;
  }

  /** A visitor's live return code: string, expires with the code. */
  public String returnCodeOf(String visitor) {
    return base + "return-code-of:" + visitor;
  }

  // Best available, accessible seats and standing areas (the seat room's index of the map)

  // The index's keys were renamed when held and sold seats got characters of their own ('h', 's'
  // where one 'x' stood): a node finds an older index missing and builds it again, stock included.

  /** Each row's seats as one string, a character per seat number: hash row -> "00hswc-". */
  public String rows() {
    return base + "seat-rows";
  }

  /** Each row's rank and category: hash row -> "rank|category|load". */
  public String rowMeta() {
    return base + "seat-row-meta";
  }

  /** Rows with a free seat, in best-available order: zset row -> rank. */
  public String rowsOpen() {
    return base + "seat-rows-open";
  }

  /** Seats of the rows index per state and category: hash "free:A", "held:A", "sold:A" -> count. */
  public String stock() {
    return base + "stock";
  }

  /** The last frames the line was told of the stock: hash "stock", "sale" -> the frame's JSON. */
  public String stockTold() {
    return base + "stock-told";
  }

  /** What the stock is told with: hash "name:A", "price:A", currency, "area:Floor" -> category. */
  public String stockNames() {
    return base + "stock-names";
  }

  /** Accessible seats: hash seat -> "w" (wheelchair) or "c" (companion). */
  public String seatKind() {
    return base + "seat-kind";
  }

  /** How a best-available hold was placed: hash holdId -> placement. */
  public String holdPlacement() {
    return base + "hold-placement";
  }

  /** Standing areas: hash section -> capacity. */
  public String standing() {
    return base + "standing";
  }

  /** Standing places held: hash section -> count. */
  public String standingHeld() {
    return base + "standing-held";
  }

  /** Standing places sold: hash section -> count, rebuilt from PostgreSQL. */
  public String standingSold() {
    return base + "standing-sold";
  }

  // The sale's report (lua/lib/report.lua): counted where each fact happens, kept 30 days

  /** The report's figures per minute: hash "epochMinute:figure" -> count (lua/lib/report.lua). */
  public String report() {
    return base + "report";
  }

  /** When each visitor in line began waiting: hash visitor -> epoch ms, only while they wait. */
  public String joinedAt() {
    return base + "report-joined-at";
  }

  /** How long admitted visitors waited: hash whole seconds -> admissions that waited that long. */
  public String waits() {
    return base + "report-waits";
  }

  /** Refusals per minute: hash "epochMinute:code" -> count, added by each node once a second. */
  public String refusals() {
    return base + "report-refusals";
  }

  /**
   * The keys a script that counts for the report is given as its last three, in the order
   * lua/lib/report.lua reads them, after whatever keys of its own it has.
   */
  public java.util.List<String> reportKeys() {
    return java.util.List.of(report(), joinedAt(), waits());
  }

  /**
   * The keys every script that changes a seat or a hold is given, in the order lua/lib/seat_keys.lua
   * names them: one list, so no script's header and call can disagree on a position.
   */
  public java.util.List<String> seatKeys() {
    return java.util.List.of(seats(), sold(), holds(), holdByVisitor(), holdSeats(), holdExpiry(), confirming(),
        confirmed(), active(), gone(), presence(), seatVersion(), seatLog(), rows(), rowMeta(), rowsOpen(), seatKind(),
        holdPlacement(), standing(), standingHeld(), standingSold(), stock(), stockNames());
  }

  /**
   * The event's announcement: hash (seq: the last id given, id, message, at, by of the current one;
   * withdrawnAt once withdrawn). See lua/announce.lua.
   */
  public String announcement() {
    return base + "announcement";
  }
}
