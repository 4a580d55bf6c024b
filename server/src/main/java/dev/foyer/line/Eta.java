package dev.foyer.line;

import dev.foyer.event.EventSettings;
import io.vertx.core.json.JsonObject;

import java.util.Locale;

/**
 * The wait the contract shows a visitor in line ({@code eta}, and {@code etaSeconds} for older
 * clients). A visitor at position p is let in once the free slots and the slots that free up
 * meanwhile reach p, no faster than the rate cap allows. How fast slots free is measured
 * ({@link Turnover}), never assumed from the opening fill; until enough slots have been seen to
 * free, the wait is unknown ({@code measuring}), and all that can be said is its bound: every slot
 * held now frees within activeSeconds, so a full house with no turnover never reads as "soon".
 */
public final class Eta {

  /**
   * Slots seen to free (weighted) before a turnover counts as measured: a full house's worth, so
   * that the first cycle after the opening (all slots young, only the shortest visits over) is not
   * taken for the sale's pace; at least 5 (noise ~45 %), at most 50 (~14 %).
   */
  static double minFreed(int maxActive) {
    return Math.max(5, Math.min(50, maxActive));
  }
  /** The narrowest range shown: a tick, a rank push and the visitors ahead who come back from away. */
  static final double MIN_SPREAD = 0.1;

  private Eta() {
  }

  public enum Status {
    /** {@code low..high} seconds, {@code seconds} the likeliest. */
    ESTIMATE,
    /** No sustained rate yet; {@code high}, when known, the most it can take. */
    MEASURING,
    /**
     * Admission is paused: nobody is let in until it resumes; {@code low..high} and {@code seconds}
     * are the wait once it does, the pause not counted (nobody can know how long it lasts).
     */
    PAUSED;

    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** An estimate of the wait in seconds; {@code seconds} is the point figure (etaSeconds), or null. */
  public record Estimate(Status status, Long low, Long high, Long seconds) {

    public JsonObject toJson() {
      return new JsonObject().put("status", status.wire()).put("low", low).put("high", high);
    }
  }

  public static Estimate of(long position, Turnover turnover, EventSettings settings) {
    Estimate running = running(position, turnover, settings);
    return settings.paused() ? new Estimate(Status.PAUSED, running.low(), running.high(), running.seconds()) : running;
  }

  private static Estimate running(long position, Turnover turnover, EventSettings settings) {
    double capped = settings.admitPerMinute() > 0 ? position * 60.0 / settings.admitPerMinute() : 0;
    long needed = position - Math.max(0, settings.maxActive() - turnover.active());
    if (needed <= 0) {
      return new Estimate(Status.ESTIMATE, (long) Math.floor(capped), (long) Math.ceil(capped) + 1,
          (long) Math.ceil(capped));
    }
    // the slots held now all free within activeSeconds, and each one admitted then holds its own
    double bound = Math.max(capped, Math.ceil((double) needed / settings.maxActive()) * settings.activeSeconds());
    Double perSlot = turnover.perSlotPerSecond();
    if (perSlot == null || turnover.freed() < minFreed(settings.maxActive())) {
      return new Estimate(Status.MEASURING, null, (long) Math.ceil(bound), null);
    }
    double freeing = needed / (perSlot * settings.maxActive());
    double spread = Math.max(MIN_SPREAD, 2 / Math.sqrt(turnover.freed()));
    double likely = Math.min(bound, Math.max(capped, freeing));
    long low = (long) Math.floor(Math.min(likely, Math.max(capped, freeing / (1 + spread))));
    long high = (long) Math.ceil(Math.max(likely, Math.min(bound, freeing * (1 + spread))));
    return new Estimate(Status.ESTIMATE, low, high, (long) Math.ceil(likely));
  }
}
