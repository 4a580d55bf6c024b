/*
 * What a waiting page shows between two rank frames (docs/API.md, "Rank frames"): the frame's
 * position counted down at its rate since the page received it, never below its floor nor below 1,
 * and the ETA scaled with it. The push room runs the same rule (dev.foyer.line.Position) to know
 * what each page shows and correct it only when it drifts; both are checked against the same
 * vectors (server/src/test/resources/position/vectors.json): change them together.
 *
 *   const shown = FoyerPosition.shown(frame, receivedAtMs, Date.now());   // {position, etaSeconds}
 *
 * receivedAtMs is the page's own clock when the frame arrived, never the frame's `at`: a page whose
 * clock is off still counts right. A frame without rate or floor (an older server) is shown as is.
 * Works as a browser global (window.FoyerPosition) and as a CommonJS module (Node, for tests).
 */
(function (root, factory) {
  'use strict';
  if (typeof module === 'object' && module.exports) module.exports = factory();
  else root.FoyerPosition = factory();
})(typeof self !== 'undefined' ? self : this, function () {
  'use strict';

  function count(position, rate, floor, elapsedMillis) {
    const lowest = Math.max(1, Math.min(floor, position));
    if (!(rate > 0) || elapsedMillis <= 0) return Math.max(lowest, position);
    const counted = Math.ceil(position - rate * elapsedMillis / 1000.0);
    return counted <= lowest ? lowest : counted;
  }

  function shown(frame, receivedAtMs, nowMs) {
    const position = frame.position;
    if (position === null || position === undefined) {
      return {position: null, etaSeconds: frame.etaSeconds === undefined ? null : frame.etaSeconds};
    }
    const rate = typeof frame.rate === 'number' ? frame.rate : 0;
    const floor = typeof frame.floor === 'number' ? frame.floor : 1;
    const p = count(position, rate, floor, nowMs - receivedAtMs);
    const eta = frame.etaSeconds;
    return {
      position: p,
      etaSeconds: eta === null || eta === undefined || position <= 0 ? (eta === undefined ? null : eta)
        : Math.ceil(eta * p / position)
    };
  }

  return {shown: shown, count: count};
});
