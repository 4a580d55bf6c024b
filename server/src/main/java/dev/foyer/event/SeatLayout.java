package dev.foyer.event;

import dev.foyer.common.ApiError;
import dev.foyer.common.WholeNumbers;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Expands the compact layout spec into seats:
 * {@code {"sections":[{"name":"A","rows":10,"seatsPerRow":20}]}} gives a grid per section, the
 * sections side by side; a section may set its origin ({@code x}, {@code y}) or list its seats
 * with coordinates ({@code "seats":[{"row":1,"number":1,"x":3.5,"y":0}]}).
 */
public final class SeatLayout {

  public static final int MAX_SEATS = 50_000;
  private static final Pattern SECTION_NAME = Pattern.compile("[A-Za-z0-9]{1,16}");
  private static final Set<String> SECTION_KEYS = Set.of("name", "rows", "seatsPerRow", "x", "y", "seats");
  private static final double SECTION_GAP = 2;

  private SeatLayout() {
  }

  public static List<Seat> expand(JsonObject spec) {
    if (spec == null || !(spec.getValue("sections") instanceof JsonArray sections) || sections.isEmpty()) {
      throw invalid("seats must be an object with a non-empty 'sections' array");
    }
    for (String key : spec.fieldNames()) {
      if (!key.equals("sections")) {
        throw invalid("unknown field '" + key + "' in seats");
      }
    }
    List<Seat> seats = new ArrayList<>();
    Set<String> names = new HashSet<>();
    double nextX = 0;
    for (Object o : sections) {
      if (!(o instanceof JsonObject section)) {
        throw invalid("each section must be an object");
      }
      for (String key : section.fieldNames()) {
        if (!SECTION_KEYS.contains(key)) {
          throw invalid("unknown field '" + key + "' in a section");
        }
      }
      if (!(section.getValue("name") instanceof String name) || !SECTION_NAME.matcher(name).matches()) {
        throw invalid("a section name is 1 to 16 letters or digits");
      }
      if (!names.add(name)) {
        throw invalid("section '" + name + "' appears twice");
      }
      double originX = number(section, "x", nextX);
      double originY = number(section, "y", 0);
      double maxX = originX;
      if (section.containsKey("seats")) {
        if (!(section.getValue("seats") instanceof JsonArray listed) || listed.isEmpty()) {
          throw invalid("section " + name + ": 'seats' must be a non-empty array");
        }
        Set<String> ids = new HashSet<>();
        for (Object s : listed) {
          if (!(s instanceof JsonObject seat)) {
            throw invalid("section " + name + ": each seat must be an object");
          }
          int row = whole(seat, "row", 1, 10_000, name);
          int number = whole(seat, "number", 1, 10_000, name);
          double x = number(seat, "x", Double.NaN);
          double y = number(seat, "y", Double.NaN);
          if (Double.isNaN(x) || Double.isNaN(y)) {
            throw invalid("section " + name + ": a listed seat needs x and y");
          }
          String id = Seat.id(name, row, number);
          if (!ids.add(id)) {
            throw invalid("seat " + id + " appears twice");
          }
          seats.add(new Seat(id, name, row, number, x, y));
          maxX = Math.max(maxX, x);
        }
      } else {
        int rows = whole(section, "rows", 1, 1000, name);
        int perRow = whole(section, "seatsPerRow", 1, 1000, name);
        if ((long) rows * perRow > MAX_SEATS) {
          throw invalid("at most " + MAX_SEATS + " seats per event");
        }
        for (int r = 1; r <= rows; r++) {
          for (int n = 1; n <= perRow; n++) {
            seats.add(new Seat(Seat.id(name, r, n), name, r, n, originX + n - 1, originY + r - 1));
          }
        }
        maxX = originX + perRow - 1;
      }
      if (seats.size() > MAX_SEATS) {
        throw invalid("at most " + MAX_SEATS + " seats per event");
      }
      nextX = Math.max(nextX, maxX + 1 + SECTION_GAP);
    }
    return seats;
  }

  private static int whole(JsonObject json, String key, int min, int max, String section) {
    Object v = json.getValue(key);
    if (!(v instanceof Number n) || !WholeNumbers.isWhole(n) || !WholeNumbers.within(n, min, max)) {
      throw invalid("section " + section + ": '" + key + "' must be a whole number from " + min + " to " + max);
    }
    return n.intValue();
  }

  private static double number(JsonObject json, String key, double fallback) {
    if (!json.containsKey(key)) {
      return fallback;
    }
    if (json.getValue(key) instanceof Number n && Double.isFinite(n.doubleValue())) {
      return n.doubleValue();
    }
    throw invalid("'" + key + "' must be a number");
  }

  private static ApiError invalid(String message) {
    return ApiError.badRequest("invalid_layout", message);
  }
}
