package dev.foyer.ingress;

import dev.foyer.common.ApiError;
import dev.foyer.common.ClientAddress;
import dev.foyer.common.Limiter;
import dev.foyer.common.Metrics;
import dev.foyer.event.ClientLimits;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;

import java.util.List;
import java.util.function.ToIntFunction;

/**
 * The event's limits per client: 429 {@code rate_limited} with Retry-After when this client's bucket
 * for a kind of request in this event is empty, on any node: the buckets are in Redis, under the
 * event's hash tag. A client the operator made unlimited is not counted.
 */
record LimitChecks(RequestClient clients, Limiter limiter) {

  /** A new visitor's join, within the event's joins per address and network. */
  void join(RoutingContext ctx) {
    limit(ctx, "join", ClientLimits::joinsPerAddress, ClientLimits::joinsPerNetwork);
  }

  /** A hold, within the event's holds per address and network. */
  void hold(RoutingContext ctx) {
    limit(ctx, "hold", ClientLimits::holdsPerAddress, ClientLimits::holdsPerNetwork);
  }

  /** A confirmation, within the event's confirmations per address and network. */
  void confirm(RoutingContext ctx) {
    limit(ctx, "confirm", ClientLimits::confirmsPerAddress, ClientLimits::confirmsPerNetwork);
  }

  private void limit(RoutingContext ctx, String what, ToIntFunction<ClientLimits> perAddress,
                     ToIntFunction<ClientLimits> perNetwork) {
    ClientAddress.Client client = clients.of(ctx);
    if (client.unlimited()) {
      ctx.next();
      return;
    }
    String event = ContextKeys.EVENT.get(ctx);
    ClientLimits limits = ContextKeys.EVENT_INFO.get(ctx).settings().limits();
    PausedCheck.run(ctx, () -> limiter.take(event, List.of(
        new Limiter.Bucket(what + ":a:" + client.address(), perAddress.applyAsInt(limits)),
        new Limiter.Bucket(what + ":n:" + client.network(), perNetwork.applyAsInt(limits)))).compose(waitMillis -> {
          if (waitMillis > 0) {
            Metrics.refused(what).increment();
            return Future.failedFuture(ApiError.tooManyRequests("rate_limited", "too many " + what
                + " requests from your address or network; try again later", Math.max(1, (waitMillis + 999) / 1000)));
          }
          return Future.succeededFuture();
        }));
  }
}
