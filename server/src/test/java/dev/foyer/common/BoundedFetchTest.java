package dev.foyer.common;

import dev.foyer.support.RefusingPort;
import dev.foyer.support.HostileSite;
import dev.foyer.support.Waits;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A fetch from someone else's server costs at most its cap in memory and its deadline in time,
 * whatever that server does, and reuses its connection when the server behaves.
 */
@ExtendWith(VertxExtension.class)
class BoundedFetchTest {

  /** A short deadline, for the test of the deadline. */
  private static final BoundedFetch.Limits HASTY = new BoundedFetch.Limits(64 * 1024, 2_000);
  /** A deadline no loaded machine reaches, for the tests of everything else. */
  private static final BoundedFetch.Limits PATIENT = new BoundedFetch.Limits(64 * 1024, 60_000);
  /** How long a test waits for a fetch: past PATIENT's deadline, so a stalled fetch fails with its own reason. */
  private static final long AWAIT_SECONDS = 90;
  /** What a loaded two-core machine may add to a deadline before the failure is seen. */
  private static final long MARGIN = 5_000;
  private static final JsonObject GOOD = new JsonObject().put("keys", new io.vertx.core.json.JsonArray());

  private HostileSite site;
  private BoundedFetch fetch;
  private BoundedFetch hasty;

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    site = HostileSite.start(vertx, GOOD, 300).await(10, TimeUnit.SECONDS);
    fetch = new BoundedFetch(vertx, PATIENT);
    hasty = new BoundedFetch(vertx, HASTY);
  }

  @AfterEach
  void stop() throws Exception {
    site.close().await(10, TimeUnit.SECONDS);
  }

  /** The failure's reason and how long it took to come. */
  private record Outcome(Throwable failure, long millis) {
  }

  private Outcome failing(BoundedFetch fetch, String path) throws Exception {
    long start = System.nanoTime();
    Future<Buffer> f = fetch.get(site.url(path));
    Throwable failure = f.transform(ar -> Future.succeededFuture(ar.cause())).await(AWAIT_SECONDS, TimeUnit.SECONDS);
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertInstanceOf(BoundedFetch.Failure.class, failure, path + " should fail, took " + millis + " ms");
    return new Outcome(failure, millis);
  }

  @Test
  void aWellBehavedServerIsReadWholeOverOneKeptAliveConnection(Vertx vertx) throws Exception {
    String url = site.url("/jwks.json");
    List<Buffer> bodies = new ArrayList<>();
    // the next fetch one event-loop turn later: the connection goes back to the pool just after the
    // body's end is handed over (a JWKS is fetched again minutes later, not in the same turn)
    fetch.get(url).onSuccess(bodies::add).compose(v -> Waits.sleep(vertx, 1)).compose(v -> fetch.get(url))
        .onSuccess(bodies::add).compose(v -> Waits.sleep(vertx, 1)).compose(v -> fetch.get(url))
        .onSuccess(bodies::add).await(AWAIT_SECONDS, TimeUnit.SECONDS);
    bodies.forEach(body -> assertEquals(GOOD, new JsonObject(body)));
    assertEquals(3, site.requests());
    assertEquals(1, site.connections(), "three fetches, one connection");
  }

  @Test
  void anEndlessBodyIsCutAtTheCap() throws Exception {
    Outcome endless = failing(fetch, "/endless");
    assertTrue(endless.failure().getMessage().contains("over the cap of 65536 bytes"), endless.failure().getMessage());
    // what the server got written: the cap, plus what the kernel's socket buffers took in before the reset
    assertTrue(site.mostSentOnOneAnswer() < 16L << 20, site.mostSentOnOneAnswer() + " bytes sent");
  }

  @Test
  void aHugeAnnouncedBodyIsRefusedBeforeReadingIt() throws Exception {
    Outcome announced = failing(fetch, "/announced");
    assertTrue(announced.failure().getMessage().contains("announced a body of 1073741824 bytes"),
        announced.failure().getMessage());
  }

  @Test
  void aDrippedBodyEndsAtTheDeadlineThoughBytesKeepComing() throws Exception {
    Outcome drip = failing(hasty, "/drip");
    assertEquals("no complete answer within 2000 ms", drip.failure().getMessage());
    assertTrue(drip.millis() >= HASTY.deadlineMillis() - 50 && drip.millis() < HASTY.deadlineMillis() + MARGIN,
        drip.millis() + " ms");
  }

  @Test
  void anErrorStatusNoServerOrABadUrlIsAFailureThatSaysSo() throws Exception {
    assertEquals("answered HTTP 500", failing(fetch, "/error").failure().getMessage());
    Throwable refused;
    try (RefusingPort down = new RefusingPort()) {
      String nobody = "http://127.0.0.1:" + down.port() + "/jwks.json";
      refused = fetch.get(nobody).transform(ar -> Future.succeededFuture(ar.cause())).await(AWAIT_SECONDS, TimeUnit.SECONDS);
    }
    assertInstanceOf(BoundedFetch.Failure.class, refused);
    assertTrue(refused.getMessage().startsWith("cannot be reached"), refused.getMessage());
    Throwable bad = fetch.get("not a url").transform(ar -> Future.succeededFuture(ar.cause())).await(AWAIT_SECONDS, TimeUnit.SECONDS);
    assertInstanceOf(BoundedFetch.Failure.class, bad);
  }

}
