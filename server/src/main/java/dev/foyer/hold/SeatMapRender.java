package dev.foyer.hold;

import dev.foyer.bus.HoldService.SeatMapBody;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * The seat map as bytes, made so that a new version costs only the seats that changed. A layout is
 * compiled once into each seat's JSON up to its status; statuses all have four letters, so a seat's
 * bytes keep their length whatever its status. The seats are cut into chunks, each compressed on its
 * own (a fresh deflater, ending on a flush to a byte boundary), and a gzip body is the gzip header,
 * the compressed opening, the chunks and the closing, one after another: a valid deflate stream, as
 * pigz makes them. A new version recompresses only the chunks whose seats changed.
 * <p>
 * Everything here is plain Java without Vert.x contexts, run on a worker thread; a {@link Snapshot}
 * never changes once made, so threads share it freely.
 */
final class SeatMapRender {

  /** Seats per chunk: about 45 KB of JSON, more than deflate's 32 KB window, so little is lost. */
  static final int CHUNK_SEATS = 512;
  private static final int LEVEL = Deflater.DEFAULT_COMPRESSION;
  static final byte FREE = 0;
  static final byte HELD = 1;
  static final byte SOLD = 2;
  private static final byte[][] STATUS = {bytes("free"), bytes("held"), bytes("sold")};
  private static final byte[] SEAT_END = bytes("\"}");
  private static final byte[] CLOSING = bytes("]}");
  private static final byte[] GZIP_HEADER = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff};

  private SeatMapRender() {
  }

  /**
   * An event's layout as the seat map shows it, in map order: each seat's JSON up to its status,
   * which seats PostgreSQL had sold when it was read (a sale never reverts), and a hash of it all.
   */
  static final class Layout {
    final String[] ids;
    final Map<String, Integer> index;
    final byte[][] heads;
    final boolean[] soldWhenRead;
    final String hash;
    /** The layout's categories and standing areas as JSON fields of the map ("" when it has none). */
    final String extras;

    private Layout(String[] ids, byte[][] heads, boolean[] soldWhenRead, String hash, String extras) {
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
      return (ids.length + CHUNK_SEATS - 1) / CHUNK_SEATS;
    }

    /** From the seats as EventRepository reads them: {id, section, row, number, x, y, status}. */
    static Layout compile(JsonArray seats) {
      return compile(seats, null);
    }

    /**
     * With the layout's plan: each seat gets its {@code category} and {@code accessible} mark (only
     * those it has, so a layout without them renders as it always did), the map its categories.
     */
    static Layout compile(JsonArray seats, dev.foyer.event.SeatLayout.Plan plan) {
      Map<String, dev.foyer.event.Seat> marks = new HashMap<>();
      if (plan != null) {
        for (dev.foyer.event.Seat s : plan.seats()) {
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
        dev.foyer.event.Seat mark = marks.get(ids[i]);
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
        heads[i] = bytes(head);
        hash.update(heads[i]);
      }
      String fields = "";
      if (extras != null) {
        String json = extras.encode();
        fields = json.substring(1, json.length() - 1) + ",";
        hash.update(bytes(fields));
      }
      return new Layout(ids, heads, sold, String.format("%08x", hash.getValue()), fields);
    }
  }

  /**
   * One chunk of the map: its JSON and that JSON compressed, off-heap and never changed once made,
   * so a send hands the socket these bytes as they are (a heap buffer is copied to a fresh off-heap
   * one on every send) and a new version shares every chunk whose seats did not change.
   */
  private record Piece(ByteBuf raw, ByteBuf deflated) {
    static Piece of(byte[] raw, byte[] deflated) {
      return new Piece(offHeap(raw), offHeap(deflated));
    }
  }

  /** The map at one version. */
  static final class Snapshot {
    final Layout layout;
    final String generation;
    final long version;
    final byte[] statuses;
    private final Piece[] chunks;
    final SeatMapBody body;

    private Snapshot(Layout layout, String generation, long version, byte[] statuses, Piece[] chunks) {
      this.layout = layout;
      this.generation = generation;
      this.version = version;
      this.statuses = statuses;
      this.chunks = chunks;
      this.body = body();
    }

    /**
     * The bodies are views over the chunks, made afresh for each send (a gather write of the
     * pieces): nothing of the map's size is copied or allocated per version or per request.
     */
    private SeatMapBody body() {
      byte[] opening = bytes("{\"generation\":" + Json.encode(generation) + ",\"version\":" + version + ","
          + layout.extras + "\"seats\":[");
      CRC32 crc = new CRC32();
      crc.update(opening);
      long length = opening.length + CLOSING.length;
      for (Piece p : chunks) {
        crc.update(p.raw.nioBuffer());
        length += p.raw.readableBytes();
      }
      crc.update(CLOSING);
      Deflater deflater = new Deflater(LEVEL, true);
      byte[] openingDeflated;
      byte[] closingDeflated;
      try {
        openingDeflated = deflate(deflater, opening, false);
        closingDeflated = deflate(deflater, CLOSING, true);
      } finally {
        deflater.end();
      }
      byte[] trailer = java.util.Arrays.copyOf(closingDeflated, closingDeflated.length + 8);
      writeIntLE(trailer, closingDeflated.length, (int) crc.getValue());
      writeIntLE(trailer, closingDeflated.length + 4, (int) length);
      byte[] head = new byte[GZIP_HEADER.length + openingDeflated.length];
      System.arraycopy(GZIP_HEADER, 0, head, 0, GZIP_HEADER.length);
      System.arraycopy(openingDeflated, 0, head, GZIP_HEADER.length, openingDeflated.length);
      ByteBuf gzipHead = offHeap(head);
      ByteBuf gzipTail = offHeap(trailer);
      ByteBuf jsonHead = offHeap(opening);
      ByteBuf jsonTail = offHeap(CLOSING);
      Supplier<Buffer> gzip = () -> view(gzipHead, chunks, true, gzipTail);
      Supplier<Buffer> json = () -> view(jsonHead, chunks, false, jsonTail);
      String etag = "W/\"" + generation + "." + version + "." + layout.hash + "\"";
      return new SeatMapBody(generation, version, etag, gzip, json);
    }
  }

  private static Buffer view(ByteBuf head, Piece[] chunks, boolean deflated, ByteBuf tail) {
    ByteBuf[] parts = new ByteBuf[chunks.length + 2];
    parts[0] = head.slice();
    for (int i = 0; i < chunks.length; i++) {
      parts[i + 1] = (deflated ? chunks[i].deflated : chunks[i].raw).slice();
    }
    parts[parts.length - 1] = tail.slice();
    return BufferInternal.buffer(Unpooled.wrappedUnmodifiableBuffer(parts));
  }

  private static void writeIntLE(byte[] into, int at, int value) {
    into[at] = (byte) value;
    into[at + 1] = (byte) (value >>> 8);
    into[at + 2] = (byte) (value >>> 16);
    into[at + 3] = (byte) (value >>> 24);
  }

  /** The whole map from the held and sold seats at one version. */
  static Snapshot full(Layout layout, String generation, long version, Collection<String> held,
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
    Deflater deflater = new Deflater(LEVEL, true);
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
    Layout layout = previous.layout;
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
    Deflater deflater = new Deflater(LEVEL, true);
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

  private static void mark(Layout layout, byte[] statuses, Collection<String> seats, byte status) {
    for (String seat : seats) {
      Integer i = layout.index.get(seat);
      if (i != null) {
        statuses[i] = status;
      }
    }
  }

  private static Piece piece(Layout layout, byte[] statuses, int chunk, Deflater deflater) {
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
    return Piece.of(raw, deflate(deflater, raw, false));
  }

  /**
   * Raw deflate of {@code input} from a reset deflater: ending on a sync flush (byte-aligned, not
   * final) so more pieces may follow, or ({@code last}) with the final block.
   */
  private static byte[] deflate(Deflater deflater, byte[] input, boolean last) {
    deflater.reset();
    deflater.setInput(input);
    ByteArrayOutputStream out = new ByteArrayOutputStream(input.length / 6 + 64);
    byte[] buffer = new byte[Math.max(256, Math.min(65_536, input.length))];
    if (last) {
      deflater.finish();
      while (!deflater.finished()) {
        out.write(buffer, 0, deflater.deflate(buffer));
      }
    } else {
      int n;
      do {
        n = deflater.deflate(buffer, 0, buffer.length, Deflater.SYNC_FLUSH);
        out.write(buffer, 0, n);
      } while (n == buffer.length || !deflater.needsInput());
    }
    return out.toByteArray();
  }

  /** A copy off-heap, freed by the GC once no snapshot uses it (never released by hand). */
  private static ByteBuf offHeap(byte[] bytes) {
    return Unpooled.wrappedBuffer(ByteBuffer.allocateDirect(bytes.length).put(bytes).flip());
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
