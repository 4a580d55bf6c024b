package dev.foyer.hold;

import dev.foyer.support.ApiClient;
import dev.foyer.support.FoyerCluster;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.foyer.support.Waits.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** 200 admitted visitors on two nodes race for 50 seats. */
@ExtendWith(VertxExtension.class)
class HoldRaceTest {

  private static final String EVENT = "small-club";

  @RegisterExtension
  static final FoyerCluster cluster = FoyerCluster.nodes(2);

  @Test
  void twoHundredVisitorsOnTwoNodesRacingForFiftySeatsNeverShareOrDoubleSellASeat() {
    ApiClient apiA = cluster.api(0);
    ApiClient apiB = cluster.api(1);
    int visitors = 200;
    List<String> allSeats = new ArrayList<>();
    for (int row = 1; row <= 5; row++) {
      for (int n = 1; n <= 10; n++) {
        allSeats.add("A-" + row + "-" + n);
      }
    }
    Map<String, List<String>> wonHolds = new ConcurrentHashMap<>();
    Map<String, String> reservationOf = new ConcurrentHashMap<>();
    AtomicInteger conflicts = new AtomicInteger();
    AtomicInteger unexpected = new AtomicInteger();
    List<String> problems = Collections.synchronizedList(new ArrayList<>());

    // four times more buyers than seats, all let in at once: the race, not admission by stock, is under test;
    // buyers hold no socket, and on a loaded machine a race outlasts the 30 s grace of a silent visitor
    await(apiA.createEvent(EVENT, new JsonObject().put("gate", "off").put("maxActive", 1000).put("admitPerMinute", 0)
        .put("stockPacing", false).put("graceSeconds", 600)));
    List<Future<Void>> racers = new ArrayList<>();
    for (int i = 0; i < visitors; i++) {
      ApiClient api = i % 2 == 0 ? apiA : apiB;
      Random random = new Random(i);
      racers.add(api.admitted(EVENT).compose(v -> race(api, v, allSeats, random, 6, wonHolds,
          reservationOf, conflicts, unexpected, problems)));
    }
    await(Future.all(racers));
    Map<String, String> viewA = await(apiA.seatStatuses(EVENT));
    Map<String, String> viewB = await(apiB.seatStatuses(EVENT));
    RowSet<Row> rows = await(cluster.pg().query("SELECT seat_id, hold_id, reservation_id::text FROM reservations"
        + " WHERE event_id = '" + EVENT + "'").execute());
    Response redisSold = await(cluster.redis().send(Request.cmd(Command.HGETALL)
        .arg(cluster.setup().prefix() + ":{" + EVENT + "}:sold")));

    assertTrue(problems.isEmpty(), problems.size() + " unexpected answers, first: "
        + problems.subList(0, Math.min(3, problems.size())));
    assertEquals(0, unexpected.get());
    // every successful hold was disjoint from every other: no seat was ever held by two
    Map<String, String> holderOfSeat = new HashMap<>();
    wonHolds.forEach((holdId, seats) -> seats.forEach(seat -> {
      String before = holderOfSeat.put(seat, holdId);
      assertEquals(null, before, "seat " + seat + " was held by " + before + " and " + holdId);
    }));
    Map<String, String> pgSold = new HashMap<>();
    for (Row r : rows) {
      assertEquals(null, pgSold.put(r.getString("seat_id"), r.getString("hold_id")), "sold twice");
      assertEquals(reservationOf.get(r.getString("hold_id")), r.getString("reservation_id"));
    }
    assertEquals(holderOfSeat, pgSold, "PostgreSQL holds exactly the confirmed holds");
    Set<String> redisSoldSeats = new HashSet<>(redisSold.getKeys());
    assertEquals(pgSold.keySet(), redisSoldSeats, "Redis and PostgreSQL agree on what is sold");
    assertEquals(viewA, viewB, "both nodes show the same seat map");
    for (String seat : allSeats) {
      String expected = pgSold.containsKey(seat) ? "sold" : "free";
      assertEquals(expected, viewA.get(seat), "every seat ends either free or sold to exactly one");
    }
    assertTrue(pgSold.size() >= 40, "most seats were sold: " + pgSold.size());
    assertTrue(conflicts.get() > 0, "the race produced conflicts");
    System.out.printf("hold race: %d holds won, %d seats sold, %d conflicts (409)%n",
        wonHolds.size(), pgSold.size(), conflicts.get());
  }

  /** Tries holds of 1 to 4 random seats until one succeeds (then confirms it) or tries run out. */
  private Future<Void> race(ApiClient api, JsonObject visitor, List<String> allSeats, Random random, int tries,
                            Map<String, List<String>> wonHolds, Map<String, String> reservationOf,
                            AtomicInteger conflicts, AtomicInteger unexpected, List<String> problems) {
    if (tries == 0) {
      return Future.succeededFuture();
    }
    List<String> shuffled = new ArrayList<>(allSeats);
    Collections.shuffle(shuffled, random);
    String[] seats = shuffled.subList(0, 1 + random.nextInt(4)).toArray(new String[0]);
    String pass = visitor.getString("pass");
    return api.hold(EVENT, pass, seats).compose(held -> {
      if (held.statusCode() == 409) {
        conflicts.incrementAndGet();
        return race(api, visitor, allSeats, random, tries - 1, wonHolds, reservationOf, conflicts, unexpected, problems);
      }
      if (held.statusCode() != 201) {
        unexpected.incrementAndGet();
        problems.add("hold " + held.statusCode() + " " + held.bodyAsString());
        return Future.succeededFuture();
      }
      JsonObject body = held.bodyAsJsonObject();
      String holdId = body.getString("holdId");
      List<String> got = new ArrayList<>();
      body.getJsonArray("seats").forEach(s -> got.add((String) s));
      wonHolds.put(holdId, got);
      return api.confirm(EVENT, pass, holdId).map(confirmed -> {
        if (confirmed.statusCode() != 201) {
          problems.add("confirm " + confirmed.statusCode() + " " + confirmed.bodyAsString());
        } else {
          reservationOf.put(holdId, confirmed.bodyAsJsonObject().getString("reservationId"));
        }
        return null;
      });
    });
  }

}
