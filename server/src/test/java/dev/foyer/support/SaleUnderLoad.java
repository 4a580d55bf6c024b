package dev.foyer.support;

import dev.foyer.bus.Addresses;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * A flash sale kept going while a test breaks something underneath it, with the accounting to
 * say afterwards what the visitors saw. Joiners join without pause; the admission ticks let
 * visitors in up to {@code maxActive}; shoppers take each admitted visitor, who either leaves or
 * holds a free seat and confirms (retrying a 503 as a browser would), every other time asking for a
 * seat already sold as well, which must be refused; a sampler reads the active count. Every answer is
 * recorded with its time, and every 2xx join is looked up again at the end.
 */
public final class SaleUnderLoad {

  /** The sale's shape: small numbers, so a test run stays short on a shared two-core machine. */
  public record Shape(int maxActive, int activeSeconds, int joiners, long joinPauseMillis, int shoppers,
                      long shopPauseMillis, int rows, int seatsPerRow) {
    public static Shape small() {
      return new Shape(6, 15, 8, 25, 4, 150, 20, 25);
    }
  }

  public record Join(String visitor, String token, long startedAt, long answeredAt) {
  }

  private record Admitted(String visitor, long noticedAt, long activeUntil) {
  }

  private record Sold(String seat, String reservationId, String visitor, long answeredAt) {
  }

  private final Vertx vertx;
  private final List<ApiClient> apis;
  private final String event;
  private final Shape shape;
  private volatile boolean running;
  private final List<Future<Void>> loops = new ArrayList<>();

  private final ConcurrentLinkedQueue<Join> joins = new ConcurrentLinkedQueue<>();
  private final Map<String, String> tokens = new ConcurrentHashMap<>();
  private final Map<Integer, AtomicLong> joinStatuses = new ConcurrentHashMap<>();
  private final ConcurrentLinkedQueue<Long> joinFailedAt = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<String> unexpected = new ConcurrentLinkedQueue<>();

  private final ConcurrentLinkedQueue<Admitted> admitted = new ConcurrentLinkedQueue<>();
  private final Map<String, AtomicInteger> admissions = new ConcurrentHashMap<>();
  private final ConcurrentLinkedDeque<String> toShop = new ConcurrentLinkedDeque<>();
  private final Map<String, Long> activeUntil = new ConcurrentHashMap<>();
  private final Map<String, Long> departedAt = new ConcurrentHashMap<>();

  private final ConcurrentLinkedDeque<String> freeSeats = new ConcurrentLinkedDeque<>();
  private final Map<String, AtomicInteger> heldBy201 = new ConcurrentHashMap<>();
  private final ConcurrentLinkedQueue<Sold> sold = new ConcurrentLinkedQueue<>();
  private final List<String> soldSeats = Collections.synchronizedList(new ArrayList<>());
  private final AtomicLong holds = new AtomicLong();
  private final AtomicLong holdAttempts = new AtomicLong();
  private final AtomicLong probes = new AtomicLong();
  private final AtomicLong probesRefused = new AtomicLong();
  private final ConcurrentLinkedQueue<String> soldTwice = new ConcurrentLinkedQueue<>();
  private final AtomicLong holdsLost = new AtomicLong();
  private final AtomicLong outlivedTheirTime = new AtomicLong();
  private final AtomicLong leaves = new AtomicLong();
  private final ConcurrentLinkedQueue<Long> confirmedAt = new ConcurrentLinkedQueue<>();

  private final AtomicLong maxActiveSeen = new AtomicLong();
  private final AtomicLong activeSamples = new AtomicLong();

  public SaleUnderLoad(Vertx vertx, List<ApiClient> apis, String event, Shape shape) {
    this.vertx = vertx;
    this.apis = apis;
    this.event = event;
    this.shape = shape;
    List<String> seats = new ArrayList<>();
    for (int row = 1; row <= shape.rows(); row++) {
      for (int n = 1; n <= shape.seatsPerRow(); n++) {
        seats.add("A-" + row + "-" + n);
      }
    }
    Collections.shuffle(seats);
    freeSeats.addAll(seats);
  }

