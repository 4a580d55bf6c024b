package dev.foyer.office;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

/**
 * Every change made through the admin API, in PostgreSQL ({@code admin_audit}): when, who (key id,
 * name and role), from which client address, what (an action such as {@code gate.set}), on which
 * event, and a short JSON of what changed. Read newest first.
 */
public final class AuditLog {

  public static final int DEFAULT_LIMIT = 100;
  public static final int MAX_LIMIT = 1000;
  /** A change's details are a summary, not a copy of the request: longer ones are cut to this. */
  static final int MAX_DETAILS = 4096;

  private final Pool pg;

  public AuditLog(Pool pg) {
    this.pg = pg;
  }

  public Future<Void> record(Operator who, String client, String action, String event, JsonObject details) {
    JsonObject json = details == null ? new JsonObject() : details;
    String encoded = json.encode();
    if (encoded.length() > MAX_DETAILS) {
      json = new JsonObject().put("truncated", encoded.substring(0, MAX_DETAILS));
    }
    return pg.preparedQuery("INSERT INTO admin_audit (key_id, key_name, role, client, action, event_id, details) "
            + "VALUES ($1, $2, $3, $4, $5, $6, $7)")
        .execute(Tuple.of(who.keyId(), who.name(), who.role().wire(), client, action, event, json))
        .mapEmpty();
  }

  /**
   * The newest entries first, at most {@code limit}, of one event or of all ({@code event} null),
   * older than entry {@code before} when given (the {@code next} of the page before).
   */
  public Future<JsonObject> read(String event, int limit, Long before) {
    return pg.preparedQuery("SELECT id, at, key_id, key_name, role, client, action, event_id, details "
            + "FROM admin_audit WHERE ($1::text IS NULL OR event_id = $1) AND ($2::bigint IS NULL OR id < $2) "
            + "ORDER BY id DESC LIMIT $3")
        .execute(Tuple.of(event, before, limit + 1))
        .map(rows -> {
          JsonArray entries = new JsonArray();
          Long next = null;
          for (Row r : rows) {
            if (entries.size() == limit) {
              next = entries.getJsonObject(limit - 1).getLong("id");
              break;
            }
            entries.add(json(r));
          }
          return new JsonObject().put("entries", entries).put("next", next);
        });
  }

  private static JsonObject json(Row r) {
    return new JsonObject().put("id", r.getLong("id"))
        .put("at", r.getOffsetDateTime("at").toInstant().toString())
        .put("key", new JsonObject().put("id", r.getString("key_id")).put("name", r.getString("key_name")))
        .put("role", r.getString("role"))
        .put("client", r.getString("client"))
        .put("action", r.getString("action"))
        .put("event", r.getString("event_id"))
        .put("details", (JsonObject) r.getValue("details"));
  }
}
