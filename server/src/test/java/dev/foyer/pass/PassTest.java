package dev.foyer.pass;

import dev.foyer.support.ApiClient;
import dev.foyer.support.FoyerCluster;
import dev.foyer.support.Jwks;
import dev.foyer.support.TestNode;
import dev.foyer.support.TestSetup;
import dev.foyer.support.Waits;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

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

  @Test
  void anAdmittedVisitorsPassVerifiesAgainstTheJwksOfAnyNode(Vertx vertx, VertxTestContext ctx) {
    ApiClient apiA = cluster.api(0);
    ApiClient apiB = cluster.api(1);
    apiA.createEvent(EVENT, new JsonObject().put("gate", "off").put("activeSeconds", 120))
        .compose(v -> apiA.join(EVENT))
        .compose(joined -> apiB.me(EVENT, joined.bodyAsJsonObject().getString("token")))
        .compose(status -> apiA.request(HttpMethod.GET, "/.well-known/jwks.json").send()
            .compose(jwksA -> apiB.request(HttpMethod.GET, "/.well-known/jwks.json").send().map(jwksB -> {
              ctx.verify(() -> {
                JsonObject body = status.bodyAsJsonObject();
                assertEquals("active", body.getString("state"));
                assertEquals(jwksA.bodyAsJsonObject(), jwksB.bodyAsJsonObject(), "every node publishes the same key");
                JsonObject jwk = jwksA.bodyAsJsonObject().getJsonArray("keys").getJsonObject(0);
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
              });
              return null;
            })))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void aNodeWithAnotherSecretRefusesToStartInsteadOfMakingANewKey(Vertx vertx, VertxTestContext ctx) {
    ApiClient apiA = cluster.api(0);
    TestNode nodeB = cluster.node(1);
    TestSetup setup = cluster.setup();
    var foreign = setup.config().withKeys(TestSetup.ADMIN_KEY, "not-the-cluster-secret-42");
    nodeB.undeploy()
        .compose(v -> apiA.request(HttpMethod.GET, "/.well-known/jwks.json").send())
        .compose(before -> nodeB.deploy(foreign)
            .transform(started -> {
              ctx.verify(() -> {
                assertTrue(started.failed(), "a node that cannot open the stored key must not start");
                assertInstanceOf(PassKeyException.class, started.cause());
                assertTrue(started.cause().getMessage().contains("sealed under another FOYER_SECRET"),
                    started.cause().getMessage());
              });
              return apiA.request(HttpMethod.GET, "/.well-known/jwks.json").send();
            })
            .map(after -> {
              ctx.verify(() -> assertEquals(before.bodyAsJsonObject(), after.bodyAsJsonObject(),
                  "the cluster's key is untouched"));
              return null;
            }))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void afterARotationThroughTheAdminApiEveryNodeServesBothKeysAndPassesSignedBeforeStillHold(Vertx vertx,
                                                                                           VertxTestContext ctx) {
    ApiClient apiA = cluster.api(0);
    ApiClient apiB = cluster.api(1);
    String[] before = new String[2];
    JsonObject[] rotated = new JsonObject[1];
    apiA.createEvent(EVENT, new JsonObject().put("gate", "off").put("activeSeconds", 120))
        .compose(v -> apiA.admitted(EVENT))
        .compose(visitor -> {
          before[0] = visitor.getString("pass");
          before[1] = visitor.getString("token");
          return apiA.request(HttpMethod.POST, "/api/admin/pass-keys/rotate").send()
              .compose(r -> r.statusCode() != 401 ? Future.failedFuture("a rotate without the admin key must get 401")
                  : Future.succeededFuture());
        })
        .compose(v -> apiA.admin(HttpMethod.POST, "/api/admin/pass-keys/rotate").send())
        .compose(rotation -> {
          rotated[0] = rotation.bodyAsJsonObject();
          ctx.verify(() -> assertEquals(200, rotation.statusCode(), rotation.bodyAsString()));
          // node B hears of it on the event bus, no restart
          return Waits.until(vertx, () -> apiB.request(HttpMethod.GET, "/.well-known/jwks.json").send()
              .map(r -> r.bodyAsJsonObject()), set -> set.getJsonArray("keys").size() == 2, 5000);
        })
        .compose(jwks -> apiB.hold(EVENT, before[0], "A-1-1")
            .compose(held -> apiB.me(EVENT, before[1]).map(status -> {
              ctx.verify(() -> {
                assertEquals(rotated[0].getString("current"), jwks.getJsonArray("keys").getJsonObject(0).getString("kid"));
                assertEquals(rotated[0].getString("previous"), jwks.getJsonArray("keys").getJsonObject(1).getString("kid"));
                assertEquals(201, held.statusCode(), "a pass signed before the rotation still holds seats: "
                    + held.bodyAsString());
                String fresh = status.bodyAsJsonObject().getString("pass");
                assertEquals(rotated[0].getString("current"),
                    new JsonObject(decode(fresh.split("\\.")[0])).getString("kid"), "node B signs with the new key");
                assertEquals(status.bodyAsJsonObject().getString("visitor"),
                    Jwks.verifiedClaims(jwks, fresh).getString("sub"));
                assertEquals(status.bodyAsJsonObject().getString("visitor"),
                    Jwks.verifiedClaims(jwks, before[0]).getString("sub"));
              });
              return null;
            })))
        .onComplete(ctx.succeedingThenComplete());
  }

  private static io.vertx.core.Future<Void> restart(TestNode node) {
    var config = node.config();
    return node.undeploy().compose(v -> node.deploy(config));
  }

  private static String decode(String part) {
    return Jwks.decode(part);
  }

  private static boolean verify(JsonObject jwk, String signed, String signature) {
    return Jwks.verify(jwk, signed, signature);
  }

}
