/*
 * The seat page: draws the map from the stored coordinates, keeps statuses live from
 * foyer.seats.{event}, and holds the seats you tap (one hold, replaced on every change), with
 * a countdown; confirm buys them. A tap that loses a race shows pending, then says so.
 * Every status comes with its seat-map version: a change older than what the page knows of a seat
 * is ignored, so live messages and catch-up reads may arrive in any order. After a reconnect the
 * page asks only for the seats changed since the map it has (GET .../seats?since=...).
 */
(function () {
  'use strict';
  const event = decodeURIComponent(location.pathname.split('/')[2]);
  const $ = id => document.getElementById(id);
  const token = localStorage.getItem('foyer.token.' + event);
  const svgNs = 'http://www.w3.org/2000/svg';
  const seats = {};          // id -> {status, el, version}
  let generation = null;     // the seat map's generation and the version the page has read up to
  let version = 0;
  let catchingUp = null;     // live changes that arrive while a catch-up read is under way
  let wanted = [];           // seats the visitor wants held, in tap order
  let held = [];             // seats the current hold has
  let hold = null;           // {holdId, expiresAt}
  let pass = null;
  let visitor = null;
  let maxSeats = 4;
  let inFlight = false;
  let dirty = false;
  let bus = null;
  let backoff = 1000;

  $('back').href = '/events/' + encodeURIComponent(event);

  function api(method, path, body) {
    return fetch('/api/events/' + encodeURIComponent(event) + path, {
      method: method,
      headers: Object.assign({'Content-Type': 'application/json'}, pass ? {Authorization: 'Bearer ' + pass} : {}),
      body: body ? JSON.stringify(body) : undefined
    }).then(r => r.status === 204 ? {status: 204, body: {}} : r.json().then(b => ({status: r.status, body: b})));
  }

  function say(text) {
    $('message').textContent = text;
    $('message').hidden = !text;
  }

  function paint(id) {
    const seat = seats[id];
    if (!seat) return;
    let cls = seat.status;
    if (held.includes(id) && seat.status !== 'sold') cls = 'mine';
    else if (wanted.includes(id) && seat.status === 'free') cls = 'pending';
    seat.el.setAttribute('class', 'seat ' + cls);
  }

  function draw(list) {
    const svg = $('map');
    svg.innerHTML = '';
    const xs = list.map(s => s.x), ys = list.map(s => s.y);
    const minX = Math.min(...xs) - 1, minY = Math.min(...ys) - 1.5;
    const width = Math.max(...xs) - minX + 1, height = Math.max(...ys) - minY + 1;
    svg.setAttribute('viewBox', minX + ' ' + minY + ' ' + width + ' ' + height);
    const sections = {};
    list.forEach(s => {
      const c = document.createElementNS(svgNs, 'circle');
      c.setAttribute('cx', s.x);
      c.setAttribute('cy', s.y);
      c.setAttribute('r', 0.4);
      c.dataset.seat = s.id;
      const title = document.createElementNS(svgNs, 'title');
      title.textContent = 'Section ' + s.section + ', row ' + s.row + ', seat ' + s.number;
      c.appendChild(title);
      c.addEventListener('click', () => tap(s.id));
      svg.appendChild(c);
      seats[s.id] = {status: s.status, el: c, version: version};
      paint(s.id);
      if (!sections[s.section] || s.y < sections[s.section].y) sections[s.section] = {x: s.x, y: s.y};
    });
    Object.keys(sections).forEach(name => {
      const t = document.createElementNS(svgNs, 'text');
      t.setAttribute('x', sections[name].x - 0.4);
      t.setAttribute('y', sections[name].y - 0.7);
      t.textContent = name;
      svg.appendChild(t);
    });
  }

  function tap(id) {
    const seat = seats[id];
    if (wanted.includes(id)) {
      wanted = wanted.filter(s => s !== id);
    } else if (seat.status !== 'free' && !held.includes(id)) {
      say('That seat is not available.');
      return;
    } else if (wanted.length >= maxSeats) {
      say('You can hold up to ' + maxSeats + ' seats.');
      return;
    } else {
      wanted.push(id);
    }
    say('');
    paint(id);
    sync();
  }

  /** Makes the hold match the wanted seats; one request at a time, the latest wish wins. */
  function sync() {
    if (inFlight) { dirty = true; return; }
    inFlight = true;
    dirty = false;
    const asked = wanted.slice();
    const request = asked.length
      ? api('POST', '/holds', {seats: asked})
      : (hold ? api('DELETE', '/holds/' + hold.holdId) : Promise.resolve({status: 204, body: {}}));
    request.then(r => {
      if (r.status === 201) {
        hold = {holdId: r.body.holdId, expiresAt: r.body.expiresAt};
        setHeld(r.body.seats);
      } else if (r.status === 204) {
        hold = null;
        setHeld([]);
      } else if (r.status === 409 && r.body.error === 'seats_unavailable') {
        const lost = r.body.seats || [];
        wanted = wanted.filter(s => !lost.includes(s));
        lost.forEach(s => { if (seats[s] && seats[s].status === 'free') seats[s].status = 'held'; paint(s); });
        say((lost.length === 1 ? 'Seat ' + lost[0] + ' was' : 'Seats ' + lost.join(', ') + ' were') +
          ' just taken by someone else. Pick another.');
        if (wanted.join() !== held.join()) dirty = true;
      } else if (r.status === 403) {
        say('Your time to book is over.');
        wanted = [];
      } else {
        say(r.body.message || 'Something went wrong; try again.');
        wanted = held.slice();
      }
    }).catch(() => {
      say('Connection problem; try again.');
      wanted = held.slice();
    }).then(() => {
      inFlight = false;
      Object.keys(seats).forEach(paint);
      if (dirty) sync();
    });
  }

  function setHeld(list) {
    const before = held;
    held = list.slice();
    before.concat(held).forEach(paint);
    $('hold-seats').textContent = held.length ? held.join(', ') : 'No seats held yet.';
    $('confirm').disabled = !held.length;
    $('release').disabled = !held.length;
    $('hold-timer').hidden = !held.length;
  }

  function apply(c) {
    const seat = seats[c.seat];
    if (!seat || (c.version != null && seat.version >= c.version)) return;
    seat.status = c.status;
    if (c.version != null) seat.version = c.version;
    if (c.status === 'sold' && !held.includes(c.seat)) wanted = wanted.filter(s => s !== c.seat);
    paint(c.seat);
  }

  function onSeatMessage(m) {
    if (catchingUp) { catchingUp.push(m); return; }
    if (m.generation && generation && m.generation !== generation) { catchUp(); return; }
    m.changes.forEach(apply);
  }

  /** A whole map: drawn again if its seats are others, otherwise its statuses applied. */
  function takeMap(map) {
    const same = map.seats.length === Object.keys(seats).length && map.seats.every(s => seats[s.id]);
    if (map.generation !== generation) {
      // versions of another generation cannot be compared: the new map is the truth
      Object.keys(seats).forEach(id => { seats[id].version = -1; });
    }
    generation = map.generation;
    version = map.version;
    if (same) {
      map.seats.forEach(s => apply({seat: s.id, status: s.status, version: map.version}));
    } else {
      draw(map.seats);
    }
  }

  /** Catches up on what changed while the socket was away: the changes since the map the page has. */
  function catchUp() {
    if (catchingUp) return;
    catchingUp = [];
    const path = generation ? '/seats?since=' + encodeURIComponent(generation + '.' + version) : '/seats';
    api('GET', path).then(r => {
      if (r.status !== 200) return;
      if (r.body.changes) {
        r.body.changes.forEach(apply);
        version = r.body.version;
      } else if (r.body.seats) {
        takeMap(r.body);
      }
    }).catch(() => {}).then(() => {
      const queued = catchingUp;
      catchingUp = null;
      queued.forEach(onSeatMessage);
    });
  }

  function onVisitorMessage(m) {
    if (m.type === 'hold' && hold && m.holdId === hold.holdId && m.status === 'expired') {
      hold = null;
      wanted = [];
      setHeld([]);
      say('Your hold ran out and the seats were released. Pick again.');
    } else if (m.type === 'gone' && m.reason !== 'confirmed') {
      notAdmitted('Your time to book is over.');
    }
  }

  function notAdmitted(text) {
    $('booking').hidden = true;
    $('not-admitted-text').textContent = text;
    $('not-admitted').hidden = false;
    if (bus) bus.close();
    bus = null;
  }

  $('confirm').addEventListener('click', () => {
    if (!hold) return;
    $('confirm').disabled = true;
    api('POST', '/holds/' + hold.holdId + '/confirm').then(r => {
      if (r.status === 201) {
        $('booking').hidden = true;
        $('done').hidden = false;
        $('reservation').textContent = r.body.reservationId;
        $('reserved-seats').textContent = r.body.seats.join(', ');
        localStorage.removeItem('foyer.token.' + event);
        if (bus) bus.close();
        bus = null;
      } else if (r.status === 410) {
        hold = null;
        wanted = [];
        setHeld([]);
        say('Your hold had already run out. Pick again.');
      } else {
        $('confirm').disabled = false;
        say(r.body.message || 'Could not confirm; try again.');
      }
    }).catch(() => { $('confirm').disabled = false; say('Connection problem; try again.'); });
  });

  $('release').addEventListener('click', () => {
    wanted = [];
    Object.keys(seats).forEach(paint);
    sync();
  });

  function countdowns(activeUntil) {
    const tick = () => {
      const left = Math.max(0, Math.round((activeUntil - Date.now()) / 1000));
      $('time-left').textContent = Math.floor(left / 60) + ':' + String(left % 60).padStart(2, '0');
      if (hold) {
        const h = Math.max(0, Math.round((hold.expiresAt - Date.now()) / 1000));
        $('hold-left').textContent = Math.floor(h / 60) + ':' + String(h % 60).padStart(2, '0');
      }
    };
    tick();
    setInterval(tick, 250);
  }

  function connect() {
    const current = new FoyerBus('/eventbus', {pingInterval: 20000});
    bus = current;
    current.onopen = () => {
      backoff = 1000;
      $('connection').dataset.state = 'live';
      $('connection').textContent = 'Live';
      current.registerHandler('foyer.seats.' + event, {}, (err, msg) => { if (!err) onSeatMessage(msg.body); });
      current.registerHandler('foyer.visitor.' + visitor, {token: token}, (err, msg) => { if (!err) onVisitorMessage(msg.body); });
      catchUp();
    };
    current.onclose = () => {
      if (bus !== current) return;
      $('connection').dataset.state = 'offline';
      $('connection').textContent = 'Reconnecting…';
      setTimeout(connect, backoff + Math.random() * 500);
      backoff = Math.min(backoff * 2, 30000);
    };
  }

  async function start() {
    if (!token) return notAdmitted('You have not joined the line for this event yet.');
    const me = await fetch('/api/events/' + encodeURIComponent(event) + '/visitors/me',
      {headers: {Authorization: 'Bearer ' + token}}).then(r => r.ok ? r.json() : null).catch(() => null);
    if (!me || me.state !== 'active') {
      return notAdmitted(me && me.state === 'waiting' ? 'It is not your turn yet.' : 'You are not in the booking flow.');
    }
    pass = me.pass;
    visitor = me.visitor;
    const info = await fetch('/api/events/' + encodeURIComponent(event)).then(r => r.json());
    $('name').textContent = info.name;
    maxSeats = info.maxSeatsPerHold || 4;
    $('max').textContent = maxSeats;
    const map = await api('GET', '/seats');
    $('booking').hidden = false;
    generation = map.body.generation;
    version = map.body.version;
    draw(map.body.seats);
    countdowns(me.activeUntil);
    connect();
  }

  start();
})();
