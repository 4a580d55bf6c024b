package dev.foyer.ingress;

import dev.foyer.support.FoyerCluster;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Paths no route takes are 404, for GET and HEAD alike (JSON {@code not_found} under /api, plain
 * text elsewhere); 405 is only for a path some route takes with other methods, and its Allow lists
 * them. A HEAD is answered as its GET, without the body. The pages' icon is there.
 */
@ExtendWith(VertxExtension.class)
class UnknownPathsTest {

  private static final String EVENT = "river-stage";

  @RegisterExtension
  static final FoyerCluster cluster = FoyerCluster.nodes(1);

  private static <R> R await(Future<R> f) {
    try {
      return f.await(60, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("no answer within 60 s", e);
    }
  }

  private static HttpResponse<Buffer> call(HttpMethod method, String path) {
    return await(cluster.api().request(method, path).send());
  }

  @BeforeEach
  void createEvent() {
    await(cluster.api().createEvent(EVENT, new JsonObject().put("paused", true)));
  }

  @Test
  void pathsNoRouteTakesAre404ForGetAndHeadAlike() {
    for (String path : List.of("/no-such-page", "/js/no-such.js", "/events/" + EVENT + "/no/such", "/css/",
        "/favicon.png")) {
      for (HttpMethod method : List.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.POST)) {
        HttpResponse<Buffer> r = call(method, path);
        String what = method + " " + path + ": " + r.statusCode() + " " + r.headers();
        assertEquals(404, r.statusCode(), what);
        assertNull(r.getHeader("Allow"), what);
        assertTrue(r.getHeader("Content-Type").startsWith("text/plain"), what);
        if (method == HttpMethod.GET) {
          assertEquals("Not found\n", r.bodyAsString(), what);
        }
      }
    }
    for (String path : List.of("/api/no-such-call", "/api/events/" + EVENT + "/no-such-call", "/api")) {
      for (HttpMethod method : List.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.POST)) {
        HttpResponse<Buffer> r = call(method, path);
        String what = method + " " + path + ": " + r.statusCode() + " " + r.headers();
        assertEquals(404, r.statusCode(), what);
        assertNull(r.getHeader("Allow"), what);
        if (method != HttpMethod.HEAD) {
          assertEquals("not_found", r.bodyAsJsonObject().getString("error"), what);
        }
      }
    }
  }

  @Test
  void aPathTakenWithOtherMethodsIs405WithThem() {
    record Case(HttpMethod method, String path, String allow) {
    }
    for (Case c : List.of(new Case(HttpMethod.POST, "/health", "GET, HEAD"),
        new Case(HttpMethod.DELETE, "/admin", "GET, HEAD"),
        new Case(HttpMethod.PUT, "/events/" + EVENT, "GET, HEAD"),
        new Case(HttpMethod.GET, "/api/events/" + EVENT + "/visitors", "POST"),
        new Case(HttpMethod.HEAD, "/api/events/" + EVENT + "/visitors", "POST"),
        new Case(HttpMethod.POST, "/api/events/" + EVENT, "GET, HEAD"))) {
      HttpResponse<Buffer> r = call(c.method(), c.path());
      String what = c + ": " + r.statusCode() + " " + r.headers();
      assertEquals(405, r.statusCode(), what);
      assertEquals(c.allow(), r.getHeader("Allow"), what);
    }
  }

  @Test
  void aHeadIsAnsweredAsItsGetWithoutTheBody() {
    for (String path : List.of("/health", "/admin", "/events/" + EVENT, "/api/events/" + EVENT, "/", "/js/waiting.js",
        "/favicon.ico")) {
      HttpResponse<Buffer> get = call(HttpMethod.GET, path);
      HttpResponse<Buffer> head = call(HttpMethod.HEAD, path);
      assertEquals(200, get.statusCode(), "GET " + path);
      assertEquals(200, head.statusCode(), "HEAD " + path + ": " + head.headers());
      if (!path.contains(".") && !path.equals("/")) {
        // the routes' own answers; the static files' handler leaves Content-Type out of a HEAD
        assertEquals(get.getHeader("Content-Type"), head.getHeader("Content-Type"), path);
      }
      assertTrue(head.body() == null || head.body().length() == 0, "HEAD " + path + " has no body");
    }
  }

  @Test
  void thePagesHaveAnIcon() throws Exception {
    HttpResponse<Buffer> icon = call(HttpMethod.GET, "/favicon.ico");
    assertEquals(200, icon.statusCode());
    assertEquals("image/x-icon", icon.getHeader("Content-Type"));
    assertArrayEquals(new byte[] {0, 0, 1, 0}, icon.body().getBytes(0, 4), "an ICO file");
    for (String page : List.of("/", "/admin", "/events/" + EVENT, "/events/" + EVENT + "/seats")) {
      assertTrue(call(HttpMethod.GET, page).bodyAsString().contains("<link rel=\"icon\" href=\"/favicon.ico\">"), page);
    }
  }
}
