package dev.foyer.ingress;

import dev.foyer.common.BoundedFetch;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** What a booking site's JWKS must look like for its keys to be taken; anything else is a failed fetch, said in words. */
class JwksShapeTest {

  private static JsonObject rsaJwk() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    RSAPublicKey rsa = (RSAPublicKey) generator.generateKeyPair().getPublic();
    Base64.Encoder url = Base64.getUrlEncoder().withoutPadding();
    return new JsonObject().put("kty", "RSA").put("alg", "RS256").put("kid", "site-1")
        .put("n", url.encodeToString(rsa.getModulus().toByteArray()))
        .put("e", url.encodeToString(rsa.getPublicExponent().toByteArray()));
  }

  private static String refusal(String body) {
    return assertThrows(BoundedFetch.Failure.class, () -> Identities.keySet(Buffer.buffer(body)), body).getMessage();
  }

  @Test
  void aSetOfUsablePublicKeysIsTakenAndTheJunkBesideThemLeft() throws Exception {
    JsonObject good = rsaJwk();
    JsonArray keys = new JsonArray().add(good).add("not a key").add(new JsonObject().put("kty", "RSA"))
        .add(new JsonObject().put("kty", "nonsense"));
    assertEquals(1, Identities.keySet(new JsonObject().put("keys", keys).toBuffer()).getJwks().size());
  }

  @Test
  void anythingElseIsRefusedWithAReason() throws Exception {
    assertEquals("the answer is not a JSON object", refusal("<html>Oops</html>"));
    assertEquals("the answer is not a JSON object", refusal("[1, 2]"));
    assertEquals("the answer has no \"keys\" array of keys", refusal("{}"));
    assertEquals("the answer has no \"keys\" array of keys", refusal("{\"keys\": []}"));
    assertEquals("the answer has no \"keys\" array of keys", refusal("{\"keys\": \"x\"}"));
    assertEquals("the answer has no usable RSA or EC public key", refusal("{\"keys\": [1, {\"kty\": \"RSA\"}]}"));
    JsonArray many = new JsonArray();
    JsonObject good = rsaJwk();
    for (int i = 0; i <= Identities.MAX_KEYS; i++) {
      many.add(good.copy().put("kid", "k" + i));
    }
    assertEquals("the answer has 33 keys, more than the 32 taken", refusal(new JsonObject().put("keys", many).encode()));
  }
}
