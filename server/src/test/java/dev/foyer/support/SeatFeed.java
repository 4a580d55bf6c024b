package dev.foyer.support;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * A bridge socket registered to an event's seat changes ({@code foyer.seats.{event}}) gets them once
 * its node has subscribed to the event's broadcasts, which happens after the register frame, on its
 * own time. {@link #following} is the checkpoint: a probe change that has come through.
 */
public final class SeatFeed {

  /** How long one probe's change is waited for before the probe is made again. */
  private static final long PROBE_MILLIS = 1000;
  /** How long it may take altogether, on a loaded two-core machine. */
  private static final int PROBES = 30;

  private SeatFeed() {
  }

  /**
   * Holds {@code seat} with {@code pass} and lets it go again until the bridge passes the hold on,
   * then waits for the seat to show free (released, or expired if the event's holds are that short):
   * the seat ends free, and every later change of the event reaches the socket. The probe seat's own
   * changes are no use to the caller afterwards (a late one may still be in the socket's frames).
   */
  public static Future<Void> following(ApiClient api, BridgeClient bridge, String event, String pass, String seat) {
    return probe(api, bridge, event, pass, seat, PROBES);
  }

  private static Future<Void> probe(ApiClient api, BridgeClient bridge, String event, String pass, String seat,
                                    int left) {
    return api.hold(event, pass, seat).compose(held -> {
      if (held.statusCode() != 201) {
        return Future.failedFuture("the probe hold of " + seat + " answered " + held.statusCode() + " "
            + held.bodyAsString());
      }
      String holdId = held.bodyAsJsonObject().getString("holdId");
      return bridge.next(f -> changed(f, seat, "held"), PROBE_MILLIS).transform(seen ->
          // 204, or 404 when a short hold expired first: either way the seat goes free
          api.release(event, pass, holdId).compose(released -> {
            if (seen.succeeded()) {
              return bridge.next(f -> changed(f, seat, "free"), 30_000).<Void>mapEmpty();
            }
            if (left <= 1) {
              return Future.failedFuture("no change of " + seat + " came through the bridge in " + PROBES
                  + " probes: " + seen.cause().getMessage());
            }
            // the free change of an unseen hold may come late: it is taken here, never by the caller
            return bridge.next(f -> changed(f, seat, "free"), PROBE_MILLIS).otherwiseEmpty()
                .compose(x -> probe(api, bridge, event, pass, seat, left - 1));
          }));
    });
  }

  /** A seats message of the bridge that gives {@code seat} this {@code status}. */
  public static boolean changed(JsonObject frame, String seat, String status) {
    if (!"rec".equals(frame.getString("type")) || !(frame.getValue("body") instanceof JsonObject body)) {
      return false;
    }
    JsonArray changes = body.getJsonArray("changes");
    return changes != null && changes.stream().anyMatch(c -> c instanceof JsonObject change
        && seat.equals(change.getString("seat")) && status.equals(change.getString("status")));
  }
}
