package dev.foyer.bench;

/**
 * What a waiting page shows between two rank frames: the harness's copy of the server's
 * dev.foyer.line.Position and the page's webroot/js/position.js (the harness knows foyer only by its
 * public interfaces, so it cannot use the server's class). ShownPositionTest checks it against the
 * same vectors as both.
 */
final class ShownPosition {

  private ShownPosition() {
  }

  static long shown(long position, double rate, long floor, long elapsedMillis) {
    long lowest = Math.max(1, Math.min(floor, position));
    if (!(rate > 0) || elapsedMillis <= 0) {
      return Math.max(lowest, position);
    }
    double counted = Math.ceil(position - rate * elapsedMillis / 1000.0);
    return counted <= lowest ? lowest : (long) counted;
  }

  static Long eta(Long etaSeconds, long position, long shown) {
    if (etaSeconds == null || position <= 0) {
      return etaSeconds;
    }
    return (long) Math.ceil((double) etaSeconds * shown / position);
  }
}
