package dev.foyer.push;

import dev.foyer.bridge.Frames;
import dev.foyer.bridge.Sockets;
import dev.foyer.common.Metrics;
import dev.foyer.common.OutageLog;
import dev.foyer.event.EventCatalog;
import dev.foyer.event.EventSettings;
import dev.foyer.line.Countdown;
import dev.foyer.line.Eta;
import dev.foyer.line.QueueStore;
import dev.foyer.line.StockBoard;
import dev.foyer.line.StockStore;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The positions of the visitors waiting on this node's sockets: looked up every rankPushMillis (in
 * batches, one script per batch, which also renews their presence) but sent only when what the page
 * shows by counting down from its last frame has drifted from the truth ({@link ShownPositions}).
 * Those near the front are looked up again as soon as the line moves ({@link #lineMoved}). Runs on
 * the push room's context only.
 */
final class RankRounds {

  static final int BATCH = 500;
  /** How often the rounds due are looked for; each event's own period is its rankPushMillis. */
  static final long CHECK_MILLIS = 100;
  /** Looked up after every admission and departure: the exact places and those about to reach them. */
  static final long FRONT = 2 * Countdown.EXACT_WITHIN;
  private static final Logger LOG = LoggerFactory.getLogger(RankRounds.class);

  private final long tickMillis;
  private final Sockets sockets;
  private final EventCatalog catalog;
  private final QueueStore line;
  private final StockBoard stockBoard;
  private final StockStore stockStore;
  private final Map<String, Long> nextRound = new HashMap<>();
  private final Set<String> roundsInFlight = new HashSet<>();
  private final ShownPositions shown = new ShownPositions();
  private final Map<String, Double> pageRates = new HashMap<>();
  private final AdmissionRates admissionRates = new AdmissionRates();
  /** Per event, this node's visitors within {@link #FRONT} places at their last look-up. */
  private final Map<String, Set<String>> front = new HashMap<>();
  private final Set<String> frontInFlight = new HashSet<>();
  private final Set<String> frontAgain = new HashSet<>();
  private final OutageLog redisOutage = new OutageLog(LOG);
  private final Counter rankMessages = Metrics.rankMessages();
  private final Map<ShownPositions.Reason, Counter> framesBy = new EnumMap<>(ShownPositions.Reason.class);

  RankRounds(long tickMillis, Sockets sockets, EventCatalog catalog, QueueStore line, StockBoard stockBoard,
             StockStore stockStore) {
    this.tickMillis = tickMillis;
    this.sockets = sockets;
    this.catalog = catalog;
    this.line = line;
    this.stockBoard = stockBoard;
    this.stockStore = stockStore;
    for (ShownPositions.Reason r : ShownPositions.Reason.values()) {
      if (r != ShownPositions.Reason.NONE) {
        framesBy.put(r, Metrics.rankFrames(r.name().toLowerCase(Locale.ROOT)));
      }
    }
  }

  /** An admission batch of the event: the pages count down with the rate of the latest ones. */
  void admitted(String event, int count, long at) {
    admissionRates.admitted(event, count, at);
  }

  /** The visitor no longer waits here (admitted, gone, the line reset): nothing left to correct. */
  void forget(String visitor) {
    shown.forget(visitor);
  }

  /** Starts the round of every event whose period is up and whose last round has finished. */
  void due() {
    long now = System.currentTimeMillis();
    for (String event : sockets.events()) {
      if (now >= nextRound.getOrDefault(event, 0L) && roundsInFlight.add(event)) {
        catalog.get(event)
            .compose(info -> {
              EventSettings s = info.settings();
              // presence leases ride on rank rounds, so they must come well inside the grace period
              long period = Math.min(s.rankPushMillis(), Math.max(100, s.graceSeconds() * 1000L / 3));
              nextRound.put(event, now + period);
              return round(event, s, now, period);
            })
            .onComplete(ar -> {
              roundsInFlight.remove(event);
              if (ar.failed()) {
                nextRound.put(event, now + 1000);
                redisOutage.failed("Could not push positions for event {}, retrying every second: {}", event,
                    ar.cause().getMessage());
              } else {
                redisOutage.recovered("Positions are pushed again");
              }
            });
      }
    }
    nextRound.keySet().retainAll(sockets.events());
    pageRates.keySet().retainAll(nextRound.keySet());
    front.keySet().retainAll(nextRound.keySet());
    admissionRates.retainAll(nextRound.keySet());
  }

  private Future<Void> round(String event, EventSettings settings, long now, long period) {
    // what the line was told of the stock: kept by the broadcasts, read from Redis once per node
    return stockBoard.get(event, stockStore).compose(told -> {
      List<String> visitors = sockets.visitors(event);
      List<Future<Integer>> batches = new ArrayList<>();
      for (int from = 0; from < visitors.size(); from += BATCH) {
        List<String> batch = visitors.subList(from, Math.min(visitors.size(), from + BATCH));
        batches.add(line.ranks(event, batch, now).map(ranks -> correct(event, settings, batch, ranks, now, period)));
      }
      return Future.all(batches);
    }).onSuccess(all -> {
      if (shown.size() > 2 * sockets.visitorCount() + 1000) {
        Set<String> keep = new HashSet<>();
        sockets.events().forEach(e -> keep.addAll(sockets.visitors(e)));
        shown.retainAll(keep);
      }
    }).mapEmpty();
  }

  /** Sends the visitors of one batch the frames their pages need; how many it sent. */
  private int correct(String event, EventSettings settings, List<String> batch, QueueStore.Ranks ranks, long now,
                      long period) {
    Countdown countdown = countdown(event, settings, admissionRates.perSecond(event, now, tickMillis));
    double lump = countdown.rate() * tickMillis / 1000.0;
    Set<String> nearFront = front.computeIfAbsent(event, e -> new HashSet<>());
    int sent = 0;
    Sockets.Delivery delivery = sockets.delivery();
    for (int i = 0; i < batch.size(); i++) {
      long position = ranks.positions()[i];
      String visitor = batch.get(i);
      if (position > 0 && position <= FRONT) {
        nearFront.add(visitor);
      } else {
        nearFront.remove(visitor);
      }
      Sockets.Told first = sockets.takeTold(visitor);
      if (first == Sockets.PENDING) {
        continue; // the register's first frame is on its way: the page counts from that one
      }
      if (first != null) {
        shown.sent(visitor, first.position(), first.rate(), first.floor(), first.at(), first.chance(), first.paused());
      }
      if (position <= 0) {
        shown.forget(visitor);
      } else {
        double rate = countdown.rateAt(position);
        String chance = stockBoard.chance(event, position, settings.maxSeatsPerHold());
        ShownPositions.Reason reason = shown.due(visitor, position, rate, lump, now, period, chance, settings.paused());
        long floor = countdown.floor(position);
        if (reason != ShownPositions.Reason.NONE && delivery.latestToVisitor(event, visitor, Frames.rank(visitor,
            position, ranks.waiting(), Eta.of(position, ranks.turnover(), settings), now, rate, floor, chance))) {
          shown.sent(visitor, position, rate, floor, now, chance, settings.paused());
          framesBy.get(reason).increment();
          sent++;
        }
      }
    }
    delivery.send();
    rankMessages.increment(sent);
    return sent;
  }

  /**
   * Positions change when someone is admitted or leaves, so the visitors near the front, who are
   * told every change, are looked up again right after each admission or departure batch instead of
   * waiting up to a round: one small script for at most the few hundred of them on this node.
   */
  void lineMoved(String event) {
    Set<String> nearFront = front.get(event);
    if (nearFront != null) {
      // a look-up renews presence: never for a visitor whose page has gone
      nearFront.removeIf(v -> !sockets.isConnected(event, v));
    }
    if (nearFront == null || nearFront.isEmpty()) {
      return;
    }
    if (!frontInFlight.add(event)) {
      frontAgain.add(event);
      return;
    }
    List<String> visitors = new ArrayList<>(nearFront);
    long now = System.currentTimeMillis();
    catalog.get(event)
        .compose(info -> line.ranks(event, visitors, now).map(ranks -> correct(event, info.settings(), visitors, ranks,
            now, info.settings().rankPushMillis())))
        .onComplete(ar -> {
          frontInFlight.remove(event);
          if (frontAgain.remove(event)) {
            lineMoved(event);
          }
        });
  }

  /**
   * The rate this event's pages count down with: it follows the measured rate only when that moves
   * by a material amount, so the noise of a moving average does not send every page a frame.
   */
  private Countdown countdown(String event, EventSettings settings, Double measured) {
    Countdown now = Countdown.of(settings, measured);
    Double before = pageRates.get(event);
    if (before != null && !Countdown.materiallyDifferent(before, now.rate())) {
      return new Countdown(before, now.allowance());
    }
    pageRates.put(event, now.rate());
    return now;
  }
}
