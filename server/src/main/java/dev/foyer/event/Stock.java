package dev.foyer.event;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What is left of an event's tickets at one instant, as Redis counts it in the same steps that
 * change seats: seats per category free, held and sold, standing places per area, and the sale's
 * measured figures (buyers so far, holds now). "" is the category of seats without one.
 */
public record Stock(Map<String, Counts> categories, Map<String, Area> standing, long buyers, long holds,
                    boolean loaded) {

  /** The stock of an event whose map is not in Redis yet: nothing is known, nothing is sold out. */
  public static final Stock UNKNOWN = new Stock(Map.of(), Map.of(), 0, 0, false);

  /** Seats of one category. */
  public record Counts(long free, long held, long sold) {
    Counts plus(Counts o) {
      return new Counts(free + o.free, held + o.held, sold + o.sold);
    }
  }

  /** One standing area: its capacity and the places held and sold. */
  public record Area(long capacity, long held, long sold) {
    public long left() {
      return Math.max(0, capacity - held - sold);
    }
  }

  /** Where the sale stands: on sale, everything left is in someone's hold, or nothing is left at all. */
  public enum State {
    ON_SALE, ALL_HELD, SOLD_OUT;

    public String word() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** Reads the flat lists stock.lua answers: the stock hash and the three standing hashes. */
  public static Stock of(List<String> stock, List<String> capacity, List<String> held, List<String> sold, long holds,
                         boolean loaded) {
    Map<String, long[]> cats = new TreeMap<>();
    long buyers = 0;
    for (int i = 0; i + 1 < stock.size(); i += 2) {
      String field = stock.get(i);
      long n = Long.parseLong(stock.get(i + 1));
      int colon = field.indexOf(':');
      if (colon < 0) {
        if (field.equals("buyers")) {
          buyers = n;
        }
        continue;
      }
      int slot = switch (field.substring(0, colon)) {
        case "free" -> 0;
        case "held" -> 1;
        case "sold" -> 2;
        default -> -1;
      };
      if (slot >= 0) {
        cats.computeIfAbsent(field.substring(colon + 1), c -> new long[3])[slot] = n;
      }
    }
    Map<String, Counts> categories = new TreeMap<>();
    cats.forEach((c, n) -> {
      if (n[0] + n[1] + n[2] > 0) {
        categories.put(c, new Counts(n[0], n[1], n[2]));
      }
    });
    Map<String, Long> heldBy = pairs(held);
    Map<String, Long> soldBy = pairs(sold);
    Map<String, Area> areas = new TreeMap<>();
    pairs(capacity).forEach((section, cap) -> areas.put(section,
        new Area(cap, Math.max(0, heldBy.getOrDefault(section, 0L)), soldBy.getOrDefault(section, 0L))));
    return new Stock(categories, areas, buyers, holds, loaded);
  }

  private static Map<String, Long> pairs(List<String> flat) {
    Map<String, Long> out = new TreeMap<>();
    for (int i = 0; i + 1 < flat.size(); i += 2) {
      out.put(flat.get(i), Long.parseLong(flat.get(i + 1)));
    }
    return out;
  }

  /** Seats of every category together. */
  public Counts seats() {
    return categories.values().stream().reduce(new Counts(0, 0, 0), Counts::plus);
  }

  /** Tickets a buyer could take now: free seats and standing places left. */
  public long free() {
    return seats().free() + standing.values().stream().mapToLong(Area::left).sum();
  }

  /** Tickets in someone's hold: they come back if the hold is released or runs out. */
  public long held() {
    return seats().held() + standing.values().stream().mapToLong(Area::held).sum();
  }

  /** Tickets sold. */
  public long sold() {
    return seats().sold() + standing.values().stream().mapToLong(Area::sold).sum();
  }

  public State state() {
    if (!loaded || free() > 0) {
      return State.ON_SALE;
    }
    return held() > 0 ? State.ALL_HELD : State.SOLD_OUT;
  }

  /**
   * The summary the line is told: totals, and per category (with its name and price from the
   * layout) and per standing area what is free, held and sold.
   */
  public JsonObject toJson(SeatLayout.Plan plan) {
    JsonArray cats = new JsonArray();
    Map<String, Counts> byCategory = new TreeMap<>(categories);
    plan.categories().keySet().forEach(c -> byCategory.putIfAbsent(c, new Counts(0, 0, 0)));
    plan.standing().forEach(a -> {
      Area area = standing.get(a.section());
      if (area != null && a.category() != null) {
        byCategory.merge(a.category(), new Counts(area.left(), area.held(), area.sold()), Counts::plus);
      }
    });
    byCategory.forEach((id, n) -> {
      SeatLayout.Category c = plan.categories().get(id);
      JsonObject json = new JsonObject().put("id", id.isEmpty() ? null : id)
          .put("name", c == null ? null : c.name()).put("price", c == null ? null : c.price())
          .put("free", n.free()).put("held", n.held()).put("sold", n.sold())
          .put("soldOut", n.free() == 0 && n.held() == 0);
      cats.add(json);
    });
    JsonArray areas = new JsonArray();
    plan.standing().forEach(a -> {
      Area area = standing.getOrDefault(a.section(), new Area(a.capacity(), 0, 0));
      areas.add(new JsonObject().put("section", a.section()).put("category", a.category())
          .put("capacity", area.capacity()).put("left", area.left()).put("held", area.held()).put("sold", area.sold()));
    });
    return new JsonObject().put("state", state().word()).put("free", free()).put("held", held()).put("sold", sold())
        .put("currency", plan.currency()).put("categories", cats).put("standing", areas);
  }
}
