package dev.foyer.push;

import dev.foyer.bus.Addresses;
import dev.foyer.event.EventCatalog;
import dev.foyer.support.ApiClient;
import dev.foyer.support.BridgeClient;
import dev.foyer.support.StockTold;
import dev.foyer.support.FoyerCluster;
import dev.foyer.support.Jwks;
import dev.foyer.support.NodeClients;
import dev.foyer.support.TestNode;
import dev.foyer.support.Waits;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A browser's view of the bridge, over a real websocket to a real node. */
@ExtendWith(VertxExtension.class)
class BridgeTest {

  private static final String EVENT = "rock-night";

  @RegisterExtension
  static final FoyerCluster cluster = FoyerCluster.nodes(1);

  private final List<BridgeClient> bridges = new ArrayList<>();

  @AfterEach
  void closeBridges() throws Exception {
    for (BridgeClient b : bridges) {
      b.close().await(5, TimeUnit.SECONDS);
    }
  }

  private Future<BridgeClient> bridge(Vertx vertx) {
    return BridgeClient.connect(vertx, cluster.node().port()).onSuccess(bridges::add);
  }

  private Future<List<JsonObject>> join(int n) {
    ApiClient api = cluster.api();
    Future<List<JsonObject>> all = Future.succeededFuture(new ArrayList<>());
    for (int i = 0; i < n; i++) {
      all = all.compose(list -> api.join(EVENT).map(r -> {
        list.add(r.bodyAsJsonObject());
        return list;
      }));
    }
    return all;
  }

