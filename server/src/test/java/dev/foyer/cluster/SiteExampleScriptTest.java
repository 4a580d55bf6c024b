package dev.foyer.cluster;

import dev.foyer.support.ApiClient;
import dev.foyer.support.FoyerCluster;
import dev.foyer.support.Nginx;
import dev.foyer.support.TestServices;
import dev.foyer.support.TestSetup;
import dev.foyer.support.Waits;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.File;
import java.net.Socket;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.foyer.support.Waits.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docker/site-example.sh, as a person runs it, against a running node: it adds the site to the
 * event's returnUrls and corsOrigins, starts origin.py and nginx on the site template, and the
 * flow works (no pass: the waiting room; a code: the cookie; the cookie: origin.py greets the
 * visitor). Ctrl-C stops both processes and removes the script's files.
 */
@ExtendWith(VertxExtension.class)
class SiteExampleScriptTest {

  private static final String EVENT = "demo";
  private static final Pattern STARTED = Pattern.compile("origin pid (\\d+), nginx pid (\\d+), files in (\\S+)");

  @RegisterExtension
  static final FoyerCluster cluster = FoyerCluster.nodes(1);

  private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
      .connectTimeout(Duration.ofSeconds(5)).build();
  private Process script;

  @BeforeAll
  static void assumeTools() {
    Nginx.assumeInstalled();
  }

  @AfterEach
  void stop() throws Exception {
    if (script != null && script.isAlive()) {
      script.destroy();
      script.waitFor(15, TimeUnit.SECONDS);
    }
  }

  private HttpResponse<String> get(String url, String... headers) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30));
    if (headers.length > 0) {
      request.headers(headers);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static boolean listening(int port) {
    try (Socket ignored = new Socket("127.0.0.1", port)) {
      return true;
    } catch (java.io.IOException e) {
      return false;
    }
  }

  @Test
  void theScriptRunsTheExampleAgainstANodeAndCleansUpWhenStopped() throws Exception {
    int node = cluster.node().port();
    int site = TestServices.freePort();
    int originPort = TestServices.freePort();
    String foyerUrl = "http://127.0.0.1:" + node;
    ApiClient api = cluster.api();
    await(api.createEvent(EVENT, new JsonObject().put("gate", "on").put("paused", true).put("rankPushMillis", 200)
        .put("returnUrls", new JsonArray().add("https://other.example/.foyer/return"))));
    Path log = Files.createTempFile("site-example", ".log");
    ProcessBuilder run = new ProcessBuilder("bash", Path.of("..", "docker", "site-example.sh").toString(),
        "--foyer", foyerUrl, "--event", EVENT, "--site-port", String.valueOf(site),
        "--origin-port", String.valueOf(originPort), "--setup-event")
        .redirectErrorStream(true).redirectOutput(log.toFile());
    run.environment().put("FOYER_ADMIN_KEY", TestSetup.ADMIN_KEY);
    script = run.start();
    try {
      Waits.until("the script says what to open", 30_000, () -> {
        String said = read(log);
        assertTrue(script.isAlive(), "the script ended: " + said);
        return said.contains("site-example: open http://localhost:" + site + "/tickets/");
      });
      Matcher started = STARTED.matcher(read(log));
      assertTrue(started.find(), read(log));
      long originPid = Long.parseLong(started.group(1));
      long nginxPid = Long.parseLong(started.group(2));
      Path dir = Path.of(started.group(3));
      assertTrue(Files.isDirectory(dir));

      // it let the event send visitors back to this site, keeping what was listed
      JsonObject settings = await(api.stats(EVENT)).getJsonObject("settings");
      String siteUrl = "http://127.0.0.1:" + site;
      assertEquals(new JsonArray().add("https://other.example/.foyer/return").add(siteUrl + "/.foyer/return")
          .add("http://localhost:" + site + "/.foyer/return"), settings.getJsonArray("returnUrls"));
      assertEquals(new JsonArray().add(siteUrl).add("http://localhost:" + site), settings.getJsonArray("corsOrigins"));

      // no pass: the waiting room, carrying the way back
      HttpResponse<String> first = get(siteUrl + "/tickets/");
      assertEquals(302, first.statusCode(), first.body());
      String room = first.headers().firstValue("Location").orElseThrow();
      assertTrue(room.startsWith(foyerUrl + "/events/" + EVENT + "?return="), room);
      String back = URLDecoder.decode(room.substring(room.indexOf("return=") + 7), StandardCharsets.UTF_8);
      assertEquals(siteUrl + "/.foyer/return?next=%2Ftickets%2F", back);

      // admitted: a code, traded on the site for the cookie, and origin.py greets the visitor
      JsonObject visitor = await(api.join(EVENT)).bodyAsJsonObject();
      await(api.putEvent(EVENT, new JsonObject().put("paused", false)));
      Waits.until("admitted", 15_000, () -> "active".equals(await(api.me(EVENT, visitor.getString("token")))
          .bodyAsJsonObject().getString("state")));
      String location = await(api.request(HttpMethod.POST, "/api/events/" + EVENT + "/visitors/me/return")
          .bearerTokenAuthentication(visitor.getString("token")).sendJsonObject(new JsonObject().put("url", back)))
          .bodyAsJsonObject().getString("location");
      HttpResponse<String> returned = get(location);
      assertEquals(302, returned.statusCode(), returned.body());
      assertEquals("/tickets/", returned.headers().firstValue("Location").orElse(null));
      String cookie = returned.headers().firstValue("Set-Cookie").orElseThrow().split(";", 2)[0];
      HttpResponse<String> through = get(siteUrl + "/tickets/", "Cookie", cookie);
      assertEquals(200, through.statusCode(), through.body());
      assertTrue(through.body().contains("Welcome, visitor " + visitor.getString("visitor") + ": foyer let you in."),
          through.body());

      // stopped (SIGTERM, which takes the same way out as Ctrl-C's SIGINT: a test cannot send a
      // SIGINT that counts, since a process started in the background, as CI may start this suite,
      // inherits SIGINT ignored, and a shell cannot trap a signal ignored on entry): both processes
      // end, the files go, the ports are free again
      assertEquals(0, new ProcessBuilder("kill", "-TERM", String.valueOf(script.pid())).start().waitFor());
      assertTrue(script.waitFor(20, TimeUnit.SECONDS), "the script ends when stopped: " + read(log));
      assertEquals(143, script.exitValue(), read(log));
      assertTrue(read(log).contains("site-example: stopped"), read(log));
      for (long pid : new long[] {originPid, nginxPid}) {
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "process " + pid + " ended");
      }
      assertFalse(new File(dir.toString()).exists(), "the script's files are gone");
      assertFalse(listening(site) || listening(originPort), "nothing listens on the site's or the origin's port");
    } finally {
      api.close();
    }
  }

  private static String read(Path log) throws java.io.IOException {
    return Files.readString(log);
  }
}
