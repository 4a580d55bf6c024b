package dev.foyer.ingress;

import dev.foyer.support.ApiClient;
import dev.foyer.support.Chromium;
import dev.foyer.support.FoyerPages;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import static dev.foyer.support.Waits.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A browser that asks for Korean ({@code Accept-Language: ko-KR}) gets the waiting room in Korean,
 * with the event's Korean name and message and its branding (colours applied, logo drawn), under the
 * pages' policy; the switch turns it to English in place, keeping the place, and is remembered over
 * the browser's language. The seat page follows the same language.
 */
@ExtendWith(VertxExtension.class)
class LanguagePagesTest {

  private static final String LIVE_POSITION = FoyerPages.LIVE + " && document.getElementById('position').textContent";

  @RegisterExtension
  static final FoyerPages pages = FoyerPages.oneNode();

  private static void create(String event, JsonObject settings) {
    JsonObject body = EventLookTest.look().put("name", "Seoul night").put("seats", ApiClient.layout(5, 10))
        .put("settings", settings);
    int status = await(pages.api().admin(HttpMethod.PUT, "/api/admin/events/" + event).sendJsonObject(body)).statusCode();
    assertEquals(201, status);
  }

  /** A tab whose requests say Accept-Language: ko-KR (and whose navigator says Korean), on `path`. */
  private static Chromium.Page korean(String path) {
    Chromium.Page page = await(pages.chromium().open("about:blank"));
    String agent = String.valueOf(await(page.eval("navigator.userAgent")));
    await(page.call("Network.enable", new JsonObject()));
    await(page.call("Emulation.setUserAgentOverride", new JsonObject().put("userAgent", agent)
        .put("acceptLanguage", "ko-KR,ko")));
    await(page.collectLog());
    await(page.call("Page.navigate", new JsonObject().put("url", pages.url(path))));
    return page;
  }

  private static Object eval(Chromium.Page page, String js) {
    return await(page.eval(js));
  }

