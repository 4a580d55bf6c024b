package dev.foyer.queue;

import dev.foyer.bus.Addresses;
import dev.foyer.support.ApiClient;
import dev.foyer.support.BridgeClient;
import dev.foyer.support.FoyerCluster;
import dev.foyer.support.Waits;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import static dev.foyer.support.Waits.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Lanes of one line on two nodes: a presale lane that opens first and then takes its share of the
 * admissions, positions within a lane, codes taken atomically (exactly their uses, however many
 * joins race on both nodes), and a lane entered by an identity claim.
 */
@ExtendWith(VertxExtension.class)
class LaneTest {

  private static final String EVENT = "box-office";

  @RegisterExtension
  static final FoyerCluster cluster = FoyerCluster.nodes(2);

  private static JsonObject lane(String name, double share) {
    return new JsonObject().put("name", name).put("share", share);
  }

  private static void createEvent(Instant opensAt, JsonObject settings) {
    JsonObject body = new JsonObject().put("name", "Box office").put("seats", ApiClient.layout(5, 10))
        .put("settings", settings);
    if (opensAt != null) {
      body.put("opensAt", opensAt.toString());
    }
    HttpResponse<Buffer> r = await(cluster.api().admin(HttpMethod.PUT, "/api/admin/events/" + EVENT).sendJsonObject(body));
    assertTrue(r.statusCode() == 201 || r.statusCode() == 200, r.bodyAsString());
  }

  private static List<String> makeCodes(String lane, int count, int uses) {
    HttpResponse<Buffer> r = await(cluster.api().admin(HttpMethod.POST, "/api/admin/events/" + EVENT + "/codes")
        .sendJsonObject(new JsonObject().put("lane", lane).put("count", count).put("uses", uses)));
    assertEquals(201, r.statusCode(), r.bodyAsString());
    return r.bodyAsJsonObject().getJsonArray("codes").stream().map(String::valueOf).toList();
  }

  private static Map<String, Long> codesLeft(String lane) {
    JsonArray codes = await(cluster.api().admin(HttpMethod.GET, "/api/admin/events/" + EVENT + "/codes?lane=" + lane)
        .send()).bodyAsJsonObject().getJsonArray("codes");
    Map<String, Long> left = new HashMap<>();
    codes.forEach(c -> left.put(((JsonObject) c).getString("code"), ((JsonObject) c).getLong("left")));
    return left;
  }

  private static Future<HttpResponse<Buffer>> join(int node, JsonObject body, String idempotencyKey) {
    HttpRequest<Buffer> request = cluster.api(node).request(HttpMethod.POST, "/api/events/" + EVENT + "/visitors");
    if (idempotencyKey != null) {
      request.putHeader("Idempotency-Key", idempotencyKey);
    }
    return request.sendJsonObject(body);
  }

