package dev.foyer.event;

import dev.foyer.common.ApiError;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One lane of an event's line (presale, members...): its own opening, its share of the admissions
 * while others wait too, and how a join enters it: a code made for it, or a claim of the booking
 * site's identity token. {@code general} is the lane of every other join; it opens with the event
 * and takes, unless listed with a share of its own, what the other lanes leave.
 *
 * @param opensAt   when its admission starts (joins before wait in its pre-queue); null: the event's
 * @param joinsFrom the earliest join (403 {@code lane_not_open} before); null: any time
 * @param share     its part of the admissions while other open lanes have visitors waiting too
 * @param claim     an identity claim that enters the lane without a code; null: codes only
 */
public record Lane(String name, Instant opensAt, Instant joinsFrom, double share, Claim claim) {

  public static final String GENERAL = "general";
  public static final int MAX_LANES = 8;
  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,23}");
  private static final Set<String> KEYS = Set.of("name", "opensAt", "joinsFrom", "share", "claim");

  /** A claim of the identity token: {@code name} equal to {@code value}, or a list holding it. */
  public record Claim(String name, Object value) {

    public boolean heldBy(JsonObject claims) {
      Object held = claims == null ? null : claims.getValue(name);
      return value.equals(held) || (held instanceof JsonArray list && list.contains(value));
    }

    JsonObject toJson() {
      return new JsonObject().put("name", name).put("value", value);
    }
  }

  public boolean general() {
    return GENERAL.equals(name);
  }

  /** When the lane opens, epoch ms (0: no scheduled opening). */
  public long opensAtMillis(long eventOpensAt) {
    return general() || opensAt == null ? eventOpensAt : opensAt.toEpochMilli();
  }

  public long joinsFromMillis() {
    return joinsFrom == null ? 0 : joinsFrom.toEpochMilli();
  }

  /**
   * The event's lanes as given (400 {@code invalid_setting} for anything wrong), completed with the
   * general lane: none at all for an event without lanes, which keeps its one line as it was.
   */
  static List<Lane> list(Object value) {
    if (!(value instanceof JsonArray array) || array.size() > MAX_LANES + 1) {
      throw invalid("lanes must be an array of at most " + MAX_LANES + " lanes besides general");
    }
    List<Lane> lanes = new ArrayList<>();
    Set<String> names = new HashSet<>();
    Lane general = null;
    double others = 0;
    for (int i = 0; i < array.size(); i++) {
      Lane lane = one(array.getValue(i), "lanes[" + i + "]");
      if (!names.add(lane.name)) {
        throw invalid("lanes[" + i + "].name '" + lane.name + "' is given twice");
      }
      if (lane.general()) {
        general = lane;
      } else {
        others += lane.share;
        lanes.add(lane);
      }
    }
    if (lanes.isEmpty()) {
      return List.of();
    }
    if (others + (general == null ? 0 : general.share) > 1 + 1e-9) {
      throw invalid("the lanes' shares add up to more than 1");
    }
    if (lanes.size() > MAX_LANES) {
      throw invalid("an event has at most " + MAX_LANES + " lanes besides general");
    }
    lanes.add(0, general != null ? general : new Lane(GENERAL, null, null, Math.max(0, 1 - others), null));
    return List.copyOf(lanes);
  }

  private static Lane one(Object value, String at) {
    if (!(value instanceof JsonObject json)) {
      throw invalid(at + " must be an object like {\"name\": \"presale\", \"share\": 0.5}");
    }
    for (String key : json.fieldNames()) {
      if (!KEYS.contains(key)) {
        throw ApiError.badRequest("unknown_setting", "unknown lane setting '" + key + "' in " + at + "; known are " + KEYS);
      }
    }
    if (!(json.getValue("name") instanceof String name) || !NAME.matcher(name).matches()) {
      throw invalid(at + ".name must be 1 to 24 of a-z, 0-9, _ and -, starting with a letter or digit");
    }
    boolean general = GENERAL.equals(name);
    if (general && (json.getValue("opensAt") != null || json.getValue("claim") != null)) {
      throw invalid(at + ": the general lane opens with the event (its opensAt) and takes every join without "
          + "a code or claim, so it has no opensAt or claim of its own");
    }
    Object share = json.getValue("share");
    if (!(share instanceof Number n) || n.doubleValue() < 0 || n.doubleValue() > 1 || (!general && n.doubleValue() == 0)) {
      throw invalid(at + ".share must be a number above 0 and at most 1 (its part of the admissions)");
    }
    Instant opensAt = instant(json.getValue("opensAt"), at + ".opensAt");
    Instant joinsFrom = instant(json.getValue("joinsFrom"), at + ".joinsFrom");
    if (opensAt != null && joinsFrom != null && joinsFrom.isAfter(opensAt)) {
      throw invalid(at + ".joinsFrom must not be after its opensAt");
    }
    return new Lane(name, opensAt, joinsFrom, n.doubleValue(), claim(json.getValue("claim"), at + ".claim"));
  }

  private static Claim claim(Object value, String at) {
    if (value == null) {
      return null;
    }
    if (!(value instanceof JsonObject json) || json.size() != 2 || !(json.getValue("name") instanceof String name)
        || name.isEmpty() || name.length() > 64 || !(json.getValue("value") instanceof String
        || json.getValue("value") instanceof Boolean || json.getValue("value") instanceof Number)
        || String.valueOf(json.getValue("value")).length() > 200) {
      throw invalid(at + " must be like {\"name\": \"tier\", \"value\": \"member\"} (a claim of the identity token)");
    }
    return new Claim(name, json.getValue("value"));
  }

  private static Instant instant(Object value, String at) {
    if (value == null) {
      return null;
    }
    try {
      return OffsetDateTime.parse((String) value).toInstant();
    } catch (RuntimeException e) {
      throw invalid(at + " must be an ISO-8601 time with offset, like 2026-12-01T12:00:00Z");
    }
  }

  private static ApiError invalid(String message) {
    return ApiError.badRequest("invalid_setting", message);
  }

  static JsonArray toJson(List<Lane> lanes) {
    JsonArray out = new JsonArray();
    for (Lane lane : lanes) {
      out.add(new JsonObject().put("name", lane.name)
          .put("opensAt", lane.opensAt == null ? null : lane.opensAt.toString())
          .put("joinsFrom", lane.joinsFrom == null ? null : lane.joinsFrom.toString())
          .put("share", lane.share)
          .put("claim", lane.claim == null ? null : lane.claim.toJson()));
    }
    return out;
  }
}