  /** Creates the event (gate on, capacity only) and watches its admissions on {@code bus}'s cluster. */
  public Future<Void> create(io.vertx.core.eventbus.EventBus bus) {
    JsonObject body = new JsonObject().put("name", "Sale " + event)
        .put("seats", ApiClient.layout(shape.rows(), shape.seatsPerRow()))
        .put("settings", new JsonObject().put("gate", "on").put("maxActive", shape.maxActive())
            .put("admitPerMinute", 0).put("activeSeconds", shape.activeSeconds()).put("maxSeatsPerHold", 4));
    return bus.<JsonObject>consumer(Addresses.ADMISSIONS, m -> {
      if (!event.equals(m.body().getString("event"))) {
        return;
      }
      long now = System.currentTimeMillis();
      long until = m.body().getLong("activeUntil");
      for (Object v : m.body().getJsonArray("visitors")) {
        String visitor = (String) v;
        admitted.add(new Admitted(visitor, now, until));
        activeUntil.put(visitor, until);
        if (admissions.computeIfAbsent(visitor, k -> new AtomicInteger()).incrementAndGet() == 1) {
          toShop.add(visitor);
        }
      }
    }).completion().compose(v -> apis.get(0).admin(HttpMethod.PUT, "/api/admin/events/" + event).sendJsonObject(body))
        .compose(r -> r.statusCode() == 201 ? Future.succeededFuture()
            : Future.failedFuture("creating the event answered " + r.statusCode() + " " + r.bodyAsString()));
  }

  public void start() {
    running = true;
    for (int i = 0; i < shape.joiners(); i++) {
      loops.add(loop(apis.get(i % apis.size()), this::joinOnce, shape.joinPauseMillis()));
    }
    for (int i = 0; i < shape.shoppers(); i++) {
      loops.add(loop(apis.get(i % apis.size()), this::shopOnce, shape.shopPauseMillis()));
    }
    loops.add(loop(apis.get(0), this::sampleActive, 100));
  }

  /** Stops every loop and waits for the requests in flight. */
  public void stop() throws Exception {
    running = false;
    Future.join(loops).await(60, TimeUnit.SECONDS);
  }

  private Future<Void> loop(ApiClient api, java.util.function.Function<ApiClient, Future<Void>> step, long pause) {
    Promise<Void> done = Promise.promise();
    step(api, step, pause, done);
    return done.future();
  }

  private void step(ApiClient api, java.util.function.Function<ApiClient, Future<Void>> step, long pause,
                    Promise<Void> done) {
    if (!running) {
      done.complete();
      return;
    }
    step.apply(api).onComplete(ar -> {
      if (ar.failed()) {
        unexpected.add("a client step failed: " + ar.cause());
      }
      Waits.sleep(vertx, pause).onComplete(v -> step(api, step, pause, done));
    });
  }

  // ---- joining

  private Future<Void> joinOnce(ApiClient api) {
    long start = System.currentTimeMillis();
    return api.join(event).map(r -> {
      long now = System.currentTimeMillis();
      joinStatuses.computeIfAbsent(r.statusCode(), k -> new AtomicLong()).incrementAndGet();
      if (r.statusCode() == 201) {
        JsonObject body = r.bodyAsJsonObject();
        joins.add(new Join(body.getString("visitor"), body.getString("token"), start, now));
        tokens.put(body.getString("visitor"), body.getString("token"));
      } else if (r.statusCode() == 503) {
        joinFailedAt.add(now);
      } else {
        unexpected.add("join answered " + r.statusCode() + " " + r.bodyAsString());
      }
      return (Void) null;
    }).recover(err -> {
      unexpected.add("join failed without an answer: " + err);
      return Future.succeededFuture();
    });
  }

  // ---- shopping

  private Future<Void> shopOnce(ApiClient api) {
    String visitor = toShop.poll();
    if (visitor == null) {
      return Future.succeededFuture();
    }
    String token = tokens.get(visitor);
    if (token == null) {
      // admitted before its join's answer arrived here; try again shortly
      toShop.addLast(visitor);
      return Future.succeededFuture();
    }
    return api.me(event, token).compose(r -> {
      if (r.statusCode() == 503) {
        return retryLater(visitor);
      }
      JsonObject me = r.bodyAsJsonObject();
      if (r.statusCode() != 200 || !"active".equals(me.getString("state"))) {
        // its time ran out while the shopper was busy elsewhere
        return Future.succeededFuture();
      }
      String pass = me.getString("pass");
      if (ThreadLocalRandom.current().nextInt(3) == 0) {
        departedAt.putIfAbsent(visitor, System.currentTimeMillis());
        return untilAnswered(() -> api.leave(event, token)).map(left -> {
          if (left.statusCode() == 204) {
            leaves.incrementAndGet();
          }
          return (Void) null;
        });
      }
      return holdAndConfirm(api, visitor, pass, 3);
    }).recover(err -> {
      unexpected.add("shopping failed without an answer: " + err);
      return Future.succeededFuture();
    });
  }

  private Future<Void> retryLater(String visitor) {
    Long until = activeUntil.get(visitor);
    if (until != null && until > System.currentTimeMillis()) {
      toShop.addLast(visitor);
    }
    return Future.succeededFuture();
  }

