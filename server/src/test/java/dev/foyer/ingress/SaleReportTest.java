package dev.foyer.ingress;

import dev.foyer.support.ApiClient;
import dev.foyer.support.FoyerCluster;
import dev.foyer.support.Waits;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static dev.foyer.support.Waits.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A scripted sale on two nodes, and its report: every figure the script made happen (joins,
 * admissions, each kind of departure, holds, purchases in two categories, refusals by code) is in
 * the report exactly, retries counted once; joins, admissions and holds in the very minute each
 * happened (their times read back from what the visitor was told and from Redis); the waits'
 * median and p90 as the join and admission times give them; the CSV says the same; the list of
 * sales is PostgreSQL's.
 */
@ExtendWith(VertxExtension.class)
class SaleReportTest {

  private static final String EVENT = "box-office";

  @RegisterExtension
  static final FoyerCluster cluster = FoyerCluster.nodes(2);

  private static final JsonObject LAYOUT = new JsonObject().put("currency", "EUR")
      .put("categories", new JsonArray()
          .add(new JsonObject().put("id", "front").put("name", "Front").put("price", 6500))
          .add(new JsonObject().put("id", "rear").put("name", "Rear").put("price", 3900)))
      .put("sections", new JsonArray()
          .add(new JsonObject().put("name", "A").put("rows", 2).put("seatsPerRow", 5).put("category", "front"))
          .add(new JsonObject().put("name", "B").put("rows", 2).put("seatsPerRow", 5).put("category", "rear")));

  /** What the script did, by minute where it can know the minute exactly. */
  private final Map<String, Map<Long, Long>> byMinute = new TreeMap<>();
  private final Map<String, Long> joinedAt = new TreeMap<>();
  private final Map<String, Long> admittedAt = new TreeMap<>();

  private void happened(String figure, long epochMillis) {
    byMinute.computeIfAbsent(figure, f -> new TreeMap<>()).merge(epochMillis / 60_000, 1L, Long::sum);
  }

  private static ApiClient api(int i) {
    return cluster.api(i % 2);
  }

  private static void settings(JsonObject changes) {
    HttpResponse<Buffer> r = await(api(0).admin(HttpMethod.PUT, "/api/admin/events/" + EVENT + "/settings")
        .sendJsonObject(changes));
    assertEquals(200, r.statusCode(), r.bodyAsString());
  }

  private static JsonObject me(int i, String token) {
    return await(api(i).me(EVENT, token)).bodyAsJsonObject();
  }

  private static long admitted() {
    return await(api(0).stats(EVENT)).getLong("admittedTotal");
  }

  private String join(int i) {
    JsonObject joined = await(api(i).join(EVENT)).bodyAsJsonObject();
    assertEquals("waiting", joined.getString("state"), joined.encode());
    return joined.getString("token");
  }

  /** When Redis says each visitor's wait began (the report's own record, read while they wait). */
  private void readJoinTimes(Map<String, String> tokens) {
    String key = cluster.setup().prefix() + ":{" + EVENT + "}:report-joined-at";
    var all = await(cluster.redis().send(Request.cmd(Command.HGETALL).arg(key)));
    tokens.forEach((visitor, token) -> {
      long at = Long.parseLong(all.get(visitor).toString());
      joinedAt.put(visitor, at);
      happened("joins", at);
    });
  }

  private void admittedWith(String visitor, JsonObject status, long activeSeconds) {
    assertEquals("active", status.getString("state"), status.encode());
    long at = status.getLong("activeUntil") - activeSeconds * 1000;
    admittedAt.put(visitor, at);
    happened("admissions", at);
  }

  private JsonObject hold(int i, String pass, String key, String... seats) {
    HttpResponse<Buffer> r = await(api(i).holdWith(EVENT, pass,
        new JsonObject().put("seats", new JsonArray(List.of((Object[]) seats))), key));
    assertEquals(201, r.statusCode(), r.bodyAsString());
    return r.bodyAsJsonObject();
  }

