package dev.foyer.common;

import dev.foyer.support.RefusingPort;
import dev.foyer.support.TestServices;
import dev.foyer.support.TestSetup;
import dev.foyer.support.Waits;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static dev.foyer.support.Waits.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Which PostgreSQL failures are "cannot serve now" (503 dependency_down) and which are a rejected
 * request, each produced by a real PostgreSQL the way production meets it.
 */
@ExtendWith(VertxExtension.class)
class FailuresTest {

  private TestSetup setup;
  private Pool pool;
  private final List<Pool> extraPools = new ArrayList<>();

  @BeforeEach
  void schema(Vertx vertx) throws Exception {
    setup = new TestSetup();
    pool = setup.pg(vertx);
    await(pool.query("CREATE SCHEMA " + setup.schema()).execute());
    await(pool.query("CREATE TABLE seats (id int PRIMARY KEY, holder text)").execute());
    await(pool.query("INSERT INTO seats VALUES (1, null), (2, null)").execute());
  }

  @AfterEach
  void cleanUp(Vertx vertx) throws Exception {
    for (Pool p : extraPools) {
      await(p.close());
    }
    await(pool.close());
    setup.cleanUp(vertx);
  }

  @Test
  void aBackendTerminatedMidQueryIs57P01AndAnswered503(Vertx vertx) throws Exception {
    SqlConnection victim = await(pool.getConnection());
    // the driver hands PostgreSQL's FATAL notice to the connection and fails the query with the socket's end
    Promise<Throwable> notice = Promise.promise();
    victim.exceptionHandler(notice::tryComplete);
    int pid = await(victim.query("SELECT pg_backend_pid() AS pid").execute()).iterator().next().getInteger("pid");
    Future<?> running = victim.query("SELECT pg_sleep(30)").execute();
    await(Waits.sleep(vertx, 200));

    Pool admin = otherPool(vertx, new HashMap<>());
    await(admin.preparedQuery("SELECT pg_terminate_backend($1)").execute(Tuple.of(pid)));

    Throwable err = failure(running);
    assertTrue(Failures.isUnreachable(err), "the terminated query: " + err);
    assertDependencyDown(err);
    Throwable fatal = await(notice.future());
    assertSqlState("57P01", fatal);
    assertTrue(Failures.isUnreachable(fatal));
    assertDependencyDown(fatal);
  }

  @Test
  void aSessionTheServerDroppedIs25P03AndUnreachable(Vertx vertx) throws Exception {
    SqlConnection conn = await(pool.getConnection());
    Promise<Throwable> notice = Promise.promise();
    conn.exceptionHandler(notice::tryComplete);
    await(conn.query("BEGIN").execute());
    await(conn.query("SET LOCAL idle_in_transaction_session_timeout = '100ms'").execute());
    await(Waits.sleep(vertx, 600));

    Throwable err = failure(conn.query("SELECT 1").execute());
    assertTrue(Failures.isUnreachable(err), "the query after the drop: " + err);
    assertDependencyDown(err);
    Throwable fatal = await(notice.future());
    assertSqlState("25P03", fatal);
    assertTrue(Failures.isUnreachable(fatal));
  }

  @Test
  void aWriteReachingAReadOnlyServerIs25006AndAnswered503(Vertx vertx) throws Exception {
    // what a standby answers to a write while a failover has not moved the address yet
    var properties = new HashMap<String, String>();
    properties.put("default_transaction_read_only", "on");
    Pool standby = otherPool(vertx, properties);

    Throwable err = failure(standby.query("UPDATE seats SET holder = 'x' WHERE id = 1").execute());
    assertSqlState("25006", err);
    assertTrue(Failures.isUnreachable(err));
    assertDependencyDown(err);
  }

  @Test
  void aDeadlockIs40P01AndASerializationFailure40001BothTransient(Vertx vertx) throws Exception {
    SqlConnection one = await(pool.getConnection());
    SqlConnection two = await(pool.getConnection());
    await(one.query("BEGIN").execute());
    await(two.query("BEGIN").execute());
    await(one.query("UPDATE seats SET holder = 'one' WHERE id = 1").execute());
    await(two.query("UPDATE seats SET holder = 'two' WHERE id = 2").execute());
    Future<?> oneWaits = one.query("UPDATE seats SET holder = 'one' WHERE id = 2").execute();
    await(Waits.sleep(vertx, 100));
    Future<?> twoWaits = two.query("UPDATE seats SET holder = 'two' WHERE id = 1").execute();
    await(Future.join(oneWaits, twoWaits).otherwiseEmpty());
    Throwable deadlock = oneWaits.failed() ? oneWaits.cause() : twoWaits.cause();
    assertSqlState("40P01", deadlock);
    assertTrue(Failures.isUnreachable(deadlock));
    await(one.query("ROLLBACK").execute());
    await(two.query("ROLLBACK").execute());

    await(one.query("BEGIN ISOLATION LEVEL REPEATABLE READ").execute());
    await(one.query("SELECT * FROM seats").execute());
    await(two.query("UPDATE seats SET holder = 'two' WHERE id = 1").execute());
    Throwable conflict = failure(one.query("UPDATE seats SET holder = 'one' WHERE id = 1").execute());
    assertSqlState("40001", conflict);
    assertTrue(Failures.isUnreachable(conflict));
    await(one.query("ROLLBACK").execute());
    await(one.close());
    await(two.close());
  }

