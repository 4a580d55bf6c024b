package dev.foyer.event;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What is left of an event's tickets at one instant, as Redis counts it in the same steps that
 * change seats: seats per category free, held and sold, standing places per area, the names and
 * prices they are told with, and the sale's measured figures (buyers so far, holds that ended
 * unbought, holds now, when the first of them runs out). "" is the category of seats without one.
 */
public record Stock(Map<String, Counts> categories, Map<String, Area> standing, Names names, long buyers,
                    long returned, long holds, long returnsAt, boolean loaded) {

  /** Seats (or places) of one category. */
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

  /** Each category's name and price, the currency, and each standing area's category. */
  public record Names(Map<String, String> name, Map<String, Long> price, String currency, Map<String, String> area) {
    static Names of(Map<String, String> fields) {
      Map<String, String> name = new TreeMap<>();
      Map<String, Long> price = new TreeMap<>();
      Map<String, String> area = new TreeMap<>();
      fields.forEach((field, value) -> {
        if (field.startsWith("name:")) {
          name.put(field.substring(5), value);
        } else if (field.startsWith("price:")) {
          price.put(field.substring(6), Long.parseLong(value));
        } else if (field.startsWith("area:")) {
          area.put(field.substring(5), value);
        }
      });
      String currency = fields.get("currency");
      return new Names(name, price, currency == null || currency.isEmpty() ? null : currency, area);
    }
  }

  /** Where the sale stands, as the line is told it. */
  public static final String ON_SALE = "on_sale";
  public static final String ALL_HELD = "all_held";
  public static final String SOLD_OUT = "sold_out";

  /** Reads the flat lists stock.lua answers. */
  public static Stock of(List<String> stock, List<String> capacity, List<String> held, List<String> sold,
                         List<String> names, long holds, boolean loaded, long returnsAt) {
    Map<String, String> counters = pairs(stock);
    Map<String, long[]> cats = new TreeMap<>();
    counters.forEach((field, value) -> {
      int colon = field.indexOf(':');
      int slot = colon < 0 ? -1 : switch (field.substring(0, colon)) {
        case "free" -> 0;
        case "held" -> 1;
        case "sold" -> 2;
        default -> -1;
      };
      if (slot >= 0) {
        cats.computeIfAbsent(field.substring(colon + 1), c -> new long[3])[slot] = Long.parseLong(value);
      }
    });
    Map<String, Counts> categories = new TreeMap<>();
    cats.forEach((c, n) -> {
      if (n[0] + n[1] + n[2] > 0) {
        categories.put(c, new Counts(n[0], n[1], n[2]));
      }
    });
    Map<String, String> heldBy = pairs(held);
    Map<String, String> soldBy = pairs(sold);
    Map<String, Area> areas = new TreeMap<>();
    pairs(capacity).forEach((section, cap) -> areas.put(section, new Area(Long.parseLong(cap),
        Math.max(0, Long.parseLong(heldBy.getOrDefault(section, "0"))), Long.parseLong(soldBy.getOrDefault(section, "0")))));
    return new Stock(categories, areas, Names.of(pairs(names)), number(counters, "buyers"),
        number(counters, "returned"), holds, returnsAt, loaded);
  }

  private static Map<String, String> pairs(List<String> flat) {
    Map<String, String> out = new TreeMap<>();
    for (int i = 0; i + 1 < flat.size(); i += 2) {
      out.put(flat.get(i), flat.get(i + 1));
    }
    return out;
  }

  private static long number(Map<String, String> fields, String name) {
    String value = fields.get(name);
    return value == null ? 0 : Long.parseLong(value);
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

  public long sold() {
    return seats().sold() + standing.values().stream().mapToLong(Area::sold).sum();
  }

  /** on_sale, all_held (nothing free, some held) or sold_out (nothing free, nothing held). */
  public String state() {
    if (!loaded || free() > 0) {
      return ON_SALE;
    }
    return held() > 0 ? ALL_HELD : SOLD_OUT;
  }

  /** Every category with its seats and standing places together, by category id. */
  public Map<String, Counts> byCategory() {
    Map<String, Counts> out = new TreeMap<>(categories);
    names.name().keySet().forEach(c -> out.putIfAbsent(c, new Counts(0, 0, 0)));
    standing.forEach((section, area) -> out.merge(names.area().getOrDefault(section, ""),
        new Counts(area.left(), area.held(), area.sold()), Counts::plus));
    return out;
  }

  /** The categories with nothing free and nothing held. */
  public java.util.Set<String> soldOutCategories() {
    java.util.Set<String> out = new java.util.TreeSet<>();
    byCategory().forEach((id, n) -> {
      if (n.free() == 0 && n.held() == 0) {
        out.add(id);
      }
    });
    return out;
  }

  /** The summary the line is told: totals, and per category (name, price) and standing area. */
  public JsonObject toJson() {
    JsonArray cats = new JsonArray();
    byCategory().forEach((id, n) -> cats.add(new JsonObject().put("id", id.isEmpty() ? null : id)
        .put("name", names.name().get(id)).put("price", names.price().get(id))
        .put("free", n.free()).put("held", n.held()).put("sold", n.sold())
        .put("soldOut", n.free() == 0 && n.held() == 0)));
    JsonArray areas = new JsonArray();
    standing.forEach((section, a) -> areas.add(new JsonObject().put("section", section)
        .put("category", names.area().get(section)).put("capacity", a.capacity()).put("left", a.left())
        .put("held", a.held()).put("sold", a.sold())));
    return new JsonObject().put("state", state()).put("free", free()).put("held", held()).put("sold", sold())
        .put("currency", names.currency()).put("categories", cats).put("standing", areas)
        .put("returnsAt", held() > 0 && returnsAt > 0 ? returnsAt : null);
  }
}
