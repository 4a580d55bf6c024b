package dev.foyer.ingress;

import dev.foyer.support.ApiClient;
import dev.foyer.support.FoyerCluster;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import static dev.foyer.support.Waits.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An event's names and messages per language and its branding: set through the admin event
 * definition, kept by an update that does not name them, served to pages; bad ones refused with
 * 400 and nothing changed; an https logo's origin (and only it) allowed for images on that event's
 * pages. The pages' words follow {@code ?lang=}, the switch's cookie and {@code Accept-Language}.
 */
@ExtendWith(VertxExtension.class)
class EventLookTest {

  private static final String EVENT = "seoul-night";
  static final String LOGO = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAHgAAAAoCAYAAAA16j4lAAAAoklEQVR42u3c0QmEMBAA0fRj/"
      + "x1dH7EGOdAw+4T5l31fYjZr773UzRAAP+u3rq3/OgYYxvnoUOPYcOPIYOPQcOPIcOPIcOPIgCcCG1YHGW4cGTBgZYANp4cMGPCrL5V5AAMGDBgwY"
      + "MCAAQMGDFi+g/UxMGQ/GwRYRwNDjp/ogOzQnQrAkOPnoiEP2GyAPGA3CfSA7ULIQ/aDYQ/Y8JdbdnRQN1ghj0mF5zHMAAAAAElFTkSuQmCC";

  @RegisterExtension
  static final FoyerCluster cluster = FoyerCluster.nodes(1);

  private static HttpResponse<Buffer> put(String event, JsonObject body) {
    return await(cluster.api().admin(HttpMethod.PUT, "/api/admin/events/" + event).sendJsonObject(body));
  }

  private static JsonObject publicEvent(String event) {
    return await(cluster.api().request(HttpMethod.GET, "/api/events/" + event).send()).bodyAsJsonObject();
  }

  static JsonObject look() {
    return new JsonObject()
        .put("names", new JsonObject().put("ko", "서울 나이트 콘서트"))
        .put("messages", new JsonObject().put("en", "Up to 4 tickets per person.").put("ko", "1인 최대 4매까지 예매할 수 있습니다."))
        .put("branding", new JsonObject().put("logo", LOGO).put("text", "Presented by Interpark")
            .put("colors", new JsonObject().put("accent", "#E4002B").put("background", "#fff")));
  }

  @BeforeEach
  void createEvent() {
    HttpResponse<Buffer> created = put(EVENT, look().put("name", "Seoul night").put("seats", ApiClient.layout(2, 3)));
    assertEquals(201, created.statusCode(), created.bodyAsString());
    assertEquals("서울 나이트 콘서트", created.bodyAsJsonObject().getJsonObject("names").getString("ko"));
  }

  @Test
  void theLookIsServedKeptByUpdatesAndReplacedFieldByField() {
    JsonObject shown = publicEvent(EVENT);
    assertEquals("Seoul night", shown.getString("name"));
    assertEquals("서울 나이트 콘서트", shown.getJsonObject("names").getString("ko"));
    assertEquals("1인 최대 4매까지 예매할 수 있습니다.", shown.getJsonObject("messages").getString("ko"));
    JsonObject branding = shown.getJsonObject("branding");
    assertEquals(new JsonObject().put("accent", "#e4002b").put("background", "#ffffff"), branding.getJsonObject("colors"),
        "hex, lower case, six digits");
    assertEquals(LOGO, branding.getString("logo"));
    JsonArray listed = await(cluster.api().request(HttpMethod.GET, "/api/events").send()).bodyAsJsonObject()
        .getJsonArray("events");
    assertEquals("서울 나이트 콘서트", listed.getJsonObject(0).getJsonObject("names").getString("ko"));

    // an update naming none of them keeps them; one naming a field replaces that field only
    assertEquals(200, put(EVENT, new JsonObject().put("name", "Seoul night II")).statusCode());
    assertEquals(branding, publicEvent(EVENT).getJsonObject("branding"));
    assertEquals(200, put(EVENT, new JsonObject().put("branding", null)).statusCode());
    JsonObject after = publicEvent(EVENT);
    assertEquals(null, after.getValue("branding"));
    assertEquals("서울 나이트 콘서트", after.getJsonObject("names").getString("ko"));
  }

