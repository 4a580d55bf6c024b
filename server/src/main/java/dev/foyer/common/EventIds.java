package dev.foyer.common;

import java.util.regex.Pattern;

/** The event id rule of the contract: {@code [a-z0-9][a-z0-9-]{0,63}}. */
public final class EventIds {

  private static final Pattern VALID = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}");

  private EventIds() {
  }

  public static boolean isValid(String id) {
    return id != null && VALID.matcher(id).matches();
  }

  /** Fails with 400 {@code invalid_event_id} unless the id follows the rule. */
  public static String require(String id) {
    if (!isValid(id)) {
      throw ApiError.badRequest("invalid_event_id",
          "an event id is 1 to 64 characters of a-z, 0-9 and '-', starting with a letter or digit");
    }
    return id;
  }
}
