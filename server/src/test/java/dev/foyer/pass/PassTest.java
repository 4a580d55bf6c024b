package dev.foyer.pass;

import dev.foyer.support.ApiClient;
import dev.foyer.support.FoyerCluster;
import dev.foyer.support.Jwks;
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

  private static String decode(String part) {
    return Jwks.decode(part);
  }

  private static boolean verify(JsonObject jwk, String signed, String signature) {
    return Jwks.verify(jwk, signed, signature);
  }

}
