package dev.foyer.bridge;

import dev.foyer.support.Waits;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.WriteStream;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;

import static dev.foyer.support.Waits.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One socket's bounded output against a transport the test drains by hand: what goes out at once,
 * what waits, what is coalesced, and when the socket is given up on.
 */
@ExtendWith(VertxExtension.class)
class SocketOutputTest {

  /** Small numbers so a few frames fill it: 100 bytes in flight, 300 bytes of notices, 300 ms behind. */
  private static final SocketOutput.Limits LIMITS = new SocketOutput.Limits(100, 300, 300);

  private Transport transport;
  private SlowSockets slow;
  private final List<SocketOutput.GiveUp> givenUp = new ArrayList<>();
  private SocketOutput output;

  @BeforeEach
  void setUp(Vertx vertx) {
    transport = new Transport();
    slow = new SlowSockets(vertx);
    output = new SocketOutput(vertx, LIMITS, transport, slow, givenUp::add);
  }

  /** A 60-byte frame: two fill the transport's allowance. */
  private static String frame(String name) {
    return (name + " ").repeat(60).substring(0, 60);
  }

  @Test
  void aSocketThatKeepsUpGetsEveryFrameAtOnceInOrder() {
    for (int i = 0; i < 50; i++) {
      output.write(frame("rank" + i), "alice", true);
      transport.flushAll();
    }
    assertEquals(50, transport.sent.size());
    assertEquals(frame("rank49"), transport.sent.get(49));
    assertFalse(output.isBehind());
    assertEquals(0, slow.behind());
  }

  @Test
  void behindItKeepsTheLatestRankAndProgressButEveryNoticeInOrder() {
    output.write(frame("rank1"), "alice", true);
    output.write(frame("rank2"), "alice", true); // 120 bytes in flight: behind from here on
    output.write(frame("rank3"), "alice", true);
    output.write(frame("progress1"), "foyer.event.x", true);
    output.write(frame("hold"), "alice", false);
    output.write(frame("rank4"), "alice", true);
    output.write(frame("rank5"), "alice", true);
    output.write(frame("progress2"), "foyer.event.x", true);
    output.write(frame("seats1"), "foyer.seats.x", false);
    output.write(frame("seats2"), "foyer.seats.x", false);
    assertTrue(output.isBehind());
    assertEquals(1, slow.behind());
    assertEquals(List.of(frame("rank1"), frame("rank2")), transport.sent);

    transport.flushAll();
    transport.flushAll();
    transport.flushAll();
    transport.flushAll();

    // rank3 waited before the hold notice and stays before it; rank5 is the latest after it
    assertEquals(List.of(frame("rank1"), frame("rank2"), frame("rank3"), frame("progress2"), frame("hold"),
        frame("rank5"), frame("seats1"), frame("seats2")), transport.sent);
    assertFalse(output.isBehind());
    assertEquals(0, slow.behind());
    assertEquals(0, output.heldBytes());
    assertTrue(givenUp.isEmpty());
  }

  @Test
  void aSocketBehindByMoreNoticesThanItMayHoldIsGivenUpOn() {
    output.write(frame("rank1"), "alice", true);
    output.write(frame("rank2"), "alice", true);
    for (int i = 0; i < 5; i++) {
      output.write(frame("seats" + i), "foyer.seats.x", false); // 300 bytes: still allowed
    }
    assertTrue(givenUp.isEmpty());
    for (int i = 0; i < 100; i++) {
      output.write(frame("rank" + i), "alice", true); // superseded frames never add up
    }
    assertTrue(givenUp.isEmpty());
    output.write(frame("seats5"), "foyer.seats.x", false);
    assertEquals(List.of(SocketOutput.GiveUp.BACKLOG), givenUp);
    assertEquals(0, slow.behind());

    transport.flushAll();
    output.write(frame("late"), "alice", false);
    assertEquals(2, transport.sent.size(), "nothing goes out once given up on");
  }

