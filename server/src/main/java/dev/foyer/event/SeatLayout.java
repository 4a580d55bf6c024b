package dev.foyer.event;

import dev.foyer.common.ApiError;
import dev.foyer.common.WholeNumbers;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Expands the compact layout spec into seats:
 * {@code {"sections":[{"name":"A","rows":10,"seatsPerRow":20}]}} gives a grid per section, the
 * sections side by side; a section may set its origin ({@code x}, {@code y}) or list its seats
 * with coordinates ({@code "seats":[{"row":1,"number":1,"x":3.5,"y":0}]}). Optionally the layout
 * names price {@code categories} (with one {@code currency}), and a section gives its seats a
 * {@code category} (or per row range in {@code categories}), marks {@code accessible} seats, sets
 * its best-available {@code rank}, or is a {@code standing} area of a capacity instead of seats.
 * Every refusal is 400 {@code invalid_layout} with the bad field named in {@code field}.
 */
public final class SeatLayout {

  public static final int MAX_SEATS = 50_000;
  public static final int MAX_STANDING = 1_000_000;
  public static final String WHEELCHAIR = "wheelchair";
  public static final String COMPANION = "companion";
  private static final Pattern SECTION_NAME = Pattern.compile("[A-Za-z0-9]{1,16}");
  private static final Pattern CATEGORY_ID = Pattern.compile("[A-Za-z0-9_]{1,24}");
  private static final Pattern CURRENCY = Pattern.compile("[A-Z]{3}");
  private static final Pattern RANGE = Pattern.compile("([0-9]{1,5})(?:-([0-9]{1,5}))?");
  private static final Set<String> LAYOUT_KEYS = Set.of("sections", "categories", "currency");
  private static final Set<String> SECTION_KEYS = Set.of("name", "rows", "seatsPerRow", "x", "y", "seats",
      "category", "categories", "accessible", "rank", "standing", "width", "height");
  private static final Set<String> CATEGORY_KEYS = Set.of("id", "name", "price");
  private static final double SECTION_GAP = 2;
  /** Rows of one section rank together: section rank times this, plus the row. */
  private static final int RANK_STRIDE = 100_000;

  private SeatLayout() {
  }

  /** A price category: {@code price} in the currency's minor units (cents). */
  public record Category(String id, String name, long price) {
    public JsonObject toJson(String currency) {
      return new JsonObject().put("id", id).put("name", name).put("price", price).put("currency", currency);
    }
  }

  /** A general-admission area: a capacity, no seats. */
  public record Standing(String section, int capacity, String category, double x, double y, double width,
                         double height) {
  }

  /** The whole layout: seats in layout order, categories by id, the currency, standing areas. */
  public record Plan(List<Seat> seats, Map<String, Category> categories, String currency, List<Standing> standing) {

    public Standing standing(String section) {
      for (Standing s : standing) {
        if (s.section().equals(section)) {
          return s;
        }
      }
      return null;
    }

    public Category category(String id) {
      return id == null ? null : categories.get(id);
    }

    /** Categories and standing areas as the seat map shows them; null when the layout has neither. */
    public JsonObject extras() {
      if (categories.isEmpty() && standing.isEmpty()) {
        return null;
      }
      JsonArray cats = new JsonArray();
      categories.values().forEach(c -> cats.add(c.toJson(currency)));
      JsonArray areas = new JsonArray();
      standing.forEach(s -> areas.add(new JsonObject().put("section", s.section()).put("capacity", s.capacity())
          .put("category", s.category()).put("x", s.x()).put("y", s.y()).put("width", s.width())
          .put("height", s.height())));
      return new JsonObject().put("currency", currency).put("categories", cats).put("standing", areas);
    }
  }

  public static List<Seat> expand(JsonObject spec) {
    return plan(spec).seats();
  }

