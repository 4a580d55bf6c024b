package dev.foyer.bus;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.function.Supplier;

/**
 * The seat-hold room as the other rooms see it: node-local request-reply on {@link Addresses#HOLDS}.
 * Refusals are {@code dev.foyer.common.ApiError}s carrying the contract's status and code, on both
 * sides of the bus. Ingress has checked the pass; the visitor is who the pass names.
 */
public interface HoldService {

  /** Best available: {@code count} seats, optionally of one category, section or accessibility ("" for any). */
  record BestAsk(int count, String category, String section, String accessible) {
  }

  /** Places in a standing area. */
  record StandingAsk(String section, int count) {
  }

  /** What a hold asks for: exactly these seats, the best available, or standing places (one of the three). */
  record HoldAsk(List<String> seats, BestAsk best, StandingAsk standing) {
    public static HoldAsk seats(List<String> seats) {
      return new HoldAsk(seats, null, null);
    }

    /** How many seats or places the hold asks for, which the event's maxSeatsPerHold bounds. */
    public int count() {
      return seats != null ? seats.size() : best != null ? best.count() : standing.count();
    }

    JsonObject toJson() {
      JsonObject json = new JsonObject();
      if (seats != null) {
        json.put("seats", new JsonArray(List.copyOf(seats)));
      }
      if (best != null) {
        json.put("best", new JsonObject().put("count", best.count()).put("category", best.category())
            .put("section", best.section()).put("accessible", best.accessible()));
      }
      if (standing != null) {
        json.put("standing", new JsonObject().put("section", standing.section()).put("count", standing.count()));
      }
      return json;
    }

    static HoldAsk fromJson(JsonObject json) {
      JsonObject b = json.getJsonObject("best");
      JsonObject s = json.getJsonObject("standing");
      return new HoldAsk(json.containsKey("seats") ? Payloads.strings(json.getJsonArray("seats")) : null,
          b == null ? null : new BestAsk(b.getInteger("count"), b.getString("category"), b.getString("section"),
              b.getString("accessible")),
          s == null ? null : new StandingAsk(s.getString("section"), s.getInteger("count")));
    }
  }

  /**
   * What a hold or reservation costs, line by line: a seat (with {@code seat}) or standing places
   * (with {@code count}); {@code category} and {@code price} (minor units, each) are null when the
   * layout gives the seat no category.
   */
  record Item(String seat, String section, int count, String category, Long price) {
    JsonObject toJson() {
      JsonObject json = new JsonObject();
      if (seat != null) {
        json.put("seat", seat);
      }
      json.put("section", section);
      if (seat == null) {
        json.put("count", count);
      }
      return json.put("category", category).put("price", price);
    }

    static Item fromJson(JsonObject json) {
      return new Item(json.getString("seat"), json.getString("section"), json.getInteger("count", 1),
          json.getString("category"), json.getLong("price"));
    }
  }

  /** The lines of a hold or reservation and their sum (null unless every line has a price). */
  record Priced(List<Item> items, String currency) {
    public static final Priced NONE = new Priced(List.of(), null);

    public Long total() {
      if (items.isEmpty() || currency == null) {
        return null;
      }
      long sum = 0;
      for (Item item : items) {
        if (item.price() == null) {
          return null;
        }
        sum += item.price() * item.count();
      }
      return sum;
    }

    /** Adds {@code items} and, when priced, {@code total: {amount, currency}} to an answer. */
    public JsonObject into(JsonObject answer) {
      JsonArray list = new JsonArray();
      items.forEach(i -> list.add(i.toJson()));
      answer.put("items", list);
      Long total = total();
      if (total != null) {
        answer.put("total", new JsonObject().put("amount", total).put("currency", currency));
      }
      return answer;
    }

    static Priced fromJson(JsonObject json) {
      List<Item> items = new java.util.ArrayList<>();
      JsonArray list = json.getJsonArray("items", new JsonArray());
      list.forEach(o -> items.add(Item.fromJson((JsonObject) o)));
      JsonObject total = json.getJsonObject("total");
      return new Priced(items, total == null ? json.getString("currency") : total.getString("currency"));
    }
  }

