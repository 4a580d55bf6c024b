package dev.foyer.bridge;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.Shareable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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

    /**
     * Writes on the sink's context. {@code slot} is the frame's address as the socket keeps it (the
     * visitor id, or the broadcast address); {@code latestOnly} says the next frame of that slot
     * supersedes this one, so a socket that is behind may skip it.
     */
    void write(String frame, String slot, boolean latestOnly);
  }

  /** One frame for one socket, between the push room's loop and the socket's event loop. */
  private record Out(Sink sink, String frame, String slot, boolean latestOnly) {
  }

  static final int SLICE = 128;
  private static final Logger LOG = LoggerFactory.getLogger(Sockets.class);
  private static final String NODE_REGISTRY = "foyer.bridge.sockets";

  /** This node's registry; several nodes in one JVM (tests) each have their own. */
  public static Sockets of(Vertx vertx) {
    return vertx.sharedData().<String, Sockets>getLocalMap(NODE_REGISTRY).computeIfAbsent("node", k -> new Sockets(vertx));
  }

  private Sockets(Vertx vertx) {
    this.slow = new SlowSockets(vertx);
  }

  private final SlowSockets slow;

  private final Map<String, Map<String, Set<Sink>>> visitorsByEvent = new ConcurrentHashMap<>();
  private final Map<String, Set<Sink>> listeners = new ConcurrentHashMap<>();
  private final AtomicInteger sockets = new AtomicInteger();
  /**
   * What a register's first frame told each newly connected visitor ({@link #PENDING} while it is on
   * its way), until the push room's next rank round counts the page from it: so a fresh register is
   * not told the same thing twice.
   */
  private final Map<String, Told> told = new ConcurrentHashMap<>();
  /** The latest frame of each broadcast whose next one supersedes it (progress), for a socket that registers. */
  private final Map<String, String> latest = new ConcurrentHashMap<>();

  void socketOpened() {
    sockets.incrementAndGet();
  }

  void socketClosed() {
    sockets.decrementAndGet();
  }

  public int sockets() {
    return sockets.get();
  }

  /** Connects a visitor's socket; until {@link #registered}, rank rounds send this visitor nothing. */
  void connect(String event, String visitor, Sink sink) {
    told.putIfAbsent(visitor, PENDING);
    visitorsByEvent.computeIfAbsent(event, e -> new ConcurrentHashMap<>())
        .computeIfAbsent(visitor, v -> new CopyOnWriteArraySet<>())
        .add(sink);
  }

  void disconnect(String event, String visitor, Sink sink) {
    visitorsByEvent.computeIfPresent(event, (e, visitors) -> {
      visitors.computeIfPresent(visitor, (v, sinks) -> {
        sinks.remove(sink);
        if (sinks.isEmpty()) {
          told.remove(visitor);
          return null;
        }
        return sinks;
      });
      return visitors.isEmpty() ? null : visitors;
    });
  }

  /** The rank frame a register sent first: the page counts down from it (see line/Position). */
  public record Told(long position, double rate, long floor, long at, String chance, boolean paused) {
  }

  /** A register's first frame is on its way: rank rounds leave the visitor to it. */
  public static final Told PENDING = new Told(-1, 0, 0, 0, null, false);

  /**
   * What the register's first frame told the visitor, handed over once to the rank round that
   * counts the page from it; {@link #PENDING} (kept) while that frame is on its way, so the round
   * leaves the visitor to it; null when there is nothing new.
   */
  public Told takeTold(String visitor) {
    Told[] out = new Told[1];
    told.computeIfPresent(visitor, (v, t) -> {
      out[0] = t;
      return t == PENDING ? t : null;
    });
    return out[0];
  }

  /** The register's first frame told the visitor this (null: not in line, nothing to count from). */
  void registered(String visitor, Told frame) {
    if (frame == null) {
      told.remove(visitor);
    } else {
      told.computeIfPresent(visitor, (v, before) -> frame); // absent: disconnected meanwhile
    }
  }

  /** The visitor is no longer in line (admitted, gone): nothing left to count from. */
  public void forget(String visitor) {
    told.remove(visitor);
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

  /** This node's sockets that fall behind their browsers: how many now, what it cost, who was closed. */
  public SlowSockets slow() {
    return slow;
  }

  public int visitorCount() {
    return visitorsByEvent.values().stream().mapToInt(Map::size).sum();
  }

  /** Keeps the latest frame of a broadcast the next one supersedes, for the sockets that register later. */
  public void remember(String address, String frame) {
    latest.put(address, frame);
  }

  /** The latest frame remembered for this broadcast address; null when none. */
  String latest(String address) {
    return latest.get(address);
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


  /**
   * Collects frames for many sockets, then hands each event loop its share in one task. Notices
   * (admission, departure, hold, seat changes) are never dropped while a socket lives; a rank or
   * a progress broadcast is superseded by the next one of its kind on the same address, so a socket
   * that is behind keeps only the latest (see {@link SocketOutput}).
   */
  public final class Delivery {

    private final Map<Context, List<Out>> byContext = new HashMap<>();

    /** Queues a notice for every socket of this visitor; false when none is connected here. */
    public boolean toVisitor(String event, String visitor, String frame) {
      return visitor(event, visitor, frame, false);
    }

    /** Queues a frame the visitor's next one of its kind supersedes (a rank); false when none is connected here. */
    public boolean latestToVisitor(String event, String visitor, String frame) {
      return visitor(event, visitor, frame, true);
    }

    private boolean visitor(String event, String visitor, String frame, boolean latestOnly) {
      Map<String, Set<Sink>> visitors = visitorsByEvent.get(event);
      Set<Sink> sinks = visitors == null ? null : visitors.get(visitor);
      if (sinks == null) {
        return false;
      }
      for (Sink sink : sinks) {
        add(new Out(sink, frame, visitor, latestOnly));
      }
      return true;
    }

    /** Queues a broadcast every listener of the address gets (seat changes). */
    public void toListeners(String address, String frame) {
      listeners(address, frame, false);
    }

    /** Queues a broadcast the next one on the address supersedes (progress). */
    public void latestToListeners(String address, String frame) {
      listeners(address, frame, true);
    }

    private void listeners(String address, String frame, boolean latestOnly) {
      Set<Sink> sinks = listeners.get(address);
      if (sinks != null) {
        for (Sink sink : sinks) {
          add(new Out(sink, frame, address, latestOnly));
        }
      }
    }

    private void add(Out out) {
      byContext.computeIfAbsent(out.sink().context(), c -> new ArrayList<>()).add(out);
    }

    /**
     * Hands the frames over in slices of {@link #SLICE}: each write is a system call, and a whole
     * rank round for thousands of sockets in one task would hold up that event loop's other work
     * (an admission notice, a join) for tens of milliseconds.
     */
    public void send() {
      byContext.forEach((context, frames) -> {
        for (int from = 0; from < frames.size(); from += SLICE) {
          List<Out> slice = frames.subList(from, Math.min(frames.size(), from + SLICE));
          context.runOnContext(v -> {
            for (Out out : slice) {
              try {
                out.sink().write(out.frame(), out.slot(), out.latestOnly());
              } catch (RuntimeException e) {
                // one socket's failure must not cost the rest of the slice their frames
                LOG.warn("Could not write a frame to a bridge socket: {}", e.toString());
              }
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
