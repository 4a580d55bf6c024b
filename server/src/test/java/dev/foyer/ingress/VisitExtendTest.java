package dev.foyer.ingress;

import dev.foyer.common.Keys;
import dev.foyer.support.ApiClient;
import dev.foyer.support.BridgeClient;
import dev.foyer.support.FoyerCluster;
import dev.foyer.support.Waits;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import static dev.foyer.support.Waits.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code POST .../visitors/me/extend} on two nodes: the site's backend gives an admitted visitor
 * more time with the pass. activeUntil and the hold's expiry move on, a fresh pass (and cookie)
 * runs until the new end and the gate takes it, the page connected to the other node is told, the
 * old pass's exp does not end the visit, and a retry with the same Idempotency-Key extends once.
 */
@ExtendWith(VertxExtension.class)
class VisitExtendTest {

  static final String EVENT = "night-market";

  @RegisterExtension
  static final FoyerCluster cluster = FoyerCluster.nodes(2);

  static void create(JsonObject settings) {
    // nobody is reaped as disconnected while a test runs
    await(cluster.api(0).createEvent(EVENT, settings.copy().put("gate", "off").put("graceSeconds", 3600)));
  }

  static HttpRequest<Buffer> extending(ApiClient api, String pass, String key) {
    HttpRequest<Buffer> request = api.request(HttpMethod.POST, "/api/events/" + EVENT + "/visitors/me/extend");
    if (pass != null) {
      request.bearerTokenAuthentication(pass);
    }
    return key == null ? request : request.putHeader("Idempotency-Key", key);
  }

  static HttpResponse<Buffer> extend(ApiClient api, String pass, int seconds, String key) {
    return await(extending(api, pass, key).sendJsonObject(new JsonObject().put("seconds", seconds)));
  }

  static long exp(String pass) {
    return new JsonObject(new String(Base64.getUrlDecoder().decode(pass.split("\\.")[1]), StandardCharsets.UTF_8))
        .getLong("exp");
  }

  static HttpResponse<Buffer> gate(ApiClient api, String pass) {
    return await(api.request(HttpMethod.GET, "/api/events/" + EVENT + "/auth")
        .putHeader("Cookie", "foyer_pass_" + EVENT + "=" + pass).send());
  }

  private static Response redis(Request request) {
    return await(cluster.redis().send(request));
  }

  private static Keys keys() {
    return new Keys(cluster.setup().prefix(), EVENT);
  }

  @Test
  void extendingMovesTheTimeAndTheHoldOnAndThePageAndTheGateFollow(Vertx vertx) {
    create(new JsonObject());
    ApiClient a = cluster.api(0);
    ApiClient b = cluster.api(1);
    JsonObject visitor = await(a.admitted(EVENT));
    String id = visitor.getString("visitor");
    long until = visitor.getLong("activeUntil");
    JsonObject hold = await(a.hold(EVENT, visitor.getString("pass"), "A-2-3")).bodyAsJsonObject();
    BridgeClient page = await(BridgeClient.connect(vertx, cluster.node(0).port()));
    try {
      await(page.registerVisitor(id, visitor.getString("token")));
      await(page.nextMessage("foyer.visitor." + id, "admitted", 10_000));

      HttpResponse<Buffer> r = extend(b, visitor.getString("pass"), 120, "extend-attempt-0001");
      assertEquals(200, r.statusCode(), r.bodyAsString());
      JsonObject answer = r.bodyAsJsonObject();
      long later = until + 120_000;
      assertEquals(later, answer.getLong("activeUntil"));
      assertEquals(later / 1000, exp(answer.getString("pass")), "the fresh pass runs until the new end");
      assertEquals(120, answer.getLong("extended"));
      assertEquals(180, answer.getLong("left"), "of the default maxExtendSeconds, 300");
      assertEquals(new JsonObject().put("holdId", hold.getString("holdId"))
          .put("expiresAt", hold.getLong("expiresAt") + 120_000), answer.getJsonObject("hold"));
      assertEquals(hold.getLong("expiresAt") + 120_000, Double.valueOf(redis(Request.cmd(Command.ZSCORE)
          .arg(keys().holdExpiry).arg(hold.getString("holdId"))).toString()).longValue(), "the hold runs out later");
      String cookie = r.cookies().get(0);
      assertTrue(cookie.startsWith("foyer_pass_" + EVENT + "=" + answer.getString("pass") + ";"), cookie);
      assertTrue(cookie.toLowerCase(java.util.Locale.ROOT).contains("httponly") && cookie.contains("Path=/"), cookie);

      // the page connected to the other node is told the new end, with a pass that runs that long
      JsonObject told = await(page.next(f -> "rec".equals(f.getString("type"))
          && "admitted".equals(f.getJsonObject("body").getString("type"))
          && f.getJsonObject("body").getLong("activeUntil") == later, 10_000)).getJsonObject("body");
      assertEquals(later / 1000, exp(told.getString("pass")));

      // the visitor's status, introspection and the gate show the new end
      assertEquals(later, await(a.me(EVENT, visitor.getString("token"))).bodyAsJsonObject().getLong("activeUntil"));
      JsonObject introspected = await(a.request(HttpMethod.POST, "/api/passes/introspect")
          .sendJsonObject(new JsonObject().put("token", answer.getString("pass")))).bodyAsJsonObject();
      assertEquals(true, introspected.getBoolean("active"));
      assertEquals(later, introspected.getLong("activeUntil"));
      HttpResponse<Buffer> through = gate(a, answer.getString("pass"));
      assertEquals(200, through.statusCode());
      assertEquals(Long.toString(later / 1000), through.getHeader("X-Foyer-Expires"));

      // a retry with the same key, on either node, extends nothing more
      for (ApiClient api : List.of(a, b)) {
        HttpResponse<Buffer> again = extend(api, visitor.getString("pass"), 120, "extend-attempt-0001");
        assertEquals(200, again.statusCode(), again.bodyAsString());
        assertEquals("true", again.getHeader("Idempotent-Replayed"));
        assertEquals(later, again.bodyAsJsonObject().getLong("activeUntil"));
        assertEquals(120, again.bodyAsJsonObject().getLong("extended"));
      }
      assertEquals(later, await(b.me(EVENT, visitor.getString("token"))).bodyAsJsonObject().getLong("activeUntil"));
    } finally {
      await(page.close());
    }
  }

