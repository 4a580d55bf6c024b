package dev.foyer.hold;

import dev.foyer.event.Seat;
import dev.foyer.event.SeatLayout;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * An event's layout as the seat map shows it, in map order, compiled once per layout: each seat's
 * JSON up to its status (statuses all have four letters, so a seat's bytes keep their length
 * whatever its status), which seats PostgreSQL had sold when it was read (a sale never reverts), and
 * a hash of it all. {@link SeatMapRender} makes the map's versions from it.
 */
final class SeatMapLayout {

  final String[] ids;
  final Map<String, Integer> index;
  final byte[][] heads;
  final boolean[] soldWhenRead;
  final String hash;
  /** The layout's categories and standing areas as JSON fields of the map ("" when it has none). */
  final String extras;

  private SeatMapLayout(String[] ids, byte[][] heads, boolean[] soldWhenRead, String hash, String extras) {
    this.extras = extras;
    this.ids = ids;
    this.heads = heads;
    this.soldWhenRead = soldWhenRead;
    this.hash = hash;
    this.index = new HashMap<>(ids.length * 2);
    for (int i = 0; i < ids.length; i++) {
      index.put(ids[i], i);
    }
  }

  int size() {
    return ids.length;
  }

  int chunks() {
    return (ids.length + SeatMapRender.CHUNK_SEATS - 1) / SeatMapRender.CHUNK_SEATS;
  }

  /** From the seats as EventRepository reads them: {id, section, row, number, x, y, status}. */
  static SeatMapLayout compile(JsonArray seats) {
    return compile(seats, null);
  }

  /**
   * With the layout's plan: each seat gets its {@code category} and {@code accessible} mark (only
   * those it has, so a layout without them renders as it always did), the map its categories.
   */
  static SeatMapLayout compile(JsonArray seats, SeatLayout.Plan plan) {
    Map<String, Seat> marks = new HashMap<>();
    if (plan != null) {
      for (Seat s : plan.seats()) {
        if (s.category() != null || s.accessible() != null) {
          marks.put(s.id(), s);
        }
      }
    }
    JsonObject extras = plan == null ? null : plan.extras();
    int n = seats.size();
    String[] ids = new String[n];
    byte[][] heads = new byte[n][];
    boolean[] sold = new boolean[n];
    CRC32 hash = new CRC32();
    for (int i = 0; i < n; i++) {
      JsonObject seat = seats.getJsonObject(i).copy();
      ids[i] = seat.getString("id");
      sold[i] = "sold".equals(seat.remove("status"));
      Seat mark = marks.get(ids[i]);
      if (mark != null) {
        if (mark.category() != null) {
          seat.put("category", mark.category());
        }
        if (mark.accessible() != null) {
          seat.put("accessible", mark.accessible());
        }
      }
      String json = seat.encode();
      // the status goes last, where the plain map has always had it
      String head = (i == 0 ? "" : ",") + json.substring(0, json.length() - 1) + ",\"status\":\"";
      heads[i] = head.getBytes(StandardCharsets.UTF_8);
      hash.update(heads[i]);
    }
    String fields = "";
    if (extras != null) {
      String json = extras.encode();
      fields = json.substring(1, json.length() - 1) + ",";
      hash.update(fields.getBytes(StandardCharsets.UTF_8));
    }
    return new SeatMapLayout(ids, heads, sold, String.format("%08x", hash.getValue()), fields);
  }
}
