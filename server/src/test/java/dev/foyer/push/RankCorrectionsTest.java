package dev.foyer.push;

import dev.foyer.support.ApiClient;
import dev.foyer.support.BridgeClient;
import dev.foyer.support.FoyerCluster;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A waiting page counts down by itself from its last rank frame (rate, floor: line/Position); the
 * node sends a rank only when the truth has moved away from what the page shows by more than
 * max(1, 1 %), on every change within the first 100 places, when the rate the page counts with
 * changes (a pause, a resume), and as a keepalive within 30 s. Admissions stay immediate. Real
 * node, real sockets; every position a frame carries is the true one, so a page that ignores rate
 * and floor still shows the truth, only less often.
 */
@ExtendWith(VertxExtension.class)
class RankCorrectionsTest {

  /**
   * Rounds every 200 ms; the cap (10 a second) gives a floor 330 places below the position; the
   * visitors that never connect keep their places for the whole test.
   */
  // a line bounded by its rate and capacity alone, not by the tickets of its small seat map
  private static final JsonObject SETTINGS = new JsonObject().put("rankPushMillis", 200).put("maxActive", 100_000)
      .put("stockPacing", false)
      .put("admitPerMinute", 600).put("graceSeconds", 3600);

  @RegisterExtension
  static final FoyerCluster cluster = FoyerCluster.nodes(1);

  private final List<BridgeClient> bridges = new ArrayList<>();

  @AfterEach
  void closeBridges() throws Exception {
    for (BridgeClient b : bridges) {
      b.close().otherwiseEmpty().await(5, TimeUnit.SECONDS);
    }
  }

  private static List<JsonObject> join(ApiClient api, String event, int n) throws Exception {
    List<JsonObject> out = new ArrayList<>();
    for (int from = 0; from < n; from += 50) {
      List<Future<JsonObject>> batch = new ArrayList<>();
      for (int i = from; i < Math.min(n, from + 50); i++) {
        batch.add(api.join(event).map(r -> r.bodyAsJsonObject()));
      }
      Future.all(batch).await(30, TimeUnit.SECONDS);
      batch.forEach(f -> out.add(f.result()));
    }
    // joined concurrently: order them as the line does
    List<JsonObject> ordered = new ArrayList<>(out);
    for (JsonObject v : out) {
      long position = api.me(event, v.getString("token")).await(10, TimeUnit.SECONDS).bodyAsJsonObject()
          .getLong("position");
      ordered.set((int) position - 1, v);
    }
    return ordered;
  }

  private BridgeClient watch(Vertx vertx, JsonObject visitor) throws Exception {
    BridgeClient b = BridgeClient.connect(vertx, cluster.node().port()).await(10, TimeUnit.SECONDS);
    bridges.add(b);
    b.registerVisitor(visitor.getString("visitor"), visitor.getString("token")).await(10, TimeUnit.SECONDS);
    return b;
  }

  /** The first rank frame a page gets: the state its register was answered with. */
  private static JsonObject told(BridgeClient page) throws Exception {
    return page.next(RankCorrectionsTest::isRank, 10_000).await(15, TimeUnit.SECONDS).getJsonObject("body");
  }

  /**
   * A second page further back in the same line, past the places looked up again after every move
   * ({@link RankRounds#FRONT}): only a full rank round sends it a frame, and a full round looks up all
   * the event's pages on the node in one script (fewer than {@link RankRounds#BATCH} here), the
   * watched one with it. When visitors between the two leave, the witness drifts past its tolerance
   * and is sent its new position, while the watched page stands where it was: a frame with that
   * position is a round that looked at the watched page after everything the test did before.
   */
  private final class Witness {
    private final ApiClient api;
    private final String event;
    private final JsonObject visitor;
    private final BridgeClient page;
    private final Deque<JsonObject> between;

    Witness(Vertx vertx, ApiClient api, String event, List<JsonObject> line, int watched) throws Exception {
      this.api = api;
      this.event = event;
      this.visitor = line.get(line.size() - 1);
      this.between = new ArrayDeque<>(line.subList(watched + 1, line.size() - 1));
      this.page = watch(vertx, visitor);
      told(page); // its register is answered: a frame from now on is a round's
    }

    /** Returns once a round that began after this call has sent the watched page all it had to. */
    void rounds() throws Exception {
      // the second round: whatever the first sent the watched page has reached it
      for (int round = 0; round < 2; round++) {
        // a frame made by a round that began once the departures had (its "at" is the round's
        // time): a round that falls between two departures corrects the page to what it saw, and
        // the last departure alone is then within the tolerance, so no frame need show the truth
        long since = System.currentTimeMillis();
        for (int i = 0; i < 5; i++) { // past max(1, 1 %) of a position under 500
          leave(api, event, between.pop());
        }
        page.next(f -> isRank(f) && f.getJsonObject("body").getLong("at") >= since, 10_000)
            .await(15, TimeUnit.SECONDS);
      }
    }
  }

