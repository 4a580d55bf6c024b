package dev.foyer.support;

import dev.foyer.common.Keys;
import io.micrometer.core.instrument.Counter;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What a sale left behind, read after the load stopped: PostgreSQL's reservations against what the
 * confirmations answered, and Redis's holds and sold seats against PostgreSQL and each other.
 */
public final class SaleAudit {

  /** Seats with more than one reservation row (the primary key should make this impossible). */
  public long seatsSoldTwiceInPostgres;
  /** Seats a 201 confirmation named that PostgreSQL has not sold at all. */
  public long answeredButNotInPostgres;
  /** Seats PostgreSQL sold under another reservation id than the 201 answer gave. */
  public long reservationIdDiffers;
  /** Seats PostgreSQL sold that Redis does not mark sold (or marks under another reservation). */
  public long soldInPostgresNotInRedis;
  /** Seats both sold and held in Redis, or held under a hold that does not list them. */
  public long heldInconsistently;
  public long rows;
  public List<String> details = new ArrayList<>();

  public static SaleAudit of(SaleUnderLoad sale, Pool pg, Redis redis, Keys keys, String event) throws Exception {
    SaleAudit audit = new SaleAudit();
    Map<String, String> inPg = new HashMap<>();
    for (Row r : pg.preparedQuery("SELECT seat_id, reservation_id::text AS reservation FROM reservations WHERE event_id = $1")
        .execute(Tuple.of(event)).await(20, TimeUnit.SECONDS)) {
      audit.rows++;
      if (inPg.put(r.getString("seat_id"), r.getString("reservation")) != null) {
        audit.seatsSoldTwiceInPostgres++;
      }
    }
    sale.soldAsAnswered().forEach((seat, reservation) -> {
      String pgReservation = inPg.get(seat);
      if (pgReservation == null) {
        audit.answeredButNotInPostgres++;
        audit.details.add(seat + " was answered sold but PostgreSQL has no row");
      } else if (!pgReservation.equals(reservation)) {
        audit.reservationIdDiffers++;
        audit.details.add(seat + " was answered as " + reservation + ", PostgreSQL sold it as " + pgReservation);
      }
    });

    Map<String, String> soldInRedis = hash(redis, keys.sold);
    Map<String, String> holdSeats = hash(redis, keys.holdSeats);
    Map<String, String> holds = hash(redis, keys.holds);
    inPg.forEach((seat, reservation) -> {
      if (!reservation.equals(soldInRedis.get(seat))) {
        audit.soldInPostgresNotInRedis++;
        audit.details.add(seat + " is sold in PostgreSQL, Redis says " + soldInRedis.get(seat));
      }
    });
    holdSeats.forEach((seat, holdId) -> {
      String record = holds.get(holdId);
      boolean listed = record != null && List.of(record.split("\\|", 3)[2].split(",")).contains(seat);
      if (soldInRedis.containsKey(seat) || !listed) {
        audit.heldInconsistently++;
        audit.details.add(seat + " is held by " + holdId + " (" + record + ")"
            + (soldInRedis.containsKey(seat) ? " and sold" : ""));
      }
    });
    return audit;
  }

  private static Map<String, String> hash(Redis redis, String key) throws Exception {
    Response r = redis.send(Request.cmd(Command.HGETALL).arg(key)).await(10, TimeUnit.SECONDS);
    Map<String, String> out = new HashMap<>();
    if (r == null) {
      return out;
    }
    if (r.type() == io.vertx.redis.client.ResponseType.MULTI && !r.getKeys().isEmpty()) {
      for (String field : r.getKeys()) {
        out.put(field, r.get(field).toString());
      }
    } else {
      // RESP2 answers a hash as field, value, field, value
      for (int i = 0; i + 1 < r.size(); i += 2) {
        out.put(r.get(i).toString(), r.get(i + 1).toString());
      }
    }
    return out;
  }

  /** foyer_redis_unreplicated_writes_total over every reason, on this JVM's registry. */
  public static long unreplicatedWrites() {
    return (long) dev.foyer.common.Metrics.registry().find("foyer_redis_unreplicated_writes").counters().stream()
        .mapToDouble(Counter::count).sum();
  }

  /** The machine's 1, 5 and 15 minute load averages, as /proc/loadavg has them. */
  public static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException e) {
      return "unknown";
    }
  }

  /** Waits for a condition, polling every 100 ms; false after the timeout. */
  public static boolean await(java.util.function.BooleanSupplier condition, long timeoutMillis)
      throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMillis;
    while (System.currentTimeMillis() < deadline) {
      if (condition.getAsBoolean()) {
        return true;
      }
      Thread.sleep(100);
    }
    return condition.getAsBoolean();
  }
}
