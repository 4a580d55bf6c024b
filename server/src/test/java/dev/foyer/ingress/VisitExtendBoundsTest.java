package dev.foyer.ingress;

import dev.foyer.support.ApiClient;
import dev.foyer.support.FoyerCluster;
import dev.foyer.support.RedisSnapshot;
import dev.foyer.support.Waits;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.function.Supplier;

import static dev.foyer.support.Waits.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What an extension may not do, on two nodes: pass the event's {@code maxExtendSeconds} in all (0:
 * no extension at all), take bad input, or serve a visitor no longer active. Every refusal answers
 * the contract's code and leaves Redis exactly as it was.
 */
@ExtendWith(VertxExtension.class)
class VisitExtendBoundsTest {

  private static final String EVENT = VisitExtendTest.EVENT;

  @RegisterExtension
  static final FoyerCluster cluster = FoyerCluster.nodes(2);

  private static RedisSnapshot snapshot() {
    return await(RedisSnapshot.of(cluster.redis(), cluster.setup().prefix(), RedisSnapshot.Ignored.BACKGROUND));
  }

  /** The answer of {@code call}, which must be this refusal and change nothing stored. */
  private static JsonObject refused(Supplier<HttpResponse<Buffer>> call, int status, String code) {
    RedisSnapshot before = snapshot();
    HttpResponse<Buffer> r = call.get();
    assertEquals(status, r.statusCode(), r.bodyAsString());
    assertEquals(code, r.bodyAsJsonObject().getString("error"), r.bodyAsString());
    before.assertUnchangedIn(snapshot(), code + " changed the stored state");
    return r.bodyAsJsonObject();
  }

  private static HttpResponse<Buffer> extend(int node, String pass, int seconds) {
    return VisitExtendTest.extend(cluster.api(node), pass, seconds, null);
  }

  private static void create(int maxExtendSeconds) {
    await(cluster.api(0).createEvent(EVENT, new JsonObject().put("gate", "off").put("graceSeconds", 3600)
        .put("maxExtendSeconds", maxExtendSeconds)));
  }

  @Test
  void extensionsAddUpToMaxExtendSecondsAndNoFurther() {
    create(100);
    JsonObject visitor = await(cluster.api(0).admitted(EVENT));
    String pass = visitor.getString("pass");
    HttpResponse<Buffer> first = extend(0, pass, 60);
    assertEquals(200, first.statusCode(), first.bodyAsString());
    assertEquals(40, first.bodyAsJsonObject().getLong("left"));

    JsonObject over = refused(() -> extend(1, pass, 50), 409, "extend_limit");
    assertEquals(40, over.getLong("left"));
    assertEquals(100, over.getLong("maxExtendSeconds"));

    HttpResponse<Buffer> rest = extend(1, pass, 40);
    assertEquals(200, rest.statusCode(), rest.bodyAsString());
    assertEquals(0, rest.bodyAsJsonObject().getLong("left"));
    assertEquals(visitor.getLong("activeUntil") + 100_000, rest.bodyAsJsonObject().getLong("activeUntil"));
    assertEquals(0, refused(() -> extend(0, pass, 1), 409, "extend_limit").getLong("left"));
  }

  @Test
  void zeroTurnsExtensionOffOnEveryNode() throws Exception {
    create(300);
    JsonObject visitor = await(cluster.api(0).admitted(EVENT));
    String pass = visitor.getString("pass");
    HttpResponse<Buffer> off = await(cluster.api(0).admin(HttpMethod.PUT, "/api/admin/events/" + EVENT + "/settings")
        .sendJsonObject(new JsonObject().put("maxExtendSeconds", 0)));
    assertEquals(200, off.statusCode(), off.bodyAsString());
    JsonObject answer = refused(() -> extend(0, pass, 1), 409, "extend_limit");
    assertEquals(0, answer.getLong("left"));
    assertEquals(0, answer.getLong("maxExtendSeconds"));
    // the other node hears of the change within a second
    Waits.until("the other node refuses too", 5_000, () -> extend(1, pass, 1).statusCode() == 409);
    refused(() -> extend(1, pass, 1), 409, "extend_limit");
    assertEquals(visitor.getLong("activeUntil"), await(cluster.api(1).me(EVENT, visitor.getString("token")))
        .bodyAsJsonObject().getLong("activeUntil"));
  }

  @Test
  void badInputAndPassesOfNobodyActiveChangeNothing() {
    create(300);
    ApiClient api = cluster.api(1);
    JsonObject visitor = await(cluster.api(0).admitted(EVENT));
    String pass = visitor.getString("pass");
    for (String body : new String[] {"{}", "{\"seconds\": null}", "{\"seconds\": -5}", "{\"seconds\": 0}",
        "{\"seconds\": 1.5}", "{\"seconds\": \"60\"}", "{\"seconds\": 1e30}", "{\"seconds\": 86401}",
        "{\"seconds\": 18446744073709551623}"}) {
      refused(() -> await(VisitExtendTest.extending(api, pass, null).putHeader("Content-Type", "application/json")
          .sendBuffer(Buffer.buffer(body))), 400, "invalid_seconds");
    }
    refused(() -> await(VisitExtendTest.extending(api, pass, null).send()), 400, "invalid_json");
    refused(() -> await(VisitExtendTest.extending(api, pass, null).putHeader("Content-Type", "application/json")
        .sendBuffer(Buffer.buffer("{\"seconds\": "))), 400, "invalid_json");
    refused(() -> await(VisitExtendTest.extending(api, pass, null)
        .sendJsonObject(new JsonObject().put("seconds", 30).put("minutes", 1))), 400, "unknown_field");
    refused(() -> VisitExtendTest.extend(api, pass, 30, "short"), 400, "invalid_idempotency_key");
    refused(() -> VisitExtendTest.extend(api, null, 30, null), 401, "missing_pass");
    refused(() -> VisitExtendTest.extend(api, pass.substring(0, pass.length() - 4) + "AAAA", 30, null),
        403, "not_admitted");
    refused(() -> VisitExtendTest.extend(api, visitor.getString("token"), 30, null), 403, "not_admitted");

    assertEquals(204, await(api.leave(EVENT, visitor.getString("token"))).statusCode());
    refused(() -> extend(0, pass, 30), 403, "not_admitted");
    refused(() -> await(api.request(HttpMethod.POST, "/api/events/" + EVENT + "/visitors/me/complete")
        .bearerTokenAuthentication(pass).send()), 403, "not_admitted");
  }
}
