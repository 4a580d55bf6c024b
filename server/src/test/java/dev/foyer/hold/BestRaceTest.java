package dev.foyer.hold;

import dev.foyer.support.ApiClient;
import dev.foyer.support.FoyerCluster;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.sqlclient.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * 300 admitted buyers on two nodes race at once: a third ask for the best 1 to 4 seats of the
 * "best" category, a third pick 1 to 4 seats by hand in the "pick" section, a third ask for 1 to 3
 * standing places; every hold won is bought. No seat is held by two, best available strands a
 * seat only when it said so, the standing area never takes more than its capacity, and the rows
 * index ends in step with the statuses.
 */
@ExtendWith(VertxExtension.class)
class BestRaceTest {

  private static final String EVENT = "best-race";
  private static final int BUYERS = 300;
  private static final int CAPACITY = 60;

  @RegisterExtension
  static final FoyerCluster cluster = FoyerCluster.nodes(2);

  private static JsonObject grid(String name, int rows, int perRow, String category) {
    return new JsonObject().put("name", name).put("rows", rows).put("seatsPerRow", perRow).put("category", category);
  }

  @Test
  void threeHundredBuyersOnTwoNodesMixingBestManualAndStandingNeverShareASeatOrOverfillTheFloor() throws Exception {
    JsonObject layout = new JsonObject().put("currency", "EUR")
        .put("categories", new JsonArray().add(new JsonObject().put("id", "best").put("price", 5000))
            .add(new JsonObject().put("id", "pick").put("price", 3000))
            .add(new JsonObject().put("id", "ga").put("price", 2000)))
        .put("sections", new JsonArray()
            .add(grid("B1", 6, 11, "best")).add(grid("B2", 6, 9, "best"))
            .add(grid("M", 5, 10, "pick"))
            .add(new JsonObject().put("name", "Floor").put("standing", CAPACITY).put("category", "ga")));
    ApiClient[] api = {cluster.api(0), cluster.api(1)};
    // more buyers than the house holds, all let in at once: the race, not admission by stock, is under test
    HttpResponse<Buffer> created = api[0].putLayout(EVENT, layout, new JsonObject().put("gate", "off")
        .put("maxActive", 1000).put("admitPerMinute", 0).put("stockPacing", false)).await(30, TimeUnit.SECONDS);
    assertEquals(201, created.statusCode(), created.bodyAsString());
    List<String> manualSeats = new ArrayList<>();
    for (int r = 1; r <= 5; r++) {
      for (int n = 1; n <= 10; n++) {
        manualSeats.add("M-" + r + "-" + n);
      }
    }
    Map<String, List<String>> won = new ConcurrentHashMap<>();
    Map<String, String> placements = new ConcurrentHashMap<>();
    AtomicInteger standingWon = new AtomicInteger();
    AtomicInteger standingFull = new AtomicInteger();
    AtomicInteger noSeats = new AtomicInteger();
    List<String> problems = Collections.synchronizedList(new ArrayList<>());

    // everyone is admitted first, then all ask at once
    List<Future<JsonObject>> joins = new ArrayList<>();
    for (int i = 0; i < BUYERS; i++) {
      joins.add(api[i % 2].admitted(EVENT));
    }
    Future.all(joins).await(120, TimeUnit.SECONDS);
    List<Future<Void>> racers = new ArrayList<>();
    for (int i = 0; i < BUYERS; i++) {
      ApiClient client = api[i % 2];
      String pass = joins.get(i).result().getString("pass");
      Random random = new Random(i);
      racers.add(switch (i % 3) {
        case 0 -> client.holdWith(EVENT, pass, new JsonObject().put("best", new JsonObject()
                .put("count", 1 + random.nextInt(4)).put("category", "best")), null)
            .compose(r -> {
              if (r.statusCode() == 409 && "not_enough_seats".equals(r.bodyAsJsonObject().getString("error"))) {
                noSeats.incrementAndGet();
                return Future.succeededFuture();
              }
              return buy(client, pass, r, won, problems).map(holdId -> {
                placements.put(holdId, r.bodyAsJsonObject().getString("placement"));
                return null;
              });
            });
        case 1 -> pick(client, pass, manualSeats, random, 6, won, problems);
        default -> client.holdWith(EVENT, pass, new JsonObject().put("standing", new JsonObject()
                .put("section", "Floor").put("count", 1 + random.nextInt(3))), null)
            .compose(r -> {
              if (r.statusCode() == 409 && "standing_full".equals(r.bodyAsJsonObject().getString("error"))) {
                standingFull.incrementAndGet();
                return Future.succeededFuture();
              }
              if (r.statusCode() == 201) {
                standingWon.addAndGet(r.bodyAsJsonObject().getJsonObject("standing").getInteger("count"));
              }
              return buy(client, pass, r, won, problems).mapEmpty();
            });
      });
    }
    Future.all(racers).await(180, TimeUnit.SECONDS);

    assertTrue(problems.isEmpty(), problems.size() + " unexpected answers, first: "
        + problems.subList(0, Math.min(3, problems.size())));
    Map<String, String> holderOf = new HashMap<>();
    won.forEach((holdId, seats) -> seats.forEach(seat -> {
      String before = holderOf.put(seat, holdId);
      assertEquals(null, before, "seat " + seat + " was held by " + before + " and " + holdId);
    }));
    var sold = cluster.pg().preparedQuery("SELECT seat_id FROM reservations WHERE event_id = $1")
        .execute(io.vertx.sqlclient.Tuple.of(EVENT)).await(30, TimeUnit.SECONDS);
    assertEquals(holderOf.size(), sold.size(), "every seat won was sold once");
    Row places = cluster.pg().preparedQuery("SELECT coalesce(sum(places), 0) AS n FROM standing_sales WHERE event_id = $1")
        .execute(io.vertx.sqlclient.Tuple.of(EVENT)).await(30, TimeUnit.SECONDS).iterator().next();
    assertTrue(places.getLong("n") <= CAPACITY, "standing sold " + places.getLong("n") + " of " + CAPACITY);
    assertEquals(standingWon.get(), places.getLong("n").intValue(), "every standing hold won was sold");
    assertTrue(standingFull.get() > 0, "the floor filled up and said so");

    // orphans in the best sections: only as many as the holds that said they strand one (two each at most)
    Map<String, String> status = api[0].seatStatuses(EVENT).await(30, TimeUnit.SECONDS);
    long allowed = placements.values().stream().filter("orphan_allowed"::equals).count();
    int orphans = orphans(status, "B1", 6, 11) + orphans(status, "B2", 6, 9);
    assertTrue(orphans <= 2 * allowed, orphans + " stranded seats, but only " + allowed + " holds allowed one");
    if (allowed == 0) {
      assertEquals(0, orphans);
    }
    // the rows index agrees with the statuses seat by seat
    String prefix = cluster.setup().prefix() + ":{" + EVENT + "}:";
    Response rows = cluster.redis().send(Request.cmd(Command.HGETALL).arg(prefix + "rows")).await(10, TimeUnit.SECONDS);
    for (String row : rows.getKeys()) {
      String s = rows.get(row).toString();
      for (int n = 1; n <= s.length(); n++) {
        boolean free = "free".equals(status.get(row + "-" + n));
        assertEquals(free, s.charAt(n - 1) == '0', "index of " + row + "-" + n + " in " + s);
      }
    }
    System.out.printf("best race: %d holds bought, %d seats, %d standing places, %d best asks found no seats, "
            + "%d standing asks found the floor full, placements %s, %d stranded seats%n", won.size(), holderOf.size(),
        places.getLong("n"), noSeats.get(), standingFull.get(), count(placements), orphans);
  }

