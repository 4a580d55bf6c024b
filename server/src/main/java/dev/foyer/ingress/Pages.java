package dev.foyer.ingress;

import dev.foyer.common.Resources;
import io.vertx.core.buffer.Buffer;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The site's HTML pages ({@code resources/pages}), put together once when the node starts. What
 * every page's head holds (the doctype, charset, viewport, icon and the site's stylesheet) is
 * written once, in {@code pages/head.html}; a page says where it goes with a line
 * {@code <!--#include head-->}, as the Lua scripts include their libraries. The pages never change
 * while the node runs, so they are served from memory, each at its route only (SiteRoutes): the
 * static files of {@code webroot} are what the pages load.
 */
final class Pages {

  /** Every page. */
  static final List<String> NAMES = List.of("index.html", "waiting.html", "seats.html", "admin.html");

  private static final String INCLUDE = "<!--#include ";
  private static final Map<String, Buffer> PAGES = load();

  private Pages() {
  }

  /** The page, put together (all of them when the first is asked for: a missing part fails that call). */
  static Buffer get(String name) {
    Buffer page = PAGES.get(name);
    if (page == null) {
      throw new IllegalArgumentException("no page " + name);
    }
    return page;
  }

  private static Map<String, Buffer> load() {
    Map<String, Buffer> pages = new LinkedHashMap<>();
    for (String name : NAMES) {
      pages.put(name, Buffer.buffer(assemble(resource("pages/" + name))));
    }
    return Map.copyOf(pages);
  }

  /** The page with each {@code <!--#include part-->} line replaced by {@code pages/part.html}. */
  static String assemble(String page) {
    StringBuilder out = new StringBuilder(page.length() + 512);
    for (String line : page.split("\n", -1)) {
      String trimmed = line.trim();
      if (trimmed.startsWith(INCLUDE) && trimmed.endsWith("-->")) {
        String part = trimmed.substring(INCLUDE.length(), trimmed.length() - 3).trim();
        String text = resource("pages/" + part + ".html");
        out.append(text.endsWith("\n") ? text.substring(0, text.length() - 1) : text);
      } else {
        out.append(line);
      }
      out.append('\n');
    }
    out.setLength(out.length() - 1);
    return out.toString();
  }

  private static String resource(String path) {
    return Resources.text(path, "page");
  }
}
