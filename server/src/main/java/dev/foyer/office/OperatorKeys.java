package dev.foyer.office;

import dev.foyer.bus.Addresses;
import dev.foyer.common.ApiError;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * Operator keys in PostgreSQL ({@code operator_keys}): made here from 256 random bits and shown
 * once, kept as their SHA-256 (a key that random needs no slow hash), named by a short public id
 * that is part of the key ({@code fyk_<id>_<secret>}), so a presented key is found by its id and
 * compared in constant time. Lookups go through the node's {@link KeyCache}.
 */
public final class OperatorKeys {

  /** Active keys at most: each is a way in, and the list is read whole. */
  public static final int MAX_ACTIVE = 100;
  public static final int MAX_NAME = 100;
  private static final String PREFIX = "fyk_";
  private static final Pattern KEY = Pattern.compile("fyk_([a-z2-7]{8})_[A-Za-z0-9_-]{43}");
  private static final String ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz234567";
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String COLUMNS = "id, name, role, created_at, created_by, revoked_at, revoked_by";

  private final Pool pg;
  private final Vertx vertx;
  private final KeyCache cache;

  public OperatorKeys(Vertx vertx, Pool pg) {
    this.vertx = vertx;
    this.pg = pg;
    this.cache = KeyCache.of(vertx);
  }

  /** Called from each ingress verticle's start: a key revoked on another node is dropped here too. */
  public static void follow(Vertx vertx) {
    KeyCache cache = KeyCache.of(vertx);
    vertx.eventBus().<String>consumer(Addresses.OPERATOR_KEYS_CHANGED, msg -> cache.drop(msg.body()));
  }

  /** The operator a presented key stands for; null when it is no live key (unknown, wrong or revoked). */
  public Future<Operator> find(String presented) {
    var m = KEY.matcher(presented);
    if (!m.matches()) {
      return Future.succeededFuture(null);
    }
    String id = m.group(1);
    long now = System.currentTimeMillis();
    StoredKey cached = cache.fresh(id, now);
    Future<StoredKey> key = cached != null ? Future.succeededFuture(cached)
        : pg.preparedQuery("SELECT id, name, role, key_hash FROM operator_keys WHERE id = $1 AND revoked_at IS NULL")
            .execute(Tuple.of(id)).map(rows -> {
              if (rows.size() == 0) {
                cache.drop(id);
                return null;
              }
              Row r = rows.iterator().next();
              StoredKey k = new StoredKey(id, r.getString("name"), Role.parse(r.getString("role")),
                  r.getBuffer("key_hash").getBytes());
              cache.put(k, now);
              return k;
            });
    return key.map(k -> k != null && MessageDigest.isEqual(sha256(presented), k.hash()) ? k.operator() : null);
  }

  /** A new key: the answer is the only place the key itself ever appears. 409 {@code too_many_keys} past the bound. */
  public Future<JsonObject> create(String name, Role role, Operator by) {
    String id = newId();
    byte[] secret = new byte[32];
    RANDOM.nextBytes(secret);
    String key = PREFIX + id + "_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    return pg.withTransaction(conn -> conn
        // serialized, so two creations at once cannot both pass the bound
        .query("SELECT pg_advisory_xact_lock(hashtext('foyer-operator-keys'))").execute()
        .compose(v -> conn.query("SELECT count(*) FROM operator_keys WHERE revoked_at IS NULL").execute())
        .compose(count -> {
          if (count.iterator().next().getLong(0) >= MAX_ACTIVE) {
            return Future.failedFuture(new ApiError(409, "too_many_keys", "at most " + MAX_ACTIVE
                + " keys may be active at once: revoke one first"));
          }
          return conn.preparedQuery("INSERT INTO operator_keys (id, name, role, key_hash, created_by) "
                  + "VALUES ($1, $2, $3, $4, $5) RETURNING " + COLUMNS)
              .execute(Tuple.of(id, name, role.wire(), Buffer.buffer(sha256(key)), by.label()));
        }))
        .map(rows -> json(rows.iterator().next()).put("key", key));
  }

  /** Every active key, oldest first; never a key or its hash. */
  public Future<JsonArray> list() {
    return pg.query("SELECT " + COLUMNS + " FROM operator_keys WHERE revoked_at IS NULL ORDER BY created_at, id")
        .execute().map(rows -> {
          JsonArray out = new JsonArray();
          rows.forEach(r -> out.add(json(r)));
          return out;
        });
  }

  /** What revoking a key did: the key as it is now, and whether this call revoked it. */
  public record Revoked(JsonObject key, boolean now) {
  }

  /**
   * Revokes a key: refused from this moment on this node, on the others when the notice arrives
   * (within {@link KeyCache#TTL_MILLIS} at worst). Null for an unknown id; a key revoked before is
   * answered as it is ({@code now} false), so a retried call changes nothing.
   */
  public Future<Revoked> revoke(String id, Operator by) {
    return pg.preparedQuery("UPDATE operator_keys SET revoked_at = now(), revoked_by = $2 "
            + "WHERE id = $1 AND revoked_at IS NULL RETURNING " + COLUMNS)
        .execute(Tuple.of(id, by.label()))
        .compose(updated -> {
          cache.drop(id);
          vertx.eventBus().publish(Addresses.OPERATOR_KEYS_CHANGED, id);
          if (updated.size() > 0) {
            return Future.succeededFuture(new Revoked(json(updated.iterator().next()), true));
          }
          return pg.preparedQuery("SELECT " + COLUMNS + " FROM operator_keys WHERE id = $1").execute(Tuple.of(id))
              .map(rows -> rows.size() == 0 ? null : new Revoked(json(rows.iterator().next()), false));
        });
  }

  private static JsonObject json(Row r) {
    OffsetDateTime revoked = r.getOffsetDateTime("revoked_at");
    return new JsonObject().put("id", r.getString("id")).put("name", r.getString("name"))
        .put("role", r.getString("role"))
        .put("createdAt", r.getOffsetDateTime("created_at").toInstant().toString())
        .put("createdBy", r.getString("created_by"))
        .put("revokedAt", revoked == null ? null : revoked.toInstant().toString())
        .put("revokedBy", r.getString("revoked_by"));
  }

  /** 40 random bits in lowercase base32: short enough to name a key, never the secret part. */
  private static String newId() {
    StringBuilder id = new StringBuilder(8);
    for (int i = 0; i < 8; i++) {
      id.append(ID_ALPHABET.charAt(RANDOM.nextInt(ID_ALPHABET.length())));
    }
    return id.toString();
  }

  static byte[] sha256(String key) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A name as given: 1 to {@value #MAX_NAME} characters, not blank (400 {@code invalid_name}). */
  public static String name(Object value) {
    if (!(value instanceof String s) || s.isBlank() || s.strip().length() > MAX_NAME) {
      throw ApiError.badRequest("invalid_name", "name must be a non-empty string of at most " + MAX_NAME
          + " characters");
    }
    return s.strip();
  }
}