  private static void keep(String name) throws Exception {
    Path shots = Path.of("/work/shots/i18n");
    try {
      Files.createDirectories(shots);
      for (String size : new String[] {"desktop", "phone"}) {
        Path shot = Path.of("target", "shots", name + "-" + size + ".png");
        if (Files.exists(shot)) {
          Files.copy(shot, shots.resolve(shot.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        }
      }
    } catch (java.io.IOException notHere) {
      // only where /work is writable: the shots stay in target/shots
    }
  }

  @Test
  void aKoreanBrowserWaitsInKoreanUnderTheEventsBrandingAndTheSwitchTurnsItToEnglish() throws Exception {
    String event = "seoul-night";
    create(event, FoyerPages.oneAtATime().put("paused", true));
    Chromium.Page page = korean("/events/" + event);
    assertEquals("1", String.valueOf(await(page.waitFor(LIVE_POSITION, 20_000))));
    JsonArray ko = (JsonArray) eval(page, "[document.documentElement.lang, document.getElementById('name').textContent,"
        + " document.querySelector('#waiting-card .label').textContent, document.getElementById('connection').textContent,"
        + " document.getElementById('away').textContent, document.getElementById('event-message').textContent,"
        + " document.getElementById('eta').textContent, document.title, document.getElementById('lang-switch').textContent]");
    assertEquals("ko", ko.getString(0));
    assertEquals("서울 나이트 콘서트", ko.getString(1), "the event's Korean name");
    assertEquals("나의 대기 순번", ko.getString(2));
    assertEquals("실시간", ko.getString(3));
    assertTrue(ko.getString(4).contains("최대 10분 동안은 대기 순번이 유지됩니다"), ko.getString(4));
    assertEquals("1인 최대 4매까지 예매할 수 있습니다.", ko.getString(5));
    assertTrue(ko.getString(6).equals("일시 중지") || ko.getString(6).equals("계산 중…"), ko.getString(6));
    assertEquals("서울 나이트 콘서트 · foyer", ko.getString(7));
    assertEquals("English", ko.getString(8));

    // the branding: colours as custom properties (the place in the accent), the logo drawn, its text
    JsonArray brand = (JsonArray) await(page.waitFor("document.getElementById('brand-logo').naturalWidth > 0 && ["
        + " getComputedStyle(document.documentElement).getPropertyValue('--accent').trim(),"
        + " getComputedStyle(document.getElementById('position')).color,"
        + " getComputedStyle(document.body).backgroundColor,"
        + " document.getElementById('brand-logo').naturalWidth, document.getElementById('brand-text').textContent]", 10_000));
    assertEquals("#e4002b", brand.getString(0));
    assertEquals("rgb(228, 0, 43)", brand.getString(1));
    assertEquals("rgb(255, 255, 255)", brand.getString(2));
    assertEquals(120, brand.getInteger(3));
    assertEquals("Presented by Interpark", brand.getString(4));
    assertTrue(page.policyViolations().isEmpty(), page.policyViolations().toString());

    await(page.viewport(false));
    FoyerPages.shot(page, "i18n-waiting-ko", "1280,800");
    await(page.viewport(true));
    FoyerPages.shot(page, "i18n-waiting-ko", "390,844");
    keep("i18n-waiting-ko");

    // the switch: English at once, the same place and connection, remembered over Accept-Language
    String visitor = String.valueOf(eval(page, "foyerLine.visitor"));
    eval(page, "document.getElementById('lang-switch').click(); true");
    JsonArray en = (JsonArray) eval(page, "[document.documentElement.lang, document.getElementById('name').textContent,"
        + " document.querySelector('#waiting-card .label').textContent, document.getElementById('connection').textContent,"
        + " document.getElementById('event-message').textContent, document.getElementById('position').textContent,"
        + " document.cookie, document.getElementById('lang-switch').textContent, foyerLine.visitor]");
    assertEquals("en", en.getString(0));
    assertEquals("Seoul night", en.getString(1));
    assertEquals("Your place in line", en.getString(2));
    assertEquals("Live", en.getString(3));
    assertEquals("Up to 4 tickets per person.", en.getString(4));
    assertEquals("1", en.getString(5));
    assertTrue(en.getString(6).contains("foyer_lang=en"), en.getString(6));
    assertEquals("한국어", en.getString(7));
    assertEquals(visitor, en.getString(8), "the same visitor: no reload");
    await(page.viewport(false));
    FoyerPages.shot(page, "i18n-waiting-en-branded", "1280,800");
    keep("i18n-waiting-en-branded");
    eval(page, "location.reload(); true");
    Object again = await(page.waitFor(LIVE_POSITION + " && document.documentElement.lang + ' '"
        + " + document.getElementById('name').textContent", 20_000));
    assertEquals("en Seoul night", again, "the cookie wins over the browser's Korean");
  }

  @Test
  void theSeatPageFollowsTheLanguage() throws Exception {
    String event = "seoul-seats";
    create(event, new JsonObject().put("gate", "off").put("activeSeconds", 300));
    Chromium.Page page = korean("/events/" + event);
    await(page.waitFor("!document.getElementById('turn-card').hidden", 20_000));
    assertEquals("고객님 차례입니다!", eval(page, "document.querySelector('#turn-card h2').textContent"));
    assertTrue(String.valueOf(eval(page, "document.getElementById('turn-time').textContent")).matches("[45]분"),
        String.valueOf(eval(page, "document.getElementById('turn-time').textContent")));
    eval(page, "document.getElementById('turn-go').click(); true");
    await(page.waitFor("location.pathname.endsWith('/seats') && document.querySelectorAll('#map circle').length === 50", 20_000));
    await(page.waitFor(FoyerPages.LIVE, 15_000));
    JsonArray ko = (JsonArray) eval(page, "[document.documentElement.lang, document.getElementById('name').textContent,"
        + " document.querySelector('#best-card h2').textContent, document.getElementById('hold-seats').textContent,"
        + " document.getElementById('connection').textContent, document.querySelector('#map circle title').textContent]");
    assertEquals("ko", ko.getString(0));
    assertEquals("서울 나이트 콘서트", ko.getString(1));
    assertEquals("좌석 자동 배정", ko.getString(2));
    assertEquals("아직 선택한 좌석이 없습니다.", ko.getString(3));
    assertEquals("실시간", ko.getString(4));
    assertEquals("A구역 1열 1번", ko.getString(5));
    eval(page, "document.getElementById('find').click(); true");
    Object message = await(page.waitFor("!document.getElementById('message').hidden"
        + " && document.getElementById('message').textContent", 10_000));
    assertEquals("연석 2석을 찾았습니다.", message);
    assertTrue(page.policyViolations().isEmpty(), page.policyViolations().toString());
    await(page.viewport(false));
    FoyerPages.shot(page, "i18n-seats-ko", "1280,800");
    await(page.viewport(true));
    eval(page, "document.getElementById('zoom-fit').click(); true");
    FoyerPages.shot(page, "i18n-seats-ko", "390,844");
    keep("i18n-seats-ko");
  }
}
