/*
 * The seat page: draws the map from the stored coordinates, keeps statuses live from
 * foyer.seats.{event}, and holds the seats you tap (one hold, replaced on every change), with
 * a countdown; confirm buys them. A tap that loses a race shows pending, then says so.
 * Every status comes with its seat-map version: a change older than what the page knows of a seat
 * is ignored, so live messages and catch-up reads may arrive in any order. After a reconnect the
 * page asks only for the seats changed since the map it has (GET .../seats?since=...).
 * Best available comes first (a count and a category or standing area); picking on the map second.
 * The map zooms and pans (drag, pinch, wheel, +/-); a tap picks a seat only once seats are at
 * least 24 CSS px across, before that it zooms in where it landed. The hold's clock never shows
 * more than the time left to book, and everything stops once booked.
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
  let activeUntil = 0;       // the end of the visitor's time to book
  let clock = null;          // the countdown's interval
  let categories = {};       // id -> {name, price, currency, index}
  let view = null;           // the map's viewBox {x, y, w, h}; bounds is the whole map
  let bounds = null;
  const MIN_TARGET_PX = 24;  // a seat is picked by a tap only at least this wide on screen
  const ZOOM_TO_PX = 36;     // a tap on a smaller map zooms in to this

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
    seat.el.setAttribute('class', 'seat ' + cls + seat.marks);
  }

  function money(amount, currency) {
    if (amount == null || !currency) return '';
    try {
      return new Intl.NumberFormat(undefined, {style: 'currency', currency: currency}).format(amount / 100);
    } catch (e) {
      return (amount / 100).toFixed(2) + ' ' + currency;
    }
  }

  /** The categories and standing areas: legend entries and best-available choices. */
  function takeExtras(map) {
    categories = {};
    const what = $('best-what');
    while (what.options.length > 1) what.remove(1);
    $('legend').querySelectorAll('.extra').forEach(e => e.remove());
    (map.categories || []).forEach((c, i) => {
      categories[c.id] = {name: c.name, price: c.price, currency: c.currency, index: (i % 6) + 1};
      what.add(new Option(c.name + ' · ' + money(c.price, c.currency), c.id));
      legend('dot cat' + ((i % 6) + 1), c.name + ' ' + money(c.price, c.currency));
    });
    (map.standing || []).forEach(a => {
      const c = categories[a.category];
      what.add(new Option('Standing: ' + a.section + (c ? ' · ' + money(c.price, c.currency) : ''), 'standing:' + a.section));
    });
    if (map.seats.some(s => s.accessible)) legend('dot access', 'wheelchair / companion');
  }

  function legend(cls, text) {
    const span = document.createElement('span');
    span.className = 'extra';
    const dot = document.createElement('i');
    dot.className = cls;
    span.appendChild(dot);
    span.appendChild(document.createTextNode(text));
    $('legend').appendChild(span);
  }

  function draw(list, areas) {
    const svg = $('map');
    svg.innerHTML = '';
    const xs = list.map(s => s.x), ys = list.map(s => s.y);
    (areas || []).forEach(a => { xs.push(a.x, a.x + a.width); ys.push(a.y, a.y + a.height); });
    const minX = Math.min(...xs) - 1, minY = Math.min(...ys) - 1.5;
    bounds = {x: minX, y: minY, w: Math.max(...xs) - minX + 1, h: Math.max(...ys) - minY + 1};
    fit();
    const sections = {};
    (areas || []).forEach(a => {
      const r = document.createElementNS(svgNs, 'rect');
      r.setAttribute('x', a.x - 0.5);
      r.setAttribute('y', a.y - 0.5);
      r.setAttribute('width', a.width);
      r.setAttribute('height', a.height);
      r.setAttribute('rx', 0.4);
      r.setAttribute('class', 'area');
      r.dataset.area = a.section;
      svg.appendChild(r);
      const t = document.createElementNS(svgNs, 'text');
      t.setAttribute('x', a.x);
      t.setAttribute('y', a.y + a.height / 2);
      t.setAttribute('class', 'area-label');
      t.textContent = a.section + ' · standing';
      svg.appendChild(t);
    });
    list.forEach(s => {
      const c = document.createElementNS(svgNs, 'circle');
      c.setAttribute('cx', s.x);
      c.setAttribute('cy', s.y);
      // with its stroke the seat fills its whole 1 x 1 cell: the tap target is the cell
      c.setAttribute('r', 0.45);
      c.dataset.seat = s.id;
      const title = document.createElementNS(svgNs, 'title');
      const cat = s.category && categories[s.category];
      title.textContent = 'Section ' + s.section + ', row ' + s.row + ', seat ' + s.number
        + (cat ? ' · ' + cat.name + ' ' + money(cat.price, cat.currency) : '')
        + (s.accessible ? ' · ' + s.accessible + ' seat' : '');
      c.appendChild(title);
      svg.appendChild(c);
      seats[s.id] = {status: s.status, el: c, version: version,
        marks: (cat ? ' cat' + cat.index : '') + (s.accessible ? ' ' + s.accessible : '')};
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

  /* Zoom and pan: the viewBox is the camera. */
  function pxPerUnit() {
    return $('map').clientWidth / view.w;
  }

  function setView(v) {
    const svg = $('map');
    const aspect = svg.clientHeight / Math.max(1, svg.clientWidth);
    const w = Math.min(Math.max(v.w, 4), Math.max(bounds.w, bounds.h / aspect) * 1.2);
    const h = w * aspect;
    const cx = Math.min(Math.max(v.x + v.w / 2, bounds.x), bounds.x + bounds.w);
    const cy = Math.min(Math.max(v.y + v.h / 2, bounds.y), bounds.y + bounds.h);
    view = {x: cx - w / 2, y: cy - h / 2, w: w, h: h};
    svg.setAttribute('viewBox', view.x + ' ' + view.y + ' ' + view.w + ' ' + view.h);
  }

  function fit() {
    const svg = $('map');
    const aspect = svg.clientHeight / Math.max(1, svg.clientWidth);
    const w = Math.max(bounds.w, bounds.h / aspect);
    setView({x: bounds.x + bounds.w / 2 - w / 2, y: bounds.y + bounds.h / 2 - w * aspect / 2, w: w, h: w * aspect});
  }

  /** Zooms by `factor` (above 1: closer) keeping the map point under (px, py) where it is. */
  function zoom(factor, px, py) {
    const svg = $('map');
    const rect = svg.getBoundingClientRect();
    const fx = px == null ? 0.5 : (px - rect.left) / rect.width;
    const fy = py == null ? 0.5 : (py - rect.top) / rect.height;
    const ux = view.x + fx * view.w, uy = view.y + fy * view.h;
    const w = view.w / factor, h = view.h / factor;
    setView({x: ux - fx * w, y: uy - fy * h, w: w, h: h});
  }

  function panBy(dxPx, dyPx) {
    const k = pxPerUnit();
    setView({x: view.x - dxPx / k, y: view.y - dyPx / k, w: view.w, h: view.h});
  }

  const pointers = new Map();
  let gesture = null;        // {moved, distance} while fingers or a mouse are down
  function pointerDown(e) {
    pointers.set(e.pointerId, {x: e.clientX, y: e.clientY});
    if (!gesture) gesture = {moved: 0, distance: null, target: e.target};
    try {
      $('map').setPointerCapture(e.pointerId); // keeps a drag that leaves the map going
    } catch (err) {
      // a pointer the browser does not track (an emulated one) simply goes uncaptured
    }
    if (pointers.size === 2) gesture.distance = spread();
  }
  function spread() {
    const [a, b] = [...pointers.values()];
    return Math.hypot(a.x - b.x, a.y - b.y);
  }
  function pointerMove(e) {
    const before = pointers.get(e.pointerId);
    if (!before || !gesture) return;
    const now = {x: e.clientX, y: e.clientY};
    pointers.set(e.pointerId, now);
    if (pointers.size === 2) {
      const d = spread();
      const [a, b] = [...pointers.values()];
      if (gesture.distance) zoom(d / gesture.distance, (a.x + b.x) / 2, (a.y + b.y) / 2);
      gesture.distance = d;
      gesture.moved += 100;
    } else {
      panBy(now.x - before.x, now.y - before.y);
      gesture.moved += Math.abs(now.x - before.x) + Math.abs(now.y - before.y);
    }
  }
  function pointerUp(e) {
    pointers.delete(e.pointerId);
    if (pointers.size > 0 || !gesture) return;
    const g = gesture;
    gesture = null;
    if (g.moved < 8) pick(g.target, e.clientX, e.clientY);
  }

  /** A tap: on a seat big enough to aim at, picks it; on a small map, zooms in where it landed. */
  function pick(target, x, y) {
    const area = target && target.dataset && target.dataset.area;
    if (area) {
      $('best-what').value = 'standing:' + area;
      $('best-card').scrollIntoView({block: 'nearest'});
      return;
    }
    if (pxPerUnit() < MIN_TARGET_PX) {
      zoom(ZOOM_TO_PX / pxPerUnit(), x, y);
      return;
    }
    const id = target && target.dataset && target.dataset.seat;
    if (id) tap(id);
  }

  function tap(id) {
    const seat = seats[id];
    if (!seat) return;
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
        setHeld(r.body.seats, r.body);
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
      } else if (r.status === 400 && r.body.error === 'companion_without_wheelchair') {
        say('A companion seat goes with the wheelchair seat next to it: pick that one too.');
        wanted = held.slice();
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

  function setHeld(list, answer) {
    const before = held;
    held = list.slice();
    before.concat(held).forEach(paint);
    const standing = answer && answer.standing;
    $('hold-seats').textContent = standing ? standing.count + ' standing in ' + standing.section
      : held.length ? held.join(', ') : 'No seats held yet.';
    $('hold-price').textContent = answer && answer.total && (held.length || standing)
      ? 'Total ' + money(answer.total.amount, answer.total.currency) : '';
    const any = held.length > 0 || !!standing;
    $('confirm').disabled = !any;
    $('release').disabled = !any;
    $('hold-timer').hidden = !any;
    tick();
  }

  /** Best available: the count and category (or standing area) asked for, held in one step. */
  function findBest() {
    const count = Number($('best-count').value);
    const what = $('best-what').value;
    const body = what.startsWith('standing:')
      ? {standing: {section: what.slice(9), count: count}}
      : {best: Object.assign({count: count}, what ? {category: what} : {})};
    $('find').disabled = true;
    api('POST', '/holds', body).then(r => {
      if (r.status === 201) {
        hold = {holdId: r.body.holdId, expiresAt: r.body.expiresAt};
        wanted = r.body.seats.slice();
        setHeld(r.body.seats, r.body);
        say(placementText(r.body));
      } else if (r.status === 409 && (r.body.error === 'not_enough_seats' || r.body.error === 'standing_full')) {
        say(r.body.error === 'standing_full'
          ? 'Only ' + r.body.left + ' standing places are left there.'
          : 'There are not ' + count + ' seats left together' + (what ? ' in that category' : '') + '. Try fewer, or pick on the map.');
      } else if (r.status === 403) {
        say('Your time to book is over.');
      } else {
        say(r.body.message || 'Something went wrong; try again.');
      }
    }).catch(() => say('Connection problem; try again.')).then(() => { $('find').disabled = false; });
  }

  function placementText(body) {
    if (body.standing) return body.standing.count + ' standing places are yours for now.';
    const where = body.otherSection ? ' (not in the section you asked for: it was full)' : '';
    if (body.placement === 'together') return 'Found ' + body.seats.length + ' seats together' + where + '.';
    if (body.placement === 'split') return 'No row had ' + body.seats.length + ' together: these are over two rows, one behind the other' + where + '.';
    if (body.placement === 'orphan_allowed') return 'These were the last seats together; they leave a single seat free beside them' + where + '.';
    return '';
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
      takeExtras(map);
      draw(map.seats, map.standing);
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
        booked();
        $('reservation').textContent = r.body.reservationId;
        $('reserved-seats').textContent = r.body.standing
          ? r.body.standing.count + ' standing in ' + r.body.standing.section : r.body.seats.join(', ');
        $('reserved-price').textContent = r.body.total ? 'Paid ' + money(r.body.total.amount, r.body.total.currency) : '';
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

  $('find').addEventListener('click', findBest);
  $('zoom-in').addEventListener('click', () => zoom(1.6));
  $('zoom-out').addEventListener('click', () => zoom(1 / 1.6));
  $('zoom-fit').addEventListener('click', fit);
  // a phone turned, a window resized: the whole map again
  window.addEventListener('resize', () => { if (bounds) fit(); });
  const svgEl = $('map');
  svgEl.addEventListener('pointerdown', pointerDown);
  svgEl.addEventListener('pointermove', pointerMove);
  svgEl.addEventListener('pointerup', pointerUp);
  svgEl.addEventListener('pointercancel', e => { pointers.delete(e.pointerId); gesture = null; });
  svgEl.addEventListener('wheel', e => { e.preventDefault(); zoom(e.deltaY < 0 ? 1.2 : 1 / 1.2, e.clientX, e.clientY); },
    {passive: false});
  // a click that no pointer gesture made (a keyboard, assistive technology, a script) picks as a tap would
  svgEl.addEventListener('click', e => { if (e.detail === 0 || !e.isTrusted) pick(e.target, e.clientX, e.clientY); });

  $('release').addEventListener('click', () => {
    wanted = [];
    Object.keys(seats).forEach(paint);
    sync();
  });

  function mmss(ms) {
    const left = Math.max(0, Math.round(ms / 1000));
    return Math.floor(left / 60) + ':' + String(left % 60).padStart(2, '0');
  }

  /** The clocks: the hold never shows more than the time left to book, which ends it anyway. */
  function tick() {
    if (!activeUntil) return;
    $('time-left').textContent = mmss(activeUntil - Date.now());
    if (hold) $('hold-left').textContent = mmss(Math.min(hold.expiresAt, activeUntil) - Date.now());
  }

  function countdowns() {
    tick();
    clock = setInterval(tick, 250);
  }

  /** Booked: the clocks stop, the socket closes, nothing says Live any more. */
  function booked() {
    if (clock) clearInterval(clock);
    clock = null;
    $('clock-line').hidden = true;
    $('connection').dataset.state = 'done';
    $('connection').textContent = 'Booked';
    $('booking').hidden = true;
    $('done').hidden = false;
    localStorage.removeItem('foyer.token.' + event);
    const closing = bus;
    bus = null;
    if (closing) closing.close();
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
    for (let n = 1; n <= maxSeats; n++) $('best-count').add(new Option(String(n), String(n), n === 2, n === 2));
    const map = await api('GET', '/seats');
    $('booking').hidden = false;
    generation = map.body.generation;
    version = map.body.version;
    takeExtras(map.body);
    draw(map.body.seats, map.body.standing);
    activeUntil = me.activeUntil;
    countdowns();
    connect();
  }

  start();
})();
