package dev.foyer.ingress;

import dev.foyer.support.FoyerCluster;
import dev.foyer.support.TestSetup;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;

import static dev.foyer.support.Waits.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a script can make a node do before it has proved anything: nothing of a body is read
 * without the admin key or a pass, guessing the key gets slower, and every answer carries the
 * headers that keep a browser from being turned against foyer's pages.
 */
@ExtendWith(VertxExtension.class)
class ExposureTest {

  private static final String EVENT = "arena-tour";

  @RegisterExtension
  static final FoyerCluster cluster = FoyerCluster.nodes(1);
  private HttpClient http;

  @BeforeEach
  void createEvent(Vertx vertx) {
    http = vertx.createHttpClient();
    await(cluster.api().createEvent(EVENT, new JsonObject().put("paused", true)));
  }

  @AfterEach
  void closeClient() {
    http.close();
  }

  /** Sends only the headers of a request announcing a huge body, and takes whatever answer comes. */
  private Future<HttpClientResponse> headersOnly(HttpMethod method, String path, String auth) {
    RequestOptions options = new RequestOptions().setMethod(method).setHost("127.0.0.1").setPort(cluster.node().port())
        .setURI(path).putHeader("Content-Type", "application/json").putHeader("Content-Length", "104857600");
    if (auth != null) {
      options.putHeader("Authorization", "Bearer " + auth);
    }
    return http.request(options).compose(req -> req.sendHead().compose(v -> req.response()));
  }

  @Test
  void withoutTheKeyOrAPassNoBodyIsReadTheAnswerComesFromTheHeaders() {
    HttpClientResponse noKey = await(headersOnly(HttpMethod.PUT, "/api/admin/events/" + EVENT, null));
    HttpClientResponse wrongKey = await(headersOnly(HttpMethod.PUT, "/api/admin/events/" + EVENT, "wrong"));
    HttpClientResponse badPass = await(headersOnly(HttpMethod.POST, "/api/events/" + EVENT + "/holds", "not-a-pass"));
    HttpClientResponse tooLarge = await(headersOnly(HttpMethod.PUT, "/api/admin/events/" + EVENT, TestSetup.ADMIN_KEY));
    assertEquals(401, noKey.statusCode(), "no key: refused before 100 MiB arrive");
    assertEquals(401, wrongKey.statusCode());
    assertEquals(403, badPass.statusCode());
    assertEquals(413, tooLarge.statusCode(), "with the key, too large from the header alone");
  }

  @Test
  void guessingTheAdminKeyIsRefusedAfterTenTriesEvenWithTheRightKey() {
    List<Integer> answers = new ArrayList<>();
    for (int i = 0; i < AdminGuard.LIMIT + 2; i++) {
      answers.add(await(cluster.api().request(HttpMethod.GET, "/api/admin/events").bearerTokenAuthentication("guess")
          .send()).statusCode());
    }
    HttpResponse<Buffer> right = await(cluster.api().admin(HttpMethod.GET, "/api/admin/events").send());
    assertEquals(AdminGuard.LIMIT, answers.stream().filter(s -> s == 401).count(), answers.toString());
    assertEquals(List.of(429, 429), answers.subList(AdminGuard.LIMIT, answers.size()));
    assertEquals(429, right.statusCode(), "the right key tells a guesser nothing while blocked");
    assertEquals("too_many_failures", right.bodyAsJsonObject().getString("error"));
    long retryAfter = Long.parseLong(right.getHeader("Retry-After"));
    assertTrue(retryAfter > 0 && retryAfter <= AdminGuard.WINDOW_MILLIS / 1000, "Retry-After " + retryAfter);
  }

  @Test
  void everyAnswerCarriesTheBrowserSecurityHeaders() {
    List<String> paths = List.of("/", "/admin", "/events/" + EVENT, "/events/" + EVENT + "/seats", "/js/waiting.js",
        "/api/events/" + EVENT, "/health");
    List<Future<HttpResponse<Buffer>>> answers = new ArrayList<>();
    for (String path : paths) {
      answers.add(cluster.api().request(HttpMethod.GET, path).send());
    }
    await(Future.all(answers));
    for (int i = 0; i < paths.size(); i++) {
      String path = paths.get(i);
      HttpResponse<Buffer> r = answers.get(i).result();
      assertEquals(200, r.statusCode(), path);
      assertEquals(SecurityHeaders.CONTENT_SECURITY_POLICY, r.getHeader("Content-Security-Policy"), path);
      assertTrue(r.getHeader("Content-Security-Policy").contains("frame-ancestors 'none'"), path);
      assertEquals("DENY", r.getHeader("X-Frame-Options"), path);
      assertEquals("nosniff", r.getHeader("X-Content-Type-Options"), path);
      assertEquals("no-referrer", r.getHeader("Referrer-Policy"), path);
    }
  }

  @Test
  void theKeysOfPassesAreCacheableAndTheBridgeAnswersOnlyItsOwnOrigin() {
    String own = "http://127.0.0.1:" + cluster.node().port();
    HttpResponse<Buffer> jwks = await(cluster.api().request(HttpMethod.GET, "/.well-known/jwks.json").send());
    HttpResponse<Buffer> foreign = await(cluster.api().request(HttpMethod.GET, "/eventbus/info")
        .putHeader("Origin", "https://evil.example").send());
    HttpResponse<Buffer> same = await(cluster.api().request(HttpMethod.GET, "/eventbus/info").putHeader("Origin", own).send());
    assertEquals("public, max-age=300", jwks.getHeader("Cache-Control"));
    assertEquals(200, foreign.statusCode());
    assertNull(foreign.getHeader("Access-Control-Allow-Origin"), "a foreign origin may not read it");
    assertNull(foreign.getHeader("Access-Control-Allow-Credentials"));
    assertEquals(own, same.getHeader("Access-Control-Allow-Origin"));
  }
}
