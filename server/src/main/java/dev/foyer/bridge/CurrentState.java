package dev.foyer.bridge;

import dev.foyer.event.EventCatalog;
import dev.foyer.event.EventInfo;
import dev.foyer.line.AnnouncementBoard;
import dev.foyer.line.AnnouncementStore;
import dev.foyer.line.StockBoard;
import dev.foyer.line.StockStore;
import dev.foyer.event.EventSettings;
import dev.foyer.line.Countdown;
import dev.foyer.line.Eta;
import dev.foyer.line.QueueStore;
import dev.foyer.line.VisitorState;
import dev.foyer.pass.Passes;
import io.vertx.core.Future;

/**
 * What a visitor who just registered is told first: where they stand right now, so a client that
 * reconnects is never left stale and never misses an admission; then, as any page that registers to
 * the event, the operator's announcement if there is one.
 */
record CurrentState(QueueStore line, EventCatalog catalog, Passes passes, Sockets sockets, StockBoard stock,
                    StockStore stockStore, AnnouncementBoard announcements, AnnouncementStore announcementStore) {

  /**
   * The event's announcement (or its withdrawal) as a frame on {@code address}, for a page that
   * registers after it went out; null when the event never had one, so other pages cost nothing.
   */
  Future<String> announcement(String event, String address) {
    return announcements.frame(event, announcementStore).map(body -> body == null ? null : Frames.rec(address, body));
  }

  /** The frame; told to {@link Sockets#registered}, so the rank round after it counts the page from it. */
  Future<String> frame(String event, String visitor, long now) {
    // the chance told here must be the one the rank rounds compute: the same board, read alike
    return catalog.get(event).compose(info -> stock.get(event, stockStore).compose(told -> line.status(event, visitor,
        now).map(state -> {
      if (state.state() == VisitorState.State.WAITING) {
        return rank(visitor, state, info, now);
      }
      sockets.registered(visitor, null);
      return switch (state.state()) {
        case PREQUEUE -> Frames.prequeue(visitor, state.waiting(), now);
        case ACTIVE -> Frames.admitted(visitor, passes.issue(event, visitor, state.activeUntil()), state.activeUntil());
        default -> Frames.gone(visitor, state.reason());
      };
    }))).onFailure(err -> sockets.registered(visitor, null));
  }

  private String rank(String visitor, VisitorState state, EventInfo info, long now) {
    EventSettings settings = info.settings();
    Eta.Estimate eta = Eta.of(state.position(), state.turnover(), settings);
    Countdown countdown = Countdown.of(settings, Countdown.rateOf(state.position(), eta));
    double rate = countdown.rateAt(state.position());
    long floor = countdown.floor(state.position());
    String chance = stock.chance(info.id(), state.position(), settings.maxSeatsPerHold());
    sockets.registered(visitor, new Sockets.Told(state.position(), rate, floor, now, chance, settings.paused()));
    return Frames.rank(visitor, state.position(), state.waiting(), eta, now, rate, floor, chance);
  }
}
