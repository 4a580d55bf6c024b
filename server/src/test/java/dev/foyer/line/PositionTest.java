package dev.foyer.line;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The page and the push room show the same position: webroot/js/position.js (run by Node) and
 * {@link Position} give what the shared vectors say for every case.
 */
class PositionTest {

  static JsonArray cases() throws IOException {
    try (InputStream in = PositionTest.class.getResourceAsStream("/position/vectors.json")) {
      return new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8)).getJsonArray("cases");
    }
  }

  @Test
  void theServerShowsWhatTheVectorsSay() throws IOException {
    for (Object c : cases()) {
      JsonObject test = (JsonObject) c;
      JsonObject frame = test.getJsonObject("frame");
      JsonObject expected = test.getJsonObject("shown");
      if (frame.getValue("position") == null) {
        continue; // before the opening the push room sends no rank to extrapolate
      }
      Position.Shown shown = Position.shown(frame.getLong("position"), frame.getDouble("rate", 0.0),
          frame.getLong("floor", 1L), frame.getLong("etaSeconds"), test.getLong("elapsedMillis"));
      assertEquals(expected.getLong("position"), shown.position(), test.getString("name"));
      assertEquals(expected.getLong("etaSeconds"), shown.etaSeconds(), test.getString("name"));
    }
  }

  @Test
  void thePageShowsWhatTheVectorsSay() throws Exception {
    Path script = Files.createTempFile("position-vectors", ".js");
    try {
      Files.writeString(script, String.join("\n",
          "const P = require(process.argv[2]);",
          "const cases = JSON.parse(require('fs').readFileSync(process.argv[3], 'utf8')).cases;",
          "const received = 1700000000000;",
          "console.log(JSON.stringify(cases.map(c => P.shown(c.frame, received, received + c.elapsedMillis))));"));
      Process node;
      try {
        node = new ProcessBuilder("node", script.toString(),
            Path.of("src/main/resources/webroot/js/position.js").toAbsolutePath().toString(),
            Path.of("src/test/resources/position/vectors.json").toAbsolutePath().toString())
            .redirectErrorStream(true).start();
      } catch (IOException noNode) {
        Assumptions.abort("node is not installed: the page's position.js is not checked here");
        return;
      }
      assertTrue(node.waitFor(30, TimeUnit.SECONDS), "node answered");
      String out = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      assertEquals(0, node.exitValue(), out);
      JsonArray results = new JsonArray(out);
      JsonArray cases = cases();
      assertEquals(cases.size(), results.size());
      for (int i = 0; i < cases.size(); i++) {
        JsonObject test = cases.getJsonObject(i);
        assertEquals(test.getJsonObject("shown"), results.getJsonObject(i), test.getString("name"));
      }
    } finally {
      Files.deleteIfExists(script);
    }
  }
}
