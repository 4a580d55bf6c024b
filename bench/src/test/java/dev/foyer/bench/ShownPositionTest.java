package dev.foyer.bench;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/** The harness computes what a page shows exactly as the page and the server do (the server's vectors). */
class ShownPositionTest {

  @Test
  void theHarnessShowsWhatTheSharedVectorsSay() throws Exception {
    JsonObject vectors;
    try (InputStream in = ShownPositionTest.class.getResourceAsStream("/position/vectors.json")) {
      assertNotNull(in, "the server's test resources are on the classpath (its test-jar)");
      vectors = new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
    for (Object c : vectors.getJsonArray("cases")) {
      JsonObject test = (JsonObject) c;
      JsonObject frame = test.getJsonObject("frame");
      if (frame.getValue("position") == null) {
        continue;
      }
      long position = frame.getLong("position");
      long shown = ShownPosition.shown(position, frame.getDouble("rate", 0.0), frame.getLong("floor", 1L),
          test.getLong("elapsedMillis"));
      assertEquals(test.getJsonObject("shown").getLong("position"), shown, test.getString("name"));
      assertEquals(test.getJsonObject("shown").getLong("etaSeconds"),
          ShownPosition.eta(frame.getLong("etaSeconds"), position, shown), test.getString("name"));
    }
  }
}
