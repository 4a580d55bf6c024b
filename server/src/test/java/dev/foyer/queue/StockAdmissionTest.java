package dev.foyer.queue;

import dev.foyer.support.ApiClient;
import dev.foyer.support.BridgeClient;
import dev.foyer.support.FoyerCluster;
import dev.foyer.support.Waits;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The line knows the tickets, on two nodes: a sale that sells out tells every connected visitor and
 * admits nobody after; tickets coming back (a hold released or run out) bring admission back for
 * those who kept their place; all held pauses admission; admission never lets in more buyers than
 * the stock can serve; an ended sale lets nobody in.
 */
@ExtendWith(VertxExtension.class)
class StockAdmissionTest {

  /** The contract says within 2 s; a loaded two-core machine gets a margin on top. */
  private static final long TOLD_WITHIN_MILLIS = 2000;
  private static final long MARGIN_MILLIS = 8000;

  @RegisterExtension
  static final FoyerCluster cluster = FoyerCluster.nodes(2);

  private final List<BridgeClient> sockets = new ArrayList<>();

  @AfterEach
  void closeSockets() throws Exception {
    for (BridgeClient s : sockets) {
      s.close().otherwiseEmpty().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }
    sockets.clear();
  }

  /** One visitor: its join answer and its socket (on the node it joined), listening to its own address. */
  private record Visitor(JsonObject joined, BridgeClient socket, ApiClient api) {
    String id() {
      return joined.getString("visitor");
    }

    String address() {
      return "foyer.visitor." + id();
    }

    String token() {
      return joined.getString("token");
    }
  }

  private Visitor visitor(Vertx vertx, String event, int node) throws Exception {
    ApiClient api = cluster.api(node);
    HttpResponse<Buffer> joined = await(api.join(event));
    assertEquals(201, joined.statusCode(), joined.bodyAsString());
    JsonObject body = joined.bodyAsJsonObject();
    BridgeClient socket = await(BridgeClient.connect(vertx, cluster.node(node).port()));
    sockets.add(socket);
    await(socket.registerVisitor(body.getString("visitor"), body.getString("token")));
    return new Visitor(body, socket, api);
  }

  /** An event of `seats` seats in one row, its map in Redis before anyone joins (so its stock is known). */
  private void sale(Vertx vertx, String event, int seats, JsonObject settings) throws Exception {
    HttpResponse<Buffer> created = await(cluster.api(0).putLayout(event, ApiClient.layout(1, seats),
        settings.put("gate", "on").put("admitPerMinute", 0).put("rankPushMillis", 500)));
    assertEquals(201, created.statusCode(), created.bodyAsString());
    await(Waits.until(vertx, () -> info(event), e -> e.getValue("stock") != null,
        30_000));
  }

  private Future<JsonObject> info(String event) {
    return cluster.api(1).request(HttpMethod.GET, "/api/events/" + event).send().map(HttpResponse::bodyAsJsonObject);
  }

  private JsonObject stats(String event) throws Exception {
    return await(cluster.api(0).stats(event));
  }

  /** The next sale frame telling this visitor the sale is in `state` (earlier other states are passed over). */
  private JsonObject told(Visitor v, String state, long timeoutMillis) throws Exception {
    return await(v.socket().next(f -> "rec".equals(f.getString("type")) && v.address().equals(f.getString("address"))
        && "sale".equals(f.getJsonObject("body").getString("type"))
        && state.equals(f.getJsonObject("body").getString("state")), timeoutMillis)).getJsonObject("body");
  }

  /** Waits for the visitor's admission (its admitted frame) and answers its pass. */
  private String admitted(Visitor v) throws Exception {
    return await(v.socket().nextMessage(v.address(), "admitted", 30_000)).getString("pass");
  }

  private void buy(Visitor v, String pass, String... seats) throws Exception {
    confirm(v, pass, hold(v, pass, seats));
  }

  private String hold(Visitor v, String pass, String... seats) throws Exception {
    HttpResponse<Buffer> held = await(v.api().hold(v.joined().getString("event"), pass, seats));
    assertEquals(201, held.statusCode(), held.bodyAsString());
    return held.bodyAsJsonObject().getString("holdId");
  }

  private void confirm(Visitor v, String pass, String holdId) throws Exception {
    HttpResponse<Buffer> bought = await(v.api().confirm(v.joined().getString("event"), pass, holdId));
    assertEquals(201, bought.statusCode(), bought.bodyAsString());
  }

