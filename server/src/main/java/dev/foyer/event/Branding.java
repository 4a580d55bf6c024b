package dev.foyer.event;

import dev.foyer.common.ApiError;
import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * An event's branding on foyer's pages: a logo, a few colours and a short text. Everything is
 * checked here, so a page only ever applies a hex colour (as a CSS custom property, from script:
 * the pages allow no inline style) and shows a logo the pages' policy allows: an https URL, whose
 * origin alone is added to {@code img-src} on that event's pages, or a small {@code data:} image.
 *
 * @param logo   null, {@code https://...} or {@code data:image/(png|jpeg|gif|webp);base64,...}
 * @param colors role -> {@code #rrggbb}: {@code accent} (buttons, the place, the bar),
 *               {@code background}, {@code card}, {@code ink} (text)
 * @param text   null or a short line shown under the logo
 */
public record Branding(String logo, Map<String, String> colors, String text) {

  public static final Set<String> COLOR_ROLES = Set.of("accent", "background", "card", "ink");
  public static final int MAX_URL = 2048;
  /** A data: logo travels in every {@code GET /api/events/{event}}: kept small (about 12 KB of image). */
  public static final int MAX_DATA_URL = 16 * 1024;
  public static final int MAX_TEXT = 120;

  private static final Set<String> FIELDS = Set.of("logo", "colors", "text");
  private static final Pattern HEX = Pattern.compile("#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})");
  private static final Pattern DATA = Pattern.compile("data:image/(png|jpeg|gif|webp);base64,([A-Za-z0-9+/]+={0,2})");
  private static final Pattern HOST = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*");
  /** What a URL may hold: no space, quote, angle bracket, backslash, or the policy's separators ; and , */
  private static final Pattern URL_CHARS = Pattern.compile("[A-Za-z0-9._~:/?#\\[\\]@!$&()*+=%-]+");

  /** Checks a request's {@code branding} object (400 {@code invalid_branding} with {@code field}). */
  public static Branding parse(Object raw) {
    if (!(raw instanceof JsonObject json)) {
      throw invalid("branding", "branding must be an object like {\"logo\": \"https://...\", \"colors\": {...}, \"text\": \"...\"}");
    }
    for (String field : json.fieldNames()) {
      if (!FIELDS.contains(field)) {
        throw invalid("branding." + field, "branding takes " + FIELDS + ", not '" + field + "'");
      }
    }
    String logo = json.getValue("logo") == null ? null : logo(json.getValue("logo"));
    Map<String, String> colors = json.getValue("colors") == null ? Map.of() : colors(json.getValue("colors"));
    String text = null;
    Object rawText = json.getValue("text");
    if (rawText != null) {
      if (!(rawText instanceof String t) || t.isBlank() || t.strip().length() > MAX_TEXT) {
        throw invalid("branding.text", "text must be a non-empty string of at most " + MAX_TEXT + " characters");
      }
      text = t.strip();
    }
    return new Branding(logo, colors, text);
  }

  private static String logo(Object raw) {
    if (!(raw instanceof String s)) {
      throw invalid("branding.logo", "logo must be a string: an https URL or a data:image/...;base64 URL");
    }
    if (s.startsWith("data:")) {
      if (s.length() > MAX_DATA_URL || !DATA.matcher(s).matches()) {
        throw invalid("branding.logo", "a data: logo must be data:image/png, jpeg, gif or webp;base64,... of at most "
            + MAX_DATA_URL + " characters");
      }
      try {
        Base64.getDecoder().decode(s.substring(s.indexOf(',') + 1));
      } catch (IllegalArgumentException e) {
        throw invalid("branding.logo", "the data: logo is not valid base64");
      }
      return s;
    }
    if (s.length() > MAX_URL || !URL_CHARS.matcher(s).matches()) {
      throw invalid("branding.logo", "logo must be an https URL of at most " + MAX_URL + " characters");
    }
    try {
      URI uri = new URI(s);
      if (!"https".equals(uri.getScheme()) || uri.getRawUserInfo() != null || uri.getHost() == null
          || !HOST.matcher(uri.getHost()).matches()) {
        throw invalid("branding.logo", "logo must be an https URL with a host name and no user info");
      }
    } catch (URISyntaxException e) {
      throw invalid("branding.logo", "logo is not a valid URL");
    }
    return s;
  }

  private static Map<String, String> colors(Object raw) {
    if (!(raw instanceof JsonObject json)) {
      throw invalid("branding.colors", "colors must be an object of " + COLOR_ROLES + " to \"#rrggbb\"");
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (String role : json.fieldNames()) {
      Object value = json.getValue(role);
      if (!COLOR_ROLES.contains(role)) {
        throw invalid("branding.colors." + role, "colors are " + COLOR_ROLES + ", not '" + role + "'");
      }
      if (!(value instanceof String hex) || !HEX.matcher(hex).matches()) {
        throw invalid("branding.colors." + role, "a colour is hex: \"#rrggbb\" or \"#rgb\"");
      }
      out.put(role, expand(hex.toLowerCase(Locale.ROOT)));
    }
    return Map.copyOf(out);
  }

  private static String expand(String hex) {
    if (hex.length() == 7) {
      return hex;
    }
    return "#" + hex.charAt(1) + hex.charAt(1) + hex.charAt(2) + hex.charAt(2) + hex.charAt(3) + hex.charAt(3);
  }

  private static ApiError invalid(String field, String message) {
    return new ApiError(400, "invalid_branding", message, new JsonObject().put("field", field));
  }

  /**
   * The origin an https logo is fetched from ({@code https://cdn.example.com[:port]}), for the
   * pages' {@code img-src}; null for none or a data: logo.
   */
  public String logoOrigin() {
    if (logo == null || !logo.startsWith("https://")) {
      return null;
    }
    URI uri = URI.create(logo);
    return "https://" + uri.getHost().toLowerCase(Locale.ROOT) + (uri.getPort() >= 0 ? ":" + uri.getPort() : "");
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject();
    if (logo != null) {
      json.put("logo", logo);
    }
    if (!colors.isEmpty()) {
      json.put("colors", new JsonObject(new LinkedHashMap<>(colors)));
    }
    if (text != null) {
      json.put("text", text);
    }
    return json;
  }
}
