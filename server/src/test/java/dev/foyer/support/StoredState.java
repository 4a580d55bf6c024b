package dev.foyer.support;

import io.vertx.core.Future;
import io.vertx.redis.client.Redis;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What a test's state is at one moment, for "this changes nothing": every Redis key of its prefix
 * ({@link RedisSnapshot}) and the answers of some PostgreSQL queries, read as text.
 */
public record StoredState(RedisSnapshot redis, List<String> pg) {

  /** A snapshot of {@code prefix}'s keys (less {@code ignoring}) and the rows of each query. */
  public static Future<StoredState> of(Redis redis, String prefix, List<RedisSnapshot.Ignored> ignoring, Pool pg,
                                       String... queries) {
    Future<RedisSnapshot> keys = RedisSnapshot.of(redis, prefix, ignoring);
    List<Future<String>> rows = new ArrayList<>();
    for (String query : queries) {
      rows.add(pg.query(query).execute().map(result -> {
        StringBuilder out = new StringBuilder();
        for (Row row : result) {
          out.append(row.deepToString()).append('\n');
        }
        return out.toString();
      }));
    }
    List<Future<?>> all = new ArrayList<>(rows);
    all.add(keys);
    return Future.all(all).map(x -> new StoredState(keys.result(), rows.stream().map(Future::result).toList()));
  }

  /** Fails naming each Redis key that moved, and any query whose rows differ. */
  public void assertSameAs(StoredState after, String message) {
    redis.assertUnchangedIn(after.redis, message);
    assertEquals(pg, after.pg, message + " (PostgreSQL)");
  }
}