  @Test
  void statementAndLockTimeoutsAreTransient(Vertx vertx) throws Exception {
    SqlConnection conn = await(pool.getConnection());
    await(conn.query("SET statement_timeout = '100ms'").execute());
    Throwable slow = failure(conn.query("SELECT pg_sleep(2)").execute());
    assertSqlState("57014", slow);
    assertTrue(Failures.isUnreachable(slow));
    await(conn.query("RESET statement_timeout").execute());

    SqlConnection holder = await(pool.getConnection());
    await(holder.query("BEGIN").execute());
    await(holder.query("LOCK TABLE seats IN ACCESS EXCLUSIVE MODE").execute());
    await(conn.query("SET lock_timeout = '100ms'").execute());
    Throwable locked = failure(conn.query("SELECT * FROM seats").execute());
    assertSqlState("55P03", locked);
    assertTrue(Failures.isUnreachable(locked));
    await(holder.query("ROLLBACK").execute());
    await(holder.close());
    await(conn.close());
  }

  @Test
  void tooManyConnectionsIs53300AndTransient(Vertx vertx) throws Exception {
    // a role limited to no connections: PostgreSQL's own "too many connections", without exhausting a shared server
    String role = "foyer_full_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    await(pool.query("CREATE ROLE " + role + " LOGIN CONNECTION LIMIT 0").execute());
    try {
      PgConnectOptions options = PgConnectOptions.fromUri(TestServices.pgUrl()).setUser(role);
      Pool full = PgBuilder.pool().connectingTo(options).using(vertx).build();
      extraPools.add(full);
      Throwable err = failure(full.query("SELECT 1").execute());
      assertSqlState("53300", err);
      assertTrue(Failures.isUnreachable(err));
      assertDependencyDown(err);
    } finally {
      await(pool.query("DROP ROLE " + role).execute());
    }
  }

  @Test
  void aServerThatIsNotThereIsUnreachable(Vertx vertx) throws Exception {
    try (RefusingPort down = new RefusingPort()) {
      Pool nowhere = PgBuilder.pool().with(new PoolOptions().setConnectionTimeout(2))
          .connectingTo(PgConnectOptions.fromUri(TestServices.pgUrl()).setPort(down.port()))
          .using(vertx).build();
      extraPools.add(nowhere);
      Throwable err = failure(nowhere.query("SELECT 1").execute());
      assertTrue(Failures.isUnreachable(err), err.toString());
      assertDependencyDown(err);
    }
  }

  @Test
  void requestsPostgresRejectsStayTheirOwnErrors(Vertx vertx) throws Exception {
    List<Throwable> rejected = List.of(
        failure(pool.query("INSERT INTO seats VALUES (1, 'again')").execute()),
        failure(pool.query("SELEC 1").execute()),
        failure(pool.query("SELECT * FROM no_such_table").execute()),
        failure(pool.query("SELECT 'x'::int").execute()));
    List<String> states = rejected.stream().map(e -> ((PgException) e).getSqlState()).toList();
    assertEquals(List.of("23505", "42601", "42P01", "22P02"), states);
    for (Throwable err : rejected) {
      assertFalse(Failures.isUnreachable(err), err.getMessage());
      Throwable passedOn = failure(Future.failedFuture(err).recover(Failures.postgres()));
      assertSame(err, passedOn, "a rejected request keeps its own error");
    }
  }

  @Test
  void theTransientStatesAreTheDocumentedOnes() {
    for (String state : List.of("08000", "08001", "08003", "08004", "08006", "08P01", "53000", "53100", "53200",
        "53300", "53400", "57P01", "57P02", "57P03", "57P05", "57014", "55P03", "25006", "25P03", "40001", "40P01",
        "40003", "58030")) {
      assertTrue(Failures.isTransientSqlState(state), state);
    }
    for (String state : List.of("55000", "55006", "57P04", "28P01", "28000", "3D000", "23505", "40002", "42501",
        "25001", "XX000", "", "08")) {
      assertFalse(Failures.isTransientSqlState(state), state);
    }
    assertFalse(Failures.isTransientSqlState(null));
  }

  // ---- helpers

  private Pool otherPool(Vertx vertx, java.util.Map<String, String> extra) {
    PgConnectOptions options = PgConnectOptions.fromUri(TestServices.pgUrl());
    var properties = new HashMap<>(options.getProperties());
    properties.put("search_path", setup.schema());
    properties.putAll(extra);
    options.setProperties(properties);
    Pool p = PgBuilder.pool().connectingTo(options).using(vertx).build();
    extraPools.add(p);
    return p;
  }

  private static void assertSqlState(String expected, Throwable err) {
    PgException pg = assertInstanceOf(PgException.class, err, String.valueOf(err));
    assertEquals(expected, pg.getSqlState(), pg.getMessage());
  }

  private static void assertDependencyDown(Throwable err) throws Exception {
    ApiError api = assertInstanceOf(ApiError.class, failure(Future.failedFuture(err).recover(Failures.postgres())));
    assertEquals(503, api.status());
    assertEquals("dependency_down", api.code());
  }


  private static Throwable failure(Future<?> future) throws Exception {
    try {
      future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    }
    return fail("expected a failure");
  }
}