  @Test
  void aVisitorGetsItsStateAtOnceThenFallingRanksThenAnAdmissionWithAPassThatVerifies(Vertx vertx,
                                                                                      VertxTestContext ctx) {
    ApiClient api = cluster.api();
    List<JsonObject> visitors = new ArrayList<>();
    BridgeClient[] bridge = new BridgeClient[1];
    String[] address = new String[1];
    api.createEvent(EVENT, new JsonObject().put("maxActive", 1).put("admitPerMinute", 0).put("activeSeconds", 1)
            .put("rankPushMillis", 200).put("paused", true))
        .compose(v -> join(3))
        .compose(joined -> {
          visitors.addAll(joined);
          return bridge(vertx);
        })
        .compose(b -> {
          bridge[0] = b;
          JsonObject third = visitors.get(2);
          address[0] = "foyer.visitor." + third.getString("visitor");
          return b.registerVisitor(third.getString("visitor"), third.getString("token"))
              .compose(v -> b.nextMessage(address[0], "rank", 3000));
        })
        .compose(first -> {
          ctx.verify(() -> {
            assertEquals(3L, first.getLong("position"), "the current state arrives at once");
            assertEquals(3L, first.getLong("waiting"));
            assertTrue(first.getLong("at") > 0);
          });
          return api.putEvent(EVENT, new JsonObject().put("paused", false));
        })
        .compose(v -> bridge[0].next(f -> isRank(f, 2), 8000))
        .compose(v -> bridge[0].next(f -> isRank(f, 1), 8000))
        .compose(v -> bridge[0].nextMessage(address[0], "admitted", 8000))
        .compose(admitted -> api.request(HttpMethod.GET, "/.well-known/jwks.json").send().map(jwks -> {
          ctx.verify(() -> {
            JsonObject claims = Jwks.verifiedClaims(jwks.bodyAsJsonObject(), admitted.getString("pass"));
            assertNotNull(claims, "the pass verifies against the JWKS");
            assertEquals(visitors.get(2).getString("visitor"), claims.getString("sub"));
            assertEquals(EVENT, claims.getString("aud"));
            assertEquals(admitted.getLong("activeUntil") / 1000, claims.getLong("exp"));
          });
          return null;
        }))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void theAdmissionPushedTheStatusAskedForAndTheStateOnRegisterHandOutTheOnePassTheNodeSigned(Vertx vertx)
      throws Exception {
    String event = "one-pass";
    ApiClient api = cluster.api();
    api.createEvent(event, new JsonObject().put("maxActive", 1).put("admitPerMinute", 0).put("activeSeconds", 120)
        .put("paused", true)).await(10, TimeUnit.SECONDS);
    JsonObject visitor = api.join(event).await(10, TimeUnit.SECONDS).bodyAsJsonObject();
    String address = "foyer.visitor." + visitor.getString("visitor");
    BridgeClient waiting = bridge(vertx).await(10, TimeUnit.SECONDS);
    waiting.registerVisitor(visitor.getString("visitor"), visitor.getString("token")).await(10, TimeUnit.SECONDS);
    waiting.nextMessage(address, "rank", 5000).await(10, TimeUnit.SECONDS);
    double signedBefore = api.metric("foyer_passes_signed_total").await(10, TimeUnit.SECONDS);

    api.putEvent(event, new JsonObject().put("paused", false)).await(10, TimeUnit.SECONDS);
    String pushed = waiting.nextMessage(address, "admitted", 8000).await(10, TimeUnit.SECONDS).getString("pass");
    String asked = api.me(event, visitor.getString("token")).await(10, TimeUnit.SECONDS).bodyAsJsonObject()
        .getString("pass");
    BridgeClient again = bridge(vertx).await(10, TimeUnit.SECONDS);
    again.registerVisitor(visitor.getString("visitor"), visitor.getString("token")).await(10, TimeUnit.SECONDS);
    String told = again.nextMessage(address, "admitted", 5000).await(10, TimeUnit.SECONDS).getString("pass");

    assertEquals(pushed, asked, "the status call hands out the pass the push room signed");
    assertEquals(pushed, told, "so does the state sent on a register");
    assertEquals(1.0, api.metric("foyer_passes_signed_total").await(10, TimeUnit.SECONDS) - signedBefore,
        "one signature for the admission, whichever way the visitor asks");
  }

  private static boolean isRank(JsonObject frame, long position) {
    return "rec".equals(frame.getString("type")) && frame.getJsonObject("body") != null
        && "rank".equals(frame.getJsonObject("body").getString("type"))
        && frame.getJsonObject("body").getLong("position") == position;
  }

  @Test
  void theGuardRefusesWrongTokensForeignAndInternalAddressesAndEverySendIntoTheCluster(Vertx vertx,
                                                                                      VertxTestContext ctx) {
    ApiClient api = cluster.api();
    List<JsonObject> visitors = new ArrayList<>();
    AtomicInteger leaked = new AtomicInteger();
    TestNode node = cluster.node();
    node.vertx().eventBus().consumer(Addresses.EVENT_CHANGED, m -> {
      if ("smuggled".equals(m.body())) {
        leaked.incrementAndGet();
      }
    });
    api.createEvent(EVENT, new JsonObject().put("paused", true))
        .compose(v -> join(2))
        .compose(joined -> {
          visitors.addAll(joined);
          return bridge(vertx);
        })
        .compose(b -> {
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
          Future<Void> chain = Future.succeededFuture();
          for (JsonObject attempt : attempts) {
            chain = chain.compose(v -> b.send(attempt))
                .compose(v -> b.next(f -> "err".equals(f.getString("type"))
                    && attempt.getString("address").equals(f.getString("address")), 3000))
                .map(err -> {
                  ctx.verify(() -> assertEquals("access_denied", err.getString("body"), attempt.encode()));
                  return null;
                });
          }
          return chain
              .compose(v -> b.send(new JsonObject().put("type", "ping")))
              .compose(v -> b.register("foyer.event." + EVENT, null))
              // the progress a register gets first is the last one ticked, which may predate the
              // second join; the line's own frames follow each tick
              .compose(v -> b.next(f -> "rec".equals(f.getString("type"))
                  && ("foyer.event." + EVENT).equals(f.getString("address"))
                  && "progress".equals(f.getJsonObject("body").getString("type"))
                  && f.getJsonObject("body").getLong("waiting") == 2L, 15_000).map(f -> f.getJsonObject("body")))
              .map(progress -> {
                ctx.verify(() -> {
                  assertEquals(2L, progress.getLong("waiting"));
                  assertEquals(0, leaked.get(), "nothing a browser sent reached the cluster");
                  assertTrue(b.received().stream().noneMatch(f -> "rec".equals(f.getString("type"))
                      && aliceAddress.equals(f.getString("address"))), "no message for a refused address");
                });
                return null;
              });
        })
        .onComplete(ctx.succeedingThenComplete());
  }

  private static JsonObject register(String address, JsonObject headers) {
    return new JsonObject().put("type", "register").put("address", address).put("headers", headers);
  }


  @Test
  void theRankSentOnRegisterAndTheRankPushedInARoundAreTheSameFrame(Vertx vertx, VertxTestContext ctx) {
    ApiClient api = cluster.api();
    List<JsonObject> visitors = new ArrayList<>();
    BridgeClient[] bridge = new BridgeClient[1];
    JsonObject[] onRegister = new JsonObject[1];
    api.createEvent(EVENT, new JsonObject().put("maxActive", 1).put("admitPerMinute", 0).put("activeSeconds", 60)
            .put("rankPushMillis", 200).put("paused", true))
        .compose(v -> join(2))
        .compose(joined -> {
          visitors.addAll(joined);
          return bridge(vertx);
        })
        .compose(b -> {
          bridge[0] = b;
          JsonObject second = visitors.get(1);
          return b.registerVisitor(second.getString("visitor"), second.getString("token"))
              .compose(v -> b.next(f -> isRank(f, 2), 3000));
        })
        .compose(first -> {
          onRegister[0] = first;
          return api.putEvent(EVENT, new JsonObject().put("paused", false));
        })
        .compose(v -> bridge[0].next(f -> isRank(f, 1), 8000))
        .onComplete(ctx.succeeding(inRound -> ctx.verify(() -> {
          assertEquals(onRegister[0].fieldNames(), inRound.fieldNames(), "the same frame fields");
          assertEquals(onRegister[0].getString("address"), inRound.getString("address"));
          JsonObject a = onRegister[0].getJsonObject("body");
          JsonObject b = inRound.getJsonObject("body");
          assertEquals(a.fieldNames(), b.fieldNames(), "the same message fields: " + a + " / " + b);
          for (String field : a.fieldNames()) {
            if (a.getValue(field) != null && b.getValue(field) != null) { // etaSeconds is null until measured
              assertEquals(a.getValue(field).getClass(), b.getValue(field).getClass(), field);
            }
          }
          ctx.completeNow();
        })));
  }

  @Test
  void aValidRegisterIsAnsweredWithTheRankOnceAndRoundsSendOnlyChanges(Vertx vertx, VertxTestContext ctx) {
    ApiClient api = cluster.api();
    List<JsonObject> visitors = new ArrayList<>();
    BridgeClient[] bridge = new BridgeClient[1];
    api.createEvent(EVENT, new JsonObject().put("maxActive", 1).put("rankPushMillis", 200).put("paused", true))
        .compose(v -> StockTold.of(vertx, cluster, EVENT))
        .compose(v -> join(2))
        .compose(joined -> {
          visitors.addAll(joined);
          return bridge(vertx);
        })
        .compose(b -> {
          bridge[0] = b;
          JsonObject second = visitors.get(1);
          return b.registerVisitor(second.getString("visitor"), second.getString("token"))
              .compose(v -> b.next(f -> isRank(f, 2), 3000));
        })
        // five rounds at least, on a line that does not move
        .compose(first -> Waits.sleep(vertx, 1500))
        .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
          String address = "foyer.visitor." + visitors.get(1).getString("visitor");
          assertEquals(List.of(), bridge[0].received().stream().filter(f -> address.equals(f.getString("address")))
              .toList(), "nothing more: the position did not change");
          ctx.completeNow();
        })));
  }

  @Test
  void aRefusedSendWithAReplyHandlerFiresTheOfficialClientsCallback(VertxTestContext ctx) throws Exception {
    NodeClients.assumeInstalled();
    for (String transport : List.of("websocket", "xhr-polling")) {
      try (NodeClients.Run run = NodeClients.refusedSend("http://127.0.0.1:" + cluster.node().port() + "/eventbus",
          transport, Addresses.EVENT_CHANGED, 15_000)) {
        JsonObject reply = run.await("reply", 20_000);
        ctx.verify(() -> {
          assertNotNull(reply, "the callback fired on " + transport + ": " + run);
          JsonObject error = reply.getJsonObject("error");
          assertNotNull(error, "with an error: " + run);
          assertEquals("access_denied", error.getString("failureType"), run.toString());
          assertTrue(run.lines().stream().noneMatch(l -> "error".equals(l.getString("event"))),
              "answered to the callback, not to onerror: " + run);
        });
      }
    }
    ctx.completeNow();
  }
}
