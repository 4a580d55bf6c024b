package dev.foyer.bridge;

import dev.foyer.bus.Addresses;
import dev.foyer.support.ApiClient;
import dev.foyer.support.BridgeClient;
import dev.foyer.support.BridgeSockets;
import dev.foyer.support.FoyerCluster;
import dev.foyer.support.StalledSocket;
import dev.foyer.support.TestNode;
import dev.foyer.support.Waits;
import io.vertx.core.Future;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

import static dev.foyer.support.Waits.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Browsers that stop reading, over real sockets to a real node during a sale: the node keeps its
 * memory, the browsers that read miss nothing, and one that starts reading again gets what matters.
 */
@ExtendWith(VertxExtension.class)
class SlowSocketsTest {

  private static final String EVENT = "slow-night";
  private static final int READERS = 10;
  private static final int STALLED = 200;
  /**
   * On loopback the kernel takes about 2.7 MB for a socket that does not read before the server's
   * own queue sees anything (a send buffer sized for a 64 KB segment), so the test pushes large
   * progress messages to get past it in seconds; the sale's own ranks and progress then find every
   * stalled socket behind.
   */
  private static final int PAD = 8 * 1024;
  private static final long MAX_FLOOD_BYTES_PER_SOCKET = 12L << 20;
  /** Past the kernel: what each stalled socket is pushed once all are behind, kept before this change. */
  private static final long EXTRA_BYTES_PER_SOCKET = 3L << 20;
  /** What a socket behind may keep on the node (in flight, one frame, held slots), with room for the JVM's noise. */
  private static final long HEAP_BOUND = 32L << 20;

  @RegisterExtension
  static final FoyerCluster cluster = FoyerCluster.nodes(1);
  @RegisterExtension
  static final BridgeSockets bridges = BridgeSockets.closedAfterEachTest();

  private final List<StalledSocket> stalled = new ArrayList<>();
  private BridgeClient probe;

  @AfterEach
  void closeStalledSockets() {
    stalled.forEach(StalledSocket::close);
  }

  private record Visitor(String id, String token) {
    String address() {
      return Addresses.visitor(id);
    }
  }

