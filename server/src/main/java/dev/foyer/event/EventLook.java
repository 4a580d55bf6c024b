package dev.foyer.event;

import dev.foyer.common.ApiError;
import dev.foyer.common.Languages;
import io.vertx.core.json.JsonObject;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * How an event presents itself to buyers beyond its {@code name}: the name and a short message
 * per language the pages speak, and its {@link Branding}. Stored as one JSON column; the public
 * event answer carries it for the pages.
 */
public record EventLook(Map<String, String> names, Map<String, String> messages, Branding branding) {

  public static final EventLook NONE = new EventLook(Map.of(), Map.of(), null);
  /** The fields of an event definition this record answers for. */
  public static final Set<String> FIELDS = Set.of("names", "messages", "branding");
  public static final int MAX_NAME = 200;
  public static final int MAX_MESSAGE = 500;

  /**
   * The look a {@code PUT /api/admin/events/{event}} body asks for on top of {@code base}: each of
   * {@code names}, {@code messages}, {@code branding} given replaces that field ({@code null} clears
   * it), the others stay. Checks everything first (400 {@code invalid_names},
   * {@code invalid_messages}, {@code invalid_branding}), so a bad body changes nothing.
   */
  public static EventLook change(JsonObject body, EventLook base) {
    Map<String, String> names = body.containsKey("names")
        ? texts(body.getValue("names"), "invalid_names", "names", MAX_NAME) : base.names();
    Map<String, String> messages = body.containsKey("messages")
        ? texts(body.getValue("messages"), "invalid_messages", "messages", MAX_MESSAGE) : base.messages();
    Branding branding = !body.containsKey("branding") ? base.branding()
        : body.getValue("branding") == null ? null : Branding.parse(body.getValue("branding"));
    return new EventLook(names, messages, branding);
  }

  private static Map<String, String> texts(Object raw, String code, String field, int max) {
    if (raw == null) {
      return Map.of();
    }
    if (!(raw instanceof JsonObject json)) {
      throw new ApiError(400, code, field + " must be an object of language to text, like {\"ko\": \"...\"}",
          new JsonObject().put("field", field));
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (String lang : json.fieldNames()) {
      if (!Languages.supported(lang)) {
        throw new ApiError(400, code, field + " are given for the pages' languages " + Languages.SUPPORTED
            + ", not '" + lang + "'", new JsonObject().put("field", field + "." + lang));
      }
      Object value = json.getValue(lang);
      if (!(value instanceof String text) || text.isBlank() || text.strip().length() > max) {
        throw new ApiError(400, code, field + "." + lang + " must be a non-empty string of at most " + max
            + " characters", new JsonObject().put("field", field + "." + lang));
      }
      out.put(lang, text.strip());
    }
    return Map.copyOf(out);
  }

  /** As stored, read back: it was checked when it was written. */
  public static EventLook fromJson(JsonObject json) {
    if (json == null || json.isEmpty()) {
      return NONE;
    }
    JsonObject branding = json.getJsonObject("branding");
    return new EventLook(strings(json.getJsonObject("names")), strings(json.getJsonObject("messages")),
        branding == null ? null : storedBranding(branding));
  }

  /** Checked again on the way out: a row a later, stricter rule refuses shows no branding rather than failing the event. */
  private static Branding storedBranding(JsonObject json) {
    try {
      return Branding.parse(json);
    } catch (ApiError refused) {
      return null;
    }
  }

  private static Map<String, String> strings(JsonObject json) {
    Map<String, String> out = new LinkedHashMap<>();
    if (json != null) {
      json.forEach(e -> out.put(e.getKey(), String.valueOf(e.getValue())));
    }
    return Map.copyOf(out);
  }

  /** {@code {"names": {...}, "messages": {...}, "branding": {...} or null}}: stored, and shown to pages. */
  public JsonObject toJson() {
    return new JsonObject()
        .put("names", new JsonObject(new LinkedHashMap<>(names)))
        .put("messages", new JsonObject(new LinkedHashMap<>(messages)))
        .put("branding", branding == null ? null : branding.toJson());
  }

  /** The origin of the event's https logo, for its pages' policy; null for none. */
  public String logoOrigin() {
    return branding == null ? null : branding.logoOrigin();
  }
}
