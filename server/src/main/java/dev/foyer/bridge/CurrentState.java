package dev.foyer.bridge;

import dev.foyer.event.EventCatalog;
import dev.foyer.line.Countdown;
import dev.foyer.line.Eta;
import dev.foyer.line.QueueStore;
import dev.foyer.pass.Passes;
import io.vertx.core.Future;

/**
 * What a visitor who just registered is told first: where they stand right now, so a client that
 * reconnects is never left stale and never misses an admission.
 */
record CurrentState(QueueStore line, EventCatalog catalog, Passes passes) {

  Future<String> frame(String event, String visitor, long now) {
    return catalog.get(event).compose(info -> line.status(event, visitor, now).map(state -> switch (state.state()) {
      case WAITING -> {
        Countdown countdown = Countdown.of(info.settings(), state.rate());
        yield Frames.rank(visitor, state.position(), state.waiting(),
            Eta.seconds(state.position(), state.rate(), info.settings()), now, countdown.rateAt(state.position()),
            countdown.floor(state.position()));
      }
      case PREQUEUE -> Frames.prequeue(visitor, state.waiting(), now);
      case ACTIVE -> Frames.admitted(visitor, passes.issue(event, visitor, state.activeUntil()), state.activeUntil());
      case GONE -> Frames.gone(visitor, state.reason());
    }));
  }
}
