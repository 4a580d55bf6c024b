package dev.foyer.common;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs of one script that an event loop asks for in one pass over its sockets go to Redis as one
 * write: during a surge an event loop reads tens of joins at once, and one write, one pooled
 * connection, one reply read and one timeout for all of them cost less, on the node and in Redis,
 * than one each. Each run is still its own EVALSHA, as atomic as alone, answered alone.
 *
 * <p>Each event loop sends its batches on a connection of its own, kept while it works: the
 * replies are then read on the loop whose requests wait for them, not read on another loop and
 * handed over (two of the joins' event loops handing every reply across cost more than one loop
 * alone). A connection that fails or closes is dropped with the batch it carried, and the next
 * batch opens another. Runs are grouped by the hash tag of their first key (the event), so a batch
 * goes to one slot on Redis Cluster. A group is sent when the event loop has finished the pass that queued it (a
 * task queued behind that pass's reads), or at once when it reaches {@link #MAX_BATCH}. A lone run,
 * and any run off an event loop, goes through {@link LuaScript#run} unchanged.
 *
 * <p>A batch fails as a whole on its first error reply (the client's rule). When the server did not
 * know the script (NOSCRIPT: a restart or a flush) or the batch was redirected before it ran
 * (MOVED, ASK, a hole in the cluster's slot map), no run of it ran: each goes again alone, which
 * loads the script. Any other failure fails every run of the batch, as it would have failed each.
 */
public final class ScriptBatcher {

  /** The most runs in one write; more wait for the next one, sent at once. */
  static final int MAX_BATCH = 32;

  private final LuaScript script;
  private final Redis redis;
  /** Per event-loop thread: hash tag -> runs queued in this pass. */
  private final ThreadLocal<Map<String, Batch>> queued = ThreadLocal.withInitial(HashMap::new);
  /** Per event-loop thread: the connection its batches go on. */
  private final ThreadLocal<Pinned> pinned = ThreadLocal.withInitial(Pinned::new);

  public ScriptBatcher(LuaScript script, Redis redis) {
    this.script = script;
    this.redis = redis;
  }

  public Future<Response> run(List<String> keys, List<?> args) {
    Context context = Vertx.currentContext();
    if (context == null || !context.isEventLoopContext()) {
      return script.run(redis, keys, args);
    }
    String tag = ReplicatedRedis.hashTag(keys.isEmpty() ? "" : keys.get(0));
    Map<String, Batch> batches = queued.get();
    Batch batch = batches.get(tag);
    if (batch == null) {
      batch = new Batch(tag);
      batches.put(tag, batch);
      Batch scheduled = batch;
      context.runOnContext(v -> send(scheduled));
    }
    Promise<Response> answer = ((io.vertx.core.internal.ContextInternal) context).promise();
    batch.add(new Run(keys, args, answer));
    if (batch.runs.size() >= MAX_BATCH) {
      send(batch);
    }
    return answer.future();
  }

  private void send(Batch batch) {
    if (batch.sent) {
      return;
    }
    batch.sent = true;
    Map<String, Batch> batches = queued.get();
    if (batches.get(batch.tag) == batch) {
      batches.remove(batch.tag);
    }
    List<Run> runs = batch.runs;
    if (runs.size() == 1) {
      alone(runs.get(0));
      return;
    }
    long start = System.nanoTime();
    List<Request> requests = new ArrayList<>(runs.size());
    for (Run run : runs) {
      requests.add(script.evalsha(run.keys(), run.args()));
    }
    Pinned connection = pinned.get();
    connection.get(redis)
        .compose(conn -> script.sendAll(redis, conn, requests, runs.get(0).keys().get(0))
            .timeout(LuaScript.TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)
            .onFailure(err -> connection.drop(conn)))
        .onSuccess(replies -> {
          Metrics.redisBatchedRuns(script.name()).increment(runs.size());
          long took = System.nanoTime() - start;
          for (int i = 0; i < runs.size(); i++) {
            script.recordTime(took);
            runs.get(i).answer().complete(replies.get(i));
          }
        })
        .onFailure(err -> {
          String code = Failures.redisCode(err);
          if ("NOSCRIPT".equals(code) || "MOVED".equals(code) || "ASK".equals(code)
              || err instanceof NullPointerException) {
            runs.forEach(this::alone);
            return;
          }
          Future<Response> failed = Future.<Response>failedFuture(err).recover(Failures.redis());
          runs.forEach(run -> run.answer().handle(failed));
        });
  }

  private void alone(Run run) {
    script.run(redis, run.keys(), run.args()).onComplete(run.answer());
  }

  /** An event loop's connection: opened on its first batch, dropped when it fails. */
  private static final class Pinned {
    private RedisConnection connection;
    private Future<RedisConnection> opening;

    Future<RedisConnection> get(Redis redis) {
      if (connection != null) {
        return Future.succeededFuture(connection);
      }
      if (opening == null) {
        // bounded like a run: a Redis that never answers the connect must not hold the joins
        // queued behind it, nor every later batch, forever
        Future<RedisConnection> connecting = redis.connect();
        opening = connecting.timeout(LuaScript.TIMEOUT_MILLIS, TimeUnit.MILLISECONDS).andThen(ar -> {
          opening = null;
          if (ar.succeeded()) {
            RedisConnection opened = ar.result();
            connection = opened;
            opened.exceptionHandler(err -> drop(opened));
            opened.endHandler(v -> drop(opened));
          } else {
            connecting.onSuccess(RedisConnection::close); // one that comes after all goes back
          }
        });
      }
      return opening;
    }

    /** A failed batch may leave the connection in any state: it is not used again. */
    void drop(RedisConnection failed) {
      if (connection == failed) {
        connection = null;
        failed.close();
      }
    }
  }

  private record Run(List<String> keys, List<?> args, Promise<Response> answer) {
  }

  private static final class Batch {
    final String tag;
    final List<Run> runs = new ArrayList<>(8);
    boolean sent;

    Batch(String tag) {
      this.tag = tag;
    }

    void add(Run run) {
      runs.add(run);
    }
  }
}
