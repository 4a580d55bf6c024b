package dev.foyer.ingress;

import dev.foyer.support.ApiClient;
import dev.foyer.support.Chromium;
import dev.foyer.support.FoyerPages;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Locale;

import static dev.foyer.support.Waits.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A presale link carries the lane's code: the waiting page joins with it (as people copy codes,
 * with dashes and in small letters), so the buyer waits in the presale lane, and the code's one
 * use is taken once however often the page is reloaded.
 */
@ExtendWith(VertxExtension.class)
class LaneLinkPageTest {

  private static final String EVENT = "presale-night";

  @RegisterExtension
  static final FoyerPages pages = FoyerPages.oneNode();

  @Test
  void aPresaleLinkJoinsThePresaleLaneWithItsCode() throws Exception {
    ApiClient api = pages.api();
    await(api.createEvent(EVENT, new JsonObject().put("gate", "on").put("paused", true).put("rankPushMillis", 200)
        .put("lanes", new JsonArray().add(new JsonObject().put("name", "presale").put("share", 0.5)))));
    HttpResponse<Buffer> made = await(api.admin(HttpMethod.POST, "/api/admin/events/" + EVENT + "/codes")
        .sendJsonObject(new JsonObject().put("lane", "presale").put("count", 1).put("uses", 1)));
    assertEquals(201, made.statusCode(), made.bodyAsString());
    String code = made.bodyAsJsonObject().getJsonArray("codes").getString(0);
    String typed = (code.substring(0, 4) + "-" + code.substring(4)).toLowerCase(Locale.ROOT);

    Chromium.Page page = pages.open("/events/" + EVENT + "?code=" + typed);
    await(page.waitFor(FoyerPages.LIVE + " && document.getElementById('position').textContent === '1'", 30_000));
    String token = (String) await(page.eval("localStorage.getItem('foyer.token." + EVENT + "')"));
    JsonObject me = await(api.request(HttpMethod.GET, "/api/events/" + EVENT + "/visitors/me")
        .bearerTokenAuthentication(token).send()).bodyAsJsonObject();
    assertEquals("presale", me.getString("lane"), me.encode());

    // a reload rejoins with the token: the same place, and the code's use is not taken again
    await(page.eval("location.reload()"));
    await(page.waitFor(FoyerPages.LIVE + " && document.getElementById('position').textContent === '1'", 30_000));
    JsonArray codes = await(api.admin(HttpMethod.GET, "/api/admin/events/" + EVENT + "/codes").send())
        .bodyAsJsonObject().getJsonArray("codes");
    assertEquals(0L, codes.getJsonObject(0).getLong("left"), codes.encode());
    assertEquals(1L, await(api.stats(EVENT)).getLong("waiting"), "one buyer, one place");
  }
}