  private static List<JsonObject> ranks(BridgeClient b) {
    return b.received().stream().filter(RankCorrectionsTest::isRank).map(f -> f.getJsonObject("body")).toList();
  }

  private static boolean isRank(JsonObject f) {
    return "rec".equals(f.getString("type")) && "rank".equals(f.getJsonObject("body").getString("type"));
  }

  private static long truth(ApiClient api, String event, JsonObject visitor) throws Exception {
    return api.me(event, visitor.getString("token")).await(10, TimeUnit.SECONDS).bodyAsJsonObject().getLong("position");
  }

  private static void leave(ApiClient api, String event, JsonObject visitor) throws Exception {
    assertEquals(204, api.leave(event, visitor.getString("token")).await(10, TimeUnit.SECONDS).statusCode());
  }

  @Test
  void aPageFarBackIsCorrectedOnlyOnceTheTruthIsMoreThanOnePercentAwayAndEveryFrameCarriesTheTruth(Vertx vertx)
      throws Exception {
    String event = "far-back";
    ApiClient api = cluster.api();
    api.createEvent(event, SETTINGS.copy().put("paused", true)).await(10, TimeUnit.SECONDS);
    List<JsonObject> line = join(api, event, 400);
    JsonObject visitor = line.get(249);
    BridgeClient page = watch(vertx, visitor);
    List<JsonObject> first = new ArrayList<>(List.of(told(page)));
    Witness witness = new Witness(vertx, api, event, line, 249);
    witness.rounds();
    first.addAll(ranks(page));
    assertTrue(first.size() <= 2, "the state on register and the node's first frame: " + first);
    for (JsonObject rank : first) {
      assertEquals(250L, rank.getLong("position"));
      long waiting = rank.getLong("waiting");
      assertTrue(waiting >= 390 && waiting <= 400, "the fields an older page reads are all there: " + rank);
      assertTrue(rank.containsKey("etaSeconds") && rank.getLong("at") > 0, rank.encode());
      assertEquals(0.0, rank.getDouble("rate"), "paused: the page stands still");
      assertEquals(1L, rank.getLong("floor"), "250 - (10/s x 32 s + 10): never below 1");
    }
    int shown = ranks(page).size();

    // two leave ahead: 248 against the 250 shown is within max(1, 1 %) of 248 = 2.48
    leave(api, event, line.get(0));
    leave(api, event, line.get(1));
    witness.rounds();
    assertEquals(shown, ranks(page).size(), "no frame for a drift within the threshold: " + ranks(page));

    // a third: 247 is 3 away, past 2.47
    leave(api, event, line.get(2));
    JsonObject correction = page.next(f -> isRank(f) && f.getJsonObject("body").getLong("position") != 250, 5000)
        .await(10, TimeUnit.SECONDS).getJsonObject("body");
    assertEquals(247L, correction.getLong("position"));
    assertEquals(truth(api, event, visitor), correction.getLong("position"), "a correction is the truth");
  }

  @Test
  void withinTheFirstHundredEveryChangeIsSentAndThePageDoesNotCountByItself(Vertx vertx) throws Exception {
    String event = "near-front";
    ApiClient api = cluster.api();
    api.createEvent(event, SETTINGS.copy().put("paused", true)).await(10, TimeUnit.SECONDS);
    List<JsonObject> line = join(api, event, 60);
    JsonObject visitor = line.get(49);
    BridgeClient page = watch(vertx, visitor);
    assertEquals(50L, told(page).getLong("position"));
    leave(api, event, line.get(0));
    JsonObject next = page.next(f -> isRank(f) && f.getJsonObject("body").getLong("position") == 49, 5000)
        .await(10, TimeUnit.SECONDS).getJsonObject("body");
    assertEquals(0.0, next.getDouble("rate"));
    leave(api, event, line.get(1));
    page.next(f -> isRank(f) && f.getJsonObject("body").getLong("position") == 48, 5000).await(10, TimeUnit.SECONDS);
    assertEquals(48L, truth(api, event, visitor));
    assertTrue(ranks(page).stream().allMatch(r -> r.getLong("position") == 50), "nothing else came: " + ranks(page));
  }

