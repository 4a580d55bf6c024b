package dev.foyer.event;

import dev.foyer.common.ApiError;
import dev.foyer.common.WholeNumbers;
import io.vertx.core.json.JsonObject;

import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The admin's layout read field by field: each reader takes a field or refuses it with 400
 * {@code invalid_layout}, naming the field (its path in the layout) in {@code field}.
 */
final class LayoutFields {

  private static final Pattern RANGE = Pattern.compile("([0-9]{1,5})(?:-([0-9]{1,5}))?");

  private LayoutFields() {
  }

  /** Refuses the first field of {@code json} that is not {@code known}, as unknown "in {@code what}". */
  static void knownFields(JsonObject json, Set<String> known, String at, String what) {
    for (String key : json.fieldNames()) {
      if (!known.contains(key)) {
        throw invalid(at + "." + key, "unknown field '" + key + "' in " + what);
      }
    }
  }

  static int whole(JsonObject json, String key, int min, int max, String at) {
    Object v = json.getValue(key);
    if (!(v instanceof Number n) || !WholeNumbers.isWhole(n) || !WholeNumbers.within(n, min, max)) {
      throw invalid(at + "." + key, at + ": '" + key + "' must be a whole number from " + min + " to " + max);
    }
    return n.intValue();
  }

  static double number(JsonObject json, String key, double fallback, String at) {
    if (!json.containsKey(key)) {
      return fallback;
    }
    if (json.getValue(key) instanceof Number n && Double.isFinite(n.doubleValue())) {
      return n.doubleValue();
    }
    throw invalid(at + "." + key, at + ": '" + key + "' must be a number");
  }

  /** {@code "1-3"}, {@code "5"} or {@code 5}: an inclusive range of whole numbers from 1. */
  static int[] range(Object value, String at) {
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

  /** The price category the field names (null when there is no such field), one of the layout's. */
  static String categoryOf(JsonObject json, String key, Map<String, SeatLayout.Category> categories, String at) {
    if (!json.containsKey(key)) {
      return null;
    }
    if (!(json.getValue(key) instanceof String id) || !categories.containsKey(id)) {
      throw invalid(at + "." + key, "'" + key + "' must name one of the layout's categories " + categories.keySet());
    }
    return id;
  }

  static ApiError invalid(String field, String message) {
    return new ApiError(400, "invalid_layout", message, new JsonObject().put("field", field));
  }
}
