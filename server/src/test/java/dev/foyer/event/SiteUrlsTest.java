package dev.foyer.event;

import dev.foyer.common.ApiError;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Return URLs and origins read by one strict grammar: what an open redirect would need is refused. */
class SiteUrlsTest {

  private static final List<String> ENTRIES = List.of("https://tickets.example.com/spring/", "http://127.0.0.1:8081/.foyer/return",
      "https://shop.example.com/buy");

  @Test
  void urlsUnderAnEntryAreAllowed() {
    for (String ok : List.of("https://tickets.example.com/spring/", "https://tickets.example.com/spring/seats?x=1#top",
        "HTTPS://Tickets.Example.COM:443/spring/a", "http://127.0.0.1:8081/.foyer/return?next=%2Ftickets%2F",
        "https://shop.example.com/buy", "https://shop.example.com/buy/now", "https://shop.example.com/buy?x")) {
      SiteUrls.Parsed p = SiteUrls.allowedReturn(ENTRIES, ok);
      assertTrue(p.origin().startsWith("http"), ok);
    }
  }

  @Test
  void foreignAndTrickyUrlsAreRefused() {
    for (String bad : List.of("https://evil.example/", "//evil.example/spring/", "/spring/",
        "https://tickets.example.com.evil.example/spring/", "https://tickets.example.com@evil.example/spring/",
        "https://evil.example@tickets.example.com/spring/", "https://tickets.example.com:8443/spring/",
        "http://tickets.example.com/spring/", "https://tickets.example.com/springfield",
        "https://tickets.example.com/spring", "https://tickets.example.com/spring/../admin",
        "https://tickets.example.com/spring/%2e%2e/admin", "https://tickets.example.com/spring/..%2fadmin",
        "https://tickets.example.com\\@evil.example/spring/", "https:\\\\evil.example/spring/",
        "https://tickets.example.com/spring/\\evil", "https:/tickets.example.com/spring/", "https:tickets.example.com/spring/",
        "javascript:alert(1)//https://tickets.example.com/spring/", "https://tickets.example.com /spring/",
        "https://tickets.example.com/spring/\n", "https://shop.example.com/buyer", "https://shop.example.com//buy",
        "https://tickets.example.com%2f@evil.example/spring/", "https://tickets.example.com:99999/spring/",
        "https://tickets.example.com:/spring/", "https://tickets.exämple.com/spring/", "", "ftp://tickets.example.com/spring/",
        "http://127.0.0.1:8082/.foyer/return", "http://127.0.0.1/.foyer/return")) {
      ApiError e = assertThrows(ApiError.class, () -> SiteUrls.allowedReturn(ENTRIES, bad), bad);
      assertEquals("return_url_not_allowed", e.code(), bad);
      assertEquals(400, e.status());
    }
    assertThrows(ApiError.class, () -> SiteUrls.allowedReturn(ENTRIES, null));
  }

