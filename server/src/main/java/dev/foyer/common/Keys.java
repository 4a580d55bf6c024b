package dev.foyer.common;

import java.util.List;

/**
 * Redis key names of one event. Every key carries the hash tag {@code {eventId}}, so a script
 * touching any of them runs on one slot, on a single Redis and on Redis Cluster alike.
 *
 * <p>The event's own keys are named once, here, and read as fields: a store keeps one {@code Keys}
 * per event ({@link EventStore#keys}), so a join, a tick or a hold, each handing a script a dozen
 * keys or more, names none of them again. Keys of one visitor, code or load are named on each call.
 */
public final class Keys {

  /** Join sequence counter (string). */
  public final String seq;

  /** Waiting line: zset visitor -> join sequence. */
  public final String waiting;

  /** Admitted visitors: zset visitor -> activeUntil (epoch ms). */
  public final String active;

  /** Visitors who left the flow: hash visitor -> reason. */
  public final String gone;

  /** Visitors who joined before the opening: zset visitor -> arrival sequence. */
  public final String prequeue;

  /** The lanes visitors joined: hash lane name -> index, "#index" -> name, "#count" (lua/lib/lanes.lua). */
  public final String lanes;

  /** Codes that enter a lane: hash code -> "lane|uses left|uses" (lua/lib/lanes.lua). */
  public final String codes;

  /** Seconds each admitted visitor's time was extended so far: hash visitor -> seconds (extend.lua). */
  public final String extended;

  /** Presence leases: zset visitor -> last seen (epoch ms), renewed by sockets and REST calls. */
  public final String presence;

  /**
   * Waiting visitors whose presence lease ran out: zset visitor -> last seen (epoch ms). Still in
   * line, skipped by admission, removed past awaySeconds (lua/lib/away.lua).
   */
  public final String away;

  /**
   * Event-wide counters and flags: hash (queueing, admittedTotal, completed, tokens, tokensAt, rate, rateAt,
   * scanFrom, activeAfter, turnoverFreed, turnoverExposure).
   */
  public final String meta;

  /** Seat ids of the event's map: set, rebuilt from PostgreSQL. */
  public final String seats;

  /** Sold seats: hash seat -> reservation id, rebuilt from PostgreSQL. */
  public final String sold;

  /**
   * The seat map's version: hash gen (its generation, new whenever a load changes the map) and n (the
   * last seat-status version, one more for every step that changes a status).
   */
  public final String seatVersion;

  /** Seat-status changes of the current generation: zset seat -> the version of its last change. */
  public final String seatLog;

  /** Live holds: hash holdId -> "visitor|expiresAt|seat,seat" (standing places: "@section:count"). */
  public final String holds;

  /** A visitor's one hold: hash visitor -> holdId. */
  public final String holdByVisitor;

  /** Held seats: hash seat -> holdId. */
  public final String holdSeats;

  /** When holds run out: zset holdId -> expiresAt (epoch ms), pushed back while a confirmation runs. */
  public final String holdExpiry;

  /** Confirmations under way: hash holdId -> "reservationId|fenceUntil". */
  public final String confirming;

  /** Finished confirmations, for retries: hash holdId -> "reservationId|visitor|seat,seat". */
  public final String confirmed;

  // Best available, accessible seats and standing areas (the seat room's index of the map)

  // The index's keys were renamed when held and sold seats got characters of their own ('h', 's'
  // where one 'x' stood): a node finds an older index missing and builds it again, stock included.

  /** Each row's seats as one string, a character per seat number: hash row -> "00hswc-". */
  public final String rows;

  /** Each row's rank and category: hash row -> "rank|category|load". */
  public final String rowMeta;

  /** Rows with a free seat, in best-available order: zset row -> rank. */
  public final String rowsOpen;

  /** Seats of the rows index per state and category: hash "free:A", "held:A", "sold:A" -> count. */
  public final String stock;

  /** The last frames the line was told of the stock: hash "stock", "sale" -> the frame's JSON. */
  public final String stockTold;

  /** What the stock is told with: hash "name:A", "price:A", currency, "area:Floor" -> category. */
  public final String stockNames;

  /** Accessible seats: hash seat -> "w" (wheelchair) or "c" (companion). */
  public final String seatKind;

  /** How a best-available hold was placed: hash holdId -> placement. */
  public final String holdPlacement;

  /** Standing areas: hash section -> capacity. */
  public final String standing;

  /** Standing places held: hash section -> count. */
  public final String standingHeld;

  /** Standing places sold: hash section -> count, rebuilt from PostgreSQL. */
  public final String standingSold;

