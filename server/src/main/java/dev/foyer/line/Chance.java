package dev.foyer.line;

/**
 * The chance that tickets are left at a waiting visitor's turn, from figures measured in this sale:
 * how many tickets a buyer takes, what share of admitted visitors buy, and what share of holds come
 * back unbought. Everyone ahead (the shoppers already in and the places in front) buys with the
 * measured share and takes the measured basket; the tickets they take are summed as independent
 * draws (a normal approximation), against what is free now and the held tickets expected back.
 * Before enough is measured it says only what holds whatever the figures turn out to be.
 */
public final class Chance {

  public static final String LIKELY = "likely";
  public static final String UNCERTAIN = "uncertain";
  public static final String UNLIKELY = "unlikely";

  /** Told "likely" at or above this probability, "unlikely" at or below its complement. */
  static final double SURE = 0.85;
  /** Buyers and decided visitors it takes before a figure counts as measured. */
  static final int MEASURED_AFTER = 10;

  /**
   * The sale's figures: tickets per buyer, share of admitted visitors who buy, share of holds that
   * come back; each null until measured.
   */
  public record Measured(Double perBuyer, Double buyShare, Double returnShare) {

    public static final Measured NONE = new Measured(null, null, null);

    /**
     * From the counts: tickets sold and held over buyers and holds; buyers over visitors admitted
     * who are done (bought, left or ran out of time); holds returned over holds ended.
     */
    public static Measured of(long sold, long held, long buyers, long holds, long returned, long admittedTotal,
                              long active) {
      long takers = buyers + holds;
      long decided = admittedTotal - active;
      long ended = buyers + returned;
      return new Measured(takers >= MEASURED_AFTER ? Math.max(1.0, (double) (sold + held) / takers) : null,
          decided >= MEASURED_AFTER ? Math.min(1.0, (double) buyers / decided) : null,
          ended >= MEASURED_AFTER ? (double) returned / ended : null);
    }
  }

  private Chance() {
  }

  /**
   * The word for a visitor at {@code position}, from the last stock frame this node heard (null:
   * none, and then nothing to say) and the admissions counted since ({@code admittedTotal}, the
   * latest progress frame's; -1 when unknown). Stock frames come at most every 10 s while a sale
   * moves: the visitors admitted since the frame were in line ahead of this one when it was counted,
   * so they count as ahead against its free tickets, and the frame, the position and those
   * admissions describe the same instant. Without that, a frame 10 s old set against today's
   * position leaves out everyone admitted meanwhile, and "likely" comes too easily.
   */
  public static String of(io.vertx.core.json.JsonObject stock, long position, int maxPerBuyer, long admittedTotal) {
    if (stock == null) {
      return null;
    }
    io.vertx.core.json.JsonObject m = stock.getJsonObject("measured", new io.vertx.core.json.JsonObject());
    Long counted = stock.getLong("admittedTotal");
    long since = counted == null || admittedTotal < 0 ? 0 : Math.max(0, admittedTotal - counted);
    return of(position + since, stock.getLong("shoppers", 0L), stock.getLong("free", 0L), stock.getLong("held", 0L),
        new Measured(m.getDouble("perBuyer"), m.getDouble("buyShare"), m.getDouble("returnShare")), maxPerBuyer);
  }

  /**
   * The word for a visitor at {@code position} in line, with {@code shoppers} admitted visitors
   * still without a hold ahead of everyone, {@code free} and {@code held} tickets now, and at most
   * {@code maxPerBuyer} tickets to a buyer. Null when there is nothing to say (no stock known).
   */
  public static String of(long position, long shoppers, long free, long held, Measured m, int maxPerBuyer) {
    long ahead = Math.max(0, shoppers) + Math.max(0, position - 1);
    if (free <= 0 && held <= 0) {
      return UNLIKELY;
    }
    if (m.perBuyer() == null || m.buyShare() == null) {
      // nothing measured yet: only the sure ends, whatever the figures will be
      if (free >= (ahead + 1) * (long) maxPerBuyer) {
        return LIKELY;
      }
      return UNCERTAIN;
    }
    double p = probability(ahead, free, held, m);
    return p >= SURE ? LIKELY : p <= 1 - SURE ? UNLIKELY : UNCERTAIN;
  }

  /** P(the tickets the {@code ahead} take leave at least one), normal approximation. */
  static double probability(long ahead, long free, long held, Measured m) {
    double b = m.perBuyer();
    double r = m.buyShare();
    double back = m.returnShare() == null ? 0 : m.returnShare();
    double available = free + held * back;
    double mean = ahead * r * b;
    // one visitor ahead takes B with chance r: Var = r E[B^2] - (r b)^2, with a basket's own spread
    // taken as that of sizes from 1 to 2b - 1 (variance ~ (b - 1)^2 / 3)
    double basketVariance = (b - 1) * (b - 1) / 3.0;
    double variance = ahead * (r * (basketVariance + b * b) - r * r * b * b) + held * back * (1 - back);
    double sd = Math.sqrt(Math.max(variance, 0.25));
    return phi((available - 0.5 - mean) / sd);
  }

  /** The standard normal distribution function (Abramowitz and Stegun 7.1.26, error below 1.5e-7). */
  static double phi(double z) {
    double x = Math.abs(z) / Math.sqrt(2);
    double t = 1 / (1 + 0.3275911 * x);
    double erf = 1 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592)
        * t * Math.exp(-x * x);
    return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
  }
}
