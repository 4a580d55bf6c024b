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

  /** Runs a Node script with the given arguments; aborts the test when Node is not installed. */
  private static String node(String script, String... args) throws Exception {
    Path file = Files.createTempFile("position-test", ".js");
    try {
      Files.writeString(file, script);
      java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of("node", file.toString()));
      command.addAll(java.util.List.of(args));
      Process node;
      try {
        node = new ProcessBuilder(command).redirectErrorStream(true).start();
      } catch (IOException noNode) {
        Assumptions.abort("node is not installed: the page's scripts are not checked here");
        return null;
      }
      assertTrue(node.waitFor(30, TimeUnit.SECONDS), "node answered");
      String out = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      assertEquals(0, node.exitValue(), out);
      return out;
    } finally {
      Files.deleteIfExists(file);
    }
  }

  private static String js(String name) {
    return Path.of("src/main/resources/webroot/js", name).toAbsolutePath().toString();
  }

  @Test
  void theEmbeddableClientCountsDownBetweenFramesAndStopsWhenTheLineStandsStillOrLetsItIn() throws Exception {
    String out = node(String.join("\n",
        "let now = 1700000000000; Date.now = () => now;",
        "const timers = [];",
        "const window = {setInterval: f => timers.push(f), clearInterval: id => { timers[id - 1] = null; },",
        "  EventBus: function () {}, SockJS: function () {}, console: console,",
        "  fetch: () => new Promise(() => {}), localStorage: {getItem: () => null, setItem() {}, removeItem() {}},",
        "  sessionStorage: {getItem: () => null, setItem() {}, removeItem() {}}, crypto: require('crypto').webcrypto,",
        "  setTimeout: () => 0, clearTimeout() {}, addEventListener() {}, removeEventListener() {}};",
        "window.FoyerPosition = require(process.argv[2]);",
        "new Function('window', require('fs').readFileSync(process.argv[3], 'utf8'))(window);",
        "const seen = [];",
        "const line = window.FoyerClient.join({event: 'e'}).on('position', p => seen.push([p.position, p.etaSeconds]));",
        "line.stopWatching();  // the connection's watchdog is another test's: here only the count-down's timer runs",
        "const tick = ms => { now += ms; timers.forEach(t => t && t()); };",
        "line.message({type: 'rank', position: 1000, waiting: 2000, etaSeconds: 100, at: 1, rate: 10, floor: 670});",
        "tick(1000); tick(1000); now += 300;",
        "line.message({type: 'rank', position: 950, waiting: 1900, etaSeconds: 95, at: 2, rate: 0, floor: 620});",
        "const counting = timers.filter(t => t).length;",
        "tick(1000);",
        "line.message({type: 'rank', position: 940, waiting: 1900, etaSeconds: 94, at: 3, rate: 10, floor: 610});",
        "tick(1000);",
        "line.message({type: 'admitted', pass: 'p', activeUntil: 5});",
        "tick(1000);",
        "console.log(JSON.stringify({seen: seen, countingWhileStill: counting, countingAfterAdmission: timers.filter(t => t).length}));"),
        js("position.js"), js("foyer-client.js"));
    JsonObject result = new JsonObject(out);
    assertEquals(new JsonArray("[[1000,100],[990,99],[980,98],[950,95],[940,94],[930,93]]"),
        result.getJsonArray("seen"), "each frame at once, then a count each second that changed something");
    assertEquals(0, result.getInteger("countingWhileStill"), "no timer while the line stands still");
    assertEquals(0, result.getInteger("countingAfterAdmission"));
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
