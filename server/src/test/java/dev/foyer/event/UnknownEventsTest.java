package dev.foyer.event;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The node's memory of ids with no event: short, bounded, and never outliving a change heard meanwhile. */
class UnknownEventsTest {

  @Test
  void randomIdsCannotGrowItPastItsBound() {
    UnknownEvents unknown = new UnknownEvents();
    for (int i = 0; i < UnknownEvents.MAX_IDS * 3; i++) {
      unknown.unknown("random-" + i, unknown.mark(), 1000);
    }
    assertEquals(UnknownEvents.MAX_IDS, unknown.size());
    assertFalse(unknown.isUnknown("random-0", 1000), "the oldest went first");
    assertTrue(unknown.isUnknown("random-" + (UnknownEvents.MAX_IDS * 3 - 1), 1000));
  }

  @Test
  void anIdIsUnknownForItsLifeOnly() {
    UnknownEvents unknown = new UnknownEvents();
    unknown.unknown("gone", unknown.mark(), 1000);
    assertTrue(unknown.isUnknown("gone", 1000 + UnknownEvents.LIFE_MILLIS - 1));
    assertFalse(unknown.isUnknown("gone", 1000 + UnknownEvents.LIFE_MILLIS));
  }

  @Test
  void aChangeHeardDuringALookupKeepsItsIdOut() {
    UnknownEvents unknown = new UnknownEvents();
    long mark = unknown.mark();
    // the event is created while the lookup that found nothing is on its way back
    unknown.forget("new-event");
    unknown.unknown("new-event", mark, 1000);
    assertFalse(unknown.isUnknown("new-event", 1000));
    unknown.unknown("other", unknown.mark(), 1000);
    unknown.forget("other");
    assertFalse(unknown.isUnknown("other", 1000), "forgotten at once");
  }
}
