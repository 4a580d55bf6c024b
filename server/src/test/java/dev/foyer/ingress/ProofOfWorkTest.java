package dev.foyer.ingress;

import dev.foyer.support.ApiClient;
import dev.foyer.support.FoyerCluster;
import dev.foyer.support.Waits;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import org.altcha.altcha.Altcha;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static dev.foyer.support.Waits.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Proof of work at join: ALTCHA challenges from one node, solved, redeemed once on either node. */
@ExtendWith(VertxExtension.class)
class ProofOfWorkTest {

  @RegisterExtension
  static final FoyerCluster cluster = FoyerCluster.nodes(2);

  private static final JsonObject FIXED = new JsonObject().put("gate", "on").put("paused", true)
      .put("pow", new JsonObject().put("mode", "fixed").put("difficulty", 2000));

  static Future<JsonObject> challenge(ApiClient api, String event) {
    return api.request(HttpMethod.GET, "/api/events/" + event + "/challenge").send().map(r -> {
      if (r.statusCode() != 200) {
        throw new IllegalStateException("challenge answered " + r.statusCode() + " " + r.bodyAsString());
      }
      return r.bodyAsJsonObject();
    });
  }

  /** Solves as a browser would (the library's own solver) and encodes the widget's payload. */
  static String solve(JsonObject c) throws Exception {
    Altcha.Solution s = Altcha.solveChallenge(c.getString("challenge"), c.getString("salt"), Altcha.Algorithm.SHA256,
        c.getLong("maxnumber"), 0);
    JsonObject payload = new JsonObject().put("algorithm", c.getString("algorithm")).put("challenge", c.getString("challenge"))
        .put("number", s.number).put("salt", c.getString("salt")).put("signature", c.getString("signature"));
    return Base64.getEncoder().encodeToString(payload.encode().getBytes(StandardCharsets.UTF_8));
  }

  static Future<HttpResponse<Buffer>> joinWith(ApiClient api, String event, String solution) {
    return api.request(HttpMethod.POST, "/api/events/" + event + "/visitors")
        .sendJsonObject(new JsonObject().put("pow", solution));
  }

  @Test
  void aJoinWithoutASolvedChallengeIsRefusedAndASolvedOneJoinsOnce() throws Exception {
    String event = "pow-fixed";
    ApiClient a = cluster.api(0);
    ApiClient b = cluster.api(1);
    List<HttpResponse<Buffer>> answers = new ArrayList<>();
    await(a.createEvent(event, FIXED));
    answers.add(await(a.join(event)));
    String solution = solve(await(challenge(a, event)));
    // a solution is taken once, by whichever node sees it first
    answers.add(await(joinWith(b, event, solution)));
    answers.add(await(joinWith(a, event, solution)));
    answers.add(await(joinWith(a, event, "not-a-solution")));
    HttpResponse<Buffer> metrics = await(cluster.api(0).request(HttpMethod.GET, "/metrics").send());
    assertEquals(403, answers.get(0).statusCode());
    assertEquals("pow_required", answers.get(0).bodyAsJsonObject().getString("error"));
    assertEquals("/api/events/pow-fixed/challenge", answers.get(0).bodyAsJsonObject().getString("challenge"));
    assertEquals(201, answers.get(1).statusCode(), answers.get(1).bodyAsString());
    assertEquals(403, answers.get(2).statusCode());
    assertEquals("pow_reused", answers.get(2).bodyAsJsonObject().getString("error"));
    assertEquals("pow_invalid", answers.get(3).bodyAsJsonObject().getString("error"));
    String text = metrics.bodyAsString();
    assertTrue(text.contains("foyer_pow_difficulty{event=\"pow-fixed\"} 2000.0"), "difficulty in /metrics");
    assertTrue(text.contains("foyer_refused_total{reason=\"pow_required\"}"), "refusals in /metrics");
  }

  @Test
  void aMalformedIdempotencyKeyIsRefusedBeforeTheSolutionIsSpent() throws Exception {
    String event = "pow-bad-key";
    ApiClient api = cluster.api(0);
    await(api.createEvent(event, FIXED));
    String solution = solve(await(challenge(api, event)));
    HttpResponse<Buffer> badKey = await(api.request(HttpMethod.POST, "/api/events/" + event + "/visitors")
        .putHeader("Idempotency-Key", "short").sendJsonObject(new JsonObject().put("pow", solution)));
    HttpResponse<Buffer> joined = await(joinWith(api, event, solution));
    assertEquals(400, badKey.statusCode());
    assertEquals("invalid_idempotency_key", badKey.bodyAsJsonObject().getString("error"));
    assertEquals(201, joined.statusCode(), "the refused join spent nothing: " + joined.bodyAsString());
  }

