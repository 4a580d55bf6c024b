package dev.foyer.hold;

import dev.foyer.bus.HoldService.SeatMapBody;
import dev.foyer.hold.ChunkedGzip.Piece;
import io.vertx.core.json.Json;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;
import java.util.zip.Deflater;

/**
 * The seat map as bytes, made so that a new version costs only the seats that changed: the seats of
 * a {@link SeatMapLayout} are cut into chunks, each a {@link ChunkedGzip} piece, and a new version
 * remakes only the chunks whose seats changed status.
 * <p>
 * Everything here is plain Java without Vert.x contexts, run on a worker thread; a {@link Snapshot}
 * never changes once made, so threads share it freely.
 */
final class SeatMapRender {

  /** Seats per chunk: about 45 KB of JSON, more than deflate's 32 KB window, so little is lost. */
  static final int CHUNK_SEATS = 512;
  static final byte FREE = 0;
  static final byte HELD = 1;
  static final byte SOLD = 2;
  private static final byte[][] STATUS = {bytes("free"), bytes("held"), bytes("sold")};
  private static final byte[] SEAT_END = bytes("\"}");
  private static final byte[] CLOSING = bytes("]}");

  private SeatMapRender() {
  }

  /** The map at one version. */
  static final class Snapshot {
    final SeatMapLayout layout;
    final String generation;
    final long version;
    final byte[] statuses;
    private final Piece[] chunks;
    final SeatMapBody body;

    private Snapshot(SeatMapLayout layout, String generation, long version, byte[] statuses, Piece[] chunks) {
      this.layout = layout;
      this.generation = generation;
      this.version = version;
      this.statuses = statuses;
      this.chunks = chunks;
      this.body = body();
    }

    private SeatMapBody body() {
      byte[] opening = bytes("{\"generation\":" + Json.encode(generation) + ",\"version\":" + version + ","
          + layout.extras + "\"seats\":[");
      ChunkedGzip.Bodies bodies = ChunkedGzip.of(opening, chunks, CLOSING);
      String etag = "W/\"" + generation + "." + version + "." + layout.hash + "\"";
      return new SeatMapBody(generation, version, etag, bodies.gzip(), bodies.plain());
    }
  }

  /** The whole map from the held and sold seats at one version. */
  static Snapshot full(SeatMapLayout layout, String generation, long version, Collection<String> held,
                       Collection<String> sold) {
    byte[] statuses = new byte[layout.size()];
    mark(layout, statuses, held, HELD);
    mark(layout, statuses, sold, SOLD);
    for (int i = 0; i < statuses.length; i++) {
      if (layout.soldWhenRead[i]) {
        statuses[i] = SOLD;
      }
    }
    Piece[] chunks = new Piece[layout.chunks()];
    Deflater deflater = ChunkedGzip.deflater();
    try {
      for (int c = 0; c < chunks.length; c++) {
        chunks[c] = piece(layout, statuses, c, deflater);
      }
    } finally {
      deflater.end();
    }
    return new Snapshot(layout, generation, version, statuses, chunks);
  }

  /** The next version from the previous one and the seats changed since (their statuses now). */
  static Snapshot next(Snapshot previous, long version, List<HoldStore.Change> changes) {
    SeatMapLayout layout = previous.layout;
    byte[] statuses = previous.statuses.clone();
    boolean[] dirty = new boolean[previous.chunks.length];
    for (HoldStore.Change change : changes) {
      Integer i = layout.index.get(change.seat());
      if (i == null || layout.soldWhenRead[i]) {
        continue;
      }
      byte status = switch (change.status()) {
        case "sold" -> SOLD;
        case "held" -> HELD;
        default -> FREE;
      };
      if (statuses[i] != status) {
        statuses[i] = status;
        dirty[i / CHUNK_SEATS] = true;
      }
    }
    Piece[] chunks = previous.chunks.clone();
    Deflater deflater = ChunkedGzip.deflater();
    try {
      for (int c = 0; c < chunks.length; c++) {
        if (dirty[c]) {
          chunks[c] = piece(layout, statuses, c, deflater);
        }
      }
    } finally {
      deflater.end();
    }
    return new Snapshot(layout, previous.generation, version, statuses, chunks);
  }

  private static void mark(SeatMapLayout layout, byte[] statuses, Collection<String> seats, byte status) {
    for (String seat : seats) {
      Integer i = layout.index.get(seat);
      if (i != null) {
        statuses[i] = status;
      }
    }
  }

  /** A chunk's seats, each its head from the layout, its status and the seat's end. */
  private static Piece piece(SeatMapLayout layout, byte[] statuses, int chunk, Deflater deflater) {
    int from = chunk * CHUNK_SEATS;
    int to = Math.min(layout.size(), from + CHUNK_SEATS);
    int size = 0;
    for (int i = from; i < to; i++) {
      size += layout.heads[i].length + 4 + SEAT_END.length;
    }
    byte[] raw = new byte[size];
    int at = 0;
    for (int i = from; i < to; i++) {
      byte[] head = layout.heads[i];
      System.arraycopy(head, 0, raw, at, head.length);
      at += head.length;
      System.arraycopy(STATUS[statuses[i]], 0, raw, at, 4);
      at += 4;
      System.arraycopy(SEAT_END, 0, raw, at, SEAT_END.length);
      at += SEAT_END.length;
    }
    return Piece.of(raw, deflater);
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