  /** {@code n} joins with this body, alternating between the two nodes, all at once. */
  private static List<HttpResponse<Buffer>> joinMany(int n, JsonObject body) {
    List<Future<HttpResponse<Buffer>>> joins = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      joins.add(join(i % 2, body, null));
    }
    await(Future.join(joins));
    return joins.stream().map(Future::result).toList();
  }

  private static List<JsonObject> joined(List<HttpResponse<Buffer>> answers) {
    answers.forEach(r -> assertEquals(201, r.statusCode(), r.bodyAsString()));
    return answers.stream().map(HttpResponse::bodyAsJsonObject).toList();
  }

  private static JsonObject me(JsonObject visitor) {
    return await(cluster.api().me(EVENT, visitor.getString("token"))).bodyAsJsonObject();
  }

  private static void settings(JsonObject change) {
    HttpResponse<Buffer> r = await(cluster.api().admin(HttpMethod.PUT, "/api/admin/events/" + EVENT + "/settings")
        .sendJsonObject(change));
    assertEquals(200, r.statusCode(), r.bodyAsString());
  }

  private static long admitted(List<JsonObject> batches) {
    return batches.stream().mapToLong(b -> b.getJsonArray("visitors").size()).sum();
  }

  @Test
  void aPresaleLaneOpensFirstThenTakesItsShareAndItsVisitorsSeeTheirPlaceInIt(Vertx vertx) throws Exception {
    Instant now = Instant.now();
    createEvent(now.plusSeconds(3600), new JsonObject().put("maxActive", 1000).put("admitPerMinute", 300)
        .put("gate", "on").put("paused", true).put("graceSeconds", 600)
        .put("lanes", new JsonArray().add(lane("presale", 0.75).put("opensAt", now.minusSeconds(60).toString()))));
    String code = makeCodes("presale", 1, 100).get(0);
    List<JsonObject> general = joined(joinMany(40, new JsonObject()));
    List<JsonObject> presale = joined(joinMany(60, new JsonObject().put("code", code)));
    general.forEach(v -> {
      assertEquals("general", v.getString("lane"));
      assertNull(v.getValue("position"), "the general lane has not opened: its joiners are in its pre-queue");
    });
    assertEquals(LongStream.rangeClosed(1, 60).boxed().collect(Collectors.toSet()),
        presale.stream().map(v -> v.getLong("position")).collect(Collectors.toSet()), "places 1 to 60 of the presale");
    presale.forEach(v -> assertEquals("presale", v.getString("lane")));
    assertEquals(40L, codesLeft("presale").get(code), "sixty uses taken");
    Set<String> presaleIds = presale.stream().map(v -> v.getString("visitor")).collect(Collectors.toSet());
    Set<String> generalIds = general.stream().map(v -> v.getString("visitor")).collect(Collectors.toSet());

    List<JsonObject> batches = new CopyOnWriteArrayList<>();
    MessageConsumer<JsonObject> consumer = cluster.node(0).vertx().eventBus().consumer(Addresses.ADMISSIONS, m -> {
      if (EVENT.equals(m.body().getString("event"))) {
        batches.add(m.body());
      }
    });
    BridgeClient bridge = null;
    try {
      await(consumer.completion());
      // only the presale is open: it alone is admitted
      settings(new JsonObject().put("paused", false));
      Waits.until("the presale admits", 60_000, () -> admitted(batches) >= 4);
      settings(new JsonObject().put("paused", true));
      batches.forEach(b -> b.getJsonArray("visitors").forEach(v -> assertTrue(presaleIds.contains(v), "presale only")));

      // the general lane opens: both lanes wait
      HttpResponse<Buffer> opened = await(cluster.api().admin(HttpMethod.PUT, "/api/admin/events/" + EVENT)
          .sendJsonObject(new JsonObject().put("opensAt", Instant.now().toString())));
      assertEquals(200, opened.statusCode(), opened.bodyAsString());
      Waits.until("the general pre-queue moved into the line", 60_000, () -> me(general.get(general.size() - 1)).getValue("position") != null);
      // the last presale visitor follows the line on a socket of the other node
      JsonObject last = presale.stream().filter(v -> "waiting".equals(me(v).getString("state")))
          .max(Comparator.comparingLong(v -> me(v).getLong("position"))).orElseThrow();
      long lastPlace = me(last).getLong("position");
      bridge = await(BridgeClient.connect(vertx, cluster.node(1).port()));
      await(bridge.registerVisitor(last.getString("visitor"), last.getString("token")));
      JsonObject firstRank = await(bridge.nextMessage(Addresses.visitor(last.getString("visitor")), "rank", 30_000));
      assertEquals(lastPlace, firstRank.getLong("position"), "the place within the presale, not behind the general line");

      // admission splits 3 to 1 while both wait
      long before = admitted(batches);
      settings(new JsonObject().put("paused", false));
      Waits.until("both lanes admitted a while", 60_000, () -> admitted(batches) >= before + 16);
      settings(new JsonObject().put("paused", true));

      // the rank rounds follow the place within the lane as the lane moves up
      BridgeClient socket = bridge;
      Waits.until("rank frames give the place in the lane", 30_000, () -> {
        List<JsonObject> ranks = socket.received().stream().filter(f -> "rec".equals(f.getString("type"))
            && "rank".equals(f.getJsonObject("body").getString("type"))).toList();
        return !ranks.isEmpty() && ranks.get(ranks.size() - 1).getJsonObject("body").getLong("position")
            .equals(me(last).getLong("position"));
      });
      assertTrue(me(last).getLong("position") < lastPlace, "the presale moved up");
      List<Long> presalePlaces = new ArrayList<>();
      List<Long> generalPlaces = new ArrayList<>();
      presale.stream().map(LaneTest::me).filter(s -> "waiting".equals(s.getString("state")))
          .forEach(s -> presalePlaces.add(s.getLong("position")));
      general.stream().map(LaneTest::me).filter(s -> "waiting".equals(s.getString("state")))
          .forEach(s -> generalPlaces.add(s.getLong("position")));
      presalePlaces.sort(null);
      generalPlaces.sort(null);
      assertEquals(LongStream.rangeClosed(1, presalePlaces.size()).boxed().toList(), presalePlaces);
      assertEquals(LongStream.rangeClosed(1, generalPlaces.size()).boxed().toList(), generalPlaces);
      assertTrue(!presalePlaces.isEmpty() && !generalPlaces.isEmpty(), "both lanes still had visitors waiting");
    } finally {
      consumer.unregister();
      if (bridge != null) {
        bridge.close().otherwiseEmpty().await(5, TimeUnit.SECONDS);
      }
    }
    // from the first tick that could admit the general lane on: three presale visitors to one general
    List<JsonObject> ordered = new ArrayList<>(batches);
    ordered.sort(Comparator.comparingLong(b -> b.getLong("admittedTotal")));
    long p = 0;
    long g = 0;
    boolean both = false;
    for (JsonObject batch : ordered) {
      both |= batch.getJsonArray("visitors").stream().anyMatch(generalIds::contains);
      if (both) {
        for (Object v : batch.getJsonArray("visitors")) {
          if (presaleIds.contains(v)) {
            p++;
          } else {
            g++;
          }
        }
      }
    }
    assertTrue(p + g >= 12, p + " presale and " + g + " general admitted");
    assertTrue(Math.abs(p - 0.75 * (p + g)) <= 2, p + " presale and " + g + " general: not 3 to 1");
  }

  @Test
  void aCodeIsTakenOnceARetryTakesNothingAndARefusalChangesNothing() {
    createEvent(null, new JsonObject().put("gate", "on").put("paused", true).put("lanes", new JsonArray()
        .add(lane("presale", 0.5))
        .add(lane("vip", 0.1).put("joinsFrom", Instant.now().plusSeconds(3600).toString()))));
    List<String> codes = makeCodes("presale", 2, 1);
    // making codes again under the same Idempotency-Key, on the other node, makes none
    JsonObject make = new JsonObject().put("lane", "presale").put("count", 3).put("uses", 1);
    HttpResponse<Buffer> made = await(cluster.api(0).admin(HttpMethod.POST, "/api/admin/events/" + EVENT + "/codes")
        .putHeader("Idempotency-Key", "make-codes-0123456789").sendJsonObject(make));
    HttpResponse<Buffer> again = await(cluster.api(1).admin(HttpMethod.POST, "/api/admin/events/" + EVENT + "/codes")
        .putHeader("Idempotency-Key", "make-codes-0123456789").sendJsonObject(make));
    assertEquals(201, again.statusCode(), again.bodyAsString());
    assertEquals("true", again.getHeader("Idempotent-Replayed"));
    assertEquals(made.bodyAsJsonObject().getJsonArray("codes"), again.bodyAsJsonObject().getJsonArray("codes"));
    assertEquals(5, codesLeft("presale").size(), "two codes, then three once");
    String vip = makeCodes("vip", 1, 3).get(0);

    HttpResponse<Buffer> first = await(join(0, new JsonObject().put("code", codes.get(0)), "retry-key-0123456789"));
    assertEquals(201, first.statusCode(), first.bodyAsString());
    assertEquals("presale", first.bodyAsJsonObject().getString("lane"));
    assertEquals(1L, first.bodyAsJsonObject().getLong("position"));
    // the same join again (its answer was lost): the same visitor, no second use
    HttpResponse<Buffer> retry = await(join(1, new JsonObject().put("code", codes.get(0)), "retry-key-0123456789"));
    assertEquals(201, retry.statusCode(), retry.bodyAsString());
    assertEquals("true", retry.getHeader("Idempotent-Replayed"));
    assertEquals(first.bodyAsJsonObject().getString("visitor"), retry.bodyAsJsonObject().getString("visitor"));
    // a rejoin with the visitor's token neither
    assertEquals(200, await(cluster.api(1).rejoin(EVENT, first.bodyAsJsonObject().getString("token"))).statusCode());

    refused(join(1, new JsonObject().put("code", codes.get(0)), null), 409, "code_used_up");
    // codes are read in capitals, as people type them
    refused(join(0, new JsonObject().put("code", codes.get(0).toLowerCase()), null), 409, "code_used_up");
    Map<String, Long> left = codesLeft("presale");
    assertEquals(0L, left.get(codes.get(0)));
    assertEquals(1L, left.get(codes.get(1)));

    assertEquals(204, await(cluster.api(1).admin(HttpMethod.DELETE, "/api/admin/events/" + EVENT + "/codes/"
        + codes.get(1)).send()).statusCode());
    refused(join(0, new JsonObject().put("code", codes.get(1)), null), 403, "unknown_code");
    assertEquals(404, await(cluster.api().admin(HttpMethod.DELETE, "/api/admin/events/" + EVENT + "/codes/"
        + codes.get(1)).send()).statusCode());
    refused(join(0, new JsonObject().put("code", "NOT-A-CODE-OF-OURS"), null), 403, "unknown_code");
    refused(join(1, new JsonObject().put("code", 1234), null), 400, "invalid_code");
    HttpResponse<Buffer> early = refused(join(1, new JsonObject().put("code", vip), null), 403, "lane_not_open");
    assertTrue(early.bodyAsJsonObject().getString("joinsFrom") != null, early.bodyAsString());
    assertEquals(3L, codesLeft("vip").get(vip), "a refused join takes no use");

    refusedAdmin(new JsonObject().put("lane", "general").put("count", 1), "unknown_lane");
    refusedAdmin(new JsonObject().put("lane", "presale").put("count", 0), "invalid_count");
    refusedAdmin(new JsonObject().put("lane", "presale").put("count", 10_001), "invalid_count");
    refusedAdmin(new JsonObject().put("lane", "presale").put("count", 1).put("uses", 0), "invalid_uses");
    assertEquals(1L, await(cluster.api().stats(EVENT)).getLong("waiting"), "one join went through, once");
    JsonArray lanes = await(cluster.api().request(HttpMethod.GET, "/api/events/" + EVENT).send()).bodyAsJsonObject()
        .getJsonArray("lanes");
    assertEquals(List.of("general", "presale", "vip"), lanes.stream().map(l -> ((JsonObject) l).getString("name")).toList());
    assertEquals(0.4, lanes.getJsonObject(0).getDouble("share"), 1e-9, "general takes what the others leave");
  }

  @Test
  void aShuffledOpeningDrawsEachLanesPreQueueWithinTheLane() throws Exception {
    Instant opensAt = Instant.now().plusSeconds(3600);
    createEvent(opensAt, new JsonObject().put("gate", "on").put("paused", true).put("opening", "shuffle")
        .put("lanes", new JsonArray().add(lane("presale", 0.5))));
    String code = makeCodes("presale", 1, 50).get(0);
    List<JsonObject> general = joined(joinMany(20, new JsonObject()));
    List<JsonObject> presale = joined(joinMany(20, new JsonObject().put("code", code)));
    presale.forEach(v -> assertNull(v.getValue("position"), "in the presale's pre-queue"));
    HttpResponse<Buffer> opened = await(cluster.api().admin(HttpMethod.PUT, "/api/admin/events/" + EVENT)
        .sendJsonObject(new JsonObject().put("opensAt", Instant.now().toString())));
    assertEquals(200, opened.statusCode(), opened.bodyAsString());
    String seed = Waits.until("the seed is published at the opening", 60_000,
        () -> await(cluster.api().request(HttpMethod.GET, "/api/events/" + EVENT).send()).bodyAsJsonObject()
            .getJsonObject("opening").getString("seed"), java.util.Objects::nonNull);
    Waits.until("both lanes opened", 60_000, () -> me(presale.get(19)).getValue("position") != null
        && me(general.get(19)).getValue("position") != null);
    for (List<JsonObject> lane : List.of(general, presale)) {
      List<String> ids = lane.stream().map(v -> v.getString("visitor")).toList();
      List<String> byPlace = new ArrayList<>(ids);
      Map<String, Long> place = new HashMap<>();
      lane.forEach(v -> place.put(v.getString("visitor"), me(v).getLong("position")));
      byPlace.sort(Comparator.comparingLong(place::get));
      assertEquals(LongStream.rangeClosed(1, 20).boxed().toList(), byPlace.stream().map(place::get).toList());
      assertEquals(dev.foyer.line.ShuffleOrder.order(seed, ids), byPlace, "the lane's draw, by the published seed");
    }
  }

  @Test
  void badLanesAreRefusedAndChangeNothing() {
    createEvent(null, new JsonObject().put("lanes", new JsonArray().add(lane("presale", 0.5))));
    for (JsonArray bad : List.of(
        new JsonArray().add(lane("presale", 0.7)).add(lane("members", 0.4)),
        new JsonArray().add(lane("Pre Sale", 0.5)),
        new JsonArray().add(lane("presale", 0.2)).add(lane("presale", 0.2)),
        new JsonArray().add(lane("presale", 0)),
        new JsonArray().add(lane("general", 0.5).put("opensAt", Instant.now().toString())),
        new JsonArray().add(lane("presale", 0.5).put("opensAt", "tomorrow")),
        new JsonArray().add(lane("members", 0.5).put("claim", new JsonObject().put("name", "tier").put("value", "m"))),
        new JsonArray().add(lane("presale", 0.5).put("colour", "red")))) {
      HttpResponse<Buffer> r = await(cluster.api().admin(HttpMethod.PUT, "/api/admin/events/" + EVENT + "/settings")
          .sendJsonObject(new JsonObject().put("lanes", bad)));
      assertEquals(400, r.statusCode(), bad.encode() + " -> " + r.bodyAsString());
      assertTrue(Set.of("invalid_setting", "unknown_setting").contains(r.bodyAsJsonObject().getString("error")));
    }
    JsonArray kept = await(cluster.api().stats(EVENT)).getJsonObject("settings").getJsonArray("lanes");
    assertEquals(List.of("general", "presale"), kept.stream().map(l -> ((JsonObject) l).getString("name")).toList());
    // no lanes again: one line, as an event that never had any
    settings(new JsonObject().put("lanes", new JsonArray()));
    HttpResponse<Buffer> plain = await(join(0, new JsonObject(), null));
    assertEquals(201, plain.statusCode(), plain.bodyAsString());
    assertNull(plain.bodyAsJsonObject().getValue("lane"));
  }

  private static HttpResponse<Buffer> refused(Future<HttpResponse<Buffer>> answer, int status, String code) {
    HttpResponse<Buffer> r = await(answer);
    assertEquals(status, r.statusCode(), r.bodyAsString());
    assertEquals(code, r.bodyAsJsonObject().getString("error"));
    return r;
  }

  private static void refusedAdmin(JsonObject body, String code) {
    refused(cluster.api().admin(HttpMethod.POST, "/api/admin/events/" + EVENT + "/codes").sendJsonObject(body), 400, code);
  }

  @Test
  void joinsRacingOnBothNodesTakeExactlyTheCodesUses() {
    createEvent(null, new JsonObject().put("gate", "on").put("paused", true)
        .put("lanes", new JsonArray().add(lane("presale", 0.5))));
    String single = makeCodes("presale", 1, 1).get(0);
    String capped = makeCodes("presale", 1, 5).get(0);
    List<Future<HttpResponse<Buffer>>> joins = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      joins.add(join(i % 2, new JsonObject().put("code", i % 3 == 0 ? single : capped), null));
    }
    await(Future.join(joins));
    Map<String, Map<Integer, Integer>> answers = new HashMap<>();
    List<Long> places = new ArrayList<>();
    for (int i = 0; i < joins.size(); i++) {
      HttpResponse<Buffer> r = joins.get(i).result();
      answers.computeIfAbsent(i % 3 == 0 ? "single" : "capped", k -> new HashMap<>()).merge(r.statusCode(), 1, Integer::sum);
      if (r.statusCode() == 201) {
        places.add(r.bodyAsJsonObject().getLong("position"));
      } else {
        assertEquals("code_used_up", r.bodyAsJsonObject().getString("error"), r.bodyAsString());
      }
    }
    assertEquals(Map.of(201, 1, 409, 19), answers.get("single"), "a single-use code is used exactly once");
    assertEquals(Map.of(201, 5, 409, 35), answers.get("capped"), "a code of 5 uses exactly 5 times");
    assertEquals(Set.of(0L), new HashSet<>(codesLeft("presale").values()));
    assertEquals(6L, await(cluster.api().stats(EVENT)).getLong("waiting"));
    places.sort(null);
    assertEquals(LongStream.rangeClosed(1, 6).boxed().toList(), places);
  }

  @Test
  void anIdentityClaimEntersItsLaneWithoutACode(Vertx vertx) throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    KeyPair pair = generator.generateKeyPair();
    Base64.Encoder mime = Base64.getMimeEncoder(64, "\n".getBytes());
    String publicPem = "-----BEGIN PUBLIC KEY-----\n" + mime.encodeToString(pair.getPublic().getEncoded())
        + "\n-----END PUBLIC KEY-----\n";
    String privatePem = "-----BEGIN PRIVATE KEY-----\n" + mime.encodeToString(pair.getPrivate().getEncoded())
        + "\n-----END PRIVATE KEY-----\n";
    createEvent(null, new JsonObject().put("gate", "on").put("paused", true)
        .put("identity", new JsonObject().put("mode", "optional").put("publicKey", publicPem.replace("\n", "\\n")))
        .put("lanes", new JsonArray().add(lane("members", 0.5)
            .put("claim", new JsonObject().put("name", "tier").put("value", "member")))));
    JWTAuth site = JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions()
        .setAlgorithm("RS256").setBuffer(privatePem)));
    List<JsonObject> answers = new ArrayList<>();
    for (String[] user : new String[][] {{"ann", "member"}, {"bob", "guest"}, {"cat", "member"}}) {
      String token = site.generateToken(new JsonObject().put("sub", user[0]).put("aud", EVENT).put("tier", user[1])
          .put("exp", Instant.now().plusSeconds(600).getEpochSecond()), new JWTOptions().setAlgorithm("RS256"));
      HttpResponse<Buffer> r = await(join(answers.size() % 2, new JsonObject().put("identity", token), null));
      assertEquals(201, r.statusCode(), r.bodyAsString());
      answers.add(r.bodyAsJsonObject());
    }
    assertEquals(List.of("members", "general", "members"), answers.stream().map(a -> a.getString("lane")).toList());
    assertEquals(List.of(1L, 1L, 2L), answers.stream().map(a -> a.getLong("position")).toList());
  }
}
