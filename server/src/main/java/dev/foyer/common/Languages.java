package dev.foyer.common;

import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The languages foyer's pages speak, and their words: one dictionary per language
 * ({@code webroot/i18n/en.json}, {@code ko.json}), the same files the page scripts use, so a text
 * is written once per language whether a script or the server draws it. English is the default and
 * the fallback for a key a dictionary lacks.
 */
public final class Languages {

  public static final String DEFAULT = "en";
  /** In the order a page's switch offers them. */
  public static final List<String> SUPPORTED = List.of("en", "ko");
  /** The buyer's own choice (the pages' switch), over what the browser asks for. */
  public static final String COOKIE = "foyer_lang";

  private static final Map<String, JsonObject> DICTIONARIES = load();

  private Languages() {
  }

  public static boolean supported(String lang) {
    return lang != null && SUPPORTED.contains(lang);
  }

  /**
   * A request's language: {@code ?lang=} (a link that names one), else the switch's cookie, else
   * the best of {@code Accept-Language} that foyer speaks (by q-value; {@code ko-KR} is Korean),
   * else English.
   */
  public static String of(HttpServerRequest request) {
    String asked = request.getParam("lang");
    if (supported(asked)) {
      return asked;
    }
    Cookie cookie = request.getCookie(COOKIE);
    if (cookie != null && supported(cookie.getValue())) {
      return cookie.getValue();
    }
    return fromAcceptLanguage(request.getHeader(HttpHeaders.ACCEPT_LANGUAGE));
  }

  /**
   * The highest-weighted range whose primary tag foyer speaks ({@code ko-KR} is Korean), the first
   * of equal weights; English when none. Read leniently: a browser's odd header (Chromium repeats a
   * {@code q} it was handed) still counts for the ranges that can be read.
   */
  public static String fromAcceptLanguage(String header) {
    if (header == null || header.length() > 1000) {
      return DEFAULT;
    }
    String best = DEFAULT;
    double bestWeight = 0;
    for (String range : header.split(",")) {
      String[] parts = range.split(";");
      String primary = parts[0].trim().toLowerCase(Locale.ROOT).split("-")[0];
      double weight = weight(parts);
      if (supported(primary) && weight > bestWeight) {
        best = primary;
        bestWeight = weight;
      }
    }
    return best;
  }

  private static double weight(String[] parts) {
    for (int i = 1; i < parts.length; i++) {
      String param = parts[i].trim();
      if (param.startsWith("q=")) {
        try {
          double q = Double.parseDouble(param.substring(2));
          return q >= 0 && q <= 1 ? q : 0;
        } catch (NumberFormatException e) {
          return 0;
        }
      }
    }
    return 1;
  }

  /** A language's whole dictionary, as the pages get it. */
  public static JsonObject dictionary(String lang) {
    return DICTIONARIES.getOrDefault(lang, DICTIONARIES.get(DEFAULT));
  }

  /** The text of {@code key} in {@code lang} with {@code {name}} placeholders filled; English when missing. */
  public static String text(String lang, String key, Map<String, String> vars) {
    String template = dictionary(lang).getString(key, DICTIONARIES.get(DEFAULT).getString(key));
    if (template == null) {
      throw new IllegalArgumentException("no text '" + key + "' in webroot/i18n/" + DEFAULT + ".json");
    }
    String out = template;
    for (Map.Entry<String, String> var : vars.entrySet()) {
      out = out.replace("{" + var.getKey() + "}", var.getValue());
    }
    return out;
  }

  public static String text(String lang, String key) {
    return text(lang, key, Map.of());
  }

  private static Map<String, JsonObject> load() {
    Map<String, JsonObject> out = new LinkedHashMap<>();
    for (String lang : SUPPORTED) {
      out.put(lang, new JsonObject(Resources.text("webroot/i18n/" + lang + ".json", "language")));
    }
    return Map.copyOf(out);
  }
}