  /**
   * What a server behind the prefix may read as another path: an empty segment (some proxies and
   * frameworks collapse {@code //}, and {@code //evil.com} is a host to a browser resolving a
   * relative path), Tomcat's {@code ;} path parameters ({@code /spring/..;/admin} is {@code /admin}
   * there), and anything encoded twice ({@code %252e} is {@code %2e} after one decoding and
   * {@code .} after the second).
   */
  @Test
  void pathsAServerCouldReadOutsideThePrefixAreRefused() {
    List<String> entries = List.of("https://shop.example/spring/");
    for (String bad : List.of("https://shop.example/spring//evil.com", "https://shop.example/spring//",
        "https://shop.example/spring/a//b", "https://shop.example/spring/..;/admin", "https://shop.example/spring/;x/a",
        "https://shop.example/spring/a;jsessionid=1", "https://shop.example/spring/%3b/a", "https://shop.example/spring/%3B/a",
        "https://shop.example/spring/%252e%252e/admin", "https://shop.example/spring/%252E%252E/admin",
        "https://shop.example/spring/%252f", "https://shop.example/spring/100%25", "https://shop.example/spring/a%00",
        "https://shop.example/spring/.", "https://shop.example/spring/./a", "https://shop.example/spring/..",
        "https://shop.example/spring/.%2e/admin", "https://shop.example/spring/%2E%2E/admin")) {
      ApiError e = assertThrows(ApiError.class, () -> SiteUrls.allowedReturn(entries, bad), bad);
      assertEquals("return_url_not_allowed", e.code(), bad);
    }
    // the query and the fragment are the site's own: encoded characters there are fine
    for (String ok : List.of("https://shop.example/spring/seats?next=%2F..%2Fa%3Bb&p=100%25",
        "https://shop.example/spring/seats#a//b;c", "https://shop.example/spring/.well-known/x",
        "https://shop.example/spring/a..b/c...", "https://shop.example/spring/caf%C3%A9")) {
      assertEquals("https://shop.example", SiteUrls.allowedReturn(entries, ok).origin(), ok);
    }
    assertThrows(ApiError.class, () -> EventSettings.defaults().merge(new JsonObject()
        .put("returnUrls", new JsonArray().add("https://shop.example/spring;x/"))), "entries follow the grammar too");
  }

  @Test
  void theCodeGoesIntoTheQueryBeforeAnyFragment() {
    assertEquals("https://tickets.example.com/spring/?foyer_code=abc",
        SiteUrls.parse("https://tickets.example.com/spring/").with("foyer_code", "abc"));
    assertEquals("https://tickets.example.com:8443/spring/?a=1&foyer_code=abc#s",
        SiteUrls.parse("https://tickets.example.com:8443/spring/?a=1#s").with("foyer_code", "abc"));
  }

  @Test
  void settingsTakeOriginsAndPrefixesAndRefuseAnythingElse() {
    EventSettings s = EventSettings.defaults().merge(new JsonObject()
        .put("returnUrls", new JsonArray().add("https://Tickets.example.com:443/spring/").add("http://site.test:8080"))
        .put("corsOrigins", new JsonArray().add("https://tickets.example.com").add("http://site.test:8080")));
    assertEquals(List.of("https://tickets.example.com/spring/", "http://site.test:8080/"), s.returnUrls());
    assertEquals(List.of("https://tickets.example.com", "http://site.test:8080"), s.corsOrigins());
    assertEquals(s, EventSettings.defaults().merge(s.toJson()), "settings survive their JSON");
    for (JsonObject bad : List.of(new JsonObject().put("returnUrls", "https://a.example"),
        new JsonObject().put("returnUrls", new JsonArray().add("https://a.example/?q=1")),
        new JsonObject().put("returnUrls", new JsonArray().add("https://u@a.example/")),
        new JsonObject().put("returnUrls", new JsonArray().add(3)),
        new JsonObject().put("corsOrigins", new JsonArray().add("https://a.example/")),
        new JsonObject().put("corsOrigins", new JsonArray().add("https://a.example/x")),
        new JsonObject().put("corsOrigins", new JsonArray().add("*")),
        new JsonObject().put("corsOrigins", new JsonArray(java.util.Collections.nCopies(21, "https://a.example"))))) {
      ApiError e = assertThrows(ApiError.class, () -> EventSettings.defaults().merge(bad), bad.encode());
      assertEquals("invalid_setting", e.code());
    }
  }

  @Test
  void originsMatchExactly() {
    List<String> origins = List.of("https://tickets.example.com", "http://127.0.0.1:8081");
    assertTrue(SiteUrls.originAllowed(origins, "https://tickets.example.com"));
    assertTrue(SiteUrls.originAllowed(origins, "http://127.0.0.1:8081"));
    for (String o : List.of("https://tickets.example.com/", "https://tickets.example.com.evil", "null",
        "http://tickets.example.com", "http://127.0.0.1:8082", "https://evil.example")) {
      assertFalse(SiteUrls.originAllowed(origins, o), o);
    }
  }
}
