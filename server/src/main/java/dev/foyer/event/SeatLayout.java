package dev.foyer.event;

import dev.foyer.common.WholeNumbers;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import static dev.foyer.event.LayoutFields.invalid;
import static dev.foyer.event.LayoutFields.knownFields;

/**
 * Expands the compact layout spec into seats:
 * {@code {"sections":[{"name":"A","rows":10,"seatsPerRow":20}]}} gives a grid per section, the
 * sections side by side; a section may set its origin ({@code x}, {@code y}) or list its seats
 * with coordinates ({@code "seats":[{"row":1,"number":1,"x":3.5,"y":0}]}). Optionally the layout
 * names price {@code categories} (with one {@code currency}), and a section gives its seats a
 * {@code category} (or per row range in {@code categories}), marks {@code accessible} seats, sets
 * its best-available {@code rank}, or is a {@code standing} area of a capacity instead of seats.
 * Every refusal is 400 {@code invalid_layout} with the bad field named in {@code field}.
 * <p>
 * This is the layout as a whole and its price categories; each section is read by
 * {@link LayoutSection} and placed by {@link SeatPlacement}, field readers are {@link LayoutFields}.
 */
public final class SeatLayout {

  public static final int MAX_SEATS = 50_000;
  public static final int MAX_STANDING = 1_000_000;
  public static final String WHEELCHAIR = "wheelchair";
  public static final String COMPANION = "companion";
  private static final Pattern CATEGORY_ID = Pattern.compile("[A-Za-z0-9_]{1,24}");
  private static final Pattern CURRENCY = Pattern.compile("[A-Z]{3}");
  private static final Set<String> LAYOUT_KEYS = Set.of("sections", "categories", "currency");
  private static final Set<String> CATEGORY_KEYS = Set.of("id", "name", "price");

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
    SeatPlacement placed = new SeatPlacement();
    Set<String> names = new HashSet<>();
    for (int index = 0; index < sections.size(); index++) {
      LayoutSection section = LayoutSection.read(sections, index, categories, names);
      placed.place(section);
      if (placed.seats().size() > MAX_SEATS) {
        throw invalid(section.at(), "at most " + MAX_SEATS + " seats per event");
      }
    }
    if (placed.seats().isEmpty()) {
      // the seat map in Redis is a set of seat ids, and an empty set is no set: a standing-only
      // event would look like a map never loaded
      throw invalid("sections", "a layout has at least one section of seats (standing areas come in addition)");
    }
    return new Plan(placed.seats(), categories, currency, placed.standing());
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
      knownFields(c, CATEGORY_KEYS, at, "a category");
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
}
