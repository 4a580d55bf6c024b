package dev.foyer.ingress;

import dev.foyer.common.ClientAddress;
import io.vertx.ext.web.RoutingContext;

/**
 * Who sent the request: the peer, or the client a trusted proxy names in X-Forwarded-For. Worked
 * out once per request ({@link ContextKeys#CLIENT}), when a check first needs it.
 */
record RequestClient(ClientAddress addresses) {

  ClientAddress.Client of(RoutingContext ctx) {
    ClientAddress.Client client = ContextKeys.CLIENT.get(ctx);
    if (client == null) {
      var peer = ctx.request().remoteAddress();
      client = addresses.of(peer == null ? null : peer.hostAddress(), ctx.request().headers().getAll("X-Forwarded-For"));
      ContextKeys.CLIENT.put(ctx, client);
    }
    return client;
  }
}
