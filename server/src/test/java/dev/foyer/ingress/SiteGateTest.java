package dev.foyer.ingress;

import dev.foyer.support.ApiClient;
import dev.foyer.support.FoyerCluster;
import dev.foyer.support.Waits;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a protected site gets from foyer: passes with a jti whose liveness it can ask about
 * (introspection, forward auth), the end of a visitor's session with the pass alone, the way back
 * from the waiting room (allowlisted return URLs, single-use codes, the cookie) and CORS per event.
 */
@ExtendWith(VertxExtension.class)
class SiteGateTest {

  private static final String EVENT = "site-gate";
  private static final String SITE = "http://site.test:8081";
  private static final long T = 10;

  @RegisterExtension
  static final FoyerCluster cluster = FoyerCluster.nodes(1);

  private ApiClient api;

  @BeforeEach
  void createEvent() throws Exception {
    api = cluster.api();
    api.createEvent(EVENT, new JsonObject().put("gate", "off").put("activeSeconds", 300)
        .put("returnUrls", new JsonArray().add(SITE + "/.foyer/return").add(SITE + "/tickets/"))
        .put("corsOrigins", new JsonArray().add(SITE))).await(T, TimeUnit.SECONDS);
  }

  @AfterEach
  void close() {
    api.close();
  }

