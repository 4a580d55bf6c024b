package dev.foyer.push;

import io.vertx.core.json.JsonObject;

/**
 * Bridge frames as text. Rank frames, the bulk of all traffic, are written by hand: visitor ids are
 * URL-safe base64 and every other field a number, so nothing needs escaping.
 */
public final class Frames {

  private Frames() {
  }

  public static String rec(String address, JsonObject body) {
    return new JsonObject().put("type", "rec").put("address", address).put("body", body).encode();
  }

  public static String rank(String visitor, long position, long waiting, Long etaSeconds, long at) {
    return new StringBuilder(160)
        .append("{\"type\":\"rec\",\"address\":\"").append(Addresses.VISITOR_PREFIX).append(visitor)
        .append("\",\"body\":{\"type\":\"rank\",\"position\":").append(position)
        .append(",\"waiting\":").append(waiting)
        .append(",\"etaSeconds\":").append(etaSeconds)
        .append(",\"at\":").append(at)
        .append("}}")
        .toString();
  }
}
