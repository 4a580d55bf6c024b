package dev.foyer.support;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

/** Pauses inside a future chain, on the test's own Vert.x timer, or waits for a condition. */
public final class Waits {

  private Waits() {
  }

  public static Future<Void> sleep(Vertx vertx, long millis) {
    Promise<Void> done = Promise.promise();
    vertx.setTimer(Math.max(1, millis), id -> done.complete());
    return done.future();
  }

  /** How long a test waits for one answer: ample for a loaded two-core machine, short of CI's patience. */
  public static final long ANSWER_SECONDS = 60;

  /**
   * The result of {@code future}, waited for on the test's own thread (never an event loop); its
   * failure is thrown as it is, and no answer within {@link #ANSWER_SECONDS} fails the test.
   */
  public static <T> T await(Future<T> future) {
    try {
      return future.await(ANSWER_SECONDS, java.util.concurrent.TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("no answer within " + ANSWER_SECONDS + " s", e);
    }
  }

  /** Reads until {@code ok} holds (every 100 ms), failing with the last value after the timeout. */
  public static <T> Future<T> until(Vertx vertx, java.util.function.Supplier<Future<T>> read,
                                    java.util.function.Predicate<T> ok, long timeoutMillis) {
    long deadline = System.currentTimeMillis() + timeoutMillis;
    return read.get().compose(value -> {
      if (ok.test(value)) {
        return Future.succeededFuture(value);
      }
      if (System.currentTimeMillis() > deadline) {
        return Future.failedFuture("not reached within " + timeoutMillis + " ms; last: " + value);
      }
      return sleep(vertx, 100).compose(v -> until(vertx, read, ok, deadline - System.currentTimeMillis()));
    });
  }

  /** A condition a blocking test checks; it may itself block (an HTTP call awaited) and throw. */
  @FunctionalInterface
  public interface Check {
    boolean holds() throws Exception;
  }

  /**
   * For a test that blocks its own thread: checks {@code condition} there every 100 ms until it
   * holds, failing with {@code what} after the timeout. It never runs on an event loop.
   */
  public static void until(String what, long timeoutMillis, Check condition) throws Exception {
    long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
    while (!condition.holds()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError(what + ": not within " + timeoutMillis + " ms");
      }
      Thread.sleep(100);
    }
  }

  /** A read a blocking test repeats; it may itself block (an HTTP call awaited) and throw. */
  @FunctionalInterface
  public interface Read<T> {
    T get() throws Exception;
  }

  /**
   * For a test that blocks its own thread: reads every 100 ms until {@code ok} holds of what was
   * read, and returns that value; fails with {@code what} and the last value read after the timeout.
   */
  public static <T> T until(String what, long timeoutMillis, Read<T> read, java.util.function.Predicate<T> ok)
      throws Exception {
    long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
    T value = read.get();
    while (!ok.test(value)) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError(what + ": not within " + timeoutMillis + " ms; last: " + value);
      }
      Thread.sleep(100);
      value = read.get();
    }
    return value;
  }
}
