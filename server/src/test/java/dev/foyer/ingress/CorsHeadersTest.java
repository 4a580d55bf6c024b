package dev.foyer.ingress;

import dev.foyer.support.FoyerCluster;
import dev.foyer.support.Waits;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * CORS as the contract says, on the bridge's SockJS answers (which the SockJS handler writes with
 * CORS headers of its own) and the events' calls: foyer's own origin and the origins events list
 * may read them (the bridge with credentials, which sockjs-client asks for from another origin; the
 * events' calls never); any other origin, or a request without one, gets no grant;
 * and every answer whose headers depend on Origin says {@code Vary: Origin}.
 */
@ExtendWith(VertxExtension.class)
class CorsHeadersTest {

  private static final String EVENT = "harbour-nights";
  private static final String LISTED = "https://site.test";
  private static final String UNLISTED = "https://evil.test";

  @RegisterExtension
  static final FoyerCluster cluster = FoyerCluster.nodes(1);
  private HttpClient http;

  private static <R> R await(Future<R> f) {
    try {
      return f.await(60, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("no answer within 60 s", e);
    }
  }

  @BeforeEach
  void createEventListingAnOrigin(Vertx vertx) {
    http = vertx.createHttpClient();
    await(cluster.api().createEvent(EVENT, new JsonObject().put("corsOrigins", new JsonArray().add(LISTED))));
    // the bridge rereads the events' origins when it hears of the change
    await(Waits.until(vertx, () -> send(HttpMethod.GET, "/eventbus/info", LISTED, false),
        r -> LISTED.equals(r.getHeader("Access-Control-Allow-Origin")), 20_000));
  }

  @AfterEach
  void closeClient() {
    http.close();
  }

  /** The answer's status and headers; a streaming answer's connection is closed once they are in. */
  private Future<Answer> send(HttpMethod method, String path, String origin, boolean preflight) {
    RequestOptions options = new RequestOptions().setMethod(method).setHost("127.0.0.1")
        .setPort(cluster.node().port()).setURI(path);
    if (origin != null) {
      options.putHeader("Origin", origin);
    }
    if (preflight) {
      options.putHeader("Access-Control-Request-Method", "POST")
          .putHeader("Access-Control-Request-Headers", "content-type");
    }
    return http.request(options).compose(req -> req.send().map(resp -> {
      Answer answer = new Answer(resp.statusCode(), MultiMap.caseInsensitiveMultiMap().addAll(resp.headers()));
      resp.request().connection().close();
      return answer;
    }));
  }

  private record Answer(int status, MultiMap headers) {
    String getHeader(String name) {
      return headers.get(name);
    }

    boolean variesOnOrigin() {
      return headers.getAll("Vary").stream()
          .anyMatch(v -> Arrays.stream(v.split(",")).anyMatch(p -> p.trim().equalsIgnoreCase("Origin")));
    }
  }

  /**
   * Every SockJS endpoint that answers with CORS headers: the info, the fallbacks' POSTs and a
   * preflight, on both of the bridge's endpoints (the legacy heartbeat's and /eventbus/v2).
   */
  private List<Future<Answer>> probe(String origin) {
    String session = "/eventbus/000/" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    String streaming = "/eventbus/000/" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    String v2 = "/eventbus/v2/000/" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    return List.of(
        send(HttpMethod.GET, "/eventbus/info", origin, false),
        send(HttpMethod.OPTIONS, "/eventbus/info", origin, true),
        send(HttpMethod.POST, session + "/xhr", origin, false),
        send(HttpMethod.OPTIONS, session + "/xhr_send", origin, true),
        send(HttpMethod.POST, streaming + "/xhr_streaming", origin, false),
        send(HttpMethod.GET, "/eventbus/v2/info", origin, false),
        send(HttpMethod.POST, v2 + "/xhr", origin, false));
  }

  @Test
  void aListedOriginMayReadTheBridgeWithCredentials() {
    for (Answer a : await(Future.all(probe(LISTED))).<Answer>list()) {
      assertTrue(a.status() < 300, "status " + a.status() + " " + a.headers());
      assertEquals(LISTED, a.getHeader("Access-Control-Allow-Origin"), a.headers().toString());
      // sockjs-client reads these from another origin withCredentials: without it the browser refuses them
      assertEquals("true", a.getHeader("Access-Control-Allow-Credentials"), a.headers().toString());
      assertTrue(a.variesOnOrigin(), "the answer depends on Origin: " + a.headers());
    }
  }

  @Test
  void foyersOwnPagesMayReadTheBridge() {
    String own = "http://127.0.0.1:" + cluster.node().port();
    for (Answer a : await(Future.all(probe(own))).<Answer>list()) {
      assertEquals(own, a.getHeader("Access-Control-Allow-Origin"), a.headers().toString());
      assertEquals("true", a.getHeader("Access-Control-Allow-Credentials"), a.headers().toString());
      assertTrue(a.variesOnOrigin(), a.headers().toString());
    }
  }

  @Test
  void anUnlistedOriginOrNoneGetsNoGrantAndTheAnswerVariesOnOrigin() {
    for (String origin : Arrays.asList(UNLISTED, "null", null)) {
      for (Answer a : await(Future.all(probe(origin))).<Answer>list()) {
        String what = "Origin " + origin + ": " + a.status() + " " + a.headers();
        assertTrue(a.status() < 300, what);
        assertFalse(a.headers().names().stream().anyMatch(n -> n.regionMatches(true, 0, "Access-Control-Allow-", 0, 21)),
            "no Access-Control-Allow-* header: " + what);
        assertTrue(a.variesOnOrigin(), what);
      }
    }
  }

  /** The seat map is cacheable (no-cache with an ETag): its Vary names Origin as well as Accept-Encoding. */
  @Test
  void anEventsCacheableAnswerVariesOnOriginAndEncoding() {
    for (String origin : Arrays.asList(LISTED, UNLISTED, null)) {
      Answer a = await(send(HttpMethod.GET, "/api/events/" + EVENT + "/seats", origin, false));
      String what = "Origin " + origin + ": " + a.status() + " " + a.headers();
      assertEquals(200, a.status(), what);
      assertTrue(a.variesOnOrigin(), what);
      assertTrue(a.headers().getAll("Vary").stream().anyMatch(v -> v.contains("Accept-Encoding")), what);
      assertEquals(LISTED.equals(origin) ? LISTED : null, a.getHeader("Access-Control-Allow-Origin"), what);
    }
  }

  /**
   * A plain read of the event is the one call a page makes without a preflight: an unlisted origin
   * is refused there in a way it can read (the grant on the refusal), so an embedded client can say
   * why; a listed origin, or a call with no Origin, reads the event.
   */
  @Test
  void anUnlistedOriginReadingTheEventIsToldWhyItIsRefused() {
    Answer refused = await(send(HttpMethod.GET, "/api/events/" + EVENT, UNLISTED, false));
    assertEquals(403, refused.status(), refused.headers().toString());
    assertEquals(UNLISTED, refused.getHeader("Access-Control-Allow-Origin"), "the page may read why");
    assertTrue(refused.variesOnOrigin(), refused.headers().toString());
    Answer opaque = await(send(HttpMethod.GET, "/api/events/" + EVENT, "null", false));
    assertNull(opaque.getHeader("Access-Control-Allow-Origin"), "an opaque origin is granted nothing");
    assertEquals(LISTED, await(send(HttpMethod.GET, "/api/events/" + EVENT, LISTED, false)).getHeader("Access-Control-Allow-Origin"));
    assertEquals(200, await(send(HttpMethod.GET, "/api/events/" + EVENT, null, false)).status());
  }
}