  // The sale's report (lua/lib/report.lua): counted where each fact happens, kept 30 days

  /** The report's figures per minute: hash "epochMinute:figure" -> count (lua/lib/report.lua). */
  public final String report;

  /** When each visitor in line began waiting: hash visitor -> epoch ms, only while they wait. */
  public final String joinedAt;

  /** How long admitted visitors waited: hash whole seconds -> admissions that waited that long. */
  public final String waits;

  /** Refusals per minute: hash "epochMinute:code" -> count, added by each node once a second. */
  public final String refusals;

  /**
   * The keys a script that counts for the report is given as its last three, in the order
   * lua/lib/report.lua reads them, after whatever keys of its own it has.
   */
  public final List<String> reportKeys;

  /**
   * The keys every script that changes a seat or a hold is given, in the order lua/lib/seat_keys.lua
   * names them: one list, so no script's header and call can disagree on a position.
   */
  public final List<String> seatKeys;

  /**
   * The event's announcement: hash (seq: the last id given, id, message, at, by of the current one;
   * withdrawnAt once withdrawn). See lua/announce.lua.
   */
  public final String announcement;

  private final String base;

  public Keys(String prefix, String event) {
    base = prefix + ":{" + event + "}:";
    seq = base + "seq";
    waiting = base + "waiting";
    active = base + "active";
    gone = base + "gone";
    prequeue = base + "prequeue";
    lanes = base + "lanes";
    codes = base + "codes";
    extended = base + "extended";
    presence = base + "presence";
    away = base + "away";
    meta = base + "meta";
    seats = base + "seats";
    sold = base + "sold";
    seatVersion = base + "seat-version";
    seatLog = base + "seat-log";
    holds = base + "holds";
    holdByVisitor = base + "hold-by-visitor";
    holdSeats = base + "hold-seats";
    holdExpiry = base + "hold-expiry";
    confirming = base + "confirming";
    confirmed = base + "confirmed";
    rows = base + "seat-rows";
    rowMeta = base + "seat-row-meta";
    rowsOpen = base + "seat-rows-open";
    stock = base + "stock";
    stockTold = base + "stock-told";
    stockNames = base + "stock-names";
    seatKind = base + "seat-kind";
    holdPlacement = base + "hold-placement";
    standing = base + "standing";
    standingHeld = base + "standing-held";
    standingSold = base + "standing-sold";
    report = base + "report";
    joinedAt = base + "report-joined-at";
    waits = base + "report-waits";
    refusals = base + "report-refusals";
    reportKeys = List.of(report, joinedAt, waits);
    seatKeys = List.of(seats, sold, holds, holdByVisitor, holdSeats, holdExpiry, confirming, confirmed, active, gone,
        presence, seatVersion, seatLog, rows, rowMeta, rowsOpen, seatKind, holdPlacement, standing, standingHeld,
        standingSold, stock, stockNames);
    announcement = base + "announcement";
  }

  // Keys of one visitor, code, load or second of the event: named on each call

  /** The visitor that a join's Idempotency-Key (null: none) created: string, expires. */
  public String joinKey(String key) {
    return base + "join-key:" + orNone(key);
  }

  /** The codes one Idempotency-Key (null: none) made: string, comma-separated, expires (lua/codes_make.lua). */
  public String codesMakeKey(String key) {
    return base + "codes-key:" + orNone(key);
  }

  /** The visitor of one identity (the booking site's user id, hashed; null: none): string, expires. */
  public String identity(String identity) {
    return base + "identity:" + orNone(identity);
  }

  /** The answer of one visitor's extension under its Idempotency-Key (null: none): string activeUntil, expires. */
  public String extendKey(String visitor, String key) {
    return base + "extend-key:" + visitor + ":" + orNone(key);
  }

  /** Requests served for this event during one epoch second, summed over all nodes. */
  public String traffic(long epochSecond) {
    return base + "traffic:" + epochSecond;
  }

  /** Where one load builds a seat map before it replaces {@link #seats} in one step. */
  public String seatsLoading(String loadId) {
    return base + "seats:loading:" + loadId;
  }

  /** A return code: string visitor id, expires within a minute, taken once. */
  public String returnCode(String code) {
    return base + "return-code:" + code;
  }

  /** A visitor's live return code: string, expires with the code. */
  public String returnCodeOf(String visitor) {
    return base + "return-code-of:" + visitor;
  }

  /**
   * A key of something missing (null: no Idempotency-Key, no identity) is named with "-": the script
   * still gets as many keys, each in its place, and leaves that one alone, told by its arguments.
   */
  private static String orNone(String part) {
    return part == null ? "-" : part;
  }
}
