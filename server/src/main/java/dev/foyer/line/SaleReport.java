package dev.foyer.line;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The sale's report, read from what the scripts counted ({@link ReportStore.Raw}): per UTC minute,
 * joins, admissions, departures by reason, holds, purchases, seats and revenue by category and
 * refusals by error code; over the whole sale, the wait from join to admission and the share of
 * admitted visitors who bought.
 */
public record SaleReport(String event, String currency, List<Category> categories, Map<Long, Figures> minutes,
                         Figures totals, Waits waits) {

  /** The departure reasons every report names, in this order (others counted follow them). */
  public static final List<String> REASONS = List.of("left", "away", "disconnected", "expired", "completed",
      "confirmed");
  /** How seats without a category are named (never a category id, which is letters, digits and _). */
  public static final String NO_CATEGORY = "-";

  /** A category the stock is told with: id, name and price (minor units, null without one). */
  public record Category(String id, String name, Long price) {
  }

  /** What happened within one minute, or over the whole sale. */
  public static final class Figures {
    long joins;
    long admissions;
    final Map<String, Long> departures = new LinkedHashMap<>();
    long holds;
    long purchases;
    final Map<String, Long> seats = new TreeMap<>();
    final Map<String, Long> revenue = new TreeMap<>();
    final Map<String, Long> refusals = new TreeMap<>();

    Figures() {
      REASONS.forEach(r -> departures.put(r, 0L));
    }

    /** Adds n to a figure as lua/lib/report.lua names it. */
    void add(String figure, long n) {
      int colon = figure.indexOf(':');
      String kind = colon < 0 ? figure : figure.substring(0, colon);
      String what = colon < 0 ? "" : figure.substring(colon + 1);
      switch (kind) {
        case "joins" -> joins += n;
        case "admitted" -> admissions += n;
        case "holds" -> holds += n;
        case "purchases" -> purchases += n;
        case "gone" -> departures.merge(what, n, Long::sum);
        case "seats" -> seats.merge(what.isEmpty() ? NO_CATEGORY : what, n, Long::sum);
        case "revenue" -> revenue.merge(what.isEmpty() ? NO_CATEGORY : what, n, Long::sum);
        default -> { } // a figure a newer node counts: left out, never an error
      }
    }

    public long joins() {
      return joins;
    }

    public long admissions() {
      return admissions;
    }

    public long purchases() {
      return purchases;
    }

    public long holds() {
      return holds;
    }

    public Map<String, Long> departures() {
      return departures;
    }

    public Map<String, Long> seats() {
      return seats;
    }

    public Map<String, Long> revenue() {
      return revenue;
    }

    public Map<String, Long> refusals() {
      return refusals;
    }

    public long seatsSold() {
      return seats.values().stream().mapToLong(Long::longValue).sum();
    }

    public long revenueTotal() {
      return revenue.values().stream().mapToLong(Long::longValue).sum();
    }

    JsonObject toJson() {
      JsonObject sold = new JsonObject();
      seats.forEach((c, n) -> sold.put(c, new JsonObject().put("seats", n).put("revenue", revenue.getOrDefault(c, 0L))));
      return new JsonObject().put("joins", joins).put("admissions", admissions)
          .put("departures", new JsonObject(new LinkedHashMap<>(departures))).put("holds", holds)
          .put("purchases", purchases).put("seats", seatsSold()).put("revenue", revenueTotal()).put("sold", sold)
          .put("refusals", new JsonObject(new LinkedHashMap<>(refusals)));
    }
  }

  /** Admissions per whole second waited, for exact percentiles. */
  public record Waits(TreeMap<Long, Long> bySecond) {

    public long counted() {
      return bySecond.values().stream().mapToLong(Long::longValue).sum();
    }

    /** The nearest-rank percentile: the least wait at least {@code p} of the waits are at or under; null with none. */
    public Long percentile(double p) {
      long n = counted();
      if (n == 0) {
        return null;
      }
      long rank = Math.max(1, (long) Math.ceil(p * n));
      long seen = 0;
      for (Map.Entry<Long, Long> e : bySecond.entrySet()) {
        seen += e.getValue();
        if (seen >= rank) {
          return e.getKey();
        }
      }
      return bySecond.lastKey();
    }
  }

  public static SaleReport of(String event, ReportStore.Raw raw) {
    Map<Long, Figures> minutes = new TreeMap<>();
    Figures totals = new Figures();
    raw.counts().forEach((field, value) -> {
      int colon = field.indexOf(':');
      long minute = Long.parseLong(field.substring(0, colon));
      long n = Long.parseLong(value);
      minutes.computeIfAbsent(minute, m -> new Figures()).add(field.substring(colon + 1), n);
      totals.add(field.substring(colon + 1), n);
    });
    raw.refusals().forEach((field, value) -> {
      int colon = field.indexOf(':');
      long minute = Long.parseLong(field.substring(0, colon));
      String code = field.substring(colon + 1);
      long n = Long.parseLong(value);
      minutes.computeIfAbsent(minute, m -> new Figures()).refusals.merge(code, n, Long::sum);
      totals.refusals.merge(code, n, Long::sum);
    });
    TreeMap<Long, Long> waits = new TreeMap<>();
    raw.waits().forEach((s, n) -> waits.merge(Long.parseLong(s), Long.parseLong(n), Long::sum));
    List<Category> categories = new ArrayList<>();
    raw.names().forEach((field, value) -> {
      if (field.startsWith("name:")) {
        String id = field.substring(5);
        String price = raw.names().get("price:" + id);
        categories.add(new Category(id, value, price == null || price.isEmpty() ? null : Long.parseLong(price)));
      }
    });
    String currency = raw.names().get("currency");
    return new SaleReport(event, currency == null || currency.isEmpty() ? null : currency, categories, minutes,
        totals, new Waits(waits));
  }

  /** Admitted visitors who bought, over those admitted; null before anyone was admitted. */
  public Double conversion() {
    return totals.admissions == 0 ? null : (double) totals.purchases / totals.admissions;
  }

  public static String minuteText(long minute) {
    return Instant.ofEpochSecond(minute * 60).toString();
  }

  public JsonObject toJson() {
    JsonArray list = new JsonArray();
    minutes.forEach((m, f) -> list.add(new JsonObject().put("minute", minuteText(m)).mergeIn(f.toJson())));
    JsonArray named = new JsonArray();
    categories.forEach(c -> named.add(new JsonObject().put("id", c.id()).put("name", c.name()).put("price", c.price())));
    return new JsonObject().put("event", event).put("currency", currency).put("categories", named)
        .put("minutes", list).put("totals", totals.toJson())
        .put("wait", new JsonObject().put("counted", waits.counted()).put("medianSeconds", waits.percentile(0.5))
            .put("p90Seconds", waits.percentile(0.9)))
        .put("conversion", new JsonObject().put("admissions", totals.admissions).put("buyers", totals.purchases)
            .put("rate", conversion()));
  }
}
