package dev.foyer.bridge;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.Shareable;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The bridge sockets connected to this node, by what they listen to: visitors per event (a visitor
 * may have two tabs) and broadcast addresses. One per node ({@link #of}): written by the bridge on
 * every ingress event loop, read by the push room, hence concurrent. Delivery goes straight to the
 * sockets, grouped per event loop: a node never routes its own sockets' messages through the event
 * bus.
 */
public final class Sockets implements Shareable {

  /** One socket, as the push side sees it: where it runs and how to write a frame to it. */
  interface Sink {
    Context context();

    void write(String frame);
  }

  static final int SLICE = 128;
  private static final String NODE_REGISTRY = "foyer.bridge.sockets";

  /** This node's registry; several nodes in one JVM (tests) each have their own. */
  public static Sockets of(Vertx vertx) {
    return vertx.sharedData().<String, Sockets>getLocalMap(NODE_REGISTRY).computeIfAbsent("node", k -> new Sockets());
  }

  private Sockets() {
  }

  private final Map<String, Map<String, Set<Sink>>> visitorsByEvent = new ConcurrentHashMap<>();
  private final Map<String, Set<Sink>> listeners = new ConcurrentHashMap<>();
  private final AtomicInteger sockets = new AtomicInteger();

  void socketOpened() {
    sockets.incrementAndGet();
  }

  void socketClosed() {
    sockets.decrementAndGet();
  }

  public int sockets() {
    return sockets.get();
  }

  void connect(String event, String visitor, Sink sink) {
    visitorsByEvent.computeIfAbsent(event, e -> new ConcurrentHashMap<>())
        .computeIfAbsent(visitor, v -> new CopyOnWriteArraySet<>())
        .add(sink);
  }

  void disconnect(String event, String visitor, Sink sink) {
    visitorsByEvent.computeIfPresent(event, (e, visitors) -> {
      visitors.computeIfPresent(visitor, (v, sinks) -> {
        sinks.remove(sink);
        return sinks.isEmpty() ? null : sinks;
      });
      return visitors.isEmpty() ? null : visitors;
    });
  }

  public boolean isConnected(String event, String visitor) {
    Map<String, Set<Sink>> visitors = visitorsByEvent.get(event);
    return visitors != null && visitors.containsKey(visitor);
  }

  public Set<String> events() {
    return Set.copyOf(visitorsByEvent.keySet());
  }

  public List<String> visitors(String event) {
    Map<String, Set<Sink>> visitors = visitorsByEvent.get(event);
    return visitors == null ? List.of() : new ArrayList<>(visitors.keySet());
  }

  public int visitorCount() {
    return visitorsByEvent.values().stream().mapToInt(Map::size).sum();
  }

  void listen(String address, Sink sink) {
    listeners.computeIfAbsent(address, a -> new CopyOnWriteArraySet<>()).add(sink);
  }

  void unlisten(String address, Sink sink) {
    listeners.computeIfPresent(address, (a, sinks) -> {
      sinks.remove(sink);
      return sinks.isEmpty() ? null : sinks;
    });
  }


  /** Collects frames for many sockets, then hands each event loop its share in one task. */
  public final class Delivery {

    private final Map<Context, List<Object[]>> byContext = new HashMap<>();

    /** Queues a frame for every socket of this visitor; false when none is connected here. */
    public boolean toVisitor(String event, String visitor, String frame) {
      Map<String, Set<Sink>> visitors = visitorsByEvent.get(event);
      Set<Sink> sinks = visitors == null ? null : visitors.get(visitor);
      if (sinks == null) {
        return false;
      }
      sinks.forEach(sink -> add(sink, frame));
      return true;
    }

    public void toListeners(String address, String frame) {
      Set<Sink> sinks = listeners.get(address);
      if (sinks != null) {
        sinks.forEach(sink -> add(sink, frame));
      }
    }

    private void add(Sink sink, String frame) {
      byContext.computeIfAbsent(sink.context(), c -> new ArrayList<>()).add(new Object[] {sink, frame});
    }

    /**
     * Hands the frames over in slices of {@link #SLICE}: each write is a system call, and a whole
     * rank round for thousands of sockets in one task would hold up that event loop's other work
     * (an admission notice, a join) for tens of milliseconds.
     */
    public void send() {
      byContext.forEach((context, frames) -> {
        for (int from = 0; from < frames.size(); from += SLICE) {
          List<Object[]> slice = frames.subList(from, Math.min(frames.size(), from + SLICE));
          context.runOnContext(v -> {
            for (Object[] f : slice) {
              ((Sink) f[0]).write((String) f[1]);
            }
          });
        }
      });
      byContext.clear();
    }
  }

  public Delivery delivery() {
    return new Delivery();
  }
}
