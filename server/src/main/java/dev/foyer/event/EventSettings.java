package dev.foyer.event;

import dev.foyer.common.ApiError;
import dev.foyer.common.WholeNumbers;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

/**
 * Per-event settings with the defaults of DESIGN.md. Parsing merges a partial JSON object over a
 * base, so an admin can change one knob without restating the rest.
 */
public record EventSettings(
    int maxActive,
    int admitPerMinute,
    int activeSeconds,
    int maxExtendSeconds,
    int holdSeconds,
    int maxSeatsPerHold,
    int graceSeconds,
    int awaySeconds,
    int rankPushMillis,
    int progressPushMillis,
    Gate gate,
    int gateOnRate,
    int gateOffRate,
    int spikeRate,
    int gateDebounceSeconds,
    Opening opening,
    boolean paused,
    boolean stockPacing,
    List<String> returnUrls,
    List<String> corsOrigins,
    ClientLimits limits,
    PowSettings pow,
    IdentitySettings identity,
    List<Lane> lanes) {

  public enum Gate {
    AUTO, ON, OFF;

    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static Gate parse(Object value) {
      if (value instanceof String s) {
        for (Gate g : values()) {
          if (g.wire().equals(s)) {
            return g;
          }
        }
      }
      throw ApiError.badRequest("invalid_gate_mode", "gate mode must be one of auto, on, off");
    }
  }

  public enum Opening {
    FIFO, SHUFFLE;

    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private static final Set<String> KEYS = Set.of("maxActive", "admitPerMinute", "activeSeconds", "maxExtendSeconds", "holdSeconds",
      "maxSeatsPerHold", "graceSeconds", "awaySeconds", "rankPushMillis", "progressPushMillis", "gate", "gateOnRate", "gateOffRate", "spikeRate",
      "gateDebounceSeconds", "opening", "paused", "stockPacing", "returnUrls", "corsOrigins", "limits", "pow", "identity", "lanes");

  public static EventSettings defaults() {
    return new EventSettings(5000, 6000, 600, 300, 300, 4, 30, 600, 2000, 5000, Gate.AUTO, 1200, 800, 1500, 180, Opening.FIFO, false, true,
        List.of(), List.of(), ClientLimits.defaults(), PowSettings.defaults(), IdentitySettings.defaults(), List.of());
  }

  /** Applies the keys present in {@code json} over this; 400 with a clear code on anything wrong. */
  public EventSettings merge(JsonObject json) {
    for (String key : json.fieldNames()) {
      if (!KEYS.contains(key)) {
        throw ApiError.badRequest("unknown_setting", "unknown setting '" + key + "'; known settings are " + KEYS);
      }
    }
    EventSettings s = new EventSettings(
        integer(json, "maxActive", maxActive, 1, 1_000_000),
        integer(json, "admitPerMinute", admitPerMinute, 0, 10_000_000),
        integer(json, "activeSeconds", activeSeconds, 1, 86_400),
        integer(json, "maxExtendSeconds", maxExtendSeconds, 0, 86_400),
        integer(json, "holdSeconds", holdSeconds, 1, 3600),
        integer(json, "maxSeatsPerHold", maxSeatsPerHold, 1, 50),
        integer(json, "graceSeconds", graceSeconds, 1, 3600),
        integer(json, "awaySeconds", awaySeconds, 1, 86_400),
        integer(json, "rankPushMillis", rankPushMillis, 100, 60_000),
        integer(json, "progressPushMillis", progressPushMillis, 0, 60_000),
        json.containsKey("gate") ? Gate.parse(json.getValue("gate")) : gate,
        integer(json, "gateOnRate", gateOnRate, 1, 10_000_000),
        integer(json, "gateOffRate", gateOffRate, 0, 10_000_000),
        integer(json, "spikeRate", spikeRate, 1, 10_000_000),
        integer(json, "gateDebounceSeconds", gateDebounceSeconds, 0, 86_400),
        json.containsKey("opening") ? opening(json.getValue("opening")) : opening,
        bool(json, "paused", paused),
        bool(json, "stockPacing", stockPacing),
        list(json, "returnUrls", returnUrls, SiteUrls::returnEntry),
        list(json, "corsOrigins", corsOrigins, SiteUrls::originEntry),
        json.containsKey("limits") ? limits.merge(json.getValue("limits")) : limits,
        json.containsKey("pow") ? pow.merge(json.getValue("pow")) : pow,
        json.containsKey("identity") ? identity.merge(json.getValue("identity")) : identity,
        json.containsKey("lanes") ? Lane.list(json.getValue("lanes")) : lanes);
    if (s.gateOffRate >= s.gateOnRate) {
      throw ApiError.badRequest("invalid_setting", "gateOffRate must be below gateOnRate");
    }
    if (s.spikeRate < s.gateOnRate) {
      throw ApiError.badRequest("invalid_setting", "spikeRate must be at or above gateOnRate");
    }
    if (s.identity.mode() == IdentitySettings.Mode.OFF && s.lanes.stream().anyMatch(l -> l.claim() != null)) {
      throw ApiError.badRequest("invalid_setting", "a lane entered by an identity claim needs identity tokens "
          + "(identity mode optional or required)");
    }
    return s;
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("maxActive", maxActive)
        .put("admitPerMinute", admitPerMinute)
        .put("activeSeconds", activeSeconds)
        .put("maxExtendSeconds", maxExtendSeconds)
        .put("holdSeconds", holdSeconds)
        .put("maxSeatsPerHold", maxSeatsPerHold)
        .put("graceSeconds", graceSeconds)
        .put("awaySeconds", awaySeconds)
        .put("rankPushMillis", rankPushMillis)
        .put("progressPushMillis", progressPushMillis)
        .put("gate", gate.wire())
        .put("gateOnRate", gateOnRate)
        .put("gateOffRate", gateOffRate)
        .put("spikeRate", spikeRate)
        .put("gateDebounceSeconds", gateDebounceSeconds)
        .put("opening", opening.wire())
        .put("paused", paused)
        .put("stockPacing", stockPacing)
        .put("returnUrls", new JsonArray(new ArrayList<>(returnUrls)))
        .put("corsOrigins", new JsonArray(new ArrayList<>(corsOrigins)))
        .put("limits", limits.toJson())
        .put("pow", pow.toJson())
        .put("identity", identity.toJson())
        .put("lanes", Lane.toJson(lanes));
  }

  /**
   * As stored in PostgreSQL: as {@link #toJson}, less what an older node would refuse to read and
   * does not need (no lanes), so a node of the version before reads every event that does not use
   * this one's new settings, during a rolling upgrade and after a rollback.
   */
  JsonObject toStoredJson() {
    JsonObject json = toJson();
    if (lanes.isEmpty()) {
      json.remove("lanes");
    }
    return json;
  }

  public EventSettings withGate(Gate mode) {
    return merge(new JsonObject().put("gate", mode.wire()));
  }

  static int integer(JsonObject json, String key, int fallback, int min, int max) {
    if (!json.containsKey(key)) {
      return fallback;
    }
    Object v = json.getValue(key);
    if (!(v instanceof Number n) || !WholeNumbers.isWhole(n)) {
      throw ApiError.badRequest("invalid_setting", key + " must be a whole number");
    }
    if (!WholeNumbers.within(n, min, max)) {
      throw ApiError.badRequest("invalid_setting", key + " must be between " + min + " and " + max);
    }
    return n.intValue();
  }

  /** A list of at most {@link SiteUrls#MAX_ENTRIES} distinct entries, each read by {@code entry}. */
  private static List<String> list(JsonObject json, String key, List<String> fallback, Function<Object, String> entry) {
    if (!json.containsKey(key)) {
      return fallback;
    }
    if (!(json.getValue(key) instanceof JsonArray array) || array.size() > SiteUrls.MAX_ENTRIES) {
      throw ApiError.badRequest("invalid_setting", key + " must be an array of at most " + SiteUrls.MAX_ENTRIES
          + " entries");
    }
    Set<String> out = new LinkedHashSet<>();
    array.forEach(v -> out.add(entry.apply(v)));
    return List.copyOf(out);
  }

  private static boolean bool(JsonObject json, String key, boolean fallback) {
    if (!json.containsKey(key)) {
      return fallback;
    }
    if (json.getValue(key) instanceof Boolean b) {
      return b;
    }
    throw ApiError.badRequest("invalid_setting", key + " must be true or false");
  }

  private static Opening opening(Object value) {
    if (value instanceof String s) {
      for (Opening o : Opening.values()) {
        if (o.wire().equals(s)) {
          return o;
        }
      }
    }
    throw ApiError.badRequest("invalid_setting", "opening must be fifo or shuffle");
  }
}
