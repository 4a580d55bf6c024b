package dev.foyer.bus;

import dev.foyer.common.ApiError;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * Both ends of {@link HoldService} over the event bus, what vertx-service-proxy would generate,
 * written out: the action in a header, arguments and answers as JSON, refusals as a failure whose
 * code is the HTTP status and whose message is the contract's error body.
 */
final class HoldServiceClient implements HoldService {

  /** A confirmation may wait on PostgreSQL's commit deadline (20 s) and a retry behind it. */
  static final long TIMEOUT_MILLIS = 40_000;
  private static final String ACTION = "action";
  private static final Logger LOG = LoggerFactory.getLogger(HoldService.class);

  private final Vertx vertx;

  HoldServiceClient(Vertx vertx) {
    this.vertx = vertx;
  }

  @Override
  public Future<Held> hold(String event, String visitor, HoldAsk ask, String idempotencyKey) {
    return call("hold", new JsonObject().put("event", event).put("visitor", visitor)
        .put("ask", ask.toJson()).put("idempotencyKey", idempotencyKey))
        .map(Held::fromJson);
  }

  @Override
  public Future<Void> release(String event, String visitor, String holdId) {
    return call("release", new JsonObject().put("event", event).put("visitor", visitor).put("holdId", holdId))
        .mapEmpty();
  }

  @Override
  public Future<Reservation> confirm(String event, String visitor, String holdId) {
    return call("confirm", new JsonObject().put("event", event).put("visitor", visitor).put("holdId", holdId))
        .map(Reservation::fromJson);
  }

  @Override
  public Future<SeatMapBody> seatMap(String event) {
    return this.<SeatMapBody>request("seat-map", new JsonObject().put("event", event));
  }

  @Override
  public Future<SeatDelta> seatChanges(String event, String generation, long since) {
    return this.<SeatDelta>request("seat-changes", new JsonObject().put("event", event).put("generation", generation)
        .put("since", since));
  }

  /** A call answered in JSON. */
  private Future<JsonObject> call(String action, JsonObject arguments) {
    return request(action, arguments);
  }

  private <T> Future<T> request(String action, JsonObject arguments) {
    DeliveryOptions options = new DeliveryOptions().setLocalOnly(true).setSendTimeout(TIMEOUT_MILLIS)
        .addHeader(ACTION, action);
    return vertx.eventBus().<T>request(Addresses.HOLDS, arguments, options)
        .map(Message::body)
        .recover(err -> {
          if (err instanceof ReplyException reply && reply.failureType() == ReplyFailure.RECIPIENT_FAILURE) {
            JsonObject error = new JsonObject(reply.getMessage());
            JsonObject extra = error.copy();
            extra.remove("error");
            extra.remove("message");
            return Future.failedFuture(new ApiError(reply.failureCode(), error.getString("error"),
                error.getString("message"), extra.isEmpty() ? null : extra));
          }
          return Future.failedFuture(ApiError.dependencyDown("The seat service", err));
        });
  }

  static MessageConsumer<JsonObject> serve(Vertx vertx, HoldService service) {
    // seat maps and their changes answer by reference: the consumer is on the same node
    SameNodeCodec.register(vertx.eventBus(), SeatMapBody.class);
    SameNodeCodec.register(vertx.eventBus(), SeatDelta.class);
    return vertx.eventBus().localConsumer(Addresses.HOLDS, message -> {
      JsonObject a = message.body();
      Future<?> answer;
      try {
        answer = switch (String.valueOf(message.headers().get(ACTION))) {
          case "hold" -> service.hold(a.getString("event"), a.getString("visitor"),
                  HoldAsk.fromJson(a.getJsonObject("ask")), a.getString("idempotencyKey"))
              .map(Held::toJson);
          case "release" -> service.release(a.getString("event"), a.getString("visitor"), a.getString("holdId"))
              .map(v -> new JsonObject());
          case "confirm" -> service.confirm(a.getString("event"), a.getString("visitor"), a.getString("holdId"))
              .map(Reservation::toJson);
          case "seat-map" -> service.seatMap(a.getString("event"));
          case "seat-changes" -> service.seatChanges(a.getString("event"), a.getString("generation"),
              a.getLong("since"));
          default -> Future.failedFuture(new ApiError(400, "bad_request", "unknown hold action"));
        };
      } catch (ApiError e) {
        answer = Future.failedFuture(e);
      }
      answer.onSuccess(message::reply).onFailure(err -> {
        ApiError e = err instanceof ApiError api ? api : ApiError.dependencyDown("a backing service", err);
        if (!(err instanceof ApiError)) {
          LOG.warn("Hold request failed: {}", err.getMessage());
        }
        message.fail(e.status(), e.toJson().encode());
      });
    });
  }
}
