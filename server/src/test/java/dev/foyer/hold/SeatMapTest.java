package dev.foyer.hold;

import dev.foyer.support.ApiClient;
import dev.foyer.support.BridgeClient;
import dev.foyer.support.BridgeSockets;
import dev.foyer.support.FoyerCluster;
import dev.foyer.support.SeatFeed;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPInputStream;

import static dev.foyer.support.Waits.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The seat map as browsers load it: gzip when asked, an ETag answered 304 while current, a hold
 * changing it, the changes since a version, and reads racing holds never missing one.
 */
@ExtendWith(VertxExtension.class)
class SeatMapTest {

  private static final String EVENT = "opera-house";
  private static final String SEATS = "/api/events/" + EVENT + "/seats";
  private static final JsonObject OPEN = new JsonObject().put("gate", "off").put("maxActive", 1000)
      .put("maxSeatsPerHold", 50);

  @RegisterExtension
  static final FoyerCluster cluster = FoyerCluster.nodes(1);
  @RegisterExtension
  static final BridgeSockets bridges = BridgeSockets.closedAfterEachTest();

  private ApiClient api;

  @BeforeEach
  void client() {
    api = cluster.api();
  }

  /** An event of rows x 50 seats in section A, everyone let straight in. */
  private void createEvent(int rows) throws Exception {
    HttpResponse<Buffer> r = await(api.admin(HttpMethod.PUT, "/api/admin/events/" + EVENT).sendJsonObject(
        new JsonObject().put("name", "Opera house").put("seats", ApiClient.layout(rows, 50)).put("settings", OPEN)));
    assertEquals(201, r.statusCode(), r.bodyAsString());
  }

  private HttpResponse<Buffer> get(String path, String... headers) throws Exception {
    var request = api.request(HttpMethod.GET, path);
    for (int i = 0; i + 1 < headers.length; i += 2) {
      request.putHeader(headers[i], headers[i + 1]);
    }
    return await(request.send());
  }