  @Test
  void aPageNothingChangesForGetsAKeepaliveWithinThirtySeconds(Vertx vertx) throws Exception {
    String event = "standing-still";
    ApiClient api = cluster.api();
    api.createEvent(event, SETTINGS.copy().put("paused", true)).await(10, TimeUnit.SECONDS);
    List<JsonObject> line = join(api, event, 150);
    BridgeClient page = watch(vertx, line.get(149));
    JsonObject told = told(page);
    // anything well after the register's answer is the keepalive, or a frame nothing called for
    JsonObject keepalive = page.next(f -> isRank(f) && f.getJsonObject("body").getLong("at") > told.getLong("at")
            + 5000, 40_000)
        .await(45, TimeUnit.SECONDS).getJsonObject("body");
    List<JsonObject> first = new ArrayList<>(List.of(told));
    first.addAll(ranks(page));
    assertTrue(first.size() <= 2 && first.stream().allMatch(r -> r.getLong("at") - told.getLong("at") < 1000),
        "the state on register and the node's first frame, and nothing else before the keepalive: " + first);
    long lastAt = first.stream().mapToLong(r -> r.getLong("at")).max().orElseThrow();
    long gap = keepalive.getLong("at") - lastAt;
    assertTrue(gap >= 20_000 && gap <= 30_000, "keepalive " + gap + " ms after the last frame");
    assertEquals(150L, keepalive.getLong("position"));
  }

  @Test
  void aPauseAndAResumeReachTheMovingPageAtOnceAsAChangeOfRate(Vertx vertx) throws Exception {
    String event = "pause-resume";
    ApiClient api = cluster.api();
    api.createEvent(event, SETTINGS.copy().put("paused", true).put("admitPerMinute", 300)).await(10, TimeUnit.SECONDS);
    List<JsonObject> line = join(api, event, 400);
    JsonObject visitor = line.get(399);
    BridgeClient page = watch(vertx, visitor);
    api.putEvent(event, new JsonObject().put("paused", false)).await(10, TimeUnit.SECONDS);
    JsonObject moving = page.next(f -> isRank(f) && f.getJsonObject("body").getDouble("rate") > 0, 10_000)
        .await(15, TimeUnit.SECONDS).getJsonObject("body");
    assertTrue(moving.getDouble("rate") <= 5.0, "never above the cap: " + moving);
    assertTrue(moving.getLong("floor") < moving.getLong("position") && moving.getLong("floor") >= 1, moving.encode());

    api.putEvent(event, new JsonObject().put("paused", true)).await(10, TimeUnit.SECONDS);
    JsonObject paused = page.next(f -> isRank(f) && f.getJsonObject("body").getDouble("rate") == 0
            && f.getJsonObject("body").getLong("at") > moving.getLong("at"), 5000)
        .await(10, TimeUnit.SECONDS).getJsonObject("body");
    long truth = truth(api, event, visitor);
    assertTrue(Math.abs(paused.getLong("position") - truth) <= 2, "paused at " + truth + ", told " + paused);

    api.putEvent(event, new JsonObject().put("paused", false)).await(10, TimeUnit.SECONDS);
    JsonObject resumed = page.next(f -> isRank(f) && f.getJsonObject("body").getDouble("rate") > 0
            && f.getJsonObject("body").getLong("at") > paused.getLong("at"), 5000)
        .await(10, TimeUnit.SECONDS).getJsonObject("body");
    assertTrue(resumed.getLong("position") <= paused.getLong("position"), resumed.encode());
  }

  @Test
  void anAdmissionIsSentAtOnceWhateverThePageShowsAndNoRankFollowsIt(Vertx vertx) throws Exception {
    String event = "let-in";
    ApiClient api = cluster.api();
    // room for the first 150 at once: the witness behind them keeps waiting
    api.createEvent(event, SETTINGS.copy().put("paused", true).put("admitPerMinute", 0).put("maxActive", 150))
        .await(10, TimeUnit.SECONDS);
    List<JsonObject> line = join(api, event, 400);
    JsonObject visitor = line.get(149);
    String address = "foyer.visitor." + visitor.getString("visitor");
    BridgeClient page = watch(vertx, visitor);
    told(page);
    Witness witness = new Witness(vertx, api, event, line, 149);
    witness.rounds();
    int before = ranks(page).size();
    api.putEvent(event, new JsonObject().put("paused", false)).await(10, TimeUnit.SECONDS);
    JsonObject admitted = page.nextMessage(address, "admitted", 5000).await(10, TimeUnit.SECONDS);
    assertTrue(admitted.getString("pass").length() > 20);
    witness.rounds();
    assertEquals(before, ranks(page).size(), "no rank came after the page's last one: " + ranks(page));
  }
}
