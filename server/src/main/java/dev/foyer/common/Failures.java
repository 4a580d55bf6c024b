package dev.foyer.common;

import io.vertx.core.Future;
import io.vertx.core.VertxException;
import io.vertx.pgclient.PgException;
import io.vertx.redis.client.impl.types.ErrorType;

import java.io.IOException;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Tells a dependency that is down (connection refused or lost, pool exhausted, timeout, a
 * PostgreSQL that cannot serve now) from a request the dependency rejected, and turns the first
 * into 503 {@code dependency_down}.
 */
public final class Failures {

  private Failures() {
  }

  public static <T> Function<Throwable, Future<T>> redis() {
    return err -> Future.failedFuture(isUnreachable(err) ? ApiError.dependencyDown("Redis", err) : err);
  }

  public static <T> Function<Throwable, Future<T>> postgres() {
    return err -> Future.failedFuture(isUnreachable(err) ? ApiError.dependencyDown("PostgreSQL", err) : err);
  }

  /*
   * Redis replies that mean "cannot serve now, the same request may well succeed in a moment", so
   * 503 and a retry rather than 500. Most are what a failover looks like from the client:
   * - CONNECTION_CLOSED (the client's own word when the socket dropped: the master died);
   * - READONLY: a write reached a replica, typically a demoted master before the client's picture
   *   of the topology moved on; MASTERDOWN: a replica lost its master and will not serve stale data;
   * - CLUSTERDOWN: the Cluster has a slot without a master (until a replica takes over); MOVED and
   *   ASK: a slot moved (the client follows these on single commands, not inside a batch);
   *   TRYAGAIN: keys of a slot being migrated;
   * - LOADING: a restarted or resynchronised server is loading its data;
   * - NOREPLICAS: a master configured with min-replicas-to-write has lost its replicas;
   * - UNBLOCKED: a WAIT was cut short because the master became a replica.
   * And two of the server's own trouble rather than the request's, as PostgreSQL's class 53 is:
   * BUSY (another script is running past the busy threshold) and OOM (maxmemory reached).
   * Matched on the reply's first word, so BUSYKEY or BUSYGROUP (about the request's own keys) are not.
   * Not transient: NOAUTH and WRONGPASS (credentials need an operator), ERR (a script's own error, a
   * bug), NOSCRIPT (handled by sending the script).
   */
  private static final Set<String> REDIS_TRANSIENT = Set.of("CONNECTION_CLOSED", "READONLY", "MASTERDOWN",
      "CLUSTERDOWN", "MOVED", "ASK", "TRYAGAIN", "LOADING", "NOREPLICAS", "UNBLOCKED", "BUSY", "OOM");

  /** The client's words before each failed command of a batch: {@code ERR [0] READONLY You can't ...}. */
  private static final Pattern BATCH_PREFIX = Pattern.compile("^ERR \\[\\d+] ");
  /** What Redis puts first in an error reply: one word in capitals. */
  private static final Pattern REPLY_CODE = Pattern.compile("[A-Z][A-Z_]*");

  /**
   * The error code of a Redis reply (its first word, {@code READONLY}), also when the client
   * reports it from inside a batch; null for a failure that is not a Redis reply.
   */
  public static String redisCode(Throwable err) {
    if (!(err instanceof ErrorType) || err.getMessage() == null) {
      return null;
    }
    String message = BATCH_PREFIX.matcher(err.getMessage()).replaceFirst("");
    int end = 0;
    while (end < message.length() && !Character.isWhitespace(message.charAt(end))) {
      end++;
    }
    return message.substring(0, end);
  }

  /*
   * PostgreSQL errors that mean "cannot serve now, the same request may well succeed in a moment",
   * so 503 and a retry rather than 500:
   * - class 08, connection exception: the connection failed or broke. 08P01 too: PgBouncer reports
   *   its own pool and server-connection failures (query_wait_timeout, server conn crashed) with it.
   * - class 53, insufficient resources: too many connections, out of memory, disk full. The
   *   server's trouble, not the request's.
   * - 57P01 admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now (starting up, shutting
   *   down, in recovery), 57P05 idle_session_timeout: the server ended or refused the session.
   * - 57014 query_canceled: foyer never cancels its own statements, so this is statement_timeout
   *   firing on a server too slow right now; 55P03 lock_not_available is lock_timeout firing.
   * - 25006 read_only_sql_transaction: a write reached a standby, typically during a failover
   *   before the address or proxy moved to the new primary.
   * - 25P03 idle_in_transaction_session_timeout: the server dropped the session.
   * - 40001 serialization_failure, 40P01 deadlock_detected, 40003 statement_completion_unknown: the
   *   transaction was rolled back and running it again is PostgreSQL's documented remedy.
   * - 58030 io_error: the server could not read or write its own files.
   * Not transient: 55000 object_not_in_prerequisite_state and 55006 object_in_use are about the
   * statement's own target (currval before nextval, a database in use) and recur on retry; a server
   * that is not ready says 57P03. Authentication (28xxx), an unknown database (3D000) or a dropped
   * one (57P04) need an operator, not a retry: they stay 500 and are logged as errors.
   */
  private static final Set<String> PG_TRANSIENT_CLASSES = Set.of("08", "53");
  private static final Set<String> PG_TRANSIENT_STATES = Set.of(
      "57P01", "57P02", "57P03", "57P05", "57014", "55P03", "25006", "25P03", "40001", "40P01", "40003", "58030");

  public static boolean isUnreachable(Throwable err) {
    if (err instanceof ErrorType redisError) {
      String message = redisError.getMessage() == null ? "" : redisError.getMessage();
      String code = redisCode(redisError) == null ? "" : redisCode(redisError);
      return REDIS_TRANSIENT.contains(code)
          // inside a batch the client reports its own failures, a connection reset by a dying master
          // among them, as the exception's text (io.netty...NativeIoException: ...), not as a reply code
          || (BATCH_PREFIX.matcher(message).find() && !REPLY_CODE.matcher(code).matches())
          // a server at its maxclients is as full as PostgreSQL at max_connections
          || message.contains("max number of clients reached");
    }
    if (err instanceof PgException pg) {
      return isTransientSqlState(pg.getSqlState());
    }
    if (err instanceof ApiError) {
      return false;
    }
    return err instanceof IOException
        || err instanceof TimeoutException
        || err instanceof VertxException
        || err.getClass().getName().contains("Timeout")
        || err.getClass().getName().contains("Closed")
        || (err.getCause() != null && err.getCause() != err && isUnreachable(err.getCause()));
  }

  /** True for the SQLSTATEs above: PostgreSQL cannot serve now, a retry may succeed. */
  public static boolean isTransientSqlState(String sqlState) {
    return sqlState != null && sqlState.length() == 5
        && (PG_TRANSIENT_CLASSES.contains(sqlState.substring(0, 2)) || PG_TRANSIENT_STATES.contains(sqlState));
  }
}