  /**
   * Two admission ticks of the event have run since now: evidence, not a sleep, that admission had
   * its chances to let someone in (each tick stamps meta rateAt).
   */
  private void ticksPass(Vertx vertx, String event, int ticks) throws Exception {
    String meta = cluster.setup().prefix() + ":{" + event + "}:meta";
    long since = System.currentTimeMillis();
    for (int i = 0; i < ticks; i++) {
      long after = since;
      JsonObject seen = await(Waits.until(vertx, () -> cluster.redis().send(Request.cmd(Command.HGET).arg(meta).arg("rateAt"))
              .map(r -> new JsonObject().put("at", r == null ? 0L : r.toLong())),
          r -> r.getLong("at") > after, 20_000));
      since = seen.getLong("at");
    }
  }

  @Test
  void aSaleThatSellsOutTellsEveryConnectedVisitorAndAdmitsNoOneAfter(Vertx vertx) throws Exception {
    String event = "sell-out";
    sale(vertx, event, 4, new JsonObject().put("maxActive", 2));
    List<Visitor> line = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      line.add(visitor(vertx, event, i % 2));
    }
    // both buyers hold before either buys: no seat is free at any moment after, so nobody else is let in
    String first = admitted(line.get(0));
    String second = admitted(line.get(1));
    String firstHold = hold(line.get(0), first, "A-1-1", "A-1-2");
    String secondHold = hold(line.get(1), second, "A-1-3", "A-1-4");
    confirm(line.get(0), first, firstHold);
    confirm(line.get(1), second, secondHold);
    long soldOutAt = System.currentTimeMillis();

