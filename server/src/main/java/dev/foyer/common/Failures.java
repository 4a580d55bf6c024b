package dev.foyer.common;

import io.vertx.core.Future;
import io.vertx.core.VertxException;
import io.vertx.pgclient.PgException;
import io.vertx.redis.client.impl.types.ErrorType;

import java.io.IOException;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * Tells a dependency that is down (connection refused or lost, pool exhausted, timeout) from a
 * request the dependency rejected, and turns the first into 503 {@code dependency_down}.
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

  /** Redis replies that mean "not now" rather than "wrong": the connection dropped, or a node is busy. */
  private static final java.util.List<String> REDIS_TRANSIENT = java.util.List.of(
      "CONNECTION_CLOSED", "LOADING", "TRYAGAIN", "CLUSTERDOWN", "MASTERDOWN", "BUSY");

  public static boolean isUnreachable(Throwable err) {
    if (err instanceof ErrorType redisError) {
      String message = redisError.getMessage() == null ? "" : redisError.getMessage();
      return REDIS_TRANSIENT.stream().anyMatch(message::startsWith);
    }
    if (err instanceof ApiError || err instanceof PgException) {
      return false;
    }
    return err instanceof IOException
        || err instanceof TimeoutException
        || err instanceof VertxException
        || err.getClass().getName().contains("Timeout")
        || err.getClass().getName().contains("Closed")
        || (err.getCause() != null && err.getCause() != err && isUnreachable(err.getCause()));
  }
}
