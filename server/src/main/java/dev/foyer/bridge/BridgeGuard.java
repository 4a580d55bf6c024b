package dev.foyer.bridge;

import dev.foyer.bus.Addresses;
import dev.foyer.common.ApiError;
import dev.foyer.common.EventIds;
import dev.foyer.pass.QueueTokens;
import io.vertx.core.json.JsonObject;

/**
 * What a browser may register to: an event's broadcasts, or its own visitor address with its queue
 * token in header {@code token}. Everything else (other visitors, internal addresses) is refused.
 */
final class BridgeGuard {

  private final QueueTokens tokens;

  BridgeGuard(QueueTokens tokens) {
    this.tokens = tokens;
  }

  /** The guard's verdict on a register: which kind of address, and for whom. */
  record Registration(String address, String event, String visitor) {
    boolean isVisitor() {
      return visitor != null;
    }
  }

  /** Checks a register frame; throws {@link ApiError} (its code becomes the err frame's body). */
  Registration authorize(String address, JsonObject headers, long nowSeconds) {
    if (address == null) {
      throw ApiError.badRequest("missing_address", "a register needs an address");
    }
    if (address.startsWith(Addresses.EVENT_PREFIX) || address.startsWith(Addresses.SEATS_PREFIX)
        || address.startsWith(Addresses.STOCK_PREFIX)) {
      String event = address.substring(address.indexOf('.', "foyer.".length()) + 1);
      if (EventIds.isValid(event)) {
        return new Registration(address, event, null);
      }
    } else if (address.startsWith(Addresses.VISITOR_PREFIX)) {
      String visitor = address.substring(Addresses.VISITOR_PREFIX.length());
      Object token = headers == null ? null : headers.getValue("token");
      QueueTokens.Claims claims;
      try {
        claims = tokens.verify(token instanceof String s ? s : null, nowSeconds);
      } catch (ApiError e) {
        throw denied("registering to a visitor address needs that visitor's valid queue token in header 'token'");
      }
      if (claims.visitor().equals(visitor)) {
        return new Registration(address, claims.event(), visitor);
      }
      throw denied("the token belongs to another visitor");
    }
    throw denied("browsers may only listen to foyer.event.*, foyer.seats.*, foyer.stock.* and their own "
        + "foyer.visitor.* address");
  }

  private static ApiError denied(String message) {
    return new ApiError(403, "access_denied", message);
  }
}
