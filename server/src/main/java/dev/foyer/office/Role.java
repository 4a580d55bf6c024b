package dev.foyer.office;

import dev.foyer.common.ApiError;

/**
 * What an operator key may do, each role everything the one before may: a viewer reads, an
 * operator also steers a sale (gate, settings, end, announcements), an admin also creates and
 * changes events, manages keys and rotates the pass keys.
 */
public enum Role {
  VIEWER, OPERATOR, ADMIN;

  public String wire() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  /** Whether a key of this role may do what {@code needed} may. */
  public boolean covers(Role needed) {
    return ordinal() >= needed.ordinal();
  }

  /** A role as the API writes it; 400 {@code invalid_role} for anything else. */
  public static Role parse(Object value) {
    if (value instanceof String s) {
      for (Role r : values()) {
        if (r.wire().equals(s)) {
          return r;
        }
      }
    }
    throw ApiError.badRequest("invalid_role", "role must be one of viewer, operator, admin");
  }
}
