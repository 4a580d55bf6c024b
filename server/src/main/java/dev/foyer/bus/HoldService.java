package dev.foyer.bus;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.function.Supplier;

/**
 * The seat-hold room as the other rooms see it: node-local request-reply on {@link Addresses#HOLDS}.
 * Refusals are {@code dev.foyer.common.ApiError}s carrying the contract's status and code, on both
 * sides of the bus. Ingress has checked the pass; the visitor is who the pass names.
 */
public interface HoldService {

  /** A new hold, replacing the visitor's current one. */
  record Held(String holdId, List<String> seats, long expiresAt) {
  }

  /** A confirmed hold, durable in PostgreSQL. */
  record Reservation(String reservationId, List<String> seats) {
  }

  /**
   * {@code idempotencyKey} (null for none) names this attempt: retried with the same key, the hold
   * is the same hold, never a second one.
   */
  Future<Held> hold(String event, String visitor, List<String> seats, String idempotencyKey);

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
