package dev.foyer.ingress;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.net.URI;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * What every answer says about itself to the browser, and what a browser from elsewhere may do
 * with it. Pages run only foyer's own scripts and styles (no inline code), cannot be framed, are
 * not sniffed into another type, and leak no URL (tokens travel in headers, but a URL may still
 * name an event) to other sites.
 */
final class SecurityHeaders {

  /** The pages load scripts, styles and the bridge from this origin only. */
  static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; "
      + "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
      + "form-action 'self'; object-src 'none'";

  private SecurityHeaders() {
  }

  /**
   * The policy of an event's own pages: as every answer's, with the origin of the event's https
   * logo (checked by {@code dev.foyer.event.Branding}) allowed for images there and nowhere else.
   */
  static String policyWithImagesFrom(String origin) {
    return origin == null ? CONTENT_SECURITY_POLICY
        : CONTENT_SECURITY_POLICY.replace("img-src 'self' data:;", "img-src 'self' data: " + origin + ";");
  }

  // set on every answer: encoded once, not per request
  private static final CharSequence CSP = HttpHeaders.createOptimized("Content-Security-Policy");
  private static final CharSequence CSP_VALUE = HttpHeaders.createOptimized(CONTENT_SECURITY_POLICY);
  private static final CharSequence FRAME_OPTIONS = HttpHeaders.createOptimized("X-Frame-Options");
  private static final CharSequence DENY = HttpHeaders.createOptimized("DENY");
  private static final CharSequence CONTENT_TYPE_OPTIONS = HttpHeaders.createOptimized("X-Content-Type-Options");
  private static final CharSequence NOSNIFF = HttpHeaders.createOptimized("nosniff");
  private static final CharSequence REFERRER_POLICY = HttpHeaders.createOptimized("Referrer-Policy");
  private static final CharSequence NO_REFERRER = HttpHeaders.createOptimized("no-referrer");

  static void apply(RoutingContext ctx) {
    MultiMap headers = ctx.response().headers();
    headers.set(CSP, CSP_VALUE);
    headers.set(FRAME_OPTIONS, DENY);
    headers.set(CONTENT_TYPE_OPTIONS, NOSNIFF);
    headers.set(REFERRER_POLICY, NO_REFERRER);
    ctx.next();
  }

  static boolean sameOrigin(String origin, RoutingContext ctx) {
    try {
      String authority = URI.create(origin).getRawAuthority();
      return authority != null && ctx.request().authority() != null
          && authority.equalsIgnoreCase(ctx.request().authority().toString());
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /**
   * The {@code Allow} header of a 405: the methods of every route whose path matches, read from the
   * route table itself so it can never disagree with it; regex routes (the CORS and pass checks,
   * the static files' catch-alls) name no path of their own and are left out.
   */
  static String allowed(Router router, String path) {
    Set<String> methods = new TreeSet<>();
    for (Route route : router.getRoutes()) {
      if (route.getPath() == null || route.methods() == null || route.methods().isEmpty()) {
        continue;
      }
      String regex = Pattern.quote(route.getPath()).replaceAll(":[A-Za-z]+", "\\\\E[^/]+\\\\Q");
      if (regex.endsWith("*\\E")) {
        regex = regex.substring(0, regex.length() - 3) + "\\E.*";
      }
      if (path.matches(regex)) {
        route.methods().forEach(m -> methods.add(m.name()));
      }
    }
    if (methods.contains("GET")) {
      // a HEAD is answered as its GET (see UnknownPaths)
      methods.add("HEAD");
    }
    return String.join(", ", methods);
  }
}
