package dev.foyer.bridge;

import dev.foyer.bus.Addresses;
import dev.foyer.line.Eta;
import io.vertx.core.json.JsonObject;

/**
 * Every frame a browser socket receives, one encoder per message type, as the bridge protocol and
 * docs/API.md write them. The same encoder serves the state sent on register and the message pushed
 * later, so the two can never differ in shape. Rank frames, the bulk of all traffic, are written by
 * hand: visitor ids are URL-safe base64 and every other field a number, so nothing needs escaping.
 */
public final class Frames {

  /**
   * The answer to {@code {"type": "ping", "reply": true}}: no address, so the stock client hands it to
   * {@code onunhandled}; foyer-client.js only needs to hear something.
   */
  static final String PONG = "{\"type\":\"pong\"}";
  /** The output slot pongs share on a socket (no address of the protocol is this). */
  static final String PONG_SLOT = "pong";

  private Frames() {
  }

  /**
   * {@code rank} on the visitor's address: where they stand now, how long it may take, and how the
   * page counts down until the next one ({@code rate} admissions a second, never below
   * {@code floor}; see line/Position).
   */
  public static String rank(String visitor, long position, long waiting, Eta.Estimate eta, long at, double rate,
                            long floor, String chance) {
    return new StringBuilder(220)
        .append("{\"type\":\"rec\",\"address\":\"").append(Addresses.VISITOR_PREFIX).append(visitor)
        .append("\",\"body\":{\"type\":\"rank\",\"position\":").append(position)
        .append(",\"waiting\":").append(waiting)
        .append(",\"etaSeconds\":").append(eta.seconds())
        .append(",\"eta\":{\"status\":\"").append(eta.status().wire())
        .append("\",\"low\":").append(eta.low())
        .append(",\"high\":").append(eta.high())
        .append("},\"at\":").append(at)
        .append(",\"rate\":").append(rate)
        .append(",\"floor\":").append(floor)
        .append(",\"chance\":").append(chance == null ? "null" : "\"" + chance + "\"")
        .append("}}")
        .toString();
  }

  /** {@code rank} before the opening: no position yet; {@code waiting} counts the pre-queue. */
  public static String prequeue(String visitor, long prequeued, long at) {
    return rec(Addresses.visitor(visitor), new JsonObject().put("type", "rank").putNull("position")
        .put("waiting", prequeued).putNull("etaSeconds").put("at", at).put("prequeue", true));
  }

  /** {@code admitted}: the visitor's turn, with the pass for the booking flow. */
  public static String admitted(String visitor, String pass, long activeUntil) {
    return rec(Addresses.visitor(visitor), new JsonObject().put("type", "admitted").put("pass", pass)
        .put("activeUntil", activeUntil));
  }

  /** {@code gone}: left, expired, disconnected, confirmed or unknown. */
  public static String gone(String visitor, String reason) {
    return rec(Addresses.visitor(visitor), new JsonObject().put("type", "gone").put("reason", reason));
  }

  /** {@code hold}: what happened to one of the visitor's holds. */
  public static String hold(String visitor, String holdId, String status, String reservationId) {
    JsonObject body = new JsonObject().put("type", "hold").put("holdId", holdId).put("status", status);
    if (reservationId != null) {
      body.put("reservationId", reservationId);
    }
    return rec(Addresses.visitor(visitor), body);
  }

  /** A broadcast ({@code progress}, {@code seats}) as received on its address. */
  public static String rec(String address, JsonObject body) {
    return new JsonObject().put("type", "rec").put("address", address).put("body", body).encode();
  }

  /** A refusal: the body and failureType carry the contract's code. */
  static String err(String address, String code, String message) {
    JsonObject frame = new JsonObject().put("type", "err").put("body", code).put("failureType", code)
        .put("message", message);
    if (address != null) {
      frame.put("address", address);
    }
    return frame.encode();
  }
}
