// Proof of work for the waiting page: when an event asks for one, the ALTCHA widget (altcha 1.5.1,
// its CSP-safe external build) fetches the event's challenge, solves it in web workers by itself
// and hands back the payload the join carries. The visitor only sees a small progress line.
window.FoyerPow = (function () {
  'use strict';

  function solve(event) {
    return new Promise(function (resolve, reject) {
      const box = document.getElementById('pow');
      const started = performance.now();
      const widget = document.createElement('altcha-widget');
      widget.setAttribute('challengeurl', '/api/events/' + encodeURIComponent(event) + '/challenge');
      widget.setAttribute('workerurl', '/js/vendor/altcha/worker.js');
      widget.setAttribute('auto', 'onload');
      widget.setAttribute('maxnumber', '10000000');
      widget.setAttribute('refetchonexpire', 'false');
      widget.setAttribute('hidefooter', '');
      widget.setAttribute('hidelogo', '');
      const t = window.FoyerI18n.t;
      widget.setAttribute('strings', JSON.stringify({
        label: t('pow.label'), verifying: t('pow.verifying'), verified: t('pow.verified')}));
      widget.addEventListener('statechange', function (ev) {
        const state = ev.detail && ev.detail.state;
        if (state === 'verified') {
          window.foyerPowMillis = performance.now() - started;
          box.hidden = true;
          widget.remove();
          resolve(ev.detail.payload);
        } else if (state === 'error' || state === 'expired') {
          widget.remove();
          reject(new Error('proof of work: ' + state));
        }
      });
      box.hidden = false;
      box.appendChild(widget);
    });
  }

  return {solve: solve};
})();