  @Test
  void aSocketThatStaysBehindIsGivenUpOnAndOneThatCatchesUpIsNot(Vertx vertx) throws Exception {
    // the socket's writes, the transport's flush and the stall timer on one event loop, as on a node
    Context loop = vertx.getOrCreateContext();
    onLoop(loop, () -> {
      output.write(frame("rank1"), "alice", true);
      output.write(frame("rank2"), "alice", true);
      output.write(frame("admitted"), "alice", false);
      vertx.setTimer(LIMITS.stallMillis() / 2, id -> transport.flushAll()); // catches up in time
      return null;
    });
    // nothing must happen for twice the stall limit: a socket that caught up in time is kept
    Thread.sleep(LIMITS.stallMillis() * 2);
    assertTrue(onLoop(loop, givenUp::isEmpty), "caught up in time");
    assertEquals(frame("admitted"), onLoop(loop, () -> transport.sent.get(2)));

    onLoop(loop, () -> {
      output.write(frame("rank3"), "alice", true);
      output.write(frame("rank4"), "alice", true); // behind again, and stays so
      return null;
    });
    Waits.until("given up on", 10_000, () -> !onLoop(loop, givenUp::isEmpty));
    assertEquals(List.of(SocketOutput.GiveUp.STALLED), onLoop(loop, () -> List.copyOf(givenUp)));
    assertEquals(0, (int) onLoop(loop, slow::behind));
  }

  /** Runs {@code step} on the loop and gives its answer: the output is the loop's alone. */
  private static <T> T onLoop(Context loop, java.util.concurrent.Callable<T> step) {
    Promise<T> answer = Promise.promise();
    loop.runOnContext(v -> {
      try {
        answer.complete(step.call());
      } catch (Exception e) {
        answer.fail(e);
      }
    });
    return await(answer.future());
  }

  @Test
  void aTransportThatSaysItIsFullHoldsFramesUntilItDrains() {
    transport.full = true;
    output.write(frame("rank1"), "alice", true);
    output.write(frame("rank2"), "alice", true);
    output.write(frame("gone"), "alice", false);
    assertTrue(transport.sent.isEmpty());
    assertTrue(output.isBehind());
    transport.full = false;
    transport.drain();
    assertEquals(List.of(frame("rank2"), frame("gone")), transport.sent);
    assertFalse(output.isBehind());
  }

  @Test
  void aClosedSocketDropsWhatWaitedAndCountsNothingBehind() {
    output.write(frame("rank1"), "alice", true);
    output.write(frame("rank2"), "alice", true);
    output.write(frame("admitted"), "alice", false);
    assertEquals(1, slow.behind());
    output.close();
    assertEquals(0, slow.behind());
    transport.flushAll();
    assertEquals(2, transport.sent.size());
    assertTrue(givenUp.isEmpty());
  }

  @Test
  void aWebsocketThatThrowsBecauseItJustClosedIsNeitherWrittenNorAskedAgain() {
    output.write(frame("rank1"), "alice", true);
    transport.closed = true;
    output.write(frame("rank2"), "alice", true);
    output.write(frame("gone"), "alice", false);
    assertEquals(List.of(frame("rank1")), transport.sent);
    assertTrue(output.isBehind(), "held until its close handler comes");
    output.close();
    assertEquals(0, slow.behind());
  }

  /** A transport that writes out only when told, like a websocket whose browser stopped reading. */
  private static final class Transport implements WriteStream<Buffer> {
    final List<String> sent = new ArrayList<>();
    final List<Promise<Void>> unflushed = new ArrayList<>();
    boolean full;
    boolean closed;
    Handler<Void> drainHandler;

    @Override
    public Future<Void> write(Buffer data) {
      checkOpen();
      sent.add(data.toString());
      Promise<Void> promise = Promise.promise();
      unflushed.add(promise);
      return promise.future();
    }

    void flushAll() {
      List<Promise<Void>> now = new ArrayList<>(unflushed);
      unflushed.clear();
      now.forEach(Promise::complete);
    }

    void drain() {
      Handler<Void> h = drainHandler;
      drainHandler = null;
      if (h != null) {
        h.handle(null);
      }
    }

    @Override
    public WriteStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
      return this;
    }

    @Override
    public Future<Void> end() {
      return Future.succeededFuture();
    }

    @Override
    public WriteStream<Buffer> setWriteQueueMaxSize(int maxSize) {
      return this;
    }

    @Override
    public boolean writeQueueFull() {
      checkOpen();
      return full;
    }

    /** As Vert.x's websocket does between closing and telling its close handler. */
    private void checkOpen() {
      if (closed) {
        throw new IllegalStateException("WebSocket is closed");
      }
    }

    @Override
    public WriteStream<Buffer> drainHandler(Handler<Void> handler) {
      checkOpen();
      drainHandler = handler;
      return this;
    }
  }
}
