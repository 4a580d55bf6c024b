package dev.foyer.event;

import dev.foyer.common.ApiError;

import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The sites an event may send visitors back to and take calls from. URLs are read by one strict
 * grammar rather than a lenient parser, because an open redirect lives in the gap between how a
 * checker and a browser read a URL: only printable ASCII, no backslash, no user info, a plain host
 * name or bracketed IPv6, and a path that every server resolves the same: no dot segments, no
 * {@code //}, no {@code ;} path parameters (Tomcat reads {@code /spring/..;/admin} as
 * {@code /admin}), and no encoded dot, slash, backslash, semicolon, NUL or percent sign (an encoded
 * {@code %} is how a double-encoded {@code %252e%252e} becomes {@code ..} on a server that decodes
 * twice). Anything else is refused, not repaired; the query and fragment are the site's own.
 */
public final class SiteUrls {

  public static final int MAX_ENTRIES = 20;
  public static final int MAX_LENGTH = 2048;

  private static final Pattern URL = Pattern.compile(
      "(?i)(https?)://([^/?#@\\\\]+)(/[^?#]*)?(\\?[^#]*)?(#.*)?");
  private static final Pattern HOST_PORT = Pattern.compile(
      "(?i)([a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?(?:\\.[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?)*|\\[[0-9a-f:.]+\\])(?::([0-9]{1,5}))?");
  private static final Pattern BAD_PATH = Pattern.compile("(?i)%2e|%2f|%5c|%3b|%00|%25|;|//|(^|/)\\.\\.?(/|$)");

  /** One URL, read: lowercase scheme and host, the port always explicit, the path at least "/". */
  public record Parsed(String scheme, String host, int port, String path, String query, String fragment) {

    /** {@code scheme://host[:port]} as a browser's Origin header writes it (default port left out). */
    public String origin() {
      boolean standard = port == ("https".equals(scheme) ? 443 : 80);
      return scheme + "://" + host + (standard ? "" : ":" + port);
    }

    /** This URL with {@code name=value} added to its query (before any fragment). */
    public String with(String name, String value) {
      return origin() + path + (query == null ? "?" : "?" + query + "&") + name + "=" + value
          + (fragment == null ? "" : "#" + fragment);
    }

    /** Whether this URL lies under an allowlist entry: same origin, and the entry's path as a whole-segment prefix. */
    boolean under(Parsed entry) {
      if (!scheme.equals(entry.scheme) || !host.equals(entry.host) || port != entry.port) {
        return false;
      }
      String prefix = entry.path;
      return prefix.equals("/") || path.equals(prefix) || (path.startsWith(prefix)
          && (prefix.endsWith("/") || path.charAt(prefix.length()) == '/'));
    }
  }

  private SiteUrls() {
  }

  /** A URL by the strict grammar, or null when it does not follow it. */
  public static Parsed parse(String url) {
    if (url == null || url.isEmpty() || url.length() > MAX_LENGTH) {
      return null;
    }
    for (int i = 0; i < url.length(); i++) {
      char c = url.charAt(i);
      if (c <= 0x20 || c >= 0x7f || c == '\\') {
        return null;
      }
    }
    Matcher m = URL.matcher(url);
    if (!m.matches()) {
      return null;
    }
    Matcher hp = HOST_PORT.matcher(m.group(2));
    if (!hp.matches()) {
      return null;
    }
    String scheme = m.group(1).toLowerCase(Locale.ROOT);
    int port = "https".equals(scheme) ? 443 : 80;
    if (hp.group(2) != null) {
      port = Integer.parseInt(hp.group(2));
      if (port < 1 || port > 65535) {
        return null;
      }
    }
    String path = m.group(3) == null ? "/" : m.group(3);
    if (BAD_PATH.matcher(path).find()) {
      return null;
    }
    String query = m.group(4) == null ? null : m.group(4).substring(1);
    String fragment = m.group(5) == null ? null : m.group(5).substring(1);
    return new Parsed(scheme, hp.group(1).toLowerCase(Locale.ROOT), port, path, query, fragment);
  }

  /** A {@code returnUrls} entry: an origin or a URL prefix, without query or fragment; stored as read. */
  static String returnEntry(Object value) {
    Parsed p = value instanceof String s ? parse(s) : null;
    if (p == null || p.query() != null || p.fragment() != null) {
      throw ApiError.badRequest("invalid_setting", "returnUrls entries must be http(s) origins or URL prefixes "
          + "such as \"https://tickets.example.com/spring/\" (no user info, query or fragment)");
    }
    return p.origin() + p.path();
  }

  /** A {@code corsOrigins} entry: {@code scheme://host[:port]}, nothing more. */
  static String originEntry(Object value) {
    Parsed p = value instanceof String s && !s.endsWith("/") ? parse(s) : null;
    if (p == null || !p.path().equals("/") || p.query() != null || p.fragment() != null) {
      throw ApiError.badRequest("invalid_setting", "corsOrigins entries must be origins such as "
          + "\"https://tickets.example.com\" (scheme, host and port only)");
    }
    return p.origin();
  }

  /**
   * The return URL if it lies under one of the event's entries; 400 {@code return_url_not_allowed}
   * otherwise (also for anything the grammar refuses), so no link can make foyer send a visitor
   * somewhere the event's operator did not list.
   */
  public static Parsed allowedReturn(List<String> entries, String url) {
    Parsed p = parse(url);
    if (p != null) {
      for (String entry : entries) {
        Parsed e = parse(entry);
        if (e != null && p.under(e)) {
          return p;
        }
      }
    }
    throw ApiError.badRequest("return_url_not_allowed", "this event does not send visitors back to "
        + (url == null ? "nowhere" : "'" + (url.length() > 200 ? url.substring(0, 200) + "…" : url) + "'")
        + "; the event's returnUrls list where it may");
  }

  /** Whether a browser's Origin header names one of the origins. */
  public static boolean originAllowed(List<String> origins, String origin) {
    Parsed p = origin == null ? null : parse(origin);
    if (p == null || !p.path().equals("/") || origin.endsWith("/") || p.query() != null || p.fragment() != null) {
      return false;
    }
    return origins.contains(p.origin());
  }
}