  @Test
  void theOldPassEndsAtItsExpButTheVisitGoesOnWithTheFreshOne() throws Exception {
    create(new JsonObject().put("activeSeconds", 4));
    ApiClient a = cluster.api(0);
    JsonObject visitor = await(a.admitted(EVENT));
    String old = visitor.getString("pass");
    HttpResponse<Buffer> r = extend(cluster.api(1), old, 30, null);
    assertEquals(200, r.statusCode(), r.bodyAsString());
    String fresh = r.bodyAsJsonObject().getString("pass");
    long later = r.bodyAsJsonObject().getLong("activeUntil");

    Waits.until("the old pass is refused once its exp passed", 15_000, () -> gate(a, old).statusCode() == 401);
    assertTrue(System.currentTimeMillis() >= visitor.getLong("activeUntil") / 1000 * 1000, "not before its exp");
    assertEquals(200, gate(a, fresh).statusCode(), "the visit goes on: the ticks did not end it");
    JsonObject me = await(a.me(EVENT, visitor.getString("token"))).bodyAsJsonObject();
    assertEquals("active", me.getString("state"));
    assertEquals(later, me.getLong("activeUntil"));
  }

  @Test
  void concurrentExtensionsFromBothNodesNeverPassTheBound() {
    create(new JsonObject().put("maxExtendSeconds", 100));
    JsonObject visitor = await(cluster.api(0).admitted(EVENT));
    List<Future<HttpResponse<Buffer>>> calls = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      calls.add(extending(cluster.api(i % 2), visitor.getString("pass"), null)
          .sendJsonObject(new JsonObject().put("seconds", 10)));
    }
    await(Future.join(calls));
    int extended = 0;
    for (Future<HttpResponse<Buffer>> call : calls) {
      HttpResponse<Buffer> r = call.result();
      if (r.statusCode() == 200) {
        extended++;
      } else {
        assertEquals(409, r.statusCode(), r.bodyAsString());
        assertEquals("extend_limit", r.bodyAsJsonObject().getString("error"));
      }
    }
    assertEquals(10, extended, "100 s in steps of 10");
    assertEquals(visitor.getLong("activeUntil") + 100_000, await(cluster.api(1).me(EVENT, visitor.getString("token")))
        .bodyAsJsonObject().getLong("activeUntil"));
    assertEquals("100", redis(Request.cmd(Command.HGET).arg(keys().extended).arg(visitor.getString("visitor")))
        .toString());
  }
}
