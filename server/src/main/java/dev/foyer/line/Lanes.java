package dev.foyer.line;

import dev.foyer.common.ApiError;
import dev.foyer.event.EventSettings;
import dev.foyer.event.Lane;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What the line's scripts are told of an event's lanes (lua/lib/lanes.lua): the lanes a join may
 * enter with their openings, the shares a tick splits admissions by, and the refusals of a join's
 * code or lane in the contract's words.
 */
public final class Lanes {

  private Lanes() {
  }

  /**
   * The lane an identity's claims enter (the first listed whose claim they hold), null for none:
   * a code, when the join has one, decides instead.
   */
  public static String claimed(EventSettings settings, JsonObject claims) {
    for (Lane lane : settings.lanes()) {
      if (lane.claim() != null && lane.claim().heldBy(claims)) {
        return lane.name();
      }
    }
    return null;
  }

  /** join.lua's ARGV[11..]: the claimed lane, the code, then each lane's name, opensAt and joinsFrom. */
  static List<Object> joinArgs(EventSettings settings, long eventOpensAt, String claimed, String code) {
    List<Object> args = new ArrayList<>();
    args.add(claimed == null ? "" : claimed);
    args.add(code == null ? "" : code);
    args.add(settings.lanes().size());
    for (Lane lane : settings.lanes()) {
      args.add(lane.name());
      args.add(lane.opensAtMillis(eventOpensAt));
      args.add(lane.joinsFromMillis());
    }
    return args;
  }

  /** admit.lua's ARGV[11..]: the number of lanes, then each lane's name and share. */
  static List<Object> admitArgs(EventSettings settings) {
    List<Object> args = new ArrayList<>();
    args.add(settings.lanes().size());
    for (Lane lane : settings.lanes()) {
      args.add(lane.name());
      args.add(Double.toString(lane.share()));
    }
    return args;
  }

  /** The lanes whose opening time has come, by name (the general lane opens with the event). */
  public static List<String> due(EventSettings settings, long eventOpensAt, long now) {
    List<String> due = new ArrayList<>();
    for (Lane lane : settings.lanes()) {
      long opensAt = lane.opensAtMillis(eventOpensAt);
      if (opensAt > 0 && now >= opensAt) {
        due.add(lane.name());
      }
    }
    return due;
  }

  /** A join's refusal by join.lua ({"refused", code, detail}) as the contract's error. */
  static ApiError refusal(String code, String detail) {
    return switch (code) {
      case "code_used_up" -> new ApiError(409, code, "every use of this code has been taken");
      case "lane_not_open" -> new ApiError(403, code, "this lane takes joins from " + Instant.ofEpochMilli(
          Long.parseLong(detail)) + " on", new JsonObject().put("joinsFrom",
          Instant.ofEpochMilli(Long.parseLong(detail)).toString()));
      default -> new ApiError(403, "unknown_code", "this code is not known for this event (or was revoked)");
    };
  }
}