  private static void refused(HttpResponse<Buffer> r, int status, String code) {
    assertEquals(status, r.statusCode(), r.bodyAsString());
    assertEquals(code, r.bodyAsJsonObject().getString("error"));
  }

  @Test
  void theReportSaysExactlyWhatTheSaleDid() throws Exception {
    long start = System.currentTimeMillis();
    HttpResponse<Buffer> created = await(api(0).putLayout(EVENT, LAYOUT, new JsonObject().put("gate", "on")
        .put("paused", true).put("maxActive", 5).put("admitPerMinute", 0).put("stockPacing", false)
        .put("graceSeconds", 3600).put("awaySeconds", 3600)));
    assertEquals(201, created.statusCode(), created.bodyAsString());

    // seven join (alternating nodes) while admission is paused; the last leaves the line
    Map<String, String> tokens = new TreeMap<>();
    List<String> order = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      String token = join(i);
      String visitor = me(i, token).getString("visitor");
      tokens.put(visitor, token);
      order.add(visitor);
    }
    readJoinTimes(tokens);
    assertEquals(204, await(api(1).leave(EVENT, tokens.get(order.get(6)))).statusCode());

    // five are let in, then a sixth with eight seconds to shop, who lets them run out
    settings(new JsonObject().put("paused", false));
    Waits.until("five admitted", 30_000, () -> admitted() == 5);
    List<String> passes = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      JsonObject status = me(i, tokens.get(order.get(i)));
      admittedWith(order.get(i), status, 600);
      passes.add(status.getString("pass"));
    }
    settings(new JsonObject().put("activeSeconds", 8).put("maxActive", 6));
    Waits.until("the sixth admitted", 30_000, () -> admitted() == 6);
    // read at once (its activeUntil tells when it was let in), long before its eight seconds end
    admittedWith(order.get(5), me(1, tokens.get(order.get(5))), 8);

    // admission paused again (expiry goes on); an eighth joins and will stay away
    settings(new JsonObject().put("paused", true));
    String late = join(7);
    String lateVisitor = me(7, late).getString("visitor");
    readJoinTimes(Map.of(lateVisitor, late));

    // holds (one retried with its Idempotency-Key: the same hold, counted once)
    JsonObject h1 = hold(0, passes.get(0), "first-hold-of-the-sale", "A-1-1", "A-1-2");
    assertEquals(h1.getString("holdId"), hold(1, passes.get(0), "first-hold-of-the-sale", "A-1-1", "A-1-2").getString("holdId"));
    JsonObject h2 = hold(1, passes.get(1), null, "B-1-1");
    JsonObject h3 = hold(0, passes.get(2), null, "A-1-3");
    JsonObject h4 = hold(1, passes.get(3), null, "B-1-2", "B-1-3");
    for (JsonObject h : List.of(h1, h2, h3, h4)) {
      happened("holds", h.getLong("expiresAt") - 300_000);
    }

    // refusals, on both nodes
    refused(await(api(0).hold(EVENT, passes.get(2), "A-1-1")), 409, "seats_unavailable");
    refused(await(api(1).hold(EVENT, passes.get(3), "B-1-1")), 409, "seats_unavailable");
    refused(await(api(0).hold(EVENT, passes.get(4), "A-2-1", "A-2-2", "A-2-3", "A-2-4", "A-2-5")), 422,
        "too_many_seats");
    refused(await(api(1).hold(EVENT, passes.get(4), "Z-9-9")), 400, "unknown_seats");
    refused(await(api(0).confirm(EVENT, passes.get(4), "no-such-hold")), 410, "hold_expired");
    refused(await(api(1).me(EVENT, "not-a-token")), 401, "invalid_token");
    Map<String, Long> refusals = Map.of("seats_unavailable", 2L, "too_many_seats", 1L, "unknown_seats", 1L,
        "hold_expired", 1L, "invalid_token", 1L);

    // three buy (one confirmation retried on the other node), one completes on the site (twice)
    Map<String, JsonObject> sold = new TreeMap<>();
    JsonObject r1 = confirm(1, passes.get(0), h1);
    assertEquals(r1.getString("reservationId"), confirm(0, passes.get(0), h1).getString("reservationId"));
    JsonObject r2 = confirm(0, passes.get(1), h2);
    JsonObject r4 = confirm(1, passes.get(3), h4);
    sold.put(r1.getString("reservationId"), new JsonObject().put("visitor", order.get(0))
        .put("seats", new JsonArray().add("A-1-1").add("A-1-2")).put("categories", new JsonObject().put("front", 2))
        .put("amount", 13_000L));
    sold.put(r2.getString("reservationId"), new JsonObject().put("visitor", order.get(1))
        .put("seats", new JsonArray().add("B-1-1")).put("categories", new JsonObject().put("rear", 1))
        .put("amount", 3_900L));
    sold.put(r4.getString("reservationId"), new JsonObject().put("visitor", order.get(3))
        .put("seats", new JsonArray().add("B-1-2").add("B-1-3")).put("categories", new JsonObject().put("rear", 2))
        .put("amount", 7_800L));
    for (int i = 0; i < 2; i++) {
      HttpResponse<Buffer> done = await(api(i).request(HttpMethod.POST, "/api/events/" + EVENT + "/visitors/me/complete")
          .bearerTokenAuthentication(passes.get(4)).send());
      assertEquals(200, done.statusCode(), done.bodyAsString());
    }

    // the sixth's time runs out (before presence runs short, which would take them as disconnected)
    Waits.until("the sixth's time ran out", 30_000, () -> await(api(0).stats(EVENT)).getLong("active") == 1);

    // presence runs short: the one still shopping is disconnected, the one in line away past awaySeconds
    settings(new JsonObject().put("graceSeconds", 1).put("awaySeconds", 1));
    Waits.until("nobody left in line or shopping", 30_000, () -> {
      JsonObject stats = await(api(0).stats(EVENT));
      return stats.getLong("waiting") == 0 && stats.getLong("active") == 0;
    });
    JsonObject report = Waits.until("the refusals added by both nodes", 30_000,
        () -> await(api(1).admin(HttpMethod.GET, "/api/admin/events/" + EVENT + "/report").send()).bodyAsJsonObject(),
        r -> r.getJsonObject("totals").getJsonObject("refusals").stream()
            .mapToLong(e -> ((Number) e.getValue()).longValue()).sum() >= 6);
    long end = System.currentTimeMillis();

    JsonObject totals = report.getJsonObject("totals");
    assertEquals(8, totals.getLong("joins"));
    assertEquals(6, totals.getLong("admissions"));
    assertEquals(new JsonObject().put("left", 1L).put("away", 1L).put("disconnected", 1L).put("expired", 1L)
        .put("completed", 1L).put("confirmed", 3L), totals.getJsonObject("departures"));
    assertEquals(4, totals.getLong("holds"));
    assertEquals(3, totals.getLong("purchases"));
    assertEquals(5, totals.getLong("seats"));
    assertEquals(24_700, totals.getLong("revenue"));
    assertEquals(new JsonObject().put("front", new JsonObject().put("seats", 2L).put("revenue", 13_000L))
        .put("rear", new JsonObject().put("seats", 3L).put("revenue", 11_700L)), totals.getJsonObject("sold"));
    assertEquals(new JsonObject(new TreeMap<>(refusals)), sortedCopy(totals.getJsonObject("refusals")));
    assertEquals("EUR", report.getString("currency"));

    // per minute: the minutes the script knows exactly, and every minute within the run
    for (String figure : List.of("joins", "admissions", "holds")) {
      Map<Long, Long> reported = new TreeMap<>();
      report.getJsonArray("minutes").forEach(o -> {
        JsonObject m = (JsonObject) o;
        long n = m.getLong(figure);
        if (n > 0) {
          reported.put(Instant.parse(m.getString("minute")).getEpochSecond() / 60, n);
        }
      });
      assertEquals(byMinute.get(figure), reported, figure + " by minute");
    }
    JsonObject summed = sumOfMinutes(report.getJsonArray("minutes"), start, end);
    assertEquals(totals.copy().put("departures", sortedCopy(totals.getJsonObject("departures")))
        .put("refusals", sortedCopy(totals.getJsonObject("refusals"))).put("sold", sortedCopy(totals.getJsonObject("sold"))),
        summed, "the minutes add up to the totals");

    // the waits, from the join and admission times: nearest rank over whole seconds
    List<Long> waits = new ArrayList<>();
    admittedAt.forEach((visitor, at) -> waits.add((at - joinedAt.get(visitor)) / 1000));
    waits.sort(null);
    assertEquals(new JsonObject().put("counted", 6L).put("medianSeconds", waits.get(2)).put("p90Seconds", waits.get(5)),
        report.getJsonObject("wait"), "waits " + waits);
    assertEquals(new JsonObject().put("admissions", 6L).put("buyers", 3L).put("rate", 0.5),
        report.getJsonObject("conversion"));

    SaleReportCsvCheck.sameFigures(report, await(api(0).admin(HttpMethod.GET,
        "/api/admin/events/" + EVENT + "/report?format=csv").send()));
    SaleReportCsvCheck.sameSales(sold, await(api(1).admin(HttpMethod.GET,
        "/api/admin/events/" + EVENT + "/reservations").send()), await(api(0).admin(HttpMethod.GET,
        "/api/admin/events/" + EVENT + "/reservations?format=csv").send()), start, end);
    SaleReportCsvCheck.bounded(cluster.redis(), cluster.setup().prefix() + ":{" + EVENT + "}:");
  }

  private static JsonObject confirm(int node, String pass, JsonObject hold) {
    HttpResponse<Buffer> r = await(api(node).confirm(EVENT, pass, hold.getString("holdId")));
    assertEquals(201, r.statusCode(), r.bodyAsString());
    return r.bodyAsJsonObject();
  }

  private static JsonObject sortedCopy(JsonObject o) {
    return new JsonObject(new TreeMap<>(o.getMap()));
  }

  /** Every figure summed over the minutes, each minute checked to lie within the run. */
  private static JsonObject sumOfMinutes(JsonArray minutes, long start, long end) {
    Map<String, Long> flat = new TreeMap<>();
    for (Object o : minutes) {
      JsonObject m = (JsonObject) o;
      long minute = Instant.parse(m.getString("minute")).getEpochSecond() / 60;
      assertTrue(minute >= start / 60_000 && minute <= end / 60_000, "minute " + m.getString("minute") + " within the run");
      m.forEach(e -> {
        if (e.getValue() instanceof Number n) {
          flat.merge(e.getKey(), n.longValue(), Long::sum);
        } else if (e.getValue() instanceof JsonObject inner) {
          inner.forEach(i -> {
            if (i.getValue() instanceof JsonObject cat) {
              cat.forEach(c -> flat.merge(e.getKey() + "." + i.getKey() + "." + c.getKey(),
                  ((Number) c.getValue()).longValue(), Long::sum));
            } else {
              flat.merge(e.getKey() + "." + i.getKey(), ((Number) i.getValue()).longValue(), Long::sum);
            }
          });
        }
      });
    }
    JsonObject out = new JsonObject();
    flat.forEach((k, v) -> {
      String[] parts = k.split("\\.");
      JsonObject at = out;
      for (int i = 0; i < parts.length - 1; i++) {
        if (!at.containsKey(parts[i])) {
          at.put(parts[i], new JsonObject(new TreeMap<>()));
        }
        at = at.getJsonObject(parts[i]);
      }
      at.put(parts[parts.length - 1], v);
    });
    return out;
  }
}
