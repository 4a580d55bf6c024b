package dev.foyer.event;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import static dev.foyer.event.LayoutFields.categoryOf;
import static dev.foyer.event.LayoutFields.invalid;
import static dev.foyer.event.LayoutFields.knownFields;
import static dev.foyer.event.LayoutFields.number;
import static dev.foyer.event.LayoutFields.range;
import static dev.foyer.event.LayoutFields.whole;

/**
 * One section of the admin's layout, checked: its name, its origin ({@code x} null: none given), how
 * its rows rank, its price category, and either its seats with their marks or ({@code area}) a
 * standing area. Where its seats end up is {@link SeatPlacement}'s.
 */
record LayoutSection(String name, String at, Double x, double y, int rank, String category, Area area,
                     Seats seats) {

  /** A general-admission area's capacity and size. */
  record Area(int capacity, double width, double height) {
  }

  /**
   * A grid of {@code rows} by {@code perRow}, or (when {@code listed} is not null) the listed seats;
   * the category of each row that has its own; row -> number -> accessible kind.
   */
  record Seats(int rows, int perRow, List<Listed> listed, Map<Integer, String> rowCategories,
               Map<Integer, Map<Integer, String>> accessible) {
  }

  /** A seat listed with its coordinates. */
  record Listed(int row, int number, double x, double y) {
  }

  private static final Pattern SECTION_NAME = Pattern.compile("[A-Za-z0-9]{1,16}");
  private static final Set<String> SECTION_KEYS = Set.of("name", "rows", "seatsPerRow", "x", "y", "seats",
      "category", "categories", "accessible", "rank", "standing", "width", "height");

  /** {@code sections[index]}, whose name must differ from the {@code names} of the sections before it. */
  static LayoutSection read(JsonArray sections, int index, Map<String, SeatLayout.Category> categories,
                            Set<String> names) {
    String at = "sections[" + index + "]";
    if (!(sections.getValue(index) instanceof JsonObject section)) {
      throw invalid(at, "each section must be an object");
    }
    knownFields(section, SECTION_KEYS, at, "a section");
    if (!(section.getValue("name") instanceof String name) || !SECTION_NAME.matcher(name).matches()) {
      throw invalid(at + ".name", "a section name is 1 to 16 letters or digits");
    }
    if (!names.add(name)) {
      throw invalid(at + ".name", "section '" + name + "' appears twice");
    }
    at = "sections[" + index + "] (" + name + ")";
    Double x = section.containsKey("x") ? number(section, "x", 0, at) : null;
    double y = number(section, "y", 0, at);
    int rank = section.containsKey("rank") ? whole(section, "rank", 0, 1000, at) : index;
    String category = categoryOf(section, "category", categories, at);
    if (section.containsKey("standing")) {
      return new LayoutSection(name, at, x, y, rank, category, area(section, at), null);
    }
    for (String key : List.of("width", "height")) {
      if (section.containsKey(key)) {
        throw invalid(at + "." + key, "'" + key + "' is for standing sections");
      }
    }
    return new LayoutSection(name, at, x, y, rank, category, null, seats(section, name, categories, at));
  }

  private static Area area(JsonObject section, String at) {
    for (String key : List.of("rows", "seatsPerRow", "seats", "categories", "accessible")) {
      if (section.containsKey(key)) {
        throw invalid(at + "." + key, "a standing section has a capacity, not '" + key + "'");
      }
    }
    int capacity = whole(section, "standing", 1, SeatLayout.MAX_STANDING, at);
    double width = section.containsKey("width") ? number(section, "width", 10, at) : 10;
    double height = section.containsKey("height") ? number(section, "height", 4, at) : 4;
    if (width <= 0 || height <= 0) {
      throw invalid(at + ".width", "a standing area's width and height are above 0");
    }
    return new Area(capacity, width, height);
  }

  private static Seats seats(JsonObject section, String name, Map<String, SeatLayout.Category> categories, String at) {
    Map<Integer, String> rowCategories = rowCategories(section, categories, at);
    Map<Integer, Map<Integer, String>> accessible = accessible(section, at);
    Seats seats;
    if (section.containsKey("seats")) {
      seats = new Seats(0, 0, listed(section, name, at), rowCategories, accessible);
    } else {
      if (!section.containsKey("rows") || !section.containsKey("seatsPerRow")) {
        throw invalid(at + ".rows", "a section has 'rows' and 'seatsPerRow', a 'seats' list or a 'standing' capacity");
      }
      int rows = whole(section, "rows", 1, 1000, at);
      int perRow = whole(section, "seatsPerRow", 1, 1000, at);
      if ((long) rows * perRow > SeatLayout.MAX_SEATS) {
        throw invalid(at + ".rows", "at most " + SeatLayout.MAX_SEATS + " seats per event");
      }
      seats = new Seats(rows, perRow, null, rowCategories, accessible);
    }
    checkAccessible(seats, name, at);
    return seats;
  }

  private static List<Listed> listed(JsonObject section, String name, String at) {
    if (!(section.getValue("seats") instanceof JsonArray listed) || listed.isEmpty()) {
      throw invalid(at + ".seats", "'seats' must be a non-empty array");
    }
    List<Listed> out = new ArrayList<>(listed.size());
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < listed.size(); i++) {
      String seatAt = at + ".seats[" + i + "]";
      if (!(listed.getValue(i) instanceof JsonObject seat)) {
        throw invalid(seatAt, "each seat must be an object");
      }
      int row = whole(seat, "row", 1, 10_000, seatAt);
      int number = whole(seat, "number", 1, 10_000, seatAt);
      double x = number(seat, "x", Double.NaN, seatAt);
      double y = number(seat, "y", Double.NaN, seatAt);
      if (Double.isNaN(x) || Double.isNaN(y)) {
        throw invalid(seatAt, "a listed seat needs x and y");
      }
      String id = Seat.id(name, row, number);
      if (!ids.add(id)) {
        throw invalid(seatAt, "seat " + id + " appears twice");
      }
      out.add(new Listed(row, number, x, y));
    }
    return out;
  }

  /** {@code "categories": [{"rows": "1-3", "category": "front"}]}: the category of each listed row. */
  private static Map<Integer, String> rowCategories(JsonObject section, Map<String, SeatLayout.Category> categories,
                                                    String at) {
    Map<Integer, String> out = new HashMap<>();
    if (!section.containsKey("categories")) {
      return out;
    }
    if (!(section.getValue("categories") instanceof JsonArray list) || list.isEmpty()) {
      throw invalid(at + ".categories", "a section's categories are a non-empty array of {rows, category}");
    }
    for (int i = 0; i < list.size(); i++) {
      String rangeAt = at + ".categories[" + i + "]";
      if (!(list.getValue(i) instanceof JsonObject range) || !range.containsKey("rows")
          || !range.containsKey("category") || range.size() != 2) {
        throw invalid(rangeAt, "each entry is {\"rows\": \"1-3\", \"category\": \"front\"}");
      }
      String category = categoryOf(range, "category", categories, rangeAt);
      int[] rows = range(range.getValue("rows"), rangeAt + ".rows");
      for (int r = rows[0]; r <= rows[1]; r++) {
        if (out.put(r, category) != null) {
          throw invalid(rangeAt + ".rows", "row " + r + " is given a category twice");
        }
      }
    }
    return out;
  }

  /** {@code "accessible": [{"row": 10, "seats": "1-2", "kind": "wheelchair"}]}: row -> number -> kind. */
  private static Map<Integer, Map<Integer, String>> accessible(JsonObject section, String at) {
    Map<Integer, Map<Integer, String>> out = new HashMap<>();
    if (!section.containsKey("accessible")) {
      return out;
    }
    if (!(section.getValue("accessible") instanceof JsonArray list) || list.isEmpty()) {
      throw invalid(at + ".accessible", "accessible is a non-empty array of {row, seats, kind}");
    }
    for (int i = 0; i < list.size(); i++) {
      String entryAt = at + ".accessible[" + i + "]";
      if (!(list.getValue(i) instanceof JsonObject entry) || entry.size() != 3 || !entry.containsKey("seats")) {
        throw invalid(entryAt, "each entry is {\"row\": 10, \"seats\": \"1-2\", \"kind\": \"wheelchair\"}");
      }
      int row = whole(entry, "row", 1, 10_000, entryAt);
      Object kind = entry.getValue("kind");
      if (!SeatLayout.WHEELCHAIR.equals(kind) && !SeatLayout.COMPANION.equals(kind)) {
        throw invalid(entryAt + ".kind", "kind is \"wheelchair\" or \"companion\"");
      }
      int[] numbers = range(entry.getValue("seats"), entryAt + ".seats");
      for (int n = numbers[0]; n <= numbers[1]; n++) {
        if (out.computeIfAbsent(row, r -> new HashMap<>()).put(n, (String) kind) != null) {
          throw invalid(entryAt + ".seats", "seat " + n + " of row " + row + " is marked twice");
        }
      }
    }
    return out;
  }

  /** Every marked seat exists, and every companion seat sits next to a wheelchair seat of its row. */
  private static void checkAccessible(Seats seats, String section, String at) {
    Set<String> ids = new HashSet<>();
    if (seats.listed() != null) {
      seats.listed().forEach(s -> ids.add(Seat.id(section, s.row(), s.number())));
    }
    seats.accessible().forEach((row, numbers) -> numbers.forEach((number, kind) -> {
      boolean onMap = seats.listed() == null ? row <= seats.rows() && number <= seats.perRow()
          : ids.contains(Seat.id(section, row, number));
      if (!onMap) {
        throw invalid(at + ".accessible", "seat " + Seat.id(section, row, number) + " is not on the map");
      }
      if (kind.equals(SeatLayout.COMPANION) && !SeatLayout.WHEELCHAIR.equals(numbers.get(number - 1))
          && !SeatLayout.WHEELCHAIR.equals(numbers.get(number + 1))) {
        throw invalid(at + ".accessible", "companion seat " + Seat.id(section, row, number)
            + " needs a wheelchair seat next to it in its row");
      }
    }));
  }
}