  private static Map<String, Long> count(Map<String, String> placements) {
    Map<String, Long> out = new java.util.TreeMap<>();
    placements.values().forEach(p -> out.merge(p, 1L, Long::sum));
    return out;
  }

  /** Single free seats between taken seats or a taken seat and the row's end. */
  private static int orphans(Map<String, String> status, String section, int rows, int perRow) {
    int orphans = 0;
    for (int r = 1; r <= rows; r++) {
      StringBuilder row = new StringBuilder("x");
      for (int n = 1; n <= perRow; n++) {
        row.append("free".equals(status.get(section + "-" + r + "-" + n)) ? '0' : 'x');
      }
      row.append('x');
      if (row.indexOf("x", 1) == row.length() - 1) {
        continue; // an empty row strands nothing
      }
      for (int i = 1; i <= perRow; i++) {
        if (row.charAt(i) == '0' && row.charAt(i - 1) == 'x' && row.charAt(i + 1) == 'x') {
          orphans++;
        }
      }
    }
    return orphans;
  }

  /** Buys a won hold; the hold's id, or null when the answer was no hold. */
  private static Future<String> buy(ApiClient client, String pass, HttpResponse<Buffer> held,
                                    Map<String, List<String>> won, List<String> problems) {
    if (held.statusCode() != 201) {
      problems.add("hold " + held.statusCode() + " " + held.bodyAsString());
      return Future.succeededFuture();
    }
    JsonObject body = held.bodyAsJsonObject();
    String holdId = body.getString("holdId");
    List<String> seats = new ArrayList<>();
    body.getJsonArray("seats").forEach(s -> seats.add((String) s));
    won.put(holdId, seats);
    return client.confirm(EVENT, pass, holdId).map(confirmed -> {
      if (confirmed.statusCode() != 201) {
        problems.add("confirm " + confirmed.statusCode() + " " + confirmed.bodyAsString());
      }
      return holdId;
    });
  }

  /** Picks 1 to 4 random seats of the manual section until a hold succeeds (then buys it) or tries run out. */
  private static Future<Void> pick(ApiClient client, String pass, List<String> seats, Random random, int tries,
                                   Map<String, List<String>> won, List<String> problems) {
    if (tries == 0) {
      return Future.succeededFuture();
    }
    List<String> shuffled = new ArrayList<>(seats);
    Collections.shuffle(shuffled, random);
    return client.hold(EVENT, pass, shuffled.subList(0, 1 + random.nextInt(4)).toArray(new String[0])).compose(r -> {
      if (r.statusCode() == 409) {
        return pick(client, pass, seats, random, tries - 1, won, problems);
      }
      return buy(client, pass, r, won, problems).mapEmpty();
    });
  }
}