  @Test
  void badLooksAreRefusedWithTheirCodeAndChangeNothing() {
    JsonObject before = publicEvent(EVENT);
    Object[][] cases = {
        {"invalid_branding", new JsonObject().put("colors", new JsonObject().put("accent", "red"))},
        {"invalid_branding", new JsonObject().put("colors", new JsonObject().put("accent", "#e4002b; color: red"))},
        {"invalid_branding", new JsonObject().put("colors", new JsonObject().put("border", "#000000"))},
        {"invalid_branding", new JsonObject().put("logo", "javascript:alert(1)")},
        {"invalid_branding", new JsonObject().put("logo", "http://cdn.example.com/logo.png")},
        {"invalid_branding", new JsonObject().put("logo", "https://user@cdn.example.com/logo.png")},
        {"invalid_branding", new JsonObject().put("logo", "https://cdn.example.com/a logo.png")},
        {"invalid_branding", new JsonObject().put("logo", "https://cdn.example.com/logo.png;img-src *")},
        {"invalid_branding", new JsonObject().put("logo", "data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=")},
        {"invalid_branding", new JsonObject().put("logo", "data:image/png;base64," + "A".repeat(20_000))},
        {"invalid_branding", new JsonObject().put("text", "x".repeat(121))},
        {"invalid_branding", new JsonObject().put("motto", "hello")},
    };
    for (Object[] c : cases) {
      JsonObject body = look().put("branding", c[1]);
      HttpResponse<Buffer> refused = put(EVENT, body.put("name", "Changed"));
      assertEquals(400, refused.statusCode(), c[1] + " " + refused.bodyAsString());
      assertEquals(c[0], refused.bodyAsJsonObject().getString("error"), refused.bodyAsString());
      assertTrue(refused.bodyAsJsonObject().getString("field").startsWith("branding"), refused.bodyAsString());
    }
    HttpResponse<Buffer> names = put(EVENT, new JsonObject().put("names", new JsonObject().put("fr", "Nuit")));
    assertEquals("invalid_names", names.bodyAsJsonObject().getString("error"), names.bodyAsString());
    HttpResponse<Buffer> messages = put(EVENT, new JsonObject().put("messages", new JsonObject().put("ko", "가".repeat(501))));
    assertEquals("invalid_messages", messages.bodyAsJsonObject().getString("error"), messages.bodyAsString());
    HttpResponse<Buffer> blank = put(EVENT, new JsonObject().put("names", new JsonObject().put("ko", " ")));
    assertEquals("invalid_names", blank.bodyAsJsonObject().getString("error"), blank.bodyAsString());
    JsonObject after = publicEvent(EVENT);
    after.remove("progress");
    before.remove("progress");
    assertEquals(before, after, "nothing changed");
  }

  @Test
  void anHttpsLogosOriginIsAllowedOnThatEventsPagesOnly() {
    HttpResponse<Buffer> set = put(EVENT, new JsonObject().put("branding",
        new JsonObject().put("logo", "https://cdn.example.com:8443/brand/logo.png?v=2")));
    assertEquals(200, set.statusCode(), set.bodyAsString());
    assertEquals(201, put("plain-event", new JsonObject().put("name", "Plain").put("seats", ApiClient.layout(1, 1)))
        .statusCode());
    for (String page : new String[] {"/events/" + EVENT, "/events/" + EVENT + "/seats"}) {
      String policy = await(cluster.api().request(HttpMethod.GET, page).send()).getHeader("Content-Security-Policy");
      assertTrue(policy.contains("img-src 'self' data: https://cdn.example.com:8443;"), policy);
      assertTrue(policy.contains("style-src 'self';") && policy.contains("script-src 'self';"), policy);
    }
    for (String page : new String[] {"/events/plain-event", "/", "/api/events/" + EVENT}) {
      String policy = await(cluster.api().request(HttpMethod.GET, page).send()).getHeader("Content-Security-Policy");
      assertFalse(policy.contains("example.com"), page + ": " + policy);
    }
  }

  @Test
  void thePagesWordsFollowTheLinkTheCookieAndAcceptLanguage() {
    assertEquals("ko", strings("ko-KR,ko;q=0.9,en-US;q=0.8", null, ""));
    assertEquals("en", strings("en-US,en;q=0.9,ko;q=0.8", null, ""));
    assertEquals("ko", strings("fr-FR, ko;q=0.5", null, ""));
    assertEquals("en", strings("fr-FR, de;q=0.5", null, ""));
    assertEquals("en", strings(null, null, ""));
    assertEquals("ko", strings("ko-KR,ko;q=0.9;q=0.9,en;q=0.8;q=0.8", null, ""), "a header read leniently");
    assertEquals("en", strings("ko;q=abc,en;q=0.1", null, ""));
    assertEquals("en", strings("ko;q=0, *", null, ""));
    assertEquals("en", strings("ko-KR", "en", ""), "the switch's cookie wins over the browser");
    assertEquals("ko", strings("en", "en", "?lang=ko"), "a link naming a language wins over both");

    // a return page in Korean, with the way to the same page in English
    HttpResponse<Buffer> page = await(cluster.api().request(HttpMethod.GET, "/api/events/nope/return?foyer_code=x&next=/")
        .putHeader("Accept", "text/html").putHeader("Accept-Language", "ko-KR").send());
    assertEquals(404, page.statusCode());
    String html = page.bodyAsString();
    assertTrue(html.contains("<html lang=\"ko\">") && html.contains("<h1>존재하지 않는 공연입니다</h1>")
        && html.contains(">판매 중인 공연 보기</a>"), html);
    assertTrue(html.contains("href=\"?foyer_code=x&amp;next=/&amp;lang=en\" lang=\"en\" hreflang=\"en\">English</a>"), html);
  }

  private static String strings(String acceptLanguage, String cookie, String query) {
    var request = cluster.api().request(HttpMethod.GET, "/i18n/strings.js" + query);
    if (acceptLanguage != null) {
      request.putHeader("Accept-Language", acceptLanguage);
    }
    if (cookie != null) {
      request.putHeader("Cookie", "foyer_lang=" + cookie);
    }
    String script = await(request.send()).bodyAsString();
    assertTrue(script.startsWith("window.FoyerStrings = {"), script.substring(0, 60));
    JsonObject strings = new JsonObject(script.substring(script.indexOf('{'), script.lastIndexOf('}') + 1));
    assertEquals("고객님 차례입니다!", strings.getJsonObject("dictionaries").getJsonObject("ko").getString("turn.heading"));
    return strings.getString("lang");
  }
}
