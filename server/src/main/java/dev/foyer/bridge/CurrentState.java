package dev.foyer.bridge;

import dev.foyer.event.EventCatalog;
import dev.foyer.line.Eta;
import dev.foyer.line.QueueStore;
import dev.foyer.line.VisitorState;
import dev.foyer.pass.Passes;
import io.vertx.core.Future;

/**
 * What a visitor who just registered is told first: where they stand right now, so a client that
 * reconnects is never left stale and never misses an admission.
 */
record CurrentState(QueueStore line, EventCatalog catalog, Passes passes, Sockets sockets) {

  /** The frame; told to {@link Sockets#registered}, so the rank round after it sends only a change. */
  Future<String> frame(String event, String visitor, long now) {
    return catalog.get(event).compose(info -> line.status(event, visitor, now).map(state -> {
      sockets.registered(visitor, state.state() == VisitorState.State.WAITING ? state.position() : null);
      return state;
    }).map(state -> switch (state.state()) {
      case WAITING -> Frames.rank(visitor, state.position(), state.waiting(),
          Eta.of(state.position(), state.turnover(), info.settings()), now);
      case PREQUEUE -> Frames.prequeue(visitor, state.waiting(), now);
      case ACTIVE -> Frames.admitted(visitor, passes.issue(event, visitor, state.activeUntil()), state.activeUntil());
      case GONE -> Frames.gone(visitor, state.reason());
    })).onFailure(err -> sockets.registered(visitor, null));
  }
}
