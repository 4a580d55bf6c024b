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
 * (the latest status of each seat changed since the last one) and one batch of hold notices.
 */
final class Outbox {

  private final EventBus bus;
  private final Map<String, Map<String, String>> seatChanges = new HashMap<>();
  private final Map<String, List<HoldNotices.Notice>> notices = new HashMap<>();

  Outbox(EventBus bus) {
    this.bus = bus;
  }

  void seats(String event, List<HoldStore.Change> changes) {
    if (!changes.isEmpty()) {
      Map<String, String> pending = seatChanges.computeIfAbsent(event, e -> new LinkedHashMap<>());
      changes.forEach(c -> pending.put(c.seat(), c.status()));
    }
  }

  void tell(String event, String visitor, String holdId, String status) {
    tell(event, HoldNotices.Notice.of(visitor, holdId, status));
  }

  void tell(String event, HoldNotices.Notice notice) {
    notices.computeIfAbsent(event, e -> new ArrayList<>()).add(notice);
  }

  void flush() {
    seatChanges.forEach((event, changes) -> bus.publish(Addresses.seats(event), new SeatChanges(changes).toJson()));
    seatChanges.clear();
    notices.forEach((event, list) -> bus.publish(Addresses.HOLD_NOTICES, new HoldNotices(event, list).toJson()));
    notices.clear();
  }
}