  private Future<Void> holdAndConfirm(ApiClient api, String visitor, String pass, int triesLeft) {
    String seat = freeSeats.poll();
    if (seat == null || triesLeft == 0) {
      return Future.succeededFuture();
    }
    List<String> wanted = new ArrayList<>(List.of(seat));
    String probe = null;
    synchronized (soldSeats) {
      // every other hold also asks for a sold seat, which must be refused
      if (!soldSeats.isEmpty() && holdAttempts.incrementAndGet() % 2 == 0) {
        probe = soldSeats.get(ThreadLocalRandom.current().nextInt(soldSeats.size()));
        wanted.add(probe);
      }
    }
    String probed = probe;
    return untilAnswered(() -> api.hold(event, pass, wanted.toArray(new String[0]))).compose(r -> {
      if (probed != null && (r.statusCode() == 201 || r.statusCode() == 409)) {
        probes.incrementAndGet();
      }
      if (r.statusCode() == 201) {
        if (probed != null) {
          soldTwice.add(probed + " (sold, then held again by " + visitor + ")");
        }
        holds.incrementAndGet();
        wanted.forEach(s -> heldBy201.computeIfAbsent(s, k -> new AtomicInteger()).incrementAndGet());
        String holdId = r.bodyAsJsonObject().getString("holdId");
        departedAt.putIfAbsent(visitor, System.currentTimeMillis());
        return untilAnswered(() -> api.confirm(event, pass, holdId)).map(c -> {
          long now = System.currentTimeMillis();
          if (c.statusCode() == 201) {
            JsonObject body = c.bodyAsJsonObject();
            confirmedAt.add(now);
            for (Object s : body.getJsonArray("seats")) {
              sold.add(new Sold((String) s, body.getString("reservationId"), visitor, now));
              soldSeats.add((String) s);
            }
          } else if (activeUntil.getOrDefault(visitor, 0L) <= now) {
            outlivedTheirTime.incrementAndGet();
          } else if (c.statusCode() == 410) {
            holdsLost.incrementAndGet();
            unexpected.add("a hold answered 201 was gone at its confirmation: " + c.bodyAsString());
          } else {
            unexpected.add("confirm answered " + c.statusCode() + " " + c.bodyAsString());
          }
          return (Void) null;
        });
      }
      if (r.statusCode() == 409) {
        JsonArray taken = r.bodyAsJsonObject().getJsonArray("seats", new JsonArray());
        if (probed != null && taken.contains(probed)) {
          probesRefused.incrementAndGet();
        }
        if (!taken.contains(seat)) {
          freeSeats.addFirst(seat);
        }
        return holdAndConfirm(api, visitor, pass, triesLeft - 1);
      }
      freeSeats.addFirst(seat);
      if (r.statusCode() == 403 || r.statusCode() == 401) {
        if (activeUntil.getOrDefault(visitor, 0L) > System.currentTimeMillis()) {
          unexpected.add("an admitted visitor's hold answered " + r.statusCode() + " " + r.bodyAsString());
        } else {
          outlivedTheirTime.incrementAndGet();
        }
        return Future.succeededFuture();
      }
      unexpected.add("hold answered " + r.statusCode() + " " + r.bodyAsString());
      return Future.succeededFuture();
    });
  }

  /**
   * Sends again while the answer is 503, as a browser's retry would, for up to 20 s: a failover
   * must end in an answer, not in a shopper who gave up.
   */
  private Future<HttpResponse<Buffer>> untilAnswered(Supplier<Future<HttpResponse<Buffer>>> call) {
    long deadline = System.currentTimeMillis() + 20_000;
    return untilAnswered(call, deadline);
  }

  private Future<HttpResponse<Buffer>> untilAnswered(Supplier<Future<HttpResponse<Buffer>>> call, long deadline) {
    return call.get().compose(r -> r.statusCode() == 503 && System.currentTimeMillis() < deadline
        ? Waits.sleep(vertx, 200).compose(v -> untilAnswered(call, deadline))
        : Future.succeededFuture(r));
  }

  // ---- capacity

  private Future<Void> sampleActive(ApiClient api) {
    return api.admin(HttpMethod.GET, "/api/admin/events/" + event + "/stats").send().map(r -> {
      if (r.statusCode() == 200) {
        long active = r.bodyAsJsonObject().getLong("active");
        activeSamples.incrementAndGet();
        maxActiveSeen.accumulateAndGet(active, Math::max);
      }
      return (Void) null;
    }).recover(err -> Future.succeededFuture());
  }

  // ---- what happened

  public long joinsAnswered201() {
    return joins.size();
  }

  public long confirmations() {
    return confirmedAt.size();
  }

  public long admissionsSeen() {
    return admissions.size();
  }

  /** The first 201 join answer to a join sent after {@code after}; -1 if none yet. */
  public long firstJoinAnsweredAfter(long after) {
    return joins.stream().filter(j -> j.startedAt() > after).mapToLong(Join::answeredAt).min().orElse(-1);
  }

  public long joins503() {
    return joinStatuses.getOrDefault(503, new AtomicLong()).get();
  }

