package dev.foyer.bus;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;

import java.util.List;

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

  Future<Held> hold(String event, String visitor, List<String> seats);

  Future<Void> release(String event, String visitor, String holdId);

  Future<Reservation> confirm(String event, String visitor, String holdId);

  /** The seat map with every seat's status: {@code {seats: [{id, section, row, number, x, y, status}]}}. */
  Future<JsonObject> seats(String event);

  /** Calls this node's hold room. */
  static HoldService client(Vertx vertx) {
    return new HoldServiceClient(vertx);
  }

  /** Serves requests with {@code service} on this node. */
  static MessageConsumer<JsonObject> serve(Vertx vertx, HoldService service) {
    return HoldServiceClient.serve(vertx, service);
  }
}
