package dev.foyer.common;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

/**
 * The key names are what a node finds in Redis after an upgrade: they must not change with the code
 * that makes them. A store names an event's keys once and keeps them.
 */
class KeysTest {

  @Test
  void everyKeyIsTheEventsTaggedPrefixAndItsName() {
    Keys k = new Keys("foyer", "e1");
    List<String> names = List.of("seq", "waiting", "active", "gone", "prequeue", "lanes", "codes", "extended",
        "presence", "away", "meta", "seats", "sold", "seat-version", "seat-log", "holds", "hold-by-visitor",
        "hold-seats", "hold-expiry", "confirming", "confirmed", "seat-rows", "seat-row-meta", "seat-rows-open",
        "stock", "stock-told", "stock-names", "seat-kind", "hold-placement", "standing", "standing-held",
        "standing-sold", "report", "report-joined-at", "report-waits", "report-refusals", "announcement");
    assertEquals(names.stream().map(n -> "foyer:{e1}:" + n).toList(), List.of(k.seq, k.waiting, k.active, k.gone,
        k.prequeue, k.lanes, k.codes, k.extended, k.presence, k.away, k.meta, k.seats, k.sold, k.seatVersion,
        k.seatLog, k.holds, k.holdByVisitor, k.holdSeats, k.holdExpiry, k.confirming, k.confirmed, k.rows, k.rowMeta,
        k.rowsOpen, k.stock, k.stockTold, k.stockNames, k.seatKind, k.holdPlacement, k.standing, k.standingHeld,
        k.standingSold, k.report, k.joinedAt, k.waits, k.refusals, k.announcement));
    assertEquals(List.of("foyer:{e1}:join-key:K", "foyer:{e1}:codes-key:K", "foyer:{e1}:identity:I",
            "foyer:{e1}:extend-key:v:K", "foyer:{e1}:traffic:17", "foyer:{e1}:seats:loading:L",
            "foyer:{e1}:return-code:C", "foyer:{e1}:return-code-of:v"),
        List.of(k.joinKey("K"), k.codesMakeKey("K"), k.identity("I"), k.extendKey("v", "K"), k.traffic(17),
            k.seatsLoading("L"), k.returnCode("C"), k.returnCodeOf("v")));
    // without an Idempotency-Key or an identity, the script is still handed a key in its place
    assertEquals(List.of("foyer:{e1}:join-key:-", "foyer:{e1}:codes-key:-", "foyer:{e1}:identity:-",
        "foyer:{e1}:extend-key:v:-"), List.of(k.joinKey(null), k.codesMakeKey(null), k.identity(null),
        k.extendKey("v", null)));
    // the orders lua/lib/report.lua and lua/lib/seat_keys.lua read them in
    assertEquals(List.of(k.report, k.joinedAt, k.waits), k.reportKeys);
    assertEquals(List.of(k.seats, k.sold, k.holds, k.holdByVisitor, k.holdSeats, k.holdExpiry, k.confirming,
        k.confirmed, k.active, k.gone, k.presence, k.seatVersion, k.seatLog, k.rows, k.rowMeta, k.rowsOpen, k.seatKind,
        k.holdPlacement, k.standing, k.standingHeld, k.standingSold, k.stock, k.stockNames), k.seatKeys);
  }

  @Test
  void aStoreNamesAnEventsKeysOnceAndForgetsThemPastItsBound() {
    EventStore store = new EventStore(null, "foyer") {
    };
    Keys first = store.keys("e1");
    assertSame(first, store.keys("e1"));
    assertEquals("foyer:{e2}:waiting", store.keys("e2").waiting);
    for (int i = 0; i < EventStore.MAX_EVENTS; i++) {
      store.keys("other-" + i);
    }
    assertNotSame(first, store.keys("e1"), "named again once the store had named too many events");
    assertEquals(first.waiting, store.keys("e1").waiting);
  }
}
