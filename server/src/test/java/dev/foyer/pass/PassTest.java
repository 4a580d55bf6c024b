package dev.foyer.pass;

import dev.foyer.support.ApiClient;
import dev.foyer.support.FoyerCluster;
import dev.foyer.support.Jwks;
import dev.foyer.support.TestNode;
import dev.foyer.support.TestSetup;
import dev.foyer.support.Waits;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import static dev.foyer.support.Waits.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Passes verify with nothing but the published JWKS and the JDK's own crypto, on every node. */
@ExtendWith(VertxExtension.class)
class PassTest {

  private static final String EVENT = "summer-fest";

  @RegisterExtension
  static final FoyerCluster cluster = FoyerCluster.nodes(2);

  private static JsonObject jwks(ApiClient api) {
    return await(api.request(HttpMethod.GET, "/.well-known/jwks.json").send()).bodyAsJsonObject();
  }

  @Test
  void anAdmittedVisitorsPassVerifiesAgainstTheJwksOfAnyNode() {
    ApiClient apiA = cluster.api(0);
    ApiClient apiB = cluster.api(1);
    await(apiA.createEvent(EVENT, new JsonObject().put("gate", "off").put("activeSeconds", 120)));
    String token = await(apiA.join(EVENT)).bodyAsJsonObject().getString("token");
    JsonObject body = await(apiB.me(EVENT, token)).bodyAsJsonObject();
    JsonObject jwksA = jwks(apiA);
    JsonObject jwksB = jwks(apiB);
    assertEquals("active", body.getString("state"));
    assertEquals(jwksA, jwksB, "every node publishes the same key");
    JsonObject jwk = jwksA.getJsonArray("keys").getJsonObject(0);
    String pass = body.getString("pass");
    String[] parts = pass.split("\\.");
    JsonObject header = new JsonObject(decode(parts[0]));
    JsonObject claims = new JsonObject(decode(parts[1]));
    assertEquals("RS256", header.getString("alg"));
    assertEquals(jwk.getString("kid"), header.getString("kid"));
    assertTrue(verify(jwk, parts[0] + "." + parts[1], parts[2]), "signature verifies");
    assertFalse(verify(jwk, parts[0] + "." + parts[1].replace('A', 'B') + "x", parts[2]));
    assertEquals("foyer", claims.getString("iss"));
    assertEquals(EVENT, claims.getString("aud"));
    assertEquals(body.getString("visitor"), claims.getString("sub"));
    assertEquals(body.getLong("activeUntil") / 1000, claims.getLong("exp"));
  }

  @Test
  void aNodeWithAnotherSecretRefusesToStartInsteadOfMakingANewKey() {
    ApiClient apiA = cluster.api(0);
    TestNode nodeB = cluster.node(1);
    TestSetup setup = cluster.setup();
    var foreign = setup.config().withKeys(TestSetup.ADMIN_KEY, "not-the-cluster-secret-42");
    await(nodeB.undeploy());
    JsonObject before = jwks(apiA);
    Future<Void> started = nodeB.deploy(foreign);
    // awaited whichever way it ends: how it ended is what is checked
    await(started.otherwiseEmpty());
    assertTrue(started.failed(), "a node that cannot open the stored key must not start");
    assertInstanceOf(PassKeyException.class, started.cause());
    assertTrue(started.cause().getMessage().contains("sealed under another FOYER_SECRET"),
        started.cause().getMessage());
    assertEquals(before, jwks(apiA), "the cluster's key is untouched");
  }

  @Test
  void afterARotationThroughTheAdminApiEveryNodeServesBothKeysAndPassesSignedBeforeStillHold() throws Exception {
    ApiClient apiA = cluster.api(0);
    ApiClient apiB = cluster.api(1);
    await(apiA.createEvent(EVENT, new JsonObject().put("gate", "off").put("activeSeconds", 120)));
    JsonObject visitor = await(apiA.admitted(EVENT));
    String passBefore = visitor.getString("pass");
    String token = visitor.getString("token");
    assertEquals(401, await(apiA.request(HttpMethod.POST, "/api/admin/pass-keys/rotate").send()).statusCode(),
        "a rotate without the admin key must get 401");
    HttpResponse<Buffer> rotation = await(apiA.admin(HttpMethod.POST, "/api/admin/pass-keys/rotate").send());
    JsonObject rotated = rotation.bodyAsJsonObject();
    assertEquals(200, rotation.statusCode(), rotation.bodyAsString());
    // node B hears of it on the event bus, no restart
    JsonObject jwks = Waits.until("node B serves both keys", 5000, () -> jwks(apiB),
        set -> set.getJsonArray("keys").size() == 2);
    HttpResponse<Buffer> held = await(apiB.hold(EVENT, passBefore, "A-1-1"));
    JsonObject status = await(apiB.me(EVENT, token)).bodyAsJsonObject();
    assertEquals(rotated.getString("current"), jwks.getJsonArray("keys").getJsonObject(0).getString("kid"));
    assertEquals(rotated.getString("previous"), jwks.getJsonArray("keys").getJsonObject(1).getString("kid"));
    assertEquals(201, held.statusCode(), "a pass signed before the rotation still holds seats: "
        + held.bodyAsString());
    String fresh = status.getString("pass");
    assertEquals(rotated.getString("current"),
        new JsonObject(decode(fresh.split("\\.")[0])).getString("kid"), "node B signs with the new key");
    assertEquals(status.getString("visitor"), Jwks.verifiedClaims(jwks, fresh).getString("sub"));
    assertEquals(status.getString("visitor"), Jwks.verifiedClaims(jwks, passBefore).getString("sub"));
  }

  private static String decode(String part) {
    return Jwks.decode(part);
  }

  private static boolean verify(JsonObject jwk, String signed, String signature) {
    return Jwks.verify(jwk, signed, signature);
  }

}