  @Test
  void socketsThatNeverReadCannotTakeTheNodesHeapAndTheRestMissNothing() throws Exception {
    TestNode node = cluster.node();
    ApiClient api = cluster.api();
    Sockets sockets = Sockets.of(node.vertx());
    SlowSockets slow = sockets.slow();
    double closedBefore = slow.closedTotal();
    double coalescedBefore = slow.coalescedTotal();
    await(api.createEvent(EVENT, new JsonObject().put("maxActive", 100_000).put("admitPerMinute", 600)
        .put("activeSeconds", 600).put("graceSeconds", 600).put("rankPushMillis", 100).put("paused", true)
        // every progress to the sockets, as the flood below is made of them
        .put("progressPushMillis", 0)));
    // in line: the readers first, then the one that will start reading again (admitted during the stall),
    // then the stalled ones, then the one that comes back still waiting
    List<Visitor> readers = join(READERS);
    Visitor admittedWhileStalled = join(1).get(0);
    List<Visitor> stalledVisitors = join(STALLED);
    Visitor waitingWhileStalled = join(1).get(0);

    List<BridgeClient> readerSockets = new ArrayList<>();
    for (Visitor r : readers) {
      BridgeClient b = bridges.connect(node.port());
      readerSockets.add(b);
      await(b.registerVisitor(r.id(), r.token()));
      await(b.nextMessage(r.address(), "rank", 5000));
    }
    BridgeClient recovering = bridges.connect(node.port(), new WebSocketClientOptions().setReceiveBufferSize(4096));
    await(recovering.register(Addresses.event(EVENT), null));
    for (Visitor v : List.of(admittedWhileStalled, waitingWhileStalled)) {
      await(recovering.registerVisitor(v.id(), v.token()));
      await(recovering.nextMessage(v.address(), "rank", 5000));
    }
    recovering.pause();
    for (int i = 0; i < STALLED; i++) {
      Visitor v = stalledVisitors.get(i);
      // a quarter on SockJS's own websocket transport, whose writeQueueFull() never tells
      stalled.add((i % 4 == 0 ? StalledSocket.connectSockJs(node.port()) : StalledSocket.connect(node.port()))
          .register(Addresses.event(EVENT), null)
          .register(v.address(), new JsonObject().put("token", v.token())));
    }
    Waits.until("every stalled socket registered", 60_000,
        () -> stalledVisitors.stream().allMatch(v -> sockets.isConnected(EVENT, v.id())));
    // a reader registered last gets each message after every stalled socket was handed it: the flood's pace
    probe = bridges.connect(node.port()).drop(f -> isFlood(f));
    await(probe.register(Addresses.event(EVENT), null));
    await(probe.nextMessage(Addresses.event(EVENT), "progress", 5000));
    long baseline = liveHeap();

    int behindWanted = STALLED + 1;
    long pushed = flood(behindWanted, sockets);
    assertTrue(slow.behind() >= behindWanted, "after " + (pushed >> 20) + " MB a socket, " + slow.behind()
        + " sockets behind");
    flood(EXTRA_BYTES_PER_SOCKET);
    long flooded = liveHeap();
    assertTrue(flooded - baseline < HEAP_BOUND, "live heap grew by " + ((flooded - baseline) >> 20)
        + " MB with " + STALLED + " sockets behind");

    // the sale runs while they are behind: ranks every 100 ms, a progress message every tick
    await(api.putEvent(EVENT, new JsonObject().put("paused", false)));
    for (int i = 0; i < READERS; i++) {
      JsonObject admitted = await(readerSockets.get(i).nextMessage(readers.get(i).address(), "admitted", 15_000));
      assertTrue(admitted.getLong("activeUntil") > System.currentTimeMillis());
    }
    Waits.until("the recovering socket's first visitor admitted", 30_000,
        () -> "active".equals(state(admittedWhileStalled).getString("state")));
    await(api.putEvent(EVENT, new JsonObject().put("paused", true)));
    // not a wait for anything: a second of rank rounds goes out to the sockets behind, so the heap is
    // measured under them; the bound must hold however long this is
    Thread.sleep(1000);
    long whileBehind = liveHeap();
    assertTrue(whileBehind - baseline < HEAP_BOUND, "live heap grew by " + ((whileBehind - baseline) >> 20)
        + " MB during the sale");
    assertTrue(slow.coalescedTotal() > coalescedBefore, "superseded frames were coalesced");
    assertFalse(recovering.isClosed());

    long position = state(waitingWhileStalled).getLong("position");
    recovering.resume();
    JsonObject admitted = await(recovering.nextMessage(admittedWhileStalled.address(), "admitted", 15_000));
    assertTrue(admitted.getString("pass").length() > 20, "the admission notice waited for it");
    Waits.until("the recovering socket caught up", 30_000, () -> latestRank(recovering, waitingWhileStalled) == position);
    // nothing must happen here: no older rank may arrive after the latest one. A second of rank
    // rounds (one every 100 ms) is the margin; a late stale frame can only make this pass wrongly,
    // never fail a correct node
    Thread.sleep(1000);
    assertEquals(position, latestRank(recovering, waitingWhileStalled), "the latest rank is its last frame");
    assertEquals(0, recovering.received().stream().filter(f -> isMessage(f, admittedWhileStalled, "admitted"))
        .count(), "one admission notice, not two");
    for (int i = 0; i < READERS; i++) {
      Visitor r = readers.get(i);
      assertEquals(0, readerSockets.get(i).received().stream().filter(f -> isMessage(f, r, "admitted")).count(),
          "one admission notice for each reader");
    }

    // the stalled ones are let go of once behind for the limit, the one that read again is not
    Waits.until("the stalled sockets closed", SocketOutput.Limits.DEFAULT.stallMillis() + 20_000,
        () -> slow.closedTotal() - closedBefore >= STALLED);
    assertEquals(STALLED, slow.closedTotal() - closedBefore, 0.1);
    assertEquals(0, slow.behind());
    assertTrue(stalledVisitors.stream().noneMatch(v -> sockets.isConnected(EVENT, v.id())));
    assertFalse(recovering.isClosed());
    assertTrue(sockets.isConnected(EVENT, waitingWhileStalled.id()));
    long after = liveHeap();
    assertTrue(after - baseline < HEAP_BOUND, "live heap " + ((after - baseline) >> 20) + " MB above the start");
    System.out.printf("%d stalled sockets, %d KB pushed to each until all were behind, %d KB more: live heap"
            + " %+d KB flooded, %+d KB during the sale, %+d KB after they were closed; %.0f frames coalesced%n",
        STALLED, pushed >> 10, EXTRA_BYTES_PER_SOCKET >> 10, (flooded - baseline) >> 10,
        (whileBehind - baseline) >> 10, (after - baseline) >> 10, slow.coalescedTotal() - coalescedBefore);
  }