  private <R> R await(Future<R> f) {
    try {
      return f.await(T, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("no answer within " + T + " s", e);
    }
  }

  private HttpResponse<Buffer> auth(String header, String value) {
    var request = api.request(HttpMethod.GET, "/api/events/" + EVENT + "/auth");
    if (header != null) {
      request.putHeader(header, value);
    }
    return await(request.send());
  }

  private JsonObject introspect(String pass) {
    return await(api.request(HttpMethod.POST, "/api/passes/introspect")
        .sendJsonObject(new JsonObject().put("token", pass))).bodyAsJsonObject();
  }

  @Test
  void aPassCarriesAJtiAndIntrospectionFollowsTheVisitorOut() {
    JsonObject visitor = await(api.admitted(EVENT));
    String pass = visitor.getString("pass");
    JsonObject claims = new JsonObject(new String(Base64.getUrlDecoder().decode(pass.split("\\.")[1]), StandardCharsets.UTF_8));
    assertEquals(22, claims.getString("jti").length(), "128 random bits");

    JsonObject live = introspect(pass);
    assertEquals(true, live.getBoolean("active"));
    assertEquals(visitor.getString("visitor"), live.getString("sub"));
    assertEquals(EVENT, live.getString("aud"));
    assertEquals(claims.getString("jti"), live.getString("jti"));
    assertEquals(claims.getLong("exp"), live.getLong("exp"));
    assertEquals(visitor.getLong("activeUntil"), live.getLong("activeUntil"));

    assertEquals(204, await(api.leave(EVENT, visitor.getString("token"))).statusCode());
    assertEquals(new JsonObject().put("active", false), introspect(pass), "left: not active, though signed and unexpired");
    assertEquals(new JsonObject().put("active", false), introspect(pass.substring(0, pass.length() - 3) + "abc"));
    assertEquals(new JsonObject().put("active", false), introspect("nonsense"));
    assertEquals(400, await(api.request(HttpMethod.POST, "/api/passes/introspect")
        .sendJsonObject(new JsonObject())).statusCode());
  }

  @Test
  void aPassIsThreeBase64urlPartsAndNothingElseAtTheGateInIntrospectionAndForHolds() {
    JsonObject visitor = await(api.admitted(EVENT));
    String pass = visitor.getString("pass");
    String[] parts = pass.split("\\.");
    // each of these verified before (the JWT library is lenient), each at the cost of an RSA check
    // and an entry in the node's cache of verified passes
    List<String> variants = List.of(
        pass + ".",
        "." + pass,
        "x" + pass.substring(1),
        pass + "." + parts[2],
        pass + "=".repeat(Math.max(1, (4 - parts[2].length() % 4) % 4)),
        pass + "%2E");
    for (String variant : variants) {
      HttpResponse<Buffer> gate = auth("Authorization", "Bearer " + variant);
      assertEquals(401, gate.statusCode(), "the gate let " + variant + " through");
      assertEquals("not_admitted", gate.bodyAsJsonObject().getString("error"));
      assertEquals(new JsonObject().put("active", false), introspect(variant), "introspection took " + variant);
      HttpResponse<Buffer> hold = await(api.hold(EVENT, variant, "A-1-1"));
      assertEquals(403, hold.statusCode(), "a hold with " + variant + ": " + hold.bodyAsString());
      assertEquals("not_admitted", hold.bodyAsJsonObject().getString("error"));
    }
    // a header's surrounding spaces are the header's, but a token is the whole JSON string
    assertEquals(new JsonObject().put("active", false), introspect(" " + pass));
    assertEquals(new JsonObject().put("active", false), introspect(pass + " "));

    assertEquals(200, auth("Authorization", "Bearer " + pass).statusCode(), "the pass as signed still works");
    assertEquals(true, introspect(pass).getBoolean("active"));
    assertEquals(201, await(api.hold(EVENT, pass, "A-1-1")).statusCode());
  }

  @Test
  void aVisitorLoopingOnItsStatusIsHandedTheSamePassNotANewSignatureEachTime() {
    JsonObject visitor = await(api.admitted(EVENT));
    double signedBefore = passesSigned();
    List<String> passes = new java.util.ArrayList<>();
    for (int i = 0; i < 50; i++) {
      passes.add(await(api.me(EVENT, visitor.getString("token"))).bodyAsJsonObject().getString("pass"));
    }
    assertEquals(1, passes.stream().distinct().count(), "one pass for the same visitor and exp within 10 s");
    assertTrue(passesSigned() - signedBefore <= 1, "50 status calls signed " + (passesSigned() - signedBefore) + " passes");
    assertEquals(true, introspect(passes.get(0)).getBoolean("active"), "the pass handed out again is live");
  }

  private double passesSigned() {
    return await(api.metric("foyer_passes_signed_total"));
  }

  @Test
  void theGateLetsALivePassThroughAndRefusesItOnceTheSiteEndsTheSessionWithThePass(Vertx vertx) throws Exception {
    JsonObject visitor = await(api.admitted(EVENT));
    String pass = visitor.getString("pass");
    HttpResponse<Buffer> bearer = auth("Authorization", "Bearer " + pass);
    assertEquals(200, bearer.statusCode());
    assertEquals(visitor.getString("visitor"), bearer.getHeader("X-Foyer-Visitor"));
    assertEquals(EVENT, bearer.getHeader("X-Foyer-Event"));
    assertNotNull(bearer.getHeader("X-Foyer-Pass-Id"));
    assertEquals(200, auth("Cookie", "other=1; foyer_pass_" + EVENT + "=" + pass).statusCode(), "the site's cookie");

    HttpResponse<Buffer> none = auth(null, null);
    assertEquals(401, none.statusCode());
    assertEquals("missing_pass", none.bodyAsJsonObject().getString("error"));
    assertEquals("/events/" + EVENT, none.getHeader("X-Foyer-Location"));
    assertEquals(401, auth("Authorization", "Bearer " + pass.substring(0, pass.length() - 2) + "xx").statusCode());
    JsonObject other = await(api.createEvent("site-other", new JsonObject().put("gate", "off"))
        .compose(v -> api.admitted("site-other")));
    assertEquals(401, auth("Authorization", "Bearer " + other.getString("pass")).statusCode(), "another event's pass");

    // the site holds a seat for the visitor, then ends the session with the pass alone
    String seat = "A-1-1";
    assertEquals(201, await(api.hold(EVENT, pass, seat)).statusCode());
    long left = System.nanoTime();
    assertEquals(204, await(api.request(HttpMethod.DELETE, "/api/events/" + EVENT + "/visitors/me")
        .bearerTokenAuthentication(pass).send()).statusCode());
    HttpResponse<Buffer> refused = auth("Authorization", "Bearer " + pass);
    long millis = (System.nanoTime() - left) / 1_000_000;
    assertEquals(401, refused.statusCode());
    assertEquals("not_admitted", refused.bodyAsJsonObject().getString("error"));
    assertTrue(millis < 1000, "refused " + millis + " ms after leaving");
    await(Waits.until(vertx, () -> api.seatStatuses(EVENT), seats -> "free".equals(seats.get(seat)), 5000));
    assertEquals(0L, await(api.stats(EVENT)).getLong("active"), "the slot is free");
    assertEquals(401, await(api.request(HttpMethod.DELETE, "/api/events/" + EVENT + "/visitors/me")
        .bearerTokenAuthentication(pass + "x").send()).statusCode(), "a pass that does not verify");
    String metrics = await(api.request(HttpMethod.GET, "/metrics").send()).bodyAsString();
    assertTrue(metrics.contains("foyer_gate_checks_total{outcome=\"live\"}")
        && metrics.contains("foyer_gate_checks_total{outcome=\"refused\"}"), "the gate's checks are counted");
  }

  @Test
  void aVisitorBookingOnTheSiteStaysPresentWhileTheGateSeesThemAndIsReapedWhenItStops(Vertx vertx) throws Exception {
    await(api.createEvent("site-grace", new JsonObject().put("gate", "off").put("graceSeconds", 2)));
    JsonObject visitor = await(api.admitted("site-grace"));
    String pass = visitor.getString("pass");
    var request = api.request(HttpMethod.GET, "/api/events/site-grace/auth").bearerTokenAuthentication(pass);
    long until = System.currentTimeMillis() + 5_000;
    while (System.currentTimeMillis() < until) {
      // the browser has left foyer's page for the site: only the gate's checks say it is there
      assertEquals(200, await(request.send()).statusCode(), "present past graceSeconds while the site is used");
      await(Waits.sleep(vertx, 500));
    }
    // every check renews the lease, so watch from the admin side until the reaper takes the slot back
    Waits.until(vertx, () -> api.stats("site-grace"), stats -> stats.getLong("active") == 0, 15_000)
        .await(20, TimeUnit.SECONDS);
    assertEquals(401, await(request.send()).statusCode());
    assertEquals("gone", await(api.me("site-grace", visitor.getString("token"))).bodyAsJsonObject().getString("state"));
  }

  @Test
  void aRedirectingGateSendsTheBuyerToTheWaitingRoomWithTheWayBack() {
    HttpResponse<Buffer> r = await(api.request(HttpMethod.GET, "/api/events/" + EVENT + "/auth?redirect=1")
        .putHeader("X-Forwarded-Proto", "http").putHeader("X-Forwarded-Host", "site.test:8081")
        .putHeader("X-Forwarded-Uri", "/tickets/?show=2&x=1").putHeader("X-Foyer-Waiting-Room", "https://queue.test")
        .followRedirects(false).send());
    assertEquals(302, r.statusCode());
    String location = r.getHeader("Location");
    assertTrue(location.startsWith("https://queue.test/events/" + EVENT + "?return="), location);
    String back = URLDecoder.decode(location.substring(location.indexOf("return=") + 7), StandardCharsets.UTF_8);
    assertEquals(SITE + "/.foyer/return?next=%2Ftickets%2F%3Fshow%3D2%26x%3D1", back);
    // a hostile original URI never becomes another host
    HttpResponse<Buffer> hostile = await(api.request(HttpMethod.GET, "/api/events/" + EVENT + "/auth")
        .putHeader("X-Forwarded-Host", "site.test:8081").putHeader("X-Forwarded-Uri", "//evil.test/x").send());
    assertTrue(URLDecoder.decode(URLDecoder.decode(hostile.getHeader("X-Foyer-Location"), StandardCharsets.UTF_8),
            StandardCharsets.UTF_8).endsWith("next=/"),
        hostile.getHeader("X-Foyer-Location"));
  }

  @Test
  void theWayBackIsAnAllowlistedUrlWithASingleUseCodeThatBecomesTheSiteCookie() {
    JsonObject visitor = await(api.admitted(EVENT));
    String token = visitor.getString("token");
    String back = SITE + "/.foyer/return?next=%2Ftickets%2F";
    JsonObject checked = await(api.request(HttpMethod.GET, "/api/events/" + EVENT + "/return-url")
        .addQueryParam("url", back).send()).bodyAsJsonObject();
    assertEquals("site.test", checked.getString("host"));
    for (String foreign : List.of("https://evil.test/", "//evil.test/", SITE + "@evil.test/", SITE + "/admin",
        "http://site.test:8082/.foyer/return", SITE + "/tickets/../admin", "http://site.test:8081\\@evil.test/")) {
      HttpResponse<Buffer> r = await(api.request(HttpMethod.GET, "/api/events/" + EVENT + "/return-url")
          .addQueryParam("url", foreign).send());
      assertEquals(400, r.statusCode(), foreign);
      assertEquals("return_url_not_allowed", r.bodyAsJsonObject().getString("error"), foreign);
      HttpResponse<Buffer> issue = issueCode(token, foreign);
      assertEquals(400, issue.statusCode(), foreign);
      assertEquals("return_url_not_allowed", issue.bodyAsJsonObject().getString("error"));
    }

    // right after an admin change every node has dropped its copy: the refusal comes after a database read
    await(api.putEvent(EVENT, new JsonObject().put("rankPushMillis", 1000)));
    assertEquals(400, await(api.request(HttpMethod.GET, "/api/events/" + EVENT + "/return-url")
        .addQueryParam("url", "https://evil.test/").send()).statusCode());

    JsonObject issued = issueCode(token, back).bodyAsJsonObject();
    String code = issued.getString("code");
    assertEquals(back + "&foyer_code=" + code, issued.getString("location"));
    HttpResponse<Buffer> enter = await(api.request(HttpMethod.GET, "/api/events/" + EVENT + "/return")
        .addQueryParam("foyer_code", code).addQueryParam("next", "/tickets/").followRedirects(false).send());
    assertEquals(302, enter.statusCode());
    assertEquals("/tickets/", enter.getHeader("Location"));
    String cookie = enter.cookies().get(0);
    assertTrue(cookie.startsWith("foyer_pass_" + EVENT + "="), cookie);
    String lower = cookie.toLowerCase(java.util.Locale.ROOT);
    assertTrue(lower.contains("; httponly") && lower.contains("; samesite=lax") && lower.contains("; path=/"), cookie);
    String pass = cookie.substring(cookie.indexOf('=') + 1, cookie.indexOf(';'));
    assertEquals(200, auth("Cookie", "foyer_pass_" + EVENT + "=" + pass).statusCode());

    HttpResponse<Buffer> reused = await(api.request(HttpMethod.GET, "/api/events/" + EVENT + "/return")
        .addQueryParam("foyer_code", code).addQueryParam("next", "/tickets/").followRedirects(false).send());
    assertEquals(400, reused.statusCode(), "single use");
    assertEquals("invalid_return_code", reused.bodyAsJsonObject().getString("error"));
    assertTrue(reused.cookies().isEmpty());

    // a new code replaces the visitor's last one: one live code per visitor, however often asked
    String replaced = issueCode(token, back).bodyAsJsonObject().getString("code");
    issueCode(token, back);
    assertEquals(400, await(api.request(HttpMethod.POST, "/api/events/" + EVENT + "/return-codes")
        .sendJsonObject(new JsonObject().put("code", replaced))).statusCode(), "replaced");

    // a site backend exchanges a code itself; "next" never leaves the site
    String second = issueCode(token, SITE + "/tickets/").bodyAsJsonObject().getString("code");
    JsonObject exchanged = await(api.request(HttpMethod.POST, "/api/events/" + EVENT + "/return-codes")
        .sendJsonObject(new JsonObject().put("code", second))).bodyAsJsonObject();
    assertEquals(visitor.getString("visitor"), exchanged.getString("visitor"));
    assertEquals(true, introspect(exchanged.getString("pass")).getBoolean("active"));
    assertEquals(400, await(api.request(HttpMethod.POST, "/api/events/" + EVENT + "/return-codes")
        .sendJsonObject(new JsonObject().put("code", second))).statusCode(), "used");
    String third = issueCode(token, back).bodyAsJsonObject().getString("code");
    HttpResponse<Buffer> offsite = await(api.request(HttpMethod.GET, "/api/events/" + EVENT + "/return")
        .addQueryParam("foyer_code", third).addQueryParam("next", "//evil.test/").followRedirects(false).send());
    assertEquals("/", offsite.getHeader("Location"));

    // someone still waiting gets no code
    await(api.putEvent(EVENT, new JsonObject().put("gate", "on").put("paused", true)));
    JsonObject waiting = await(api.join(EVENT)).bodyAsJsonObject();
    assertEquals("waiting", waiting.getString("state"));
    HttpResponse<Buffer> early = issueCode(waiting.getString("token"), back);
    assertEquals(403, early.statusCode());
    assertEquals("not_admitted", early.bodyAsJsonObject().getString("error"));
  }

  private HttpResponse<Buffer> issueCode(String token, String url) {
    return await(api.request(HttpMethod.POST, "/api/events/" + EVENT + "/visitors/me/return")
        .bearerTokenAuthentication(token).sendJsonObject(new JsonObject().put("url", url)));
  }

  @Test
  void theEventsOriginsMayCallTheApiAndTheBridgeOthersMayNot(Vertx vertx) throws Exception {
    HttpResponse<Buffer> preflight = await(api.request(HttpMethod.OPTIONS, "/api/events/" + EVENT + "/visitors")
        .putHeader("Origin", SITE).putHeader("Access-Control-Request-Method", "POST")
        .putHeader("Access-Control-Request-Headers", "authorization, idempotency-key").send());
    assertEquals(204, preflight.statusCode());
    assertEquals(SITE, preflight.getHeader("Access-Control-Allow-Origin"));
    assertTrue(preflight.getHeader("Access-Control-Allow-Headers").contains("Idempotency-Key"));
    assertTrue(preflight.getHeader("Access-Control-Allow-Methods").contains("DELETE"));
    HttpResponse<Buffer> foreign = await(api.request(HttpMethod.OPTIONS, "/api/events/" + EVENT + "/visitors")
        .putHeader("Origin", "http://evil.test").putHeader("Access-Control-Request-Method", "POST").send());
    assertEquals(403, foreign.statusCode());
    assertEquals("origin_not_allowed", foreign.bodyAsJsonObject().getString("error"));
    assertNull(foreign.getHeader("Access-Control-Allow-Origin"));

    HttpResponse<Buffer> join = await(api.request(HttpMethod.POST, "/api/events/" + EVENT + "/visitors")
        .putHeader("Origin", SITE).send());
    assertEquals(201, join.statusCode());
    assertEquals(SITE, join.getHeader("Access-Control-Allow-Origin"));
    HttpResponse<Buffer> evilJoin = await(api.request(HttpMethod.POST, "/api/events/" + EVENT + "/visitors")
        .putHeader("Origin", "http://evil.test").send());
    assertEquals(201, evilJoin.statusCode(), "a non-browser caller is not stopped; a browser cannot read it");
    assertNull(evilJoin.getHeader("Access-Control-Allow-Origin"));

    await(Waits.until(vertx, () -> api.request(HttpMethod.GET, "/eventbus/info").putHeader("Origin", SITE).send(),
        r -> SITE.equals(r.getHeader("Access-Control-Allow-Origin")), 15_000));
    HttpResponse<Buffer> evilInfo = await(api.request(HttpMethod.GET, "/eventbus/info")
        .putHeader("Origin", "http://evil.test").send());
    assertEquals(200, evilInfo.statusCode());
    assertNull(evilInfo.getHeader("Access-Control-Allow-Origin"));
    assertFalse(preflight.headers().contains("Access-Control-Allow-Credentials"));
  }
}
