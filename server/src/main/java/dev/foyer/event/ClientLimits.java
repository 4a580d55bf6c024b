package dev.foyer.event;

import dev.foyer.common.ApiError;
import io.vertx.core.json.JsonObject;

import java.util.Set;

/**
 * How much one client may ask of an event, cluster-wide: token buckets that hold this many and
 * refill this many a minute, per client address and per network (/24 IPv4, /64 IPv6, so a client
 * with a block of addresses is still one client), and how many places one bridge socket may keep
 * alive. 0 turns one limit off. The defaults let a household or an office behind one address join
 * and book normally, and keep one address from taking more than a few dozen places a minute.
 */
public record ClientLimits(int joinsPerAddress, int joinsPerNetwork, int holdsPerAddress, int holdsPerNetwork,
                           int confirmsPerAddress, int confirmsPerNetwork, int placesPerSocket) {

  private static final Set<String> KEYS = Set.of("joinsPerAddress", "joinsPerNetwork", "holdsPerAddress",
      "holdsPerNetwork", "confirmsPerAddress", "confirmsPerNetwork", "placesPerSocket");

  public static ClientLimits defaults() {
    return new ClientLimits(20, 200, 30, 300, 30, 300, 2);
  }

  ClientLimits merge(Object value) {
    if (!(value instanceof JsonObject json)) {
      throw ApiError.badRequest("invalid_setting", "limits must be an object like {\"joinsPerAddress\": 20}");
    }
    for (String key : json.fieldNames()) {
      if (!KEYS.contains(key)) {
        throw ApiError.badRequest("unknown_setting", "unknown limit '" + key + "'; known limits are " + KEYS);
      }
    }
    return new ClientLimits(
        EventSettings.integer(json, "joinsPerAddress", joinsPerAddress, 0, 1_000_000),
        EventSettings.integer(json, "joinsPerNetwork", joinsPerNetwork, 0, 1_000_000),
        EventSettings.integer(json, "holdsPerAddress", holdsPerAddress, 0, 1_000_000),
        EventSettings.integer(json, "holdsPerNetwork", holdsPerNetwork, 0, 1_000_000),
        EventSettings.integer(json, "confirmsPerAddress", confirmsPerAddress, 0, 1_000_000),
        EventSettings.integer(json, "confirmsPerNetwork", confirmsPerNetwork, 0, 1_000_000),
        EventSettings.integer(json, "placesPerSocket", placesPerSocket, 1, 16));
  }

  public JsonObject toJson() {
    return new JsonObject().put("joinsPerAddress", joinsPerAddress).put("joinsPerNetwork", joinsPerNetwork)
        .put("holdsPerAddress", holdsPerAddress).put("holdsPerNetwork", holdsPerNetwork)
        .put("confirmsPerAddress", confirmsPerAddress).put("confirmsPerNetwork", confirmsPerNetwork)
        .put("placesPerSocket", placesPerSocket);
  }
}
