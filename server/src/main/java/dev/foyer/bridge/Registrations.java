package dev.foyer.bridge;

import dev.foyer.bus.Addresses;
import dev.foyer.common.ApiError;
import dev.foyer.common.Metrics;
import dev.foyer.event.EventCatalog;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * One socket's registrations: what the {@link BridgeGuard} lets it listen to, within the socket's
 * limits (addresses held, visitor registers a second, the event's places per socket), and the frame
 * each new registration is sent at once.
 */
final class Registrations implements InboundFrames.Handler {

  static final int MAX_REGISTRATIONS_PER_SOCKET = 16;
  /**
   * Visitor registers a socket may send: this many in a row, then one a second. Each costs a Redis
   * read and, for an admitted visitor, a freshly signed pass; unbudgeted, one socket registering and
   * unregistering its visitor in a loop kept a core busy. A page registers its visitor once when it
   * connects, and a reconnect is a new socket.
   */
  static final int REGISTER_BURST = MAX_REGISTRATIONS_PER_SOCKET;
  static final long REGISTER_REFILL_MILLIS = 1000;
  private static final Logger LOG = LoggerFactory.getLogger(Registrations.class);

  /** What the registrations of every socket on this node share. */
  record Shared(BridgeGuard guard, EventCatalog catalog, Sockets sockets, CurrentState current) {
  }

  private final Shared node;
  /** The socket: what it is sent, and what it is known by in {@link Sockets}. */
  private final Sockets.Sink sink;
  private final Map<String, BridgeGuard.Registration> registrations = new HashMap<>();
  /** Visitor addresses let through the places-per-socket check (registrations may be pending it). */
  private final Set<String> connected = new HashSet<>();
  private Future<Void> visitorLookups = Future.succeededFuture();
  private double registerBudget = REGISTER_BURST;
  private long registerBudgetAt = System.currentTimeMillis();
  private boolean closed;

  Registrations(Shared node, Sockets.Sink sink) {
    this.node = node;
    this.sink = sink;
  }

  @Override
  public void register(String address, JsonObject headers) {
    BridgeGuard.Registration registration;
    try {
      registration = node.guard().authorize(address, headers, System.currentTimeMillis() / 1000);
    } catch (ApiError e) {
      error(address, e.code(), e.getMessage());
      return;
    }
    if (registrations.containsKey(address)) {
      return;
    }
    if (registrations.size() >= MAX_REGISTRATIONS_PER_SOCKET) {
      error(address, "max_handlers_reached", "at most " + MAX_REGISTRATIONS_PER_SOCKET + " registrations per socket");
      return;
    }
    if (registration.isVisitor()) {
      if (!registerBudgeted()) {
        Metrics.refused("registers").increment();
        error(address, "too_many_registers", "at most " + REGISTER_BURST
            + " visitor registers in a row on one socket, then one a second");
        return;
      }
      registerVisitor(registration);
      return;
    }
    registrations.put(address, registration);
    node.sockets().listen(address, sink);
    // broadcasts are thinned out per node (progress at most every few seconds): a page that
    // registers gets the latest at once instead of waiting for the next
    String latest = node.sockets().latest(address);
    if (latest != null) {
      sink.write(latest, address, true);
    }
    if (address.startsWith(Addresses.EVENT_PREFIX)) {
      announce(registration, address);
    }
  }

  /** The event's announcement for a page that registers after it went out (see {@link CurrentState#announcement}). */
  private void announce(BridgeGuard.Registration registration, String slot) {
    node.current().announcement(registration.event(), registration.address())
        .onSuccess(frame -> {
          if (frame != null && !closed && registrations.get(registration.address()) == registration) {
            sink.write(frame, slot, false);
          }
        })
        .onFailure(err -> LOG.debug("Could not send the announcement of {}: {}", registration.event(),
            err.getMessage()));
  }

  /** Takes one visitor register from the socket's budget (a token bucket); false when it is spent. */
  private boolean registerBudgeted() {
    long now = System.currentTimeMillis();
    registerBudget = Math.min(REGISTER_BURST, registerBudget + (now - registerBudgetAt) / (double) REGISTER_REFILL_MILLIS);
    registerBudgetAt = now;
    if (registerBudget < 1) {
      return false;
    }
    registerBudget--;
    return true;
  }

  /**
   * One socket keeps alive the places it registers to, so a bot could hold many with one
   * connection: at most the event's placesPerSocket visitors of one event per socket.
   */
  private void registerVisitor(BridgeGuard.Registration registration) {
    String address = registration.address();
    // reserved at once so that a second register arriving before the lookup answers counts too
    registrations.put(address, registration);
    // chained, because a cached event answers at once while an uncached one waits on Redis:
    // unchained, a later register could be counted before an earlier one
    visitorLookups = visitorLookups.transform(done -> node.catalog().get(registration.event())).andThen(ar -> {
      if (closed || registrations.get(address) != registration) {
        return;
      }
      int allowed = ar.succeeded() ? ar.result().settings().limits().placesPerSocket() : MAX_REGISTRATIONS_PER_SOCKET;
      // the visitors connected so far, in the order their registers arrived
      long places = connected.stream().map(registrations::get)
          .filter(r -> r != null && r.event().equals(registration.event())).count();
      if (places >= allowed) {
        registrations.remove(address);
        Metrics.refused("places").increment();
        error(address, "too_many_places", "one socket may stand for at most " + allowed
            + " visitors of this event");
        return;
      }
      connectVisitor(registration);
    }).mapEmpty();
  }

  private void connectVisitor(BridgeGuard.Registration registration) {
    connected.add(registration.address());
    node.sockets().connect(registration.event(), registration.visitor(), sink);
    node.current().frame(registration.event(), registration.visitor(), System.currentTimeMillis())
        .onSuccess(frame -> sink.write(frame, registration.visitor(), false))
        .onFailure(err -> LOG.debug("Could not send the current state to {}: {}", registration.visitor(),
            err.getMessage()))
        .onComplete(done -> announce(registration, registration.visitor()));
  }

  @Override
  public void unregister(String address) {
    if (address == null) {
      error(null, "missing_address", "an unregister needs an address");
      return;
    }
    BridgeGuard.Registration registration = registrations.remove(address);
    if (registration == null) {
      return;
    }
    if (registration.isVisitor()) {
      if (connected.remove(address)) {
        node.sockets().disconnect(registration.event(), registration.visitor(), sink);
      }
    } else {
      node.sockets().unlisten(address, sink);
    }
  }

  @Override
  public void error(String address, String code, String message) {
    sink.write(Frames.err(address, code, message), null, false);
  }

  /**
   * The answer to a ping that asks for one. Told in a slot of its own, latest only: a socket
   * behind, or a page asking in a loop, holds one pong at most.
   */
  @Override
  public void pong() {
    sink.write(Frames.PONG, Frames.PONG_SLOT, true);
  }

  /** The socket closed: every registration goes, and a visitor lookup still on its way is dropped. */
  void close() {
    closed = true;
    for (String address : Map.copyOf(registrations).keySet()) {
      unregister(address);
    }
  }
}
