package dev.foyer.ingress;

import dev.foyer.common.ApiError;
import dev.foyer.common.EventIds;
import dev.foyer.common.Failures;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Locale;

/**
 * The site's return path answers a browser that cannot go on with a page, not the JSON an API client
 * gets: why, and the one thing that works from there (the event's waiting room, or trying again).
 * The page is served through the site's proxy, on the site's origin, so it carries its own style
 * (allowed by its hash) and nothing of foyer's.
 */
final class ReturnPages {

  private static final String STYLE = "body{margin:0;font:16px/1.5 system-ui,-apple-system,\"Segoe UI\",Roboto,"
      + "sans-serif;color:#1d1d2b;background:#f6f5fb}main{max-width:34rem;margin:0 auto;padding:3rem 1rem}"
      + ".card{background:#fff;border-radius:14px;padding:1.5rem;box-shadow:0 1px 3px rgba(0,0,0,.08)}"
      + "h1{font-size:1.5rem;margin:0 0 .75rem}p{margin:0 0 1rem}p:last-child{margin:0}"
      + "a.button{display:inline-block;border-radius:10px;padding:.7rem 1.2rem;background:#5b3cc4;color:#fff;"
      + "text-decoration:none}";
  private static final String POLICY = "default-src 'none'; style-src '" + sha256(STYLE) + "'; "
      + "frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

  /** What the page says and where its one button goes. */
  private record Page(int status, String title, String text, String button, String href) {
  }

  private ReturnPages() {
  }

  /** The return route's failure handler: a page for a browser, the contract's JSON for anyone else. */
  static void failed(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    ApiError error = failure instanceof ApiError e ? e
        : failure != null && Failures.isUnreachable(failure) ? ApiError.dependencyDown("a backing service", failure)
        : null;
    if (error == null || !wantsHtml(ctx.request()) || ctx.response().ended()) {
      ctx.next();
      return;
    }
    Page page = page(ctx.request(), error);
    ctx.response().setStatusCode(page.status())
        .putHeader(HttpHeaders.CONTENT_TYPE, "text/html; charset=utf-8")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
        .putHeader(HttpHeaders.VARY, "Accept")
        .putHeader("Content-Security-Policy", POLICY)
        .end(html(page));
  }

  /**
   * A browser's navigation lists text/html in Accept (and never application/json); an API client
   * sends application/json, *&#47;* or nothing, and keeps getting JSON.
   */
  static boolean wantsHtml(HttpServerRequest request) {
    String accept = request.getHeader(HttpHeaders.ACCEPT);
    if (accept == null) {
      return false;
    }
    String lower = accept.toLowerCase(Locale.ROOT);
    return lower.contains("text/html") && !lower.contains("application/json");
  }

  private static Page page(HttpServerRequest request, ApiError error) {
    String event = request.getParam("event");
    String origin = GateRoutes.foyerOrigin(request);
    if (event == null || !EventIds.isValid(event) || "unknown_event".equals(error.code())) {
      return new Page(error.status(), "There is no such event",
          "This link names an event that the waiting room does not know.", "See what is on sale", origin + "/");
    }
    String room = GateRoutes.waitingRoom(request, event, request.getParam("next"));
    if (error.status() >= 500) {
      return new Page(error.status(), "The waiting room is unavailable",
          "We could not check your way back just now, so we cannot let you in yet. Please try again shortly.",
          "Try again", "");
    }
    if ("invalid_return_code".equals(error.code())) {
      return new Page(error.status(), "This way back no longer works",
          "The link that brings you back from the waiting room works once, within a minute of your turn: "
              + "this one was used already or has expired, or your time to book is over. "
              + "The waiting room knows whether it is still your turn.",
          "Back to the waiting room", room);
    }
    return new Page(error.status(), "This way back does not work", error.getMessage(), "Back to the waiting room",
        room);
  }

  private static String html(Page page) {
    return "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        + "<meta name=\"robots\" content=\"noindex\">\n"
        + "<title>" + escape(page.title()) + "</title>\n<style>" + STYLE + "</style>\n</head>\n<body>\n<main>\n"
        + "  <div class=\"card\" role=\"alert\">\n"
        + "    <h1>" + escape(page.title()) + "</h1>\n"
        + "    <p>" + escape(page.text()) + "</p>\n"
        + "    <p><a class=\"button\" id=\"way-on\" href=\"" + escape(page.href()) + "\">" + escape(page.button())
        + "</a></p>\n  </div>\n</main>\n</body>\n</html>\n";
  }

  private static String escape(String text) {
    StringBuilder out = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  private static String sha256(String text) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return "sha256-" + Base64.getEncoder().encodeToString(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java has SHA-256", e);
    }
  }
}
