package dev.foyer.pass;

import dev.foyer.common.ApiError;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/**
 * A pass is the text foyer signed, three unpadded base64url parts: any other text is refused before
 * the signature is checked, and leaves nothing in the node's cache of verified passes.
 */
@ExtendWith(VertxExtension.class)
class PassShapeTest {

  private static final String EVENT = "shape";

  private static Throwable refusal(Future<?> check) throws Exception {
    return check.transform(ar -> Future.succeededFuture(ar.cause())).await(10, TimeUnit.SECONDS);
  }

  @Test
  void onlyTheSignedTextIsAPassAndNoVariantCostsACacheEntry(Vertx vertx) throws Exception {
    Passes passes = new Passes(vertx, PassKeyRing.of(PassKey.generate()));
    String pass = passes.issue(EVENT, "visitor-1", System.currentTimeMillis() + 60_000);
    String[] parts = pass.split("\\.");
    List<String> variants = List.of(pass + ".", pass + "..", "." + pass, " " + pass, pass + " ", pass + "\n",
        pass + "." + parts[2], parts[0] + "." + parts[1], pass + "=", parts[0] + "=." + parts[1] + "." + parts[2],
        parts[0] + "." + parts[1] + ".+" + parts[2].substring(1), pass + "a".repeat(4096));
    for (String variant : variants) {
      Throwable claims = refusal(passes.claims(variant, EVENT));
      assertInstanceOf(ApiError.class, claims, variant);
      assertEquals("not_admitted", ((ApiError) claims).code(), variant);
      Throwable verify = refusal(passes.verify(variant, EVENT));
      assertEquals("not_admitted", ((ApiError) verify).code(), variant);
    }
    assertEquals(0, passes.verifiedCount(), "a refused variant is cached as verified");

    assertEquals("visitor-1", passes.claims(pass, EVENT).await(10, TimeUnit.SECONDS).visitor());
    assertEquals("visitor-1", passes.verify(pass, EVENT).await(10, TimeUnit.SECONDS));
    assertEquals(1, passes.verifiedCount());
  }
}
