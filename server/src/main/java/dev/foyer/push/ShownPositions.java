package dev.foyer.push;

import dev.foyer.line.Countdown;
import dev.foyer.line.Position;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * What each page connected to this node shows now, from the last rank frame it was sent and when
 * ({@link Position}), and whether the truth has moved far enough from it to be worth a frame:
 * <ul>
 *   <li>by more than max(1 position, 1 % of the true position, one tick's admissions): admission
 *       moves the line in lumps, one per tick, and no page can be nearer than that between ticks;</li>
 *   <li>any difference at all once either is within the first {@link Countdown#EXACT_WITHIN} places
 *       (where the page does not count by itself, so every change of the position is sent);</li>
 *   <li>an operator paused or resumed admission (the page says "paused" from its frame);</li>
 *   <li>the line started or stopped moving (a full house, seats freed: the page's rate is 0 and the
 *       event's is not, or the reverse), or the event's rate changed materially
 *       ({@link Countdown#materiallyDifferent}), and counting on with what it has would take this
 *       page past its tolerance by the next look-up: far back, where the tolerance is many seconds
 *       of the line's movement, a short stop or a new rate costs no frame;</li>
 *   <li>the chance of a ticket ({@link dev.foyer.line.Chance}) changed;</li>
 *   <li>or a keepalive, so no page goes more than {@link Countdown#KEEPALIVE_MILLIS} without one
 *       (spread over a few seconds per visitor, so a crowd told at once does not stay in step).</li>
 * </ul>
 * One small record of primitives per waiting visitor. Runs on the push room's context only.
 */
final class ShownPositions {

  private static final long KEEPALIVE_SPREAD_MILLIS = 4000;

  /** The last frame a visitor's pages got: enough to compute what they show. */
  private static final class Shown {
    int position;
    int floor;
    double rate;
    long at;
    String chance;
    boolean paused;
  }

  private final Map<String, Shown> shown = new HashMap<>();

  /**
   * Whether (and why) the visitor at {@code truth} needs a frame now, the frame's {@code rate} being the one
   * for that position ({@link Countdown#rateAt}), {@code lump} the places one admission tick moves
   * the line; {@code roundMillis} is how often the truth is looked at (a keepalive must not
   * wait a round past its time).
   */
  /** Why a frame is due; {@link #NONE} when the page shows close enough to the truth. */
  enum Reason { NONE, FIRST, MOVING, RATE, KEEPALIVE, FRONT, DRIFT, CHANCE }

  Reason due(String visitor, long truth, double rate, double lump, long now, long roundMillis, String chance,
             boolean paused) {
    Shown s = shown.get(visitor);
    if (s == null) {
      return Reason.FIRST;
    }
    if (!java.util.Objects.equals(s.chance, chance)) {
      return Reason.CHANCE; // the chance of a ticket changed: worth a frame of its own
    }
    if (s.paused != paused) {
      return Reason.MOVING; // an operator paused or resumed: every page says so at once
    }
    long elapsed = now - s.at;
    long keepaliveIn = Countdown.KEEPALIVE_MILLIS - roundMillis - spread(visitor) - elapsed;
    if (keepaliveIn <= 0) {
      return Reason.KEEPALIVE;
    }
    long display = Position.shown(s.position, s.rate, s.floor, elapsed);
    if (Math.min(display, truth) <= Countdown.EXACT_WITHIN) {
      if ((s.rate > 0) != (rate > 0)) {
        return Reason.MOVING; // crossed into the first places: the page stops counting by itself
      }
      return display != truth ? Reason.FRONT : Reason.NONE;
    }
    double off = Math.abs(display - truth);
    // a line that moves a lump per tick is off by up to a lump between ticks, whatever a page shows
    double tolerance = Math.max(lump, Math.max(1.0, truth / 100.0));
    if (off > tolerance) {
      return Reason.DRIFT;
    }
    // until the next look-up the page counts with its rate while the line moves at the event's: a
    // stop, a start or a new rate is sent to the pages it would take past their tolerance by then,
    // so none is seen off by more, and far back (a tolerance of many seconds of movement) a short
    // stop of a full house costs no frame at all
    if (off + Math.abs(rate - s.rate) * roundMillis / 1000.0 > tolerance) {
      return (s.rate > 0) != (rate > 0) ? Reason.MOVING : Reason.RATE;
    }
    return Reason.NONE;
  }

  /** The frame went out: the pages show it from now. */
  void sent(String visitor, long position, double rate, long floor, long now, String chance, boolean paused) {
    Shown s = shown.computeIfAbsent(visitor, v -> new Shown());
    s.chance = chance;
    s.paused = paused;
    s.position = (int) Math.min(Integer.MAX_VALUE, position);
    s.floor = (int) Math.min(Integer.MAX_VALUE, floor);
    s.rate = rate;
    s.at = now;
  }

  /** The visitor no longer waits (admitted, gone): nothing left to extrapolate. */
  void forget(String visitor) {
    shown.remove(visitor);
  }

  int size() {
    return shown.size();
  }

  void retainAll(Collection<String> connected) {
    shown.keySet().retainAll(connected);
  }

  private static long spread(String visitor) {
    return Math.floorMod(visitor.hashCode(), KEEPALIVE_SPREAD_MILLIS);
  }
}
