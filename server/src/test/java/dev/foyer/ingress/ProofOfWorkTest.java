package dev.foyer.ingress;

import dev.foyer.support.ApiClient;
import dev.foyer.support.FoyerCluster;
import dev.foyer.support.Waits;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.altcha.altcha.Altcha;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

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
  void aJoinWithoutASolvedChallengeIsRefusedAndASolvedOneJoinsOnce(Vertx vertx, VertxTestContext ctx) {
    String event = "pow-fixed";
    ApiClient a = cluster.api(0);
    ApiClient b = cluster.api(1);
    List<HttpResponse<Buffer>> answers = new ArrayList<>();
    a.createEvent(event, FIXED)
        .compose(v -> a.join(event)).onSuccess(answers::add)
        .compose(v -> challenge(a, event))
        .compose(c -> {
          String solution;
          try {
            solution = solve(c);
          } catch (Exception e) {
            return Future.failedFuture(e);
          }
          // a solution is taken once, by whichever node sees it first
          return joinWith(b, event, solution).onSuccess(answers::add)
              .compose(v -> joinWith(a, event, solution)).onSuccess(answers::add)
              .compose(v -> joinWith(a, event, "not-a-solution")).onSuccess(answers::add);
        })
        .compose(v -> cluster.api(0).request(HttpMethod.GET, "/metrics").send())
        .onComplete(ctx.succeeding(metrics -> ctx.verify(() -> {
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
          ctx.completeNow();
        })));
  }

  @Test
  void aMalformedIdempotencyKeyIsRefusedBeforeTheSolutionIsSpent(Vertx vertx, VertxTestContext ctx) {
    String event = "pow-bad-key";
    ApiClient api = cluster.api(0);
    List<HttpResponse<Buffer>> answers = new ArrayList<>();
    api.createEvent(event, FIXED)
        .compose(v -> challenge(api, event))
        .compose(c -> {
          String solution;
          try {
            solution = solve(c);
          } catch (Exception e) {
            return Future.failedFuture(e);
          }
          return api.request(HttpMethod.POST, "/api/events/" + event + "/visitors").putHeader("Idempotency-Key", "short")
              .sendJsonObject(new JsonObject().put("pow", solution)).onSuccess(answers::add)
              .compose(v -> joinWith(api, event, solution)).onSuccess(answers::add);
        })
        .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
          assertEquals(400, answers.get(0).statusCode());
          assertEquals("invalid_idempotency_key", answers.get(0).bodyAsJsonObject().getString("error"));
          assertEquals(201, answers.get(1).statusCode(), "the refused join spent nothing: " + answers.get(1).bodyAsString());
          ctx.completeNow();
        })));
  }

  @Test
  void aChallengeOfOneEventDoesNotJoinAnother(Vertx vertx, VertxTestContext ctx) {
    ApiClient api = cluster.api(0);
    api.createEvent("pow-one", FIXED)
        .compose(v -> api.createEvent("pow-two", FIXED))
        .compose(v -> challenge(api, "pow-one"))
        .compose(c -> {
          try {
            return joinWith(api, "pow-two", solve(c));
          } catch (Exception e) {
            return Future.failedFuture(e);
          }
        })
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          assertEquals(403, r.statusCode());
          assertEquals("pow_invalid", r.bodyAsJsonObject().getString("error"));
          ctx.completeNow();
        })));
  }

  /** Adaptive from 1,000, doubling every 20 requests a second, up to 64,000. */
  private static final JsonObject ADAPTIVE = new JsonObject().put("gate", "on").put("paused", true)
      .put("pow", new JsonObject().put("mode", "adaptive").put("difficulty", 1000).put("maxDifficulty", 64_000)
          .put("rateStep", 20));

  /**
   * Real traffic on both nodes, 60 requests a round counted cluster-wide, until b issues at least
   * four times the base difficulty; gives b's challenge then.
   */
  private static Future<JsonObject> surge(Vertx vertx, ApiClient a, ApiClient b, String event) {
    return Waits.until(vertx, () -> {
      List<Future<HttpResponse<Buffer>>> load = new ArrayList<>();
      for (int i = 0; i < 30; i++) {
        load.add(a.request(HttpMethod.GET, "/api/events/" + event).send());
        load.add(b.request(HttpMethod.GET, "/api/events/" + event).send());
      }
      return Future.all(load).compose(v -> challenge(b, event));
    }, c -> c.getLong("maxnumber") >= 4000, 20_000);
  }

  @Test
  void anAdaptiveChallengeGetsHarderWithTheClusterWideRate(Vertx vertx, VertxTestContext ctx) {
    String event = "pow-adaptive";
    ApiClient a = cluster.api(0);
    ApiClient b = cluster.api(1);
    a.createEvent(event, ADAPTIVE)
        .compose(v -> challenge(a, event))
        .compose(quiet -> surge(vertx, a, b, event).map(busy -> List.of(quiet, busy)))
        .onComplete(ctx.succeeding(both -> ctx.verify(() -> {
          assertEquals(1000, both.get(0).getLong("maxnumber"), "quiet: the base difficulty");
          assertTrue(both.get(1).getLong("maxnumber") <= 64_000, "never above maxDifficulty");
          ctx.completeNow();
        })));
  }

  @Test
  void aCheapChallengeFetchedWhileQuietIsStaleInASurge(Vertx vertx, VertxTestContext ctx) {
    String event = "pow-stale";
    ApiClient a = cluster.api(0);
    ApiClient b = cluster.api(1);
    List<HttpResponse<Buffer>> answers = new ArrayList<>();
    String[] cheap = new String[1];
    a.createEvent(event, ADAPTIVE)
        .compose(v -> challenge(a, event))
        .compose(quiet -> {
          ctx.verify(() -> assertEquals(1000, quiet.getLong("maxnumber"), "quiet: the base difficulty"));
          try {
            cheap[0] = solve(quiet);
          } catch (Exception e) {
            return Future.failedFuture(e);
          }
          // real traffic on both nodes until b issues at least four times the cheap difficulty
          return surge(vertx, a, b, event);
        })
        // b reads the rate once a second: within it, b asks what its busy challenge asks
        .compose(busy -> joinWith(b, event, cheap[0]).onSuccess(answers::add).map(busy))
        .compose(busy -> challenge(b, event))
        .compose(fresh -> {
          try {
            return joinWith(b, event, solve(fresh)).onSuccess(answers::add);
          } catch (Exception e) {
            return Future.failedFuture(e);
          }
        })
        // the stale solution was not claimed: once the surge is over it is worth its place again
        .compose(v -> Waits.until(vertx, () -> joinWith(a, event, cheap[0]), r -> r.statusCode() != 403
            || !"pow_stale".equals(r.bodyAsJsonObject().getString("error")), 20_000)).onSuccess(answers::add)
        .compose(v -> a.request(HttpMethod.GET, "/metrics").send())
        .onComplete(ctx.succeeding(metrics -> ctx.verify(() -> {
          JsonObject stale = answers.get(0).bodyAsJsonObject();
          assertEquals(403, answers.get(0).statusCode(), stale.encode());
          assertEquals("pow_stale", stale.getString("error"));
          assertEquals("/api/events/pow-stale/challenge", stale.getString("challenge"));
          assertEquals(201, answers.get(1).statusCode(), "a fresh challenge joins: " + answers.get(1).bodyAsString());
          assertEquals(201, answers.get(2).statusCode(), "the refusal claimed nothing: " + answers.get(2).bodyAsString());
          assertTrue(metrics.bodyAsString().contains("foyer_refused_total{reason=\"pow_stale\"}"), "refusals in /metrics");
          ctx.completeNow();
        })));
  }

  @Test
  void anEventWithoutProofOfWorkHasNoChallenge(Vertx vertx, VertxTestContext ctx) {
    ApiClient api = cluster.api(0);
    api.createEvent("pow-none", new JsonObject())
        .compose(v -> api.request(HttpMethod.GET, "/api/events/pow-none/challenge").send())
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          assertEquals(404, r.statusCode());
          assertEquals("pow_off", r.bodyAsJsonObject().getString("error"));
          ctx.completeNow();
        })));
  }
}