  private static String gunzip(Buffer body) throws Exception {
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(body.getBytes()))) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static Map<String, String> statuses(JsonObject map) {
    Map<String, String> out = new TreeMap<>();
    map.getJsonArray("seats").forEach(o -> out.put(((JsonObject) o).getString("id"), ((JsonObject) o).getString("status")));
    return out;
  }

  private static String since(JsonObject map) {
    return SEATS + "?since=" + map.getString("generation") + "." + map.getLong("version");
  }

  private String pass() throws Exception {
    return await(api.admitted(EVENT)).getString("pass");
  }

  private HttpResponse<Buffer> hold(String pass, String... seats) throws Exception {
    HttpResponse<Buffer> r = await(api.hold(EVENT, pass, seats));
    assertEquals(201, r.statusCode(), r.bodyAsString());
    return r;
  }

  @Test
  void gzipIsAnsweredWhenAskedWithTheSameJsonAndNeverCompressedPerRequestOtherwise() throws Exception {
    createEvent(40); // 2,000 seats
    hold(pass(), "A-1-1", "A-40-50");
    HttpResponse<Buffer> plain = get(SEATS);
    HttpResponse<Buffer> gzip = get(SEATS, "Accept-Encoding", "gzip, deflate, br");
    HttpResponse<Buffer> deflateOnly = get(SEATS, "Accept-Encoding", "deflate");
    HttpResponse<Buffer> refused = get(SEATS, "Accept-Encoding", "gzip;q=0, deflate");

    assertEquals(200, plain.statusCode());
    assertNull(plain.getHeader("Content-Encoding"));
    assertEquals("application/json", plain.getHeader("Content-Type"));
    JsonObject map = plain.bodyAsJsonObject();
    assertEquals(2000, map.getJsonArray("seats").size());
    assertEquals("held", statuses(map).get("A-40-50"));

    assertEquals(200, gzip.statusCode());
    assertEquals("gzip", gzip.getHeader("Content-Encoding"));
    // caches keep gzip and plain apart (and, as every API answer, answers per Origin apart: CorsHeadersTest)
    assertTrue(gzip.headers().getAll("Vary").contains("Accept-Encoding"), gzip.headers().getAll("Vary").toString());
    assertEquals(plain.getHeader("ETag"), gzip.getHeader("ETag"), "one version, one ETag, whatever the encoding");
    assertTrue(gzip.body().length() * 5 < plain.body().length(),
        "compressed: " + gzip.body().length() + " of " + plain.body().length() + " bytes");
    assertEquals(plain.bodyAsString(), gunzip(gzip.body()), "the same JSON, byte for byte, once decompressed");

    // a client that takes only deflate gets the plain JSON: the node never compresses the map per request
    for (HttpResponse<Buffer> r : List.of(deflateOnly, refused)) {
      assertEquals(200, r.statusCode());
      assertNull(r.getHeader("Content-Encoding"));
      assertEquals(plain.body(), r.body());
    }
  }

  @Test
  void anEtagIsAnswered304WithNoBodyUntilAHoldChangesIt() throws Exception {
    createEvent(5);
    HttpResponse<Buffer> first = get(SEATS, "Accept-Encoding", "gzip");
    String etag = first.getHeader("ETag");
    assertNotNull(etag);
    assertTrue(etag.startsWith("W/\""), etag);
    assertEquals("no-cache", first.getHeader("Cache-Control"), "kept by the browser, revalidated on each load");

    HttpResponse<Buffer> again = get(SEATS, "Accept-Encoding", "gzip", "If-None-Match", etag);
    assertEquals(304, again.statusCode());
    assertNull(again.body(), "a 304 has no body");
    assertEquals(etag, again.getHeader("ETag"));
    assertEquals(304, get(SEATS, "If-None-Match", "\"something-else\", " + etag).statusCode(), "any tag of a list");
    assertEquals(304, get(SEATS, "If-None-Match", etag.substring(2)).statusCode(), "compared weakly");
    assertEquals(200, get(SEATS, "If-None-Match", "W/\"nope.1.2\"").statusCode());

    hold(pass(), "A-2-2");
    HttpResponse<Buffer> after = get(SEATS, "If-None-Match", etag);
    assertEquals(200, after.statusCode(), "the hold made the map new");
    assertNotEquals(etag, after.getHeader("ETag"));
    assertEquals("held", statuses(after.bodyAsJsonObject()).get("A-2-2"), "the holder sees its hold at once");
    assertEquals(304, get(SEATS, "If-None-Match", after.getHeader("ETag")).statusCode());
  }

  @Test
  void changesSinceAVersionAreExactlyTheSeatsChangedAfterItAndTheLiveMessagesCarryTheirVersions() throws Exception {
    createEvent(5);
    BridgeClient bridge = bridges.connect(cluster.node().port());
    await(bridge.register("foyer.seats." + EVENT, null));
    String a = pass();
    String b = pass();
    String probe = pass();
    // A-5-5 changes until its change comes through: then the node has the event's broadcasts
    SeatFeed.following(api, bridge, EVENT, probe, "A-5-5").await(90, TimeUnit.SECONDS);
    hold(probe, "A-5-5");
    JsonObject before = get(SEATS).bodyAsJsonObject();
    assertEquals(before.getString("generation"), get(SEATS).bodyAsJsonObject().getString("generation"));

    hold(a, "A-1-1", "A-1-2");
    hold(b, "A-2-1");
    hold(a, "A-1-2", "A-1-3"); // replaces a's hold: A-1-1 freed, A-1-2 stays held
    // replaces b's hold (A-2-1 freed), then is released
    await(api.release(EVENT, b, await(api.hold(EVENT, b, "A-3-3")).bodyAsJsonObject().getString("holdId")));

    HttpResponse<Buffer> r = get(since(before));
    assertEquals(200, r.statusCode(), r.bodyAsString());
    assertEquals("no-store", r.getHeader("Cache-Control"));
    JsonObject delta = r.bodyAsJsonObject();
    assertNull(delta.getValue("seats"), "changes only, not the map");
    Map<String, String> changed = new TreeMap<>();
    Map<String, Long> versions = new HashMap<>();
    delta.getJsonArray("changes").forEach(o -> {
      JsonObject c = (JsonObject) o;
      assertNull(changed.put(c.getString("seat"), c.getString("status")), "each seat once: " + delta);
      versions.put(c.getString("seat"), c.getLong("version"));
      assertTrue(c.getLong("version") > before.getLong("version") && c.getLong("version") <= delta.getLong("version"));
    });
    // A-5-5 was held before the first read: not a change since
    assertEquals(Map.of("A-1-1", "free", "A-1-2", "held", "A-1-3", "held", "A-2-1", "free", "A-3-3", "free"), changed);
    assertEquals(before.getString("generation"), delta.getString("generation"));
    JsonObject now = get(SEATS).bodyAsJsonObject();
    assertEquals(now.getLong("version"), delta.getLong("version"), "up to the current version");
    assertTrue(versions.get("A-1-1") < versions.get("A-3-3"), "each change has the version of its own step");

    JsonObject none = get(since(now)).bodyAsJsonObject();
    assertEquals(new JsonArray(), none.getJsonArray("changes"), "nothing changed since the current version");

    // the live message of the last change says which version it was
    JsonObject frame = await(bridge.next(f -> "rec".equals(f.getString("type"))
        && f.getJsonObject("body").getJsonArray("changes").stream()
        .anyMatch(c -> "A-3-3".equals(((JsonObject) c).getString("seat"))
            && "free".equals(((JsonObject) c).getString("status"))), 15_000));
    JsonObject message = frame.getJsonObject("body");
    assertEquals(before.getString("generation"), message.getString("generation"));
    message.getJsonArray("changes").forEach(o -> {
      JsonObject c = (JsonObject) o;
      if (c.getString("seat").equals("A-3-3")) {
        assertEquals(versions.get("A-3-3"), c.getLong("version"));
      }
    });
  }

  @Test
  void aVersionThatCannotBeAnsweredWithChangesGetsTheWholeMapAndBadOnesA400() throws Exception {
    createEvent(40);
    JsonObject map = get(SEATS).bodyAsJsonObject();
    String generation = map.getString("generation");
    long version = map.getLong("version");

    for (String since : List.of("aaaa." + version, generation + "." + (version + 100))) {
      HttpResponse<Buffer> r = get(SEATS + "?since=" + since, "Accept-Encoding", "gzip");
      assertEquals(200, r.statusCode(), since);
      assertEquals("gzip", r.getHeader("Content-Encoding"), "the map as any full load: " + since);
      assertEquals(map, new JsonObject(gunzip(r.body())), "another generation or a version not given yet: " + since);
      assertNotNull(r.getHeader("ETag"));
    }
    for (String since : List.of("", "12", "abc.", "abc.-1", "a-b.1", "abc.1.2", "abc.99999999999999999999")) {
      HttpResponse<Buffer> r = get(SEATS + "?since=" + since);
      assertEquals(400, r.statusCode(), since);
      assertEquals("invalid_version", r.bodyAsJsonObject().getString("error"), since);
    }

    // more changes than are worth sending one by one: 21 visitors hold 50 seats each
    for (int v = 0; v < 21; v++) {
      String[] seats = new String[50];
      for (int n = 0; n < 50; n++) {
        seats[n] = "A-" + (v + 1) + "-" + (n + 1);
      }
      hold(pass(), seats);
    }
    JsonObject whole = get(since(map)).bodyAsJsonObject();
    assertNotNull(whole.getJsonArray("seats"), "1,050 changes: the whole map instead");
    assertEquals(1050, statuses(whole).values().stream().filter("held"::equals).count());

    // Redis loses the map (and its version): the next read rebuilds it from PostgreSQL as a new generation
    String base = cluster.setup().prefix() + ":{" + EVENT + "}:";
    await(cluster.redis().send(Request.cmd(Command.DEL).arg(base + "seats").arg(base + "seat-version")
        .arg(base + "seat-log")));
    JsonObject rebuilt = get(since(whole)).bodyAsJsonObject();
    assertNotNull(rebuilt.getJsonArray("seats"), rebuilt.encode());
    assertNotEquals(generation, rebuilt.getString("generation"));
    assertEquals(1050, statuses(rebuilt).values().stream().filter("held"::equals).count(), "live holds stay");
  }

  @Test
  void readsRacingHoldsNeverMissOneAndEveryHolderSeesItsOwnHold() throws Exception {
    createEvent(20);
    int holders = 6;
    List<String> passes = new ArrayList<>();
    for (int i = 0; i < holders; i++) {
      passes.add(pass());
    }
    Vertx clients = Vertx.vertx();
    AtomicBoolean stop = new AtomicBoolean();
    List<String> problems = java.util.Collections.synchronizedList(new ArrayList<>());
    try {
      ApiClient fast = new ApiClient(clients, cluster.node().port());
      // each holder keeps to its own row, so after its hold answers nobody else can change those seats
      List<Future<Integer>> loops = new ArrayList<>();
      AtomicInteger made = new AtomicInteger();
      for (int i = 0; i < holders; i++) {
        loops.add(holdLoop(clients, fast, passes.get(i), i + 1, new Random(i), stop, made, problems));
      }
      // a reader following the map by changes alone, from one full read
      JsonObject first = get(SEATS).bodyAsJsonObject();
      Map<String, String> followed = statuses(first);
      String generation = first.getString("generation");
      long version = first.getLong("version");
      int reads = 0;
      // the reads race the holds until enough of both were made, however slowly the machine goes;
      // the deadline only stops a run that makes no progress
      long deadline = System.currentTimeMillis() + 120_000;
      while ((made.get() < 30 || reads < 15) && System.currentTimeMillis() < deadline) {
        JsonObject delta = get(SEATS + "?since=" + generation + "." + version).bodyAsJsonObject();
        assertNull(delta.getValue("seats"), "a few changes at a time, never the whole map");
        assertTrue(delta.getLong("version") >= version);
        delta.getJsonArray("changes").forEach(o -> followed.put(((JsonObject) o).getString("seat"),
            ((JsonObject) o).getString("status")));
        version = delta.getLong("version");
        reads++;
      }
      stop.set(true);
      int holds = await(Future.all(loops)).<Integer>list().stream().mapToInt(n -> n).sum();
      assertEquals(List.of(), problems);
      assertTrue(holds > 20, "holds made: " + holds);
      assertTrue(reads > 10, "reads made: " + reads);

      JsonObject last = get(SEATS + "?since=" + generation + "." + version).bodyAsJsonObject();
      last.getJsonArray("changes").forEach(o -> followed.put(((JsonObject) o).getString("seat"),
          ((JsonObject) o).getString("status")));
      Map<String, String> truth = statuses(get(SEATS).bodyAsJsonObject());
      assertEquals(truth, followed, "full read + every change since = the map now");
      Response heldInRedis = await(cluster.redis().send(Request.cmd(Command.HKEYS)
          .arg(cluster.setup().prefix() + ":{" + EVENT + "}:hold-seats")));
      List<String> held = new ArrayList<>();
      heldInRedis.forEach(s -> held.add(s.toString()));
      assertEquals(held.stream().sorted().toList(),
          truth.entrySet().stream().filter(e -> e.getValue().equals("held")).map(Map.Entry::getKey).sorted().toList(),
          "and the map is what Redis holds");
      fast.close();
    } finally {
      clients.close().await(10, TimeUnit.SECONDS);
    }
  }

  /** Holds 1-4 seats of its row, then reads the map and checks they show held; until stopped. */
  private Future<Integer> holdLoop(Vertx vertx, ApiClient client, String pass, int row, Random random,
                                   AtomicBoolean stop, AtomicInteger made, List<String> problems) {
    if (stop.get()) {
      return Future.succeededFuture(0);
    }
    List<String> seats = new ArrayList<>();
    for (int k = 1 + random.nextInt(4); k > 0; k--) {
      String seat = "A-" + row + "-" + (1 + random.nextInt(50));
      if (!seats.contains(seat)) {
        seats.add(seat);
      }
    }
    return client.hold(EVENT, pass, seats.toArray(String[]::new))
        .compose(held -> {
          if (held.statusCode() != 201) {
            problems.add("hold " + seats + " answered " + held.statusCode() + " " + held.bodyAsString());
          }
          made.incrementAndGet();
          return client.request(HttpMethod.GET, SEATS).putHeader("Accept-Encoding", "gzip").send();
        })
        .compose(map -> {
          try {
            Map<String, String> statuses = statuses(new JsonObject(gunzip(map.body())));
            for (String seat : seats) {
              if (!"held".equals(statuses.get(seat))) {
                problems.add(seat + " is " + statuses.get(seat) + " in the map read right after holding it");
              }
            }
          } catch (Exception e) {
            problems.add("unreadable map: " + e);
          }
          return holdLoop(vertx, client, pass, row, random, stop, made, problems).map(n -> n + 1);
        });
  }
}