  public long confirmationsAfter(long t) {
    return confirmedAt.stream().filter(c -> c > t).count();
  }

  public long admissionsNoticedAfter(long t) {
    return admitted.stream().filter(a -> a.noticedAt() > t).count();
  }

  /** Join round trips (ms) of the 201 answers to joins sent within [from, to). */
  public long[] joinLatencies(long from, long to) {
    return joins.stream().filter(j -> j.startedAt() >= from && j.startedAt() < to)
        .mapToLong(j -> j.answeredAt() - j.startedAt()).sorted().toArray();
  }

  public static long percentile(long[] sorted, double p) {
    return sorted.length == 0 ? -1 : sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
  }

  public List<String> unexpected() {
    return List.copyOf(unexpected);
  }

  public long maxActiveSampled() {
    return maxActiveSeen.get();
  }

  public long activeSamples() {
    return activeSamples.get();
  }

  /** Visitors whose admission was announced more than once: an admission Redis forgot and made again. */
  public long admittedTwice() {
    return admissions.values().stream().filter(n -> n.get() > 1).count();
  }

  /**
   * The most passes valid at one instant, from the visitors' side: each admitted visitor counts
   * from its admission notice (after Redis admitted it) until its first leave or confirm request
   * (before Redis freed the slot) or its activeUntil, so this can only be below the truth.
   */
  public long mostPassesAtOnce() {
    List<long[]> edges = new ArrayList<>();
    for (Admitted a : admitted) {
      long end = Math.min(a.activeUntil(), departedAt.getOrDefault(a.visitor(), Long.MAX_VALUE));
      if (end > a.noticedAt()) {
        edges.add(new long[] {a.noticedAt(), 1});
        edges.add(new long[] {end, -1});
      }
    }
    edges.sort((x, y) -> x[0] != y[0] ? Long.compare(x[0], y[0]) : Long.compare(x[1], y[1]));
    long now = 0;
    long most = 0;
    for (long[] e : edges) {
      now += e[1];
      most = Math.max(most, now);
    }
    return most;
  }

  public long holds() {
    return holds.get();
  }

  public long probes() {
    return probes.get();
  }

  public long probesRefused() {
    return probesRefused.get();
  }

  public List<String> soldTwice() {
    List<String> out = new ArrayList<>(soldTwice);
    heldBy201.forEach((seat, n) -> {
      if (n.get() > 1) {
        out.add(seat + " (held by " + n.get() + " holds answered 201)");
      }
    });
    Map<String, String> bySeat = new HashMap<>();
    for (Sold s : sold) {
      String before = bySeat.putIfAbsent(s.seat(), s.reservationId());
      if (before != null && !before.equals(s.reservationId())) {
        out.add(s.seat() + " (confirmed as reservations " + before + " and " + s.reservationId() + ")");
      }
    }
    return out;
  }

  public long holdsLost() {
    return holdsLost.get();
  }

  public long outlivedTheirTime() {
    return outlivedTheirTime.get();
  }

  public long leaves() {
    return leaves.get();
  }

  /** seat -> reservation id, as the 201 confirmations said. */
  public Map<String, String> soldAsAnswered() {
    Map<String, String> out = new HashMap<>();
    sold.forEach(s -> out.put(s.seat(), s.reservationId()));
    return out;
  }

  /**
   * Every visitor whose join was answered 201, looked up again: still waiting, admitted, or gone
   * for a reason foyer gave (left, expired, confirmed, disconnected). "unknown" means Redis no
   * longer knows the visitor: a join lost. Returns the lost visitors.
   */
  public Future<List<String>> lostJoins(ApiClient api) {
    List<Join> all = new ArrayList<>(joins);
    List<String> lost = Collections.synchronizedList(new ArrayList<>());
    Set<String> states = ConcurrentHashMap.newKeySet();
    return lookUp(api, all, 0, lost, states).map(v -> List.copyOf(lost));
  }

  private Future<Void> lookUp(ApiClient api, List<Join> all, int from, List<String> lost, Set<String> states) {
    if (from >= all.size()) {
      return Future.succeededFuture();
    }
    int to = Math.min(all.size(), from + 32);
    List<Future<Void>> batch = new ArrayList<>();
    for (Join j : all.subList(from, to)) {
      batch.add(untilAnswered(() -> api.me(event, j.token())).map(r -> {
        JsonObject me = r.bodyAsJsonObject();
        String state = me.getString("state");
        if ("gone".equals(state) && "unknown".equals(me.getString("reason", "unknown"))) {
          lost.add(j.visitor());
        } else if (r.statusCode() != 200) {
          unexpected.add("looking up a visitor answered " + r.statusCode() + " " + r.bodyAsString());
        }
        states.add(state);
        return (Void) null;
      }));
    }
    return Future.all(batch).compose(v -> lookUp(api, all, to, lost, states));
  }
}
