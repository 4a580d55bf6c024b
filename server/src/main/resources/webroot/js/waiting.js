/*
 * The waiting-room page, drawn on the embeddable client (js/foyer-client.js): it joins (or rejoins
 * with the token this browser keeps), shows the place, the wait and whether the page is really
 * connected, says how long one may be away, and makes the admission an unmistakable moment before
 * going on to book (foyer's seat page, or the site named by ?return=, js/way-back.js).
 */
(function () {
  'use strict';
  const event = decodeURIComponent(location.pathname.split('/')[2]);
  const firstPositionKey = 'foyer.firstPosition.' + event;
  // when this browser last heard the line live: how long it was away, across a closed tab too
  const seenKey = 'foyer.seen.' + event;
  const $ = id => document.getElementById(id);
  const I18n = window.FoyerI18n;
  const forced = new URLSearchParams(location.search).get('transports');
  /** Seconds away that keep the place (the event's awaySeconds once its info is in). */
  let awaySeconds = 600;
  let eventName = null;
  let line = null;
  let turn = null;
  // (a mark left by a visit that no longer has a place says nothing)
  let awaySince = localStorage.getItem('foyer.token.' + event) ? parseInt(localStorage.getItem(seenKey), 10) || null : null;

  function show(card) {
    ['waiting-card', 'gone-card', 'error-card', 'turn-card', 'leave-confirm'].forEach(id => { $(id).hidden = id !== card; });
    $('leave').hidden = card !== 'waiting-card';
  }

  const duration = seconds => () => I18n.duration(seconds);

  function formatWait(seconds) {
    if (seconds === null || seconds === undefined) return ['eta.measuring'];
    if (seconds < 60) return ['eta.underMinute'];
    const minutes = Math.round(seconds / 60);
    if (minutes < 60) return ['eta.minutes', {n: minutes}];
    return ['time.hoursMinutes', {h: Math.floor(minutes / 60), m: minutes % 60}];
  }

  /** The rank frame's eta ({status, low, high}) when it has one, else its single etaSeconds: [key, vars]. */
  function formatEta(p) {
    // nothing free: the wait is for tickets to come back, not for the line
    const sale = document.body.dataset.sale;
    if (sale === 'sold_out' || sale === 'all_held') return ['eta.returns'];
    const eta = p.eta;
    if (!eta || !eta.status) return formatWait(p.etaSeconds);
    if (eta.status === 'paused') return ['eta.paused'];
    if (eta.status !== 'estimate' || eta.high === null || eta.high === undefined) return ['eta.measuring'];
    if (eta.high < 60) return ['eta.underMinute'];
    const low = Math.max(1, Math.floor(eta.low / 60));
    const high = Math.max(low, Math.ceil(eta.high / 60));
    if (high >= 120) return ['eta.hours', {low: Math.round(eta.low / 3600), high: Math.round(eta.high / 3600)}];
    return low === high ? ['eta.about', {n: low}] : ['eta.range', {low: low, high: high}];
  }

  function setConnection(state) {
    const el = $('connection');
    el.dataset.state = state;
    if (I18n.has('conn.' + state)) I18n.set(el, 'conn.' + state);
    else I18n.plain(el, state);
    const note = $('connection-note');
    note.hidden = state !== 'reconnecting' && state !== 'offline';
    I18n.set(note, state === 'offline' ? 'conn.noteOffline' : 'conn.note', {time: () => I18n.duration(awaySeconds)});
    $('waiting-card').classList.toggle('stale', state !== 'live');
  }

  let opensAt = null;
  let opensTimer = null;

  function renderPrequeue(waiting) {
    $('opens').hidden = false;
    $('position').textContent = '–';
    $('ahead').textContent = '–';
    delete $('ahead').dataset.n;
    $('waiting').textContent = waiting;
    I18n.set($('eta'), 'eta.afterOpening');
    if (!opensAt && line && line.opensAt) opensAt = Date.parse(line.opensAt);
    if (!opensTimer && opensAt) {
      const tick = () => {
        const left = Math.max(0, Math.round((opensAt - Date.now()) / 1000));
        $('opens-in').textContent = Math.floor(left / 60) + ':' + String(left % 60).padStart(2, '0');
      };
      tick();
      opensTimer = setInterval(tick, 500);
    }
  }

  function renderPosition(p) {
    if (turn) return;
    if ($('waiting-card').hidden && $('leave-confirm').hidden) show('waiting-card');
    if (p.prequeue) return renderPrequeue(p.waiting);
    const position = p.position;
    $('opens').hidden = true;
    $('position').textContent = I18n.num(position);
    $('ahead').textContent = I18n.num(Math.max(0, position - 1));
    $('waiting').textContent = I18n.num(p.waiting);
    I18n.set($('eta'), ...formatEta(p));
    $('ahead').dataset.n = Math.max(0, position - 1);
    window.FoyerSale.chance(p.chance);
    let first = parseInt(localStorage.getItem(firstPositionKey), 10);
    if (!first || position > first) {
      first = position;
      localStorage.setItem(firstPositionKey, String(position));
    }
    $('progress').style.width = Math.round(100 * (first - position + 1) / first) + '%';
  }

  /** Back after a lapse (a locked phone, a lost network, a closed tab): say that the place was kept. */
  function cameBack() {
    if (awaySince && Date.now() - awaySince > 15000 && !turn) {
      I18n.set($('back-again'), 'waiting.backAgain', {time: duration((Date.now() - awaySince) / 1000)});
      $('back-again').hidden = false;
    }
    awaySince = null;
  }

  function onConnection(c) {
    setConnection(c.state);
    if (c.state === 'live') {
      cameBack();
      localStorage.setItem(seenKey, String(Date.now()));
    } else if (!awaySince) {
      awaySince = c.lastHeard || Date.now();
    }
  }

  // while live, the last moment heard is kept, so a tab closed and opened again knows its lapse
  setInterval(() => {
    if (line && line.connection === 'live' && line.state === 'waiting') localStorage.setItem(seenKey, String(Date.now()));
  }, 5000);

  // The Notification API is not touched at all (not even `'Notification' in window`) until the
  // visitor asks with the button (this key then remembers it): an earlier page that looked at it at
  // load was seen to freeze headless Chromium's DevTools, and a visitor who never asked needs nothing.
  const notifyKey = 'foyer.notify';

  function notify(text) {
    if (!localStorage.getItem(notifyKey) || !('Notification' in window)) return;
    if (Notification.permission !== 'granted') return;
    try {
      new Notification(I18n.t('turn.notifyTitle'), {body: text, tag: 'foyer-turn-' + event});
    } catch (e) {
      // Android's Chrome allows notifications only from a service worker: the title says it anyway
    }
  }

  function offerNotification(permission) {
    const asked = localStorage.getItem(notifyKey);
    $('notify').hidden = !!asked;
    $('notify-state').hidden = !asked;
    I18n.set($('notify-state'), permission === 'denied' || asked === 'denied' ? 'notify.denied' : 'notify.on');
  }

  function admitted(a) {
    sessionStorage.setItem('foyer.pass.' + event, JSON.stringify({pass: a.pass, activeUntil: a.activeUntil}));
    localStorage.removeItem(firstPositionKey);
    localStorage.removeItem(seenKey);
    if (turn) return;
    $('back-again').hidden = true;
    const seconds = Math.max(0, Math.round((a.activeUntil - Date.now()) / 1000));
    I18n.show($('turn-time'), duration(seconds));
    I18n.set($('turn-go'), window.FoyerWayBack ? window.FoyerWayBack.label() : 'turn.go');
    I18n.title(() => I18n.t('turn.title', {name: eventName ? eventName() : 'foyer'}));
    show('turn-card');
    notify(eventName ? I18n.t('turn.notifyFor', {time: duration(seconds), name: eventName})
      : I18n.t('turn.notify', {time: duration(seconds)}));
    let left = 6;
    $('turn-count').textContent = left;
    turn = setInterval(() => {
      left--;
      $('turn-count').textContent = Math.max(0, left);
      if (left <= 0) go();
    }, 1000);
  }

  let going = false;

  function go() {
    clearInterval(turn);
    if (going) return;
    going = true;
    I18n.set($('turn-auto'), 'turn.onTheWay');
    if (window.FoyerWayBack && window.FoyerWayBack.go()) return;
    location.assign('/events/' + encodeURIComponent(event) + '/seats');
  }

  function gone(reason) {
    clearInterval(turn);
    turn = null;
    localStorage.removeItem(firstPositionKey);
    const lapsed = awaySince ? (Date.now() - awaySince) / 1000 : null;
    const lapse = lapsed ? () => I18n.t('gone.lapse', {time: duration(lapsed)}) : '';
    localStorage.removeItem(seenKey);
    awaySince = null;
    const words = {left: 'gone.left', expired: 'gone.expired', confirmed: 'gone.booked', completed: 'gone.booked',
      disconnected: 'gone.away', away: 'gone.away'};
    I18n.set($('gone-reason'), words[reason] || 'gone.default', {allowed: duration(awaySeconds), lapse: lapse});
    $('back-again').hidden = true;
    $('sold-out-card').hidden = true;
    show('gone-card');
    setConnection('idle');
    $('connection-note').hidden = true;
  }

  function onError(e) {
    // a connection that did not get through is told by 'connection'; these are answers
    if (e.code === 'unreachable') return;
    if (e.status === 404) {
      I18n.set($('error-text'), 'waiting.noEvent');
      show('error-card');
    } else if (e.status) {
      // the server's words are English: another language says it in its own, by code
      I18n.show($('error-text'), () => I18n.lang === 'en' ? e.message || e.code
        : I18n.t(I18n.has('errors.' + e.code) ? 'errors.' + e.code : 'errors.other', {code: e.code}));
      show('error-card');
    }
  }

  function join() {
    line = FoyerClient.join({
      event: event,
      transports: forced ? forced.split(',') : undefined,
      // a lane's code from the link the buyer was sent (…/events/{event}?code=K7QX2M9RTB4H)
      code: new URLSearchParams(location.search).get('code') || undefined,
      // the event asks for proof of work: the ALTCHA widget solves a fresh challenge (js/pow.js)
      pow: () => window.FoyerPow.solve(event)
    })
      .on('connection', onConnection)
      .on('position', renderPosition)
      .on('admitted', admitted)
      .on('left', g => gone(g.reason))
      .on('sale', window.FoyerSale.sale)
      .on('stock', window.FoyerSale.stock)
      .on('announcement', window.FoyerSale.announcement)
      .on('error', onError);
    // kept for a person (and a test) looking at the page's connection in the console
    window.foyerLine = line;
  }

  $('join-again').addEventListener('click', () => {
    setConnection('connecting');
    join();
  });
  $('leave').addEventListener('click', () => {
    const ahead = $('ahead').dataset.n;
    if (ahead) I18n.set($('leave-place'), 'leave.place', {n: Number(ahead)});
    else I18n.plain($('leave-place'), '');
    show('leave-confirm');
  });
  $('leave-no').addEventListener('click', () => show('waiting-card'));
  $('leave-yes').addEventListener('click', () => {
    const leaving = line;
    leaving.leave().catch(() => {}).then(() => gone('left'));
  });
  $('turn-go').addEventListener('click', go);
  $('keep-place').addEventListener('click', () => window.FoyerSale.keep());
  $('sold-out-leave').addEventListener('click', () => $('leave-yes').click());
  $('notify').addEventListener('click', () => {
    // the one place the page asks: on the visitor's own click
    if (!('Notification' in window)) {
      localStorage.setItem(notifyKey, 'denied');
      return offerNotification('denied');
    }
    Promise.resolve(Notification.requestPermission()).then(permission => {
      localStorage.setItem(notifyKey, permission === 'granted' ? 'granted' : 'denied');
      offerNotification(permission);
    }, () => offerNotification('denied'));
  });

  fetch('/api/events/' + encodeURIComponent(event)).then(r => r.ok ? r.json() : null).then(info => {
    if (!info) return;
    eventName = () => window.FoyerBrand.name(info);
    window.FoyerBrand.apply(info);
    if (!turn) I18n.title(() => eventName() + ' · foyer');
    if (info.opensAt) opensAt = Date.parse(info.opensAt);
    const away = info.awaySeconds || (info.settings && info.settings.awaySeconds);
    if (away > 0) awaySeconds = away;
    I18n.show($('away-time'), duration(awaySeconds));
    if (line) setConnection(line.connection);
    window.FoyerSale.stock(info.stock);
    if (info.opening && info.opening.order === 'shuffle') {
      I18n.set($('opening-order'), 'opens.shuffle', {commitment: info.opening.commitment.slice(0, 12)});
    }
  }).catch(() => {});
  offerNotification();
  join();
})();
