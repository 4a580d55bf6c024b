package dev.foyer.push;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Who is connected to this node: visitors registered per event (with how many sockets each, since
 * a visitor may have two tabs), and how many sockets listen to each broadcast address. Written by
 * the bridge on every ingress event loop, read by the push verticle, hence concurrent.
 */
public final class ConnectedVisitors {

  private final Map<String, Map<String, AtomicInteger>> visitorsByEvent = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> listeners = new ConcurrentHashMap<>();
  private final AtomicInteger sockets = new AtomicInteger();

  public void socketOpened() {
    sockets.incrementAndGet();
  }

  public void socketClosed() {
    sockets.decrementAndGet();
  }

  public int sockets() {
    return sockets.get();
  }

  public void connect(String event, String visitor) {
    visitorsByEvent.computeIfAbsent(event, e -> new ConcurrentHashMap<>())
        .computeIfAbsent(visitor, v -> new AtomicInteger())
        .incrementAndGet();
  }

  public void disconnect(String event, String visitor) {
    visitorsByEvent.computeIfPresent(event, (e, visitors) -> {
      visitors.computeIfPresent(visitor, (v, count) -> count.decrementAndGet() <= 0 ? null : count);
      return visitors.isEmpty() ? null : visitors;
    });
  }

  public boolean isConnected(String event, String visitor) {
    Map<String, AtomicInteger> visitors = visitorsByEvent.get(event);
    return visitors != null && visitors.containsKey(visitor);
  }

  public Set<String> events() {
    return Set.copyOf(visitorsByEvent.keySet());
  }

  public List<String> visitors(String event) {
    Map<String, AtomicInteger> visitors = visitorsByEvent.get(event);
    return visitors == null ? List.of() : new ArrayList<>(visitors.keySet());
  }

  public int visitorCount() {
    return visitorsByEvent.values().stream().mapToInt(Map::size).sum();
  }

  public void listen(String address) {
    listeners.computeIfAbsent(address, a -> new AtomicInteger()).incrementAndGet();
  }

  public void unlisten(String address) {
    listeners.computeIfPresent(address, (a, count) -> count.decrementAndGet() <= 0 ? null : count);
  }

  /** Broadcast addresses at least one socket of this node listens to. */
  public Set<String> listenedAddresses() {
    return Set.copyOf(listeners.keySet());
  }
}