  @Test
  void aChallengeOfOneEventDoesNotJoinAnother() throws Exception {
    ApiClient api = cluster.api(0);
    await(api.createEvent("pow-one", FIXED));
    await(api.createEvent("pow-two", FIXED));
    HttpResponse<Buffer> r = await(joinWith(api, "pow-two", solve(await(challenge(api, "pow-one")))));
    assertEquals(403, r.statusCode());
    assertEquals("pow_invalid", r.bodyAsJsonObject().getString("error"));
  }

  /** Adaptive from 1,000, doubling every 20 requests a second, up to 64,000. */
  private static final JsonObject ADAPTIVE = new JsonObject().put("gate", "on").put("paused", true)
      .put("pow", new JsonObject().put("mode", "adaptive").put("difficulty", 1000).put("maxDifficulty", 64_000)
          .put("rateStep", 20));

  /**
   * Real traffic on both nodes, 60 requests a round counted cluster-wide, until b issues at least
   * four times the base difficulty; gives b's challenge then.
   */
  private static JsonObject surge(ApiClient a, ApiClient b, String event) throws Exception {
    JsonObject[] busy = {null};
    Waits.until("b issues at least four times the base difficulty", 20_000, () -> {
      List<Future<HttpResponse<Buffer>>> load = new ArrayList<>();
      for (int i = 0; i < 30; i++) {
        load.add(a.request(HttpMethod.GET, "/api/events/" + event).send());
        load.add(b.request(HttpMethod.GET, "/api/events/" + event).send());
      }
      await(Future.all(load));
      busy[0] = await(challenge(b, event));
      return busy[0].getLong("maxnumber") >= 4000;
    });
    return busy[0];
  }

  @Test
  void anAdaptiveChallengeGetsHarderWithTheClusterWideRate() throws Exception {
    String event = "pow-adaptive";
    ApiClient a = cluster.api(0);
    ApiClient b = cluster.api(1);
    await(a.createEvent(event, ADAPTIVE));
    JsonObject quiet = await(challenge(a, event));
    JsonObject busy = surge(a, b, event);
    assertEquals(1000, quiet.getLong("maxnumber"), "quiet: the base difficulty");
    assertTrue(busy.getLong("maxnumber") <= 64_000, "never above maxDifficulty");
  }

  @Test
  void aCheapChallengeFetchedWhileQuietIsStaleInASurge() throws Exception {
    String event = "pow-stale";
    ApiClient a = cluster.api(0);
    ApiClient b = cluster.api(1);
    List<HttpResponse<Buffer>> answers = new ArrayList<>();
    await(a.createEvent(event, ADAPTIVE));
    JsonObject quiet = await(challenge(a, event));
    assertEquals(1000, quiet.getLong("maxnumber"), "quiet: the base difficulty");
    String cheap = solve(quiet);
    // real traffic on both nodes until b issues at least four times the cheap difficulty
    surge(a, b, event);
    // b reads the rate once a second: within it, b asks what its busy challenge asks
    answers.add(await(joinWith(b, event, cheap)));
    answers.add(await(joinWith(b, event, solve(await(challenge(b, event))))));
    // the stale solution was not claimed: once the surge is over it is worth its place again
    AtomicReference<HttpResponse<Buffer>> later = new AtomicReference<>();
    Waits.until("the cheap solution is no longer stale", 20_000, () -> {
      HttpResponse<Buffer> r = await(joinWith(a, event, cheap));
      later.set(r);
      return r.statusCode() != 403 || !"pow_stale".equals(r.bodyAsJsonObject().getString("error"));
    });
    answers.add(later.get());
    HttpResponse<Buffer> metrics = await(a.request(HttpMethod.GET, "/metrics").send());
    JsonObject stale = answers.get(0).bodyAsJsonObject();
    assertEquals(403, answers.get(0).statusCode(), stale.encode());
    assertEquals("pow_stale", stale.getString("error"));
    assertEquals("/api/events/pow-stale/challenge", stale.getString("challenge"));
    assertEquals(201, answers.get(1).statusCode(), "a fresh challenge joins: " + answers.get(1).bodyAsString());
    assertEquals(201, answers.get(2).statusCode(), "the refusal claimed nothing: " + answers.get(2).bodyAsString());
    assertTrue(metrics.bodyAsString().contains("foyer_refused_total{reason=\"pow_stale\"}"), "refusals in /metrics");
  }

  @Test
  void anEventWithoutProofOfWorkHasNoChallenge() {
    ApiClient api = cluster.api(0);
    await(api.createEvent("pow-none", new JsonObject()));
    HttpResponse<Buffer> r = await(api.request(HttpMethod.GET, "/api/events/pow-none/challenge").send());
    assertEquals(404, r.statusCode());
    assertEquals("pow_off", r.bodyAsJsonObject().getString("error"));
  }
}
