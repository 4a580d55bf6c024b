/*
 * The waiting-room page: joins (or rejoins with the token this browser keeps), then listens on the
 * event bus for its position, the event's progress and its admission. Reconnects with backoff.
 */
(function () {
  'use strict';
  const event = decodeURIComponent(location.pathname.split('/')[2]);
  const tokenKey = 'foyer.token.' + event;
  const firstPositionKey = 'foyer.firstPosition.' + event;
  const $ = id => document.getElementById(id);
  let visitor = null;
  let bus = null;
  let backoff = 1000;
  let leaving = false;

  function setConnection(state, text) {
    const el = $('connection');
    el.dataset.state = state;
    el.textContent = text;
  }

  function show(card) {
    ['waiting-card', 'gone-card', 'error-card'].forEach(id => { $(id).hidden = id !== card; });
    $('leave').hidden = card !== 'waiting-card';
  }

  function formatWait(seconds) {
    if (seconds === null || seconds === undefined) return 'measuring…';
    if (seconds < 60) return 'under a minute';
    const minutes = Math.round(seconds / 60);
    if (minutes < 60) return minutes + ' min';
    return Math.floor(minutes / 60) + ' h ' + (minutes % 60) + ' min';
  }

  let opensAt = null;
  let opensTimer = null;

  function renderPrequeue(waiting) {
    show('waiting-card');
    $('opens').hidden = false;
    $('position').textContent = '–';
    $('ahead').textContent = '–';
    $('waiting').textContent = waiting;
    $('eta').textContent = 'after opening';
    if (!opensTimer && opensAt) {
      const tick = () => {
        const left = Math.max(0, Math.round((opensAt - Date.now()) / 1000));
        $('opens-in').textContent = Math.floor(left / 60) + ':' + String(left % 60).padStart(2, '0');
      };
      tick();
      opensTimer = setInterval(tick, 500);
    }
  }

  function renderPosition(position, waiting, etaSeconds) {
    if (position === null || position === undefined) return renderPrequeue(waiting);
    $('opens').hidden = true;
    show('waiting-card');
    $('position').textContent = position;
    $('ahead').textContent = Math.max(0, position - 1);
    $('waiting').textContent = waiting;
    $('eta').textContent = formatWait(etaSeconds);
    let first = parseInt(localStorage.getItem(firstPositionKey), 10);
    if (!first || position > first) {
      first = position;
      localStorage.setItem(firstPositionKey, String(position));
    }
    $('progress').style.width = Math.round(100 * (first - position + 1) / first) + '%';
  }

  function admitted(pass, activeUntil) {
    sessionStorage.setItem('foyer.pass.' + event, JSON.stringify({pass: pass, activeUntil: activeUntil}));
    localStorage.removeItem(firstPositionKey);
    if (bus) bus.close();
    if (window.FoyerWayBack && window.FoyerWayBack.go()) return;
    location.assign('/events/' + encodeURIComponent(event) + '/seats');
  }

  function gone(reason) {
    if (bus) bus.close();
    bus = null;
    localStorage.removeItem(tokenKey);
    localStorage.removeItem(firstPositionKey);
    if (reason === 'reset') {
      // the waiting room lost its line after a failure: everyone joins again, at once
      setConnection('connecting', 'The waiting room restarted its line after a failure; joining again…');
      join();
      return;
    }
    const words = {left: 'You left the line.', expired: 'Your time to book ran out.',
      disconnected: 'You were away for too long and lost your place.'};
    $('gone-reason').textContent = words[reason] || 'You are no longer in line.';
    show('gone-card');
    setConnection('idle', 'Not connected');
  }

  function render(status) {
    visitor = status.visitor;
    if (status.opensAt) opensAt = Date.parse(status.opensAt);
    if (status.state === 'waiting') renderPosition(status.position, status.waiting, status.etaSeconds);
    else if (status.state === 'active') admitted(status.pass, status.activeUntil);
    else gone(status.reason);
  }

  // One key per attempt to join, kept across its retries: a join that went through although its
  // answer was lost (a timeout, a 503) gives back the same place instead of a second one.
  function joinKey() {
    const name = 'foyer.joinKey.' + event;
    let key = sessionStorage.getItem(name);
    if (!key) {
      const bytes = crypto.getRandomValues(new Uint8Array(16));
      key = Array.from(bytes, b => b.toString(16).padStart(2, '0')).join('');
      sessionStorage.setItem(name, key);
    }
    return key;
  }

  async function join(pow) {
    const token = localStorage.getItem(tokenKey);
    const headers = token ? {Authorization: 'Bearer ' + token} : {'Idempotency-Key': joinKey()};
    const request = {method: 'POST', headers: headers};
    if (pow && !token) {
      headers['Content-Type'] = 'application/json';
      request.body = JSON.stringify({pow: pow});
    }
    let response;
    try {
      response = await fetch('/api/events/' + encodeURIComponent(event) + '/visitors', request);
    } catch (e) {
      setConnection('offline', 'Offline, retrying…');
      return retry(join);
    }
    if (response.status === 401 && token) {
      localStorage.removeItem(tokenKey);
      return join();
    }
    const body = await response.json().catch(() => ({}));
    if (response.status === 404) {
      $('error-text').textContent = 'There is no such event.';
      show('error-card');
      return;
    }
    if (response.status === 403 && /^pow_/.test(body.error)) {
      // the event asks for proof of work (js/pow.js): solve a fresh challenge, then join with it
      return window.FoyerPow.solve(event).then(join, () => retry(join));
    }
    if (!response.ok) {
      setConnection('offline', 'The waiting room is busy, retrying…');
      return retry(join);
    }
    localStorage.setItem(tokenKey, body.token);
    sessionStorage.removeItem('foyer.joinKey.' + event);
    render(body);
    if (body.state === 'waiting') connect(body.token);
  }

  function retry(fn) {
    const wait = backoff + Math.random() * 500;
    backoff = Math.min(backoff * 2, 30000);
    setTimeout(fn, wait);
  }

  function connect(token) {
    setConnection('connecting', 'Connecting…');
    // a ping every 20 s keeps the socket alive; every 5 s (the stock client's default) costs the
    // server four times the reads for nothing
    const current = new FoyerBus('/eventbus', {pingInterval: 20000});
    bus = current;
    current.onopen = () => {
      current.registerHandler('foyer.visitor.' + visitor, {token: token}, (err, msg) => {
        if (err) {
          // the token no longer opens this address: start over with a fresh join
          current.close();
          localStorage.removeItem(tokenKey);
          return join();
        }
        // live, and the backoff forgiven, only once the bridge answered the register (it sends the
        // state at once): a socket can open and then fail every frame sent up, and a page that
        // forgave it on open rejoined every 1.2 s forever
        backoff = 1000;
        setConnection('live', 'Live');
        const m = msg.body;
        if (m.type === 'rank') renderPosition(m.position, m.waiting, m.etaSeconds);
        else if (m.type === 'admitted') admitted(m.pass, m.activeUntil);
        else if (m.type === 'gone') gone(m.reason);
      });
      current.registerHandler('foyer.event.' + event, {}, (err, msg) => {
        if (!err && msg.body.type === 'progress' && $('waiting-card').hidden === false) {
          $('waiting').textContent = msg.body.waiting;
        }
      });
    };
    current.onclose = () => {
      if (bus !== current || leaving) return;
      bus = null;
      setConnection('offline', 'Reconnecting…');
      // rejoin over REST first: it tells us at once if we were admitted while away
      retry(join);
    };
  }

  $('join-again').addEventListener('click', () => { backoff = 1000; join(); });
  $('leave').addEventListener('click', async () => {
    leaving = true;
    const token = localStorage.getItem(tokenKey);
    if (bus) bus.close();
    if (token) {
      await fetch('/api/events/' + encodeURIComponent(event) + '/visitors/me',
        {method: 'DELETE', headers: {Authorization: 'Bearer ' + token}}).catch(() => {});
    }
    leaving = false;
    gone('left');
  });

  fetch('/api/events/' + encodeURIComponent(event)).then(r => r.ok ? r.json() : null).then(info => {
    if (!info) return;
    $('name').textContent = info.name;
    document.title = info.name + ' · foyer';
    if (info.opening && info.opening.order === 'shuffle') {
      $('opening-order').textContent = 'in a fair random order (commitment ' + info.opening.commitment.slice(0, 12) + '…)';
    }
  }).catch(() => {});
  join();
})();
