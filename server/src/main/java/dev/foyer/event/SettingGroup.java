package dev.foyer.event;

import dev.foyer.common.ApiError;
import io.vertx.core.json.JsonObject;

import java.util.Locale;
import java.util.Set;

/**
 * The checks every group of event settings given as one object ({@code pow}, {@code identity})
 * makes of a partial update before reading its values: an object, only known keys, a known mode.
 */
final class SettingGroup {

  private SettingGroup() {
  }

  /** {@code value} as the group's object; 400 {@code invalid_setting} or {@code unknown_setting} otherwise. */
  static JsonObject object(Object value, String group, Set<String> keys, String example) {
    if (!(value instanceof JsonObject json)) {
      throw ApiError.badRequest("invalid_setting", group + " must be an object like " + example);
    }
    for (String key : json.fieldNames()) {
      if (!keys.contains(key)) {
        throw ApiError.badRequest("unknown_setting", "unknown " + group + " setting '" + key + "'; known are " + keys);
      }
    }
    return json;
  }

  /** The mode the update names (its lower-case name), else {@code current}; 400 for one not in {@code modes}. */
  static <M extends Enum<M>> M mode(JsonObject json, String group, M current, M[] modes) {
    if (!json.containsKey("mode")) {
      return current;
    }
    for (M candidate : modes) {
      if (wire(candidate).equals(json.getValue("mode"))) {
        return candidate;
      }
    }
    StringBuilder names = new StringBuilder();
    for (int i = 0; i < modes.length; i++) {
      names.append(i == 0 ? "" : i == modes.length - 1 ? " or " : ", ").append(wire(modes[i]));
    }
    throw ApiError.badRequest("invalid_setting", group + " mode must be " + names);
  }

  /** How a mode is written in the contract. */
  static String wire(Enum<?> mode) {
    return mode.name().toLowerCase(Locale.ROOT);
  }
}
