package dev.foyer.ingress;

import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.ext.web.RoutingContext;

/**
 * The cookie the gate reads a pass from, {@code foyer_pass_{event}}: set on the site's host by
 * whichever answer reaches the browser through the site (the return path, or an extension the site
 * relays), for as long as the pass runs.
 */
final class PassCookies {

  static final String PREFIX = "foyer_pass_";

  private PassCookies() {
  }

  static String name(String event) {
    return PREFIX + event;
  }

  /** {@code Secure} when the request came over https, or the proxy in front says it did. */
  static Cookie of(RoutingContext ctx, String event, String pass, long activeUntil) {
    boolean https = ctx.request().isSSL() || "https".equalsIgnoreCase(ctx.request().getHeader("X-Forwarded-Proto"));
    return Cookie.cookie(name(event), pass).setPath("/").setHttpOnly(true).setSameSite(CookieSameSite.LAX)
        .setSecure(https).setMaxAge(Math.max(1, (activeUntil - System.currentTimeMillis()) / 1000));
  }
}
