package dev.foyer.push;

import dev.foyer.event.EventSettings;
import dev.foyer.pass.Passes;
import dev.foyer.queue.QueueStore;
import dev.foyer.queue.VisitorState;
import io.vertx.core.json.JsonObject;

/** The messages of {@code foyer.visitor.{visitor}}, as the contract writes them. */
public final class PushMessages {

  private PushMessages() {
  }

  public static JsonObject rank(long position, long waiting, Long etaSeconds, long at) {
    return new JsonObject().put("type", "rank").put("position", position).put("waiting", waiting)
        .put("etaSeconds", etaSeconds).put("at", at);
  }

  public static JsonObject admitted(String pass, long activeUntil) {
    return new JsonObject().put("type", "admitted").put("pass", pass).put("activeUntil", activeUntil);
  }

  public static JsonObject gone(String reason) {
    return new JsonObject().put("type", "gone").put("reason", reason);
  }

  /** What a visitor who just registered is told first: where they stand right now. */
  public static JsonObject current(String event, String visitor, VisitorState state, EventSettings settings,
                                   Passes passes, long now) {
    return switch (state.state()) {
      case WAITING -> rank(state.position(), state.waiting(),
          QueueStore.etaSeconds(state.position(), state.rate(), settings), now);
      case PREQUEUE -> new JsonObject().put("type", "rank").putNull("position").put("waiting", state.waiting())
          .putNull("etaSeconds").put("at", now).put("prequeue", true);
      case ACTIVE -> admitted(passes.issue(event, visitor, state.activeUntil()), state.activeUntil());
      case GONE -> gone(state.reason());
    };
  }
}
