package dev.foyer.hold;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.function.Supplier;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * A body sent plain or gzipped, made of an opening, pieces and a closing, where each piece is
 * compressed on its own (a fresh deflater, ending on a flush to a byte boundary): the gzip body is
 * the gzip header, the compressed opening, the pieces and the compressed closing, one after another,
 * a valid deflate stream as pigz makes them. So a new body recompresses only the pieces that changed.
 * <p>
 * Plain Java without Vert.x contexts, run on a worker thread; nothing here changes once made, so
 * threads share it freely.
 */
final class ChunkedGzip {

  private static final int LEVEL = Deflater.DEFAULT_COMPRESSION;
  private static final byte[] GZIP_HEADER = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff};

  private ChunkedGzip() {
  }

  /**
   * One piece: its bytes and those bytes compressed, off-heap and never changed once made, so a send
   * hands the socket these bytes as they are (a heap buffer is copied to a fresh off-heap one on
   * every send) and a new body shares every piece that did not change.
   */
  record Piece(ByteBuf raw, ByteBuf deflated) {
    /** With a deflater of {@link #deflater()}, which it resets first. */
    static Piece of(byte[] raw, Deflater deflater) {
      return new Piece(offHeap(raw), offHeap(deflate(deflater, raw, false)));
    }
  }

  /**
   * The two bodies, as views over the pieces made afresh for each send (a gather write of the
   * pieces): nothing of the body's size is copied or allocated per body or per request.
   */
  record Bodies(Supplier<Buffer> gzip, Supplier<Buffer> plain) {
  }

  /** The deflater pieces are made with (raw deflate, no zlib wrapper); the caller ends it. */
  static Deflater deflater() {
    return new Deflater(LEVEL, true);
  }

  static Bodies of(byte[] opening, Piece[] pieces, byte[] closing) {
    CRC32 crc = new CRC32();
    crc.update(opening);
    long length = opening.length + closing.length;
    for (Piece p : pieces) {
      crc.update(p.raw.nioBuffer());
      length += p.raw.readableBytes();
    }
    crc.update(closing);
    Deflater deflater = deflater();
    byte[] openingDeflated;
    byte[] closingDeflated;
    try {
      openingDeflated = deflate(deflater, opening, false);
      closingDeflated = deflate(deflater, closing, true);
    } finally {
      deflater.end();
    }
    byte[] trailer = Arrays.copyOf(closingDeflated, closingDeflated.length + 8);
    writeIntLE(trailer, closingDeflated.length, (int) crc.getValue());
    writeIntLE(trailer, closingDeflated.length + 4, (int) length);
    byte[] head = new byte[GZIP_HEADER.length + openingDeflated.length];
    System.arraycopy(GZIP_HEADER, 0, head, 0, GZIP_HEADER.length);
    System.arraycopy(openingDeflated, 0, head, GZIP_HEADER.length, openingDeflated.length);
    ByteBuf gzipHead = offHeap(head);
    ByteBuf gzipTail = offHeap(trailer);
    ByteBuf plainHead = offHeap(opening);
    ByteBuf plainTail = offHeap(closing);
    return new Bodies(() -> view(gzipHead, pieces, true, gzipTail), () -> view(plainHead, pieces, false, plainTail));
  }

  private static Buffer view(ByteBuf head, Piece[] pieces, boolean deflated, ByteBuf tail) {
    ByteBuf[] parts = new ByteBuf[pieces.length + 2];
    parts[0] = head.slice();
    for (int i = 0; i < pieces.length; i++) {
      parts[i + 1] = (deflated ? pieces[i].deflated : pieces[i].raw).slice();
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

  /** A copy off-heap, freed by the GC once no body uses it (never released by hand). */
  private static ByteBuf offHeap(byte[] bytes) {
    return Unpooled.wrappedBuffer(ByteBuffer.allocateDirect(bytes.length).put(bytes).flip());
  }
}
