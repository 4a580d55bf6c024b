package dev.foyer.common;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * Brings the PostgreSQL schema up to date at start. Each migration runs once, in its own
 * transaction, under an advisory lock so that nodes starting together do not race.
 */
public final class Migrations {

  /** In order; never edit one that has shipped, add the next. */
  static final List<String> FILES = List.of("V1__events_seats_reservations.sql", "V2__opening_seed.sql",
      "V3__pass_key_ring.sql",
      "V4__event_generations.sql", "V5__prices_and_standing.sql", "V6__operator_keys_and_audit.sql",
      "V7__event_look.sql");

  private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);

  private Migrations() {
  }

  public static Future<Void> run(Pool pool, String schema) {


    String quoted = "\"" + schema.replace("\"", "\"\"") + "\"";
    return pool.withTransaction(conn -> conn
        .query("SELECT pg_advisory_xact_lock(hashtext('foyer-migrations:' || current_database()))").execute()
        .compose(v -> conn.preparedQuery("SELECT 1 FROM pg_namespace WHERE nspname = $1").execute(Tuple.of(schema)))
        .compose(found -> found.size() > 0 ? Future.succeededFuture()
            : conn.query("CREATE SCHEMA " + quoted).execute().mapEmpty())
        .compose(v -> conn.query("CREATE TABLE IF NOT EXISTS " + quoted + ".schema_version "
            + "(version int PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())").execute())
        .compose(v -> applyFrom(conn, quoted, 0)));
  }

  private static Future<Void> applyFrom(SqlConnection conn, String schema, int index) {
    if (index >= FILES.size()) {
      return Future.succeededFuture();
    }
    int version = index + 1;
    String name = FILES.get(index);
    return conn.preparedQuery("SELECT 1 FROM " + schema + ".schema_version WHERE version = $1")
        .execute(Tuple.of(version))
        .compose(rows -> {
          if (rows.size() > 0) {
            return Future.succeededFuture();
          }
          LOG.info("Applying database migration {} in schema {}", name, schema);
          return conn.query("SET LOCAL search_path TO " + schema).execute()
              .compose(v -> conn.query(read(name)).execute())
              .compose(v -> conn.preparedQuery("INSERT INTO " + schema + ".schema_version (version, name) VALUES ($1, $2)")
                  .execute(Tuple.of(version, name)))
              .mapEmpty();
        })
        .compose(v -> applyFrom(conn, schema, index + 1));
  }

  private static String read(String name) {
    return Resources.text("db/migration/" + name, "migration");
  }
}