  public static Plan plan(JsonObject spec) {
    if (spec == null || !(spec.getValue("sections") instanceof JsonArray sections) || sections.isEmpty()) {
      throw invalid("sections", "seats must be an object with a non-empty 'sections' array");
    }
    for (String key : spec.fieldNames()) {
      if (!LAYOUT_KEYS.contains(key)) {
        throw invalid(key, "unknown field '" + key + "' in seats");
      }
    }
    Map<String, Category> categories = categories(spec);
    String currency = null;
    if (spec.containsKey("currency")) {
      if (!(spec.getValue("currency") instanceof String c) || !CURRENCY.matcher(c).matches()) {
        throw invalid("currency", "currency must be an ISO 4217 code like \"EUR\"");
      }
      currency = c;
    } else if (!categories.isEmpty()) {
      throw invalid("currency", "a layout with price categories needs its 'currency', like \"EUR\"");
    }
    List<Seat> seats = new ArrayList<>();
    List<Standing> standing = new ArrayList<>();
    Set<String> names = new HashSet<>();
    double nextX = 0;
    for (int index = 0; index < sections.size(); index++) {
      String at = "sections[" + index + "]";
      if (!(sections.getValue(index) instanceof JsonObject section)) {
        throw invalid(at, "each section must be an object");
      }
      for (String key : section.fieldNames()) {
        if (!SECTION_KEYS.contains(key)) {
          throw invalid(at + "." + key, "unknown field '" + key + "' in a section");
        }
      }
      if (!(section.getValue("name") instanceof String name) || !SECTION_NAME.matcher(name).matches()) {
        throw invalid(at + ".name", "a section name is 1 to 16 letters or digits");
      }
      if (!names.add(name)) {
        throw invalid(at + ".name", "section '" + name + "' appears twice");
      }
      at = "sections[" + index + "] (" + name + ")";
      double originX = number(section, "x", nextX, at);
      double originY = number(section, "y", 0, at);
      int rank = section.containsKey("rank") ? whole(section, "rank", 0, 1000, at) : index;
      String category = categoryOf(section, "category", categories, at);
      double maxX = originX;
      if (section.containsKey("standing")) {
        for (String key : List.of("rows", "seatsPerRow", "seats", "categories", "accessible")) {
          if (section.containsKey(key)) {
            throw invalid(at + "." + key, "a standing section has a capacity, not '" + key + "'");
          }
        }
        int capacity = whole(section, "standing", 1, MAX_STANDING, at);
        double width = section.containsKey("width") ? number(section, "width", 10, at) : 10;
        double height = section.containsKey("height") ? number(section, "height", 4, at) : 4;
        if (width <= 0 || height <= 0) {
          throw invalid(at + ".width", "a standing area's width and height are above 0");
        }
        standing.add(new Standing(name, capacity, category, originX, originY, width, height));
        nextX = Math.max(nextX, originX + width + SECTION_GAP);
        continue;
      }
      for (String key : List.of("width", "height")) {
        if (section.containsKey(key)) {
          throw invalid(at + "." + key, "'" + key + "' is for standing sections");
        }
      }
      Map<Integer, String> rowCategories = rowCategories(section, categories, at);
      Map<Integer, Map<Integer, String>> accessible = accessible(section, at);
      List<Seat> own = new ArrayList<>();
      if (section.containsKey("seats")) {
        if (!(section.getValue("seats") instanceof JsonArray listed) || listed.isEmpty()) {
          throw invalid(at + ".seats", "'seats' must be a non-empty array");
        }
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
          own.add(seat(name, row, number, x, y, rowCategories, category, accessible, rank));
          maxX = Math.max(maxX, x);
        }
      } else {
        if (!section.containsKey("rows") || !section.containsKey("seatsPerRow")) {
          throw invalid(at + ".rows", "a section has 'rows' and 'seatsPerRow', a 'seats' list or a 'standing' capacity");
        }
        int rows = whole(section, "rows", 1, 1000, at);
        int perRow = whole(section, "seatsPerRow", 1, 1000, at);
        if ((long) rows * perRow > MAX_SEATS) {
          throw invalid(at + ".rows", "at most " + MAX_SEATS + " seats per event");
        }
        for (int r = 1; r <= rows; r++) {
          for (int n = 1; n <= perRow; n++) {
            own.add(seat(name, r, n, originX + n - 1, originY + r - 1, rowCategories, category, accessible, rank));
          }
        }
        maxX = originX + perRow - 1;
      }
      checkAccessible(own, accessible, at);
      seats.addAll(own);
      if (seats.size() > MAX_SEATS) {
        throw invalid(at, "at most " + MAX_SEATS + " seats per event");
      }
      nextX = Math.max(nextX, maxX + 1 + SECTION_GAP);
    }
    if (seats.isEmpty()) {
      // the seat map in Redis is a set of seat ids, and an empty set is no set: a standing-only
      // event would look like a map never loaded
      throw invalid("sections", "a layout has at least one section of seats (standing areas come in addition)");
    }
    return new Plan(seats, categories, currency, standing);
  }

  private static Seat seat(String section, int row, int number, double x, double y, Map<Integer, String> rowCategories,
                           String category, Map<Integer, Map<Integer, String>> accessible, int rank) {
    String kind = accessible.getOrDefault(row, Map.of()).get(number);
    return new Seat(Seat.id(section, row, number), section, row, number, x, y,
        rowCategories.getOrDefault(row, category), kind, rank * RANK_STRIDE + row);
  }

  private static Map<String, Category> categories(JsonObject spec) {
    Map<String, Category> out = new LinkedHashMap<>();
    if (!spec.containsKey("categories")) {
      return out;
    }
    if (!(spec.getValue("categories") instanceof JsonArray list) || list.isEmpty() || list.size() > 50) {
      throw invalid("categories", "categories must be an array of 1 to 50 {id, name, price}");
    }
    for (int i = 0; i < list.size(); i++) {
      String at = "categories[" + i + "]";
      if (!(list.getValue(i) instanceof JsonObject c)) {
        throw invalid(at, "each category must be an object {id, name, price}");
      }
      for (String key : c.fieldNames()) {
        if (!CATEGORY_KEYS.contains(key)) {
          throw invalid(at + "." + key, "unknown field '" + key + "' in a category");
        }
      }
      if (!(c.getValue("id") instanceof String id) || !CATEGORY_ID.matcher(id).matches()) {
        throw invalid(at + ".id", "a category id is 1 to 24 letters, digits or '_'");
      }
      String name = c.getValue("name") == null ? id : c.getValue("name") instanceof String n && !n.isBlank()
          && n.length() <= 60 ? n : null;
      if (name == null) {
        throw invalid(at + ".name", "a category name is a string of 1 to 60 characters");
      }
      Object price = c.getValue("price");
      if (!(price instanceof Number p) || !WholeNumbers.isWhole(p) || !WholeNumbers.within(p, 0, 100_000_000)) {
        throw invalid(at + ".price", "price is a whole number of the currency's minor units (4500 = 45.00), 0 to 100,000,000");
      }
      if (out.put(id, new Category(id, name, p.longValue())) != null) {
        throw invalid(at + ".id", "category '" + id + "' appears twice");
      }
    }
    return out;
  }

  private static String categoryOf(JsonObject json, String key, Map<String, Category> categories, String at) {
    if (!json.containsKey(key)) {
      return null;
    }
    if (!(json.getValue(key) instanceof String id) || !categories.containsKey(id)) {
      throw invalid(at + "." + key, "'" + key + "' must name one of the layout's categories " + categories.keySet());
    }
    return id;
  }

  /** {@code "categories": [{"rows": "1-3", "category": "front"}]}: the category of each listed row. */
  private static Map<Integer, String> rowCategories(JsonObject section, Map<String, Category> categories, String at) {
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
      if (!WHEELCHAIR.equals(kind) && !COMPANION.equals(kind)) {
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
  private static void checkAccessible(List<Seat> seats, Map<Integer, Map<Integer, String>> accessible, String at) {
    Set<String> ids = new HashSet<>();
    seats.forEach(s -> ids.add(s.id()));
    String section = seats.get(0).section();
    accessible.forEach((row, numbers) -> numbers.forEach((number, kind) -> {
      if (!ids.contains(Seat.id(section, row, number))) {
        throw invalid(at + ".accessible", "seat " + Seat.id(section, row, number) + " is not on the map");
      }
      if (kind.equals(COMPANION) && !WHEELCHAIR.equals(numbers.get(number - 1)) && !WHEELCHAIR.equals(numbers.get(number + 1))) {
        throw invalid(at + ".accessible", "companion seat " + Seat.id(section, row, number)
            + " needs a wheelchair seat next to it in its row");
      }
    }));
  }

  /** {@code "1-3"}, {@code "5"} or {@code 5}: an inclusive range of whole numbers from 1. */
  private static int[] range(Object value, String at) {
    if (value instanceof Number n && WholeNumbers.isWhole(n) && WholeNumbers.within(n, 1, 10_000)) {
      return new int[] {n.intValue(), n.intValue()};
    }
    if (value instanceof String s) {
      Matcher m = RANGE.matcher(s);
      if (m.matches()) {
        int from = Integer.parseInt(m.group(1));
        int to = m.group(2) == null ? from : Integer.parseInt(m.group(2));
        if (from >= 1 && from <= to && to <= 10_000) {
          return new int[] {from, to};
        }
      }
    }
    throw invalid(at, "a range is \"from-to\" (like \"1-3\") or one number, from 1 to 10,000");
  }

  private static int whole(JsonObject json, String key, int min, int max, String at) {
    Object v = json.getValue(key);
    if (!(v instanceof Number n) || !WholeNumbers.isWhole(n) || !WholeNumbers.within(n, min, max)) {
      throw invalid(at + "." + key, at + ": '" + key + "' must be a whole number from " + min + " to " + max);
    }
    return n.intValue();
  }

  private static double number(JsonObject json, String key, double fallback, String at) {
    if (!json.containsKey(key)) {
      return fallback;
    }
    if (json.getValue(key) instanceof Number n && Double.isFinite(n.doubleValue())) {
      return n.doubleValue();
    }
    throw invalid(at + "." + key, at + ": '" + key + "' must be a number");
  }

  private static ApiError invalid(String field, String message) {
    return new ApiError(400, "invalid_layout", message, new JsonObject().put("field", field));
  }
}
