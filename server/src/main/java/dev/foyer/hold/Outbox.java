package dev.foyer.hold;

import dev.foyer.bus.Addresses;
import dev.foyer.bus.HoldNotices;
import dev.foyer.bus.SeatChanges;
import io.vertx.core.eventbus.EventBus;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the hold room has to tell, gathered and sent every flush: at most one seats message per event
 * (the latest status of each seat changed since the last one, with its version) and one batch of
 * hold notices. Changes of a new seat-map generation go out in a message of their own.
 */
final class Outbox {

  private final EventBus bus;
  private final Map<String, Pending> seatChanges = new HashMap<>();
  private final Map<String, List<HoldNotices.Notice>> notices = new HashMap<>();

  Outbox(EventBus bus) {
    this.bus = bus;
  }

  private record Pending(String generation, Map<String, SeatChanges.Change> changes) {
  }

  void seats(String event, HoldStore.Changes changes) {
    if (changes.list().isEmpty()) {
      return;
    }
    Pending pending = seatChanges.get(event);
    if (pending != null && !pending.generation().equals(changes.generation())) {
      publish(event, pending);
      pending = null;
    }
    if (pending == null) {
      pending = new Pending(changes.generation(), new LinkedHashMap<>());
      seatChanges.put(event, pending);
    }
    for (HoldStore.Change c : changes.list()) {
      // scripts answer on several connections, so replies may come back out of version order
      pending.changes().merge(c.seat(), new SeatChanges.Change(c.status(), c.version()),
          (had, now) -> now.version() >= had.version() ? now : had);
    }
  }

  private void publish(String event, Pending pending) {
    bus.publish(Addresses.seats(event), new SeatChanges(pending.generation(), pending.changes()).toJson());
  }

  void tell(String event, String visitor, String holdId, String status) {
    tell(event, HoldNotices.Notice.of(visitor, holdId, status));
  }

  void tell(String event, HoldNotices.Notice notice) {
    notices.computeIfAbsent(event, e -> new ArrayList<>()).add(notice);
  }

  void flush() {
    seatChanges.forEach(this::publish);
    seatChanges.clear();
    notices.forEach((event, list) -> bus.publish(Addresses.HOLD_NOTICES, new HoldNotices(event, list).toJson()));
    notices.clear();
  }
}
