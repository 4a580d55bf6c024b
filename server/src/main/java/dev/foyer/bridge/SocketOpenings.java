package dev.foyer.bridge;

import dev.foyer.FoyerConfig;
import dev.foyer.common.ClientAddress;
import dev.foyer.common.Limiter;
import io.vertx.core.Future;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;

import java.util.List;

/**
 * Sockets opened per address and network a minute, cluster-wide (the buckets share the network's
 * hash tag), so one address cannot open sockets without end.
 */
record SocketOpenings(ClientAddress clients, Limiter limiter, FoyerConfig.Clients limits) {

  /** How many milliseconds the socket's address or network must wait before opening one; 0: none. */
  Future<Long> wait(SockJSSocket socket) {
    ClientAddress.Client client = clients.of(socket.remoteAddress() == null ? null : socket.remoteAddress().hostAddress(),
        socket.headers() == null ? null : socket.headers().getAll("X-Forwarded-For"));
    if (client.unlimited() || (limits.socketsPerAddress() == 0 && limits.socketsPerNetwork() == 0)) {
      return Future.succeededFuture(0L);
    }
    return limiter.take("sockets:" + client.network(), List.of(
        new Limiter.Bucket("a:" + client.address(), limits.socketsPerAddress()),
        new Limiter.Bucket("n:" + client.network(), limits.socketsPerNetwork())));
  }
}
