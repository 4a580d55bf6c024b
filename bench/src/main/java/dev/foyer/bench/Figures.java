package dev.foyer.bench;

/** How the scenarios set one figure against another. */
final class Figures {

  private Figures() {
  }

  /** a over b to two decimals; null when either is unknown or b is 0. */
  static Double ratio(Double a, Double b) {
    return a == null || b == null || b == 0 ? null : Math.round(a / b * 100) / 100.0;
  }
}
