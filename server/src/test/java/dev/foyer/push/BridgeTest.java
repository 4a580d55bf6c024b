package dev.foyer.push;

import dev.foyer.bus.Addresses;
import dev.foyer.support.ApiClient;
import dev.foyer.support.BridgeClient;
import dev.foyer.support.BridgeSockets;
import dev.foyer.support.StockTold;
import dev.foyer.support.FoyerCluster;
import dev.foyer.support.Jwks;
import dev.foyer.support.NodeClients;
import dev.foyer.support.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.foyer.support.Waits.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A browser's view of the bridge, over a real websocket to a real node. */
@ExtendWith(VertxExtension.class)
class BridgeTest {

  private static final String EVENT = "rock-night";

  @RegisterExtension
  static final FoyerCluster cluster = FoyerCluster.nodes(1);
  @RegisterExtension
  static final BridgeSockets bridges = BridgeSockets.closedAfterEachTest();

  private static BridgeClient bridge() {
    return bridges.connect(cluster.node().port());
  }

  /** {@code n} visitors joined one after the other, in line in that order. */
  private static List<JsonObject> join(int n) {
    List<JsonObject> joined = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      joined.add(await(cluster.api().join(EVENT)).bodyAsJsonObject());
    }
    return joined;
  }

  @Test
  void aVisitorGetsItsStateAtOnceThenFallingRanksThenAnAdmissionWithAPassThatVerifies() {
    ApiClient api = cluster.api();
    await(api.createEvent(EVENT, new JsonObject().put("maxActive", 1).put("admitPerMinute", 0).put("activeSeconds", 1)
        .put("rankPushMillis", 200).put("paused", true)));
    List<JsonObject> visitors = join(3);
    BridgeClient bridge = bridge();
    JsonObject third = visitors.get(2);
    String address = "foyer.visitor." + third.getString("visitor");
    await(bridge.registerVisitor(third.getString("visitor"), third.getString("token")));
    JsonObject first = await(bridge.nextMessage(address, "rank", 3000));
    assertEquals(3L, first.getLong("position"), "the current state arrives at once");
    assertEquals(3L, first.getLong("waiting"));
    assertTrue(first.getLong("at") > 0);

    await(api.putEvent(EVENT, new JsonObject().put("paused", false)));
    await(bridge.next(f -> isRank(f, 2), 8000));
    await(bridge.next(f -> isRank(f, 1), 8000));
    JsonObject admitted = await(bridge.nextMessage(address, "admitted", 8000));
    HttpResponse<Buffer> jwks = await(api.request(HttpMethod.GET, "/.well-known/jwks.json").send());
    JsonObject claims = Jwks.verifiedClaims(jwks.bodyAsJsonObject(), admitted.getString("pass"));
    assertNotNull(claims, "the pass verifies against the JWKS");
    assertEquals(visitors.get(2).getString("visitor"), claims.getString("sub"));
    assertEquals(EVENT, claims.getString("aud"));
    assertEquals(admitted.getLong("activeUntil") / 1000, claims.getLong("exp"));
  }

  @Test
  void theAdmissionPushedTheStatusAskedForAndTheStateOnRegisterHandOutTheOnePassTheNodeSigned() {
    String event = "one-pass";
    ApiClient api = cluster.api();
    await(api.createEvent(event, new JsonObject().put("maxActive", 1).put("admitPerMinute", 0).put("activeSeconds", 120)
        .put("paused", true)));
    JsonObject visitor = await(api.join(event)).bodyAsJsonObject();
    String address = "foyer.visitor." + visitor.getString("visitor");
    BridgeClient waiting = bridge();
    await(waiting.registerVisitor(visitor.getString("visitor"), visitor.getString("token")));
    await(waiting.nextMessage(address, "rank", 5000));
    double signedBefore = await(api.metric("foyer_passes_signed_total"));

    await(api.putEvent(event, new JsonObject().put("paused", false)));
    String pushed = await(waiting.nextMessage(address, "admitted", 8000)).getString("pass");
    String asked = await(api.me(event, visitor.getString("token"))).bodyAsJsonObject().getString("pass");
    BridgeClient again = bridge();
    await(again.registerVisitor(visitor.getString("visitor"), visitor.getString("token")));
    String told = await(again.nextMessage(address, "admitted", 5000)).getString("pass");

    assertEquals(pushed, asked, "the status call hands out the pass the push room signed");
    assertEquals(pushed, told, "so does the state sent on a register");
    assertEquals(1.0, await(api.metric("foyer_passes_signed_total")) - signedBefore,
        "one signature for the admission, whichever way the visitor asks");
  }

  private static boolean isRank(JsonObject frame, long position) {
    return "rec".equals(frame.getString("type")) && frame.getJsonObject("body") != null
        && "rank".equals(frame.getJsonObject("body").getString("type"))
        && frame.getJsonObject("body").getLong("position") == position;
  }

  @Test
  void theGuardRefusesWrongTokensForeignAndInternalAddressesAndEverySendIntoTheCluster() {
    ApiClient api = cluster.api();
    AtomicInteger leaked = new AtomicInteger();
    TestNode node = cluster.node();
    node.vertx().eventBus().consumer(Addresses.EVENT_CHANGED, m -> {
      if ("smuggled".equals(m.body())) {
        leaked.incrementAndGet();
      }
    });
    await(api.createEvent(EVENT, new JsonObject().put("paused", true)));
    List<JsonObject> visitors = join(2);
    BridgeClient b = bridge();
    String alice = visitors.get(0).getString("visitor");
    String aliceToken = visitors.get(0).getString("token");
    String bobToken = visitors.get(1).getString("token");
    String aliceAddress = "foyer.visitor." + alice;
    String forged = aliceToken.substring(0, aliceToken.lastIndexOf('.') + 1) + "forgedsignature";
    List<JsonObject> attempts = List.of(
        register(aliceAddress, new JsonObject().put("token", bobToken)),
        register(aliceAddress, new JsonObject().put("token", forged)),
        register(aliceAddress, new JsonObject()),
        register("foyer.internal.admissions", new JsonObject().put("token", aliceToken)),
        register(Addresses.EVENT_CHANGED, new JsonObject()),
        register("foyer.local.foyer.event." + EVENT, new JsonObject()),
        register("foyer.event.Not_An_Event", new JsonObject()),
        new JsonObject().put("type", "send").put("address", Addresses.EVENT_CHANGED).put("body", "smuggled"),
        new JsonObject().put("type", "publish").put("address", Addresses.EVENT_CHANGED).put("body", "smuggled"),
        new JsonObject().put("type", "publish").put("address", "foyer.event." + EVENT)
            .put("body", new JsonObject().put("type", "progress")));
    for (JsonObject attempt : attempts) {
      await(b.send(attempt));
      JsonObject err = await(b.next(f -> "err".equals(f.getString("type"))
          && attempt.getString("address").equals(f.getString("address")), 3000));
      assertEquals("access_denied", err.getString("body"), attempt.encode());
    }
    await(b.send(new JsonObject().put("type", "ping")));
    await(b.register("foyer.event." + EVENT, null));
    // the progress a register gets first is the last one ticked, which may predate the
    // second join; the line's own frames follow each tick
    JsonObject progress = await(b.next(f -> "rec".equals(f.getString("type"))
        && ("foyer.event." + EVENT).equals(f.getString("address"))
        && "progress".equals(f.getJsonObject("body").getString("type"))
        && f.getJsonObject("body").getLong("waiting") == 2L, 15_000)).getJsonObject("body");
    assertEquals(2L, progress.getLong("waiting"));
    assertEquals(0, leaked.get(), "nothing a browser sent reached the cluster");
    assertTrue(b.received().stream().noneMatch(f -> "rec".equals(f.getString("type"))
        && aliceAddress.equals(f.getString("address"))), "no message for a refused address");
  }

  private static JsonObject register(String address, JsonObject headers) {
    return new JsonObject().put("type", "register").put("address", address).put("headers", headers);
  }


  @Test
  void theRankSentOnRegisterAndTheRankPushedInARoundAreTheSameFrame() {
    ApiClient api = cluster.api();
    await(api.createEvent(EVENT, new JsonObject().put("maxActive", 1).put("admitPerMinute", 0).put("activeSeconds", 60)
        .put("rankPushMillis", 200).put("paused", true)));
    List<JsonObject> visitors = join(2);
    BridgeClient bridge = bridge();
    JsonObject second = visitors.get(1);
    await(bridge.registerVisitor(second.getString("visitor"), second.getString("token")));
    JsonObject onRegister = await(bridge.next(f -> isRank(f, 2), 3000));
    await(api.putEvent(EVENT, new JsonObject().put("paused", false)));
    JsonObject inRound = await(bridge.next(f -> isRank(f, 1), 8000));

    assertEquals(onRegister.fieldNames(), inRound.fieldNames(), "the same frame fields");
    assertEquals(onRegister.getString("address"), inRound.getString("address"));
    JsonObject a = onRegister.getJsonObject("body");
    JsonObject b = inRound.getJsonObject("body");
    assertEquals(a.fieldNames(), b.fieldNames(), "the same message fields: " + a + " / " + b);
    for (String field : a.fieldNames()) {
      if (a.getValue(field) != null && b.getValue(field) != null) { // etaSeconds is null until measured
        assertEquals(a.getValue(field).getClass(), b.getValue(field).getClass(), field);
      }
    }
  }

  @Test
  void aValidRegisterIsAnsweredWithTheRankOnceAndRoundsSendOnlyChanges(Vertx vertx) throws Exception {
    ApiClient api = cluster.api();
    await(api.createEvent(EVENT, new JsonObject().put("maxActive", 1).put("rankPushMillis", 200).put("paused", true)));
    await(StockTold.of(vertx, cluster, EVENT));
    List<JsonObject> visitors = join(2);
    BridgeClient bridge = bridge();
    JsonObject second = visitors.get(1);
    await(bridge.registerVisitor(second.getString("visitor"), second.getString("token")));
    await(bridge.next(f -> isRank(f, 2), 3000));
    // nothing must come for five rounds at least (200 ms each), on a line that does not move
    Thread.sleep(1500);

    String address = "foyer.visitor." + visitors.get(1).getString("visitor");
    assertEquals(List.of(), bridge.received().stream().filter(f -> address.equals(f.getString("address")))
        .toList(), "nothing more: the position did not change");
  }

  @Test
  void aRefusedSendWithAReplyHandlerFiresTheOfficialClientsCallback() throws Exception {
    NodeClients.assumeInstalled();
    for (String transport : List.of("websocket", "xhr-polling")) {
      try (NodeClients.Run run = NodeClients.refusedSend("http://127.0.0.1:" + cluster.node().port() + "/eventbus",
          transport, Addresses.EVENT_CHANGED, 15_000)) {
        JsonObject reply = run.await("reply", 20_000);
        assertNotNull(reply, "the callback fired on " + transport + ": " + run);
        JsonObject error = reply.getJsonObject("error");
        assertNotNull(error, "with an error: " + run);
        assertEquals("access_denied", error.getString("failureType"), run.toString());
        assertTrue(run.lines().stream().noneMatch(l -> "error".equals(l.getString("event"))),
            "answered to the callback, not to onerror: " + run);
      }
    }
  }
}
