package dev.foyer.ingress;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static dev.foyer.support.Waits.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What {@link SaleReportTest} checks of the CSV answers, the list of sales and the report's keys. */
final class SaleReportCsvCheck {

  private static final long THIRTY_DAYS = 30L * 24 * 3600 * 1000;

  private SaleReportCsvCheck() {
  }

  /** Rows of a CSV answer, each column name to its cell; the header must come first. */
  static List<Map<String, String>> rows(HttpResponse<Buffer> r) {
    assertEquals(200, r.statusCode(), r.bodyAsString());
    assertTrue(r.getHeader("Content-Type").startsWith("text/csv"), r.getHeader("Content-Type"));
    List<String> lines = r.bodyAsString().lines().toList();
    List<String> header = Arrays.asList(lines.get(0).split(",", -1));
    List<Map<String, String>> out = new ArrayList<>();
    for (String line : lines.subList(1, lines.size())) {
      String[] cells = line.split(",", -1);
      assertEquals(header.size(), cells.length, "cells of " + line);
      Map<String, String> row = new LinkedHashMap<>();
      for (int i = 0; i < cells.length; i++) {
        row.put(header.get(i), text(cells[i]));
      }
      out.add(row);
    }
    return out;
  }

  /**
   * A cell as a spreadsheet shows it: one that would read as a formula (a visitor id starting with
   * '-') is sent quoted behind an apostrophe, which marks it as text.
   */
  static String text(String cell) {
    if (cell.startsWith("\"'") && cell.endsWith("\"")) {
      return cell.substring(2, cell.length() - 1).replace("\"\"", "\"");
    }
    assertTrue(cell.isEmpty() || "=+-@".indexOf(cell.charAt(0)) < 0, "a cell a spreadsheet takes for a formula: " + cell);
    return cell;
  }

  /** Every row says what the JSON report says of its minute, and the last row its totals. */
  static void sameFigures(JsonObject report, HttpResponse<Buffer> csv) {
    List<Map<String, String>> rows = rows(csv);
    JsonArray minutes = report.getJsonArray("minutes");
    assertEquals(minutes.size() + 1, rows.size(), "a row per minute and the total");
    for (int i = 0; i < minutes.size(); i++) {
      JsonObject m = minutes.getJsonObject(i);
      assertEquals(m.getString("minute"), rows.get(i).get("minute"));
      assertEquals(flat(m), cells(rows.get(i)), "minute " + m.getString("minute"));
    }
    Map<String, String> total = rows.get(rows.size() - 1);
    assertEquals("total", total.get("minute"));
    assertEquals(flat(report.getJsonObject("totals")), cells(total), "totals");
    JsonObject wait = report.getJsonObject("wait");
    assertEquals(String.valueOf(wait.getLong("medianSeconds")), total.get("wait_median_seconds"));
    assertEquals(String.valueOf(wait.getLong("p90Seconds")), total.get("wait_p90_seconds"));
    assertEquals(report.getJsonObject("conversion").getDouble("rate"), Double.parseDouble(total.get("conversion")));
  }

  /** The JSON figures of a minute as the CSV names its columns, zeros left out. */
  private static Map<String, Long> flat(JsonObject f) {
    Map<String, Long> out = new TreeMap<>();
    for (String name : List.of("joins", "admissions", "holds", "purchases", "seats", "revenue")) {
      out.put(name, f.getLong(name));
    }
    f.getJsonObject("departures").forEach(e -> out.put(e.getKey(), ((Number) e.getValue()).longValue()));
    f.getJsonObject("sold").forEach(e -> {
      JsonObject c = (JsonObject) e.getValue();
      out.put("seats_" + e.getKey(), c.getLong("seats"));
      out.put("revenue_" + e.getKey(), c.getLong("revenue"));
    });
    f.getJsonObject("refusals").forEach(e -> out.put("refused_" + e.getKey(), ((Number) e.getValue()).longValue()));
    out.values().removeIf(v -> v == 0);
    return out;
  }

  private static Map<String, Long> cells(Map<String, String> row) {
    Map<String, Long> out = new TreeMap<>();
    row.forEach((column, cell) -> {
      if (!column.equals("minute") && !column.startsWith("wait_") && !column.equals("conversion")) {
        long n = Long.parseLong(cell);
        if (n != 0) {
          out.put(column, n);
        }
      }
    });
    return out;
  }

  /** The sales listed in JSON and in CSV are those the script confirmed, each once, timed within the run. */
  static void sameSales(Map<String, JsonObject> expected, HttpResponse<Buffer> json, HttpResponse<Buffer> csv,
                        long start, long end) {
    assertEquals(200, json.statusCode(), json.bodyAsString());
    JsonObject body = json.bodyAsJsonObject();
    assertEquals(null, body.getValue("next"));
    Map<String, JsonObject> listed = new TreeMap<>();
    body.getJsonArray("reservations").forEach(o -> {
      JsonObject s = (JsonObject) o;
      long at = Instant.parse(s.getString("at")).toEpochMilli();
      assertTrue(at >= start - 1000 && at <= end + 1000, "sold within the run: " + s.encode());
      assertEquals("EUR", s.getString("currency"));
      assertEquals(s.getJsonArray("seats").size(), s.getInteger("places"));
      listed.put(s.getString("reservationId"), new JsonObject().put("visitor", s.getString("visitor"))
          .put("seats", s.getJsonArray("seats")).put("categories", s.getJsonObject("categories"))
          .put("amount", s.getLong("amount")));
    });
    assertEquals(expected, listed, "the sales PostgreSQL recorded");

    Map<String, JsonObject> fromCsv = new TreeMap<>();
    for (Map<String, String> row : rows(csv)) {
      JsonObject categories = new JsonObject();
      for (String c : row.get("categories").split(" ")) {
        categories.put(c.substring(0, c.indexOf(':')), Integer.parseInt(c.substring(c.indexOf(':') + 1)));
      }
      fromCsv.put(row.get("reservation_id"), new JsonObject().put("visitor", row.get("visitor"))
          .put("seats", new JsonArray(new ArrayList<Object>(List.of(row.get("seats").split(" ")))))
          .put("categories", categories).put("amount", Long.parseLong(row.get("amount"))));
      assertEquals("EUR", row.get("currency"));
    }
    assertEquals(expected, fromCsv, "the sales as CSV");
  }

  /** The report's keys expire within 30 days, and nobody waiting leaves no join time behind. */
  static void bounded(Redis redis, String base) {
    for (String key : List.of("report", "report-waits", "report-refusals")) {
      long ttl = await(redis.send(Request.cmd(Command.PTTL).arg(base + key))).toLong();
      assertTrue(ttl > 0 && ttl <= THIRTY_DAYS, key + " expires within 30 days: " + ttl);
    }
    assertEquals(0, await(redis.send(Request.cmd(Command.HLEN).arg(base + "report-joined-at"))).toLong(),
        "join times are kept only while visitors wait");
  }
}
