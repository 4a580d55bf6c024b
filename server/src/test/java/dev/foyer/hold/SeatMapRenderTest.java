package dev.foyer.hold;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The rendered seat map: the same JSON as the plain map, a valid gzip of it, cheap next versions. */
class SeatMapRenderTest {

  /** Seats as EventRepository reads them, 3 sections of rows x perRow; every 97th sold in PostgreSQL. */
  private static JsonArray layout(int rows, int perRow) {
    JsonArray seats = new JsonArray();
    int k = 0;
    for (String section : List.of("A", "B", "Box1")) {
      for (int r = 1; r <= rows; r++) {
        for (int n = 1; n <= perRow; n++) {
          seats.add(new JsonObject().put("id", section + "-" + r + "-" + n).put("section", section).put("row", r)
              .put("number", n).put("x", (double) n - 1 + (section.equals("B") ? 30.5 : 0)).put("y", (double) r - 1)
              .put("status", k++ % 97 == 0 ? "sold" : "free"));
        }
      }
    }
    return seats;
  }

  /** The map as the node rendered it before: every layout seat with its status, built as JSON. */
  private static JsonObject plain(JsonArray layout, String generation, long version, Set<String> held,
                                  Set<String> sold) {
    JsonArray out = new JsonArray();
    for (Object o : layout) {
      JsonObject seat = ((JsonObject) o).copy();
      String id = seat.getString("id");
      if (sold.contains(id) || "sold".equals(seat.getString("status"))) {
        seat.put("status", "sold");
      } else {
        seat.put("status", held.contains(id) ? "held" : "free");
      }
      out.add(seat);
    }
    return new JsonObject().put("generation", generation).put("version", version).put("seats", out);
  }

  private static String gunzip(Buffer gzip) throws IOException {
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gzip.getBytes()))) {
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
  }

  @Test
  void theWholeMapIsThePlainJsonAndItsGzipDecompressesToTheSameBytes() throws Exception {
    JsonArray seats = layout(20, 45); // 2,700 seats: several chunks, the last one short
    SeatMapLayout layout = SeatMapLayout.compile(seats);
    Set<String> held = Set.of("A-1-1", "B-3-7", "Box1-20-45", "nowhere-1-1");
    Set<String> sold = Set.of("A-1-2", "B-20-1");
    SeatMapRender.Snapshot s = SeatMapRender.full(layout, "abc123", 42, held, sold);
    String json = s.body.json().get().toString();
    assertEquals(plain(seats, "abc123", 42, held, sold).encode(), json, "byte for byte the JSON the node sent before");
    assertEquals(json, gunzip(s.body.gzip().get()));
    assertTrue(s.body.gzip().get().length() * 8 < json.length(), "compressed: " + s.body.gzip().get().length() + " of " + json.length());
    assertEquals("W/\"abc123.42." + layout.hash + "\"", s.body.etag());
  }

  @Test
  void aNextVersionEqualsTheWholeMapRenderedAtThatVersion() throws Exception {
    JsonArray seats = layout(30, 40);
    SeatMapLayout layout = SeatMapLayout.compile(seats);
    Random random = new Random(7);
    Set<String> held = new java.util.HashSet<>();
    Set<String> sold = new java.util.HashSet<>();
    SeatMapRender.Snapshot s = SeatMapRender.full(layout, "g1", 1, held, sold);
    for (long v = 2; v < 40; v++) {
      List<HoldStore.Change> changes = new ArrayList<>();
      for (int i = random.nextInt(6); i >= 0; i--) {
        String seat = seats.getJsonObject(random.nextInt(seats.size())).getString("id");
        String status = List.of("free", "held", "sold").get(random.nextInt(3));
        held.remove(seat);
        sold.remove(seat);
        if (status.equals("held")) {
          held.add(seat);
        } else if (status.equals("sold")) {
          sold.add(seat);
        }
        changes.add(new HoldStore.Change(seat, status, v));
      }
      SeatMapRender.Snapshot next = SeatMapRender.next(s, v, changes);
      SeatMapRender.Snapshot whole = SeatMapRender.full(layout, "g1", v, held, sold);
      assertEquals(whole.body.json().get(), next.body.json().get(), "version " + v);
      assertEquals(whole.body.json().get().toString(), gunzip(next.body.gzip().get()), "version " + v);
      assertNotEquals(s.body.etag(), next.body.etag());
      s = next;
    }
  }

  @Test
  void theLayoutHashChangesWithTheLayoutNotWithStatuses() {
    JsonArray seats = layout(2, 3);
    JsonArray moved = seats.copy();
    moved.getJsonObject(4).put("x", 99.0);
    JsonArray sold = seats.copy();
    sold.getJsonObject(4).put("status", "sold");
    String hash = SeatMapLayout.compile(seats).hash;
    assertNotEquals(hash, SeatMapLayout.compile(moved).hash);
    assertEquals(hash, SeatMapLayout.compile(sold).hash);
  }
}