  /**
   * A new hold, replacing the visitor's current one. {@code placement} says how best available
   * placed it ({@code together}, {@code split}, {@code orphan_allowed}; null for other holds),
   * {@code otherSection} that the section asked for could not take it; {@code standing} the area of
   * a standing hold (null otherwise) and {@code left} its places left after this hold.
   */
  record Held(String holdId, List<String> seats, long expiresAt, String placement, boolean otherSection,
              StandingAsk standing, long left, Priced priced) {

    public Held(String holdId, List<String> seats, long expiresAt) {
      this(holdId, seats, expiresAt, null, false, null, 0, Priced.NONE);
    }

    /** The answer to {@code POST .../holds}. */
    public JsonObject toJson() {
      JsonObject json = new JsonObject().put("holdId", holdId).put("seats", new JsonArray(List.copyOf(seats)))
          .put("expiresAt", expiresAt);
      if (placement != null) {
        json.put("placement", placement).put("otherSection", otherSection);
      }
      if (standing != null) {
        json.put("standing", new JsonObject().put("section", standing.section()).put("count", standing.count())
            .put("left", left));
      }
      json.put("currency", priced.currency());
      return priced.into(json);
    }

    static Held fromJson(JsonObject json) {
      JsonObject standing = json.getJsonObject("standing");
      return new Held(json.getString("holdId"), Payloads.strings(json.getJsonArray("seats")), json.getLong("expiresAt"),
          json.getString("placement"), json.getBoolean("otherSection", false),
          standing == null ? null : new StandingAsk(standing.getString("section"), standing.getInteger("count")),
          standing == null ? 0 : standing.getLong("left"), Priced.fromJson(json));
    }
  }

  /** A confirmed hold, durable in PostgreSQL, with what was paid. */
  record Reservation(String reservationId, List<String> seats, StandingAsk standing, Priced priced) {

    /** The answer to {@code POST .../confirm}. */
    public JsonObject toJson() {
      JsonObject json = new JsonObject().put("reservationId", reservationId).put("seats", new JsonArray(List.copyOf(seats)));
      if (standing != null) {
        json.put("standing", new JsonObject().put("section", standing.section()).put("count", standing.count()));
      }
      json.put("currency", priced.currency());
      return priced.into(json);
    }

    static Reservation fromJson(JsonObject json) {
      JsonObject standing = json.getJsonObject("standing");
      return new Reservation(json.getString("reservationId"), Payloads.strings(json.getJsonArray("seats")),
          standing == null ? null : new StandingAsk(standing.getString("section"), standing.getInteger("count")),
          Priced.fromJson(json));
    }
  }

  /**
   * {@code idempotencyKey} (null for none) names this attempt: retried with the same key, the hold
   * is the same hold, never a second one.
   */
  Future<Held> hold(String event, String visitor, HoldAsk ask, String idempotencyKey);

  Future<Void> release(String event, String visitor, String holdId);

  Future<Reservation> confirm(String event, String visitor, String holdId);

  /**
   * The seat map at one version, {@code {generation, version, seats: [{id, section, row, number, x, y,
   * status}]}}, rendered once per node and version and handed over by reference. {@code json} and
   * {@code gzip} (the same JSON gzip-compressed) give a fresh read-only view of the bytes for each
   * send. {@code etag} names the version and the layout, so it is the same on every node.
   */
  record SeatMapBody(String generation, long version, String etag, Supplier<Buffer> gzip, Supplier<Buffer> json) {
  }

  /** A seat whose status changed, with the version of its last change. */
  record SeatChange(String seat, String status, long version) {
  }

  /**
   * The seats whose status changed after a version, each with its status now, up to
   * ({@code version}); {@code full} when that version cannot be answered with changes (another
   * generation, a version not given yet, too many changes): the reader needs the whole map.
   */
  record SeatDelta(boolean full, String generation, long version, List<SeatChange> changes) {
  }

  /** The seat map now: at least as new as every change made before the call. */
  Future<SeatMapBody> seatMap(String event);

  /** What changed on the map after version {@code since} of {@code generation}. */
  Future<SeatDelta> seatChanges(String event, String generation, long since);

  /** Calls this node's hold room. */
  static HoldService client(Vertx vertx) {
    return new HoldServiceClient(vertx);
  }

  /** Serves requests with {@code service} on this node. */
  static MessageConsumer<JsonObject> serve(Vertx vertx, HoldService service) {
    return HoldServiceClient.serve(vertx, service);
  }
}
