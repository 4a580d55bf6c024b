package dev.foyer;

import io.vertx.core.json.JsonObject;

import java.util.Arrays;
import java.util.List;

/**
 * Reads one setting of the merged JSON (file and variables), whose values may be strings from the
 * environment: a bad one stops the node at start, naming the variable to fix.
 */
final class ConfigValues {

  private ConfigValues() {
  }

  static List<String> urls(Object value) {
    if (value == null) {
      return List.of();
    }
    return Arrays.stream(value.toString().split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  static String blankToNull(Object value) {
    return value == null || value.toString().isBlank() ? null : value.toString();
  }

  static long intValue(JsonObject json, String key, long fallback) {
    Object v = json.getValue(key);
    if (v == null) {
      return fallback;
    }
    if (v instanceof Number n) {
      return n.longValue();
    }
    try {
      return Long.parseLong(v.toString().trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(FoyerConfig.variableName(key) + " must be a whole number, not '" + v + "'");
    }
  }

  static int intValue(JsonObject json, String key, int fallback) {
    return (int) intValue(json, key, (long) fallback);
  }

  static boolean boolValue(JsonObject json, String key, boolean fallback) {
    Object v = json.getValue(key);
    if (v == null) {
      return fallback;
    }
    if (v instanceof Boolean b) {
      return b;
    }
    String s = v.toString().trim().toLowerCase();
    if (s.equals("true") || s.equals("1") || s.equals("yes")) {
      return true;
    }
    if (s.equals("false") || s.equals("0") || s.equals("no")) {
      return false;
    }
    throw new IllegalArgumentException(FoyerConfig.variableName(key) + " must be true or false, not '" + v + "'");
  }
}