  private List<Visitor> join(int n) {
    List<Visitor> out = new ArrayList<>();
    for (int from = 0; from < n; from += 50) {
      List<Future<Visitor>> batch = new ArrayList<>();
      for (int i = from; i < Math.min(n, from + 50); i++) {
        batch.add(cluster.api().join(EVENT).map(r -> new Visitor(r.bodyAsJsonObject().getString("visitor"),
            r.bodyAsJsonObject().getString("token"))));
      }
      await(Future.all(batch));
      batch.forEach(f -> out.add(f.result()));
    }
    return out;
  }

  private JsonObject state(Visitor v) {
    return await(cluster.api().me(EVENT, v.token())).bodyAsJsonObject();
  }

  /** Progress messages as the queue room publishes them, padded, until that many sockets are behind. */
  private long flood(int behindWanted, Sockets sockets) throws Exception {
    long pushed = 0;
    while (sockets.slow().behind() < behindWanted && pushed < MAX_FLOOD_BYTES_PER_SOCKET) {
      pushed += publishProgress(10);
    }
    return pushed;
  }

  private void flood(long bytesPerSocket) throws Exception {
    for (long pushed = 0; pushed < bytesPerSocket; ) {
      pushed += publishProgress(10);
    }
  }

  /** Publishes as the queue room would, padded, then waits until the node has handed them to every socket. */
  private long publishProgress(int messages) throws Exception {
    String pad = "p".repeat(PAD);
    long seen = probe.dropped() + messages;
    for (int i = 0; i < messages; i++) {
      cluster.node().vertx().eventBus().publish(Addresses.event(EVENT), new JsonObject().put("type", "progress")
          .put("waiting", STALLED).put("active", 0).put("admittedTotal", 0).put("admitPerMinute", 600)
          .put("queueing", true).put("at", System.currentTimeMillis()).put("pad", pad));
    }
    Waits.until("the flood's last message reached the probe", 30_000, () -> probe.dropped() >= seen);
    return (long) messages * PAD;
  }

  private static boolean isFlood(JsonObject frame) {
    return frame.getJsonObject("body") != null && frame.getJsonObject("body").containsKey("pad");
  }

  private static long liveHeap() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  private static boolean isMessage(JsonObject frame, Visitor v, String type) {
    return "rec".equals(frame.getString("type")) && v.address().equals(frame.getString("address"))
        && type.equals(frame.getJsonObject("body").getString("type"));
  }

  private static long latestRank(BridgeClient b, Visitor v) {
    long position = -1;
    for (JsonObject f : List.copyOf(b.received())) {
      if (isMessage(f, v, "rank") && f.getJsonObject("body").getLong("position") != null) {
        position = f.getJsonObject("body").getLong("position");
      }
    }
    return position;
  }

}