    for (Visitor v : line.subList(2, 6)) {
      told(v, "sold_out", TOLD_WITHIN_MILLIS + MARGIN_MILLIS);
      long after = System.currentTimeMillis() - soldOutAt;
      System.out.printf("sold out: visitor on node %s told after %d ms%n", v.api() == cluster.api(0) ? "A" : "B", after);
    }
    // both buyers are done, so both slots are free: two ticks later still nobody is let in
    ticksPass(vertx, event, 2);
    JsonObject stats = stats(event);
    assertEquals(0, stats.getInteger("active"), stats.encode());
    assertEquals(2, stats.getInteger("admittedTotal"), stats.encode());
    assertEquals(4, stats.getInteger("waiting"), stats.encode());
    assertEquals("sold_out", stats.getJsonObject("stock").getString("state"));
    for (Visitor v : line.subList(2, 6)) {
      assertTrue(v.socket().received().stream().noneMatch(f -> f.getJsonObject("body") != null
          && "admitted".equals(f.getJsonObject("body").getString("type"))), "nobody is admitted into a sold-out house");
      JsonObject me = await(v.api().me(event, v.token())).bodyAsJsonObject();
      assertEquals("sold_out", me.getString("sale"));
      assertEquals("waiting", me.getString("state"), "the place is kept in case tickets come back");
    }
    HttpResponse<Buffer> late = await(cluster.api(1).join(event));
    assertEquals(201, late.statusCode());
    assertEquals("sold_out", late.bodyAsJsonObject().getString("sale"), "a join after the sell-out is told so");
    JsonObject info = await(info(event));
    assertEquals("sold_out", info.getString("sale"));
    assertEquals(0, info.getJsonObject("stock").getInteger("free"));
    assertEquals(4, info.getJsonObject("stock").getInteger("sold"));
  }

  @Test
  void ticketsComingBackBringAdmissionBackAndAllHeldPausesIt(Vertx vertx) throws Exception {
    String event = "returns";
    sale(vertx, event, 4, new JsonObject().put("maxActive", 2).put("holdSeconds", 3));
    List<Visitor> line = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      line.add(visitor(vertx, event, i % 2));
    }
    Visitor buyer = line.get(0);
    Visitor holder = line.get(1);
    String buyerPass = admitted(buyer);
    String holderPass = admitted(holder);
    HttpResponse<Buffer> held = await(holder.api().hold(event, holderPass, "A-1-3", "A-1-4"));
    assertEquals(201, held.statusCode(), held.bodyAsString());
    buy(buyer, buyerPass, "A-1-1", "A-1-2");

    // every ticket left is in the holder's basket: the line is told, and the buyer's free slot stays empty
    JsonObject allHeld = told(line.get(2), "all_held", TOLD_WITHIN_MILLIS + MARGIN_MILLIS);
    assertNotNull(allHeld.getLong("returnsAt"), "when the first hold runs out");
    ticksPass(vertx, event, 2);
    assertEquals(1, stats(event).getInteger("active"), "all held: admission pauses though a slot is free");

    // the holder lets go: the seats are back and the next in line comes in
    assertEquals(204, await(holder.api().release(event, holderPass, held.bodyAsJsonObject().getString("holdId")))
        .statusCode());
    String nextPass = admitted(line.get(2));
    told(line.get(3), "on_sale", 10_000);

    // the next one holds both seats and lets the hold run out: they come back once more
    HttpResponse<Buffer> again = await(line.get(2).api().hold(event, nextPass, "A-1-3", "A-1-4"));
    assertEquals(201, again.statusCode(), again.bodyAsString());
    assertEquals(204, await(holder.api().leave(event, holder.token())).statusCode());
    told(line.get(3), "all_held", 10_000);
    admitted(line.get(3)); // the hold ran out (holdSeconds 3): seats free, admission back
  }

  @Test
  void admissionPacedByStockNeverLetsInMoreBuyersThanTheStockCanServe(Vertx vertx) throws Exception {
    String event = "paced";
    sale(vertx, event, 10, new JsonObject().put("maxActive", 100));
    List<Visitor> line = new ArrayList<>();
    for (int i = 0; i < 24; i++) {
      line.add(visitor(vertx, event, i % 2));
    }
    // 10 tickets, nothing measured yet (one ticket a buyer): 10 let in, not the 24 maxActive allows
    List<String> passes = new ArrayList<>();
    for (Visitor v : line.subList(0, 10)) {
      passes.add(admitted(v));
    }
    ticksPass(vertx, event, 2);
    assertEquals(10, stats(event).getInteger("admittedTotal"));
    // five buyers take two each: nothing free, nobody more comes in, though the five others hold nothing
    for (int i = 0; i < 5; i++) {
      buy(line.get(i), passes.get(i), "A-1-" + (2 * i + 1), "A-1-" + (2 * i + 2));
    }
    ticksPass(vertx, event, 2);
    JsonObject stats = stats(event);
    assertEquals(10, stats.getInteger("admittedTotal"), stats.encode());
    assertEquals("sold_out", stats.getJsonObject("stock").getString("state"));
  }

  @Test
  void anEndedSaleLetsNobodyInAndTellsTheLine(Vertx vertx) throws Exception {
    String event = "ended-sale";
    sale(vertx, event, 4, new JsonObject().put("maxActive", 1));
    List<Visitor> line = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      line.add(visitor(vertx, event, i % 2));
    }
    Visitor first = line.get(0);
    admitted(first);
    HttpResponse<Buffer> ended = await(cluster.api(1).admin(HttpMethod.POST, "/api/admin/events/" + event + "/end")
        .sendJsonObject(new JsonObject().put("reason", "over").put("message", "Thank you, the sale is over.")));
    assertEquals(200, ended.statusCode(), ended.bodyAsString());
    for (Visitor v : line.subList(1, 3)) {
      JsonObject sale = told(v, "ended", TOLD_WITHIN_MILLIS + MARGIN_MILLIS);
      assertEquals("over", sale.getString("reason"));
      assertEquals("Thank you, the sale is over.", sale.getString("message"));
    }
    assertEquals(204, await(first.api().leave(event, first.token())).statusCode());
    ticksPass(vertx, event, 2);
    JsonObject stats = stats(event);
    assertEquals(0, stats.getInteger("active"), "a free slot and free seats, and still nobody comes in");
    assertEquals(1, stats.getInteger("admittedTotal"));
    HttpResponse<Buffer> join = await(cluster.api(0).join(event));
    assertEquals(410, join.statusCode());
    assertEquals("sale_ended", join.bodyAsJsonObject().getString("error"));
    HttpResponse<Buffer> bad = await(cluster.api(0).admin(HttpMethod.POST, "/api/admin/events/" + event + "/end")
        .sendJsonObject(new JsonObject().put("reason", "tired")));
    assertEquals(400, bad.statusCode());
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(90, TimeUnit.SECONDS);
  }
}
