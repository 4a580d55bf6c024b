/*
 * The admin console: the key (the bootstrap admin's or an operator key) lives in this tab's
 * sessionStorage only. Numbers come live from the event's progress broadcast (foyer.event.{event})
 * and, every few seconds, from the admin stats. A call the key's role may not make is answered 403,
 * and its message shown where the call was made.
 */
import * as sale from './admin-sale.js';
import * as report from './admin-report.js';
import * as announce from './admin-announce.js';
import * as audit from './admin-audit.js';
import * as operatorKeys from './admin-keys.js';

const $ = id => document.getElementById(id);
const WINDOW_SECONDS = 300;
let key = sessionStorage.getItem('foyer.adminKey');
let current = null;          // event id
let bus = null;
let samples = [];            // {at, waiting, active, admittedTotal, rate}
let statsTimer = null;
let paused = false;

function api(method, path, body) {
  return fetch(path, {method: method, headers: {Authorization: 'Bearer ' + key, 'Content-Type': 'application/json'},
    body: body ? JSON.stringify(body) : undefined})
    .then(r => r.text().then(t => ({status: r.status, body: t ? JSON.parse(t) : {}})));
}

function say(id, text) {
  $(id).textContent = text;
  $(id).hidden = !text;
}

sale.wire(api, () => current, say);
report.wire(api);
announce.wire(api, () => current, say);

async function signIn(candidate) {
  key = candidate;
  const r = await api('GET', '/api/admin/events');
  if (r.status !== 200) {
    sessionStorage.removeItem('foyer.adminKey');
    $('login-form').hidden = false;
    $('console').hidden = true;
    say('login-error', r.status === 401 ? 'That key is not right, or it was revoked.'
      : (r.body.message || 'Could not reach foyer (' + r.status + ').'));
    return;
  }
  sessionStorage.setItem('foyer.adminKey', key);
  $('login-form').hidden = true;
  $('console').hidden = false;
  listEvents(r.body.events);
  operatorKeys.wire(api);
  audit.wire(api);
}

function listEvents(events) {
  const box = $('events');
  box.innerHTML = '';
  if (!events.length) box.textContent = 'No events yet.';
  events.forEach(e => {
    const b = document.createElement('button');
    b.className = 'secondary';
    b.textContent = e.name + ' (' + e.id + ')';
    b.dataset.event = e.id;
    b.addEventListener('click', () => open(e.id, e.name));
    box.appendChild(b);
  });
}

function open(event, name) {
  current = event;
  samples = [];
  $('event-view').hidden = false;
  $('event-name').textContent = name;
  const closing = bus;
  bus = null;
  if (closing) closing.close();
  const forced = new URLSearchParams(location.search).get('transports');
  // the bridge's endpoint with the 25 s heartbeat: this page knows a lost socket by its close
  const opened = new EventBus('/eventbus/v2',
    Object.assign({vertxbus_ping_interval: 20000}, forced ? {transports: forced.split(',')} : {}));
  bus = opened;
  opened.onopen = () => {
    $('connection').dataset.state = 'live';
    $('connection').textContent = 'Live';
    opened.registerHandler('foyer.event.' + event, {}, (err, msg) => {
      if (err) return;
      if (msg.body.type === 'progress') onProgress(msg.body);
      else if (msg.body.type === 'announcement') announce.heard(msg.body);
    });
  };
  opened.onclose = () => {
    if (bus !== opened) return;
    $('connection').dataset.state = 'offline';
    $('connection').textContent = 'Reconnecting…';
    setTimeout(() => { if (current === event && bus === opened) open(event, name); }, 2000);
  };
  announce.show(api, event);
  audit.show(event);
  clearInterval(statsTimer);
  refreshStats();
  report.open(event);
  statsTimer = setInterval(refreshStats, 3000);
}

function onProgress(p) {
  samples.push({at: p.at, waiting: p.waiting, active: p.active, admittedTotal: p.admittedTotal, traffic: p.rate || 0});
  const cutoff = p.at - WINDOW_SECONDS * 1000;
  samples = samples.filter(s => s.at >= cutoff);
  // admissions a minute over the last 10 seconds of progress
  const recent = samples.filter(s => s.at >= p.at - 10000);
  const first = recent[0];
  const perMinute = recent.length > 1 && p.at > first.at
    ? Math.round((p.admittedTotal - first.admittedTotal) * 60000 / (p.at - first.at)) : 0;
  samples[samples.length - 1].rate = perMinute;
  $('waiting').textContent = p.waiting;
  $('active').textContent = p.active;
  $('admitted').textContent = p.admittedTotal;
  $('rate').textContent = perMinute;
  $('eta').textContent = perMinute > 0 ? formatWait(p.waiting * 60 / perMinute) : (p.waiting ? '—' : '0');
  $('gate').textContent = p.queueing ? 'queueing' : 'open';
  $('traffic').textContent = p.rate || 0;
  chart('chart-waiting', 'waiting');
  chart('chart-active', 'active');
  chart('chart-rate', 'rate');
  chart('chart-traffic', 'traffic');
}

function formatWait(seconds) {
  if (seconds < 60) return Math.round(seconds) + ' s';
  if (seconds < 3600) return Math.round(seconds / 60) + ' min';
  return Math.floor(seconds / 3600) + ' h ' + Math.round((seconds % 3600) / 60) + ' min';
}

function chart(id, field) {
  const svg = $(id);
  if (samples.length < 2) return;
  const t0 = samples[0].at, t1 = samples[samples.length - 1].at;
  const max = Math.max(1, ...samples.map(s => s[field] || 0));
  const points = samples.map(s => {
    const x = t1 > t0 ? (s.at - t0) * 300 / (t1 - t0) : 0;
    const y = 58 - (s[field] || 0) * 54 / max;
    return x.toFixed(1) + ',' + y.toFixed(1);
  }).join(' ');
  svg.innerHTML = '<polyline points="' + points + '"></polyline>';
}

async function refreshStats() {
  if (!current) return;
  const event = current;
  const r = await api('GET', '/api/admin/events/' + encodeURIComponent(event) + '/stats').catch(() => null);
  if (!r || r.status !== 200 || event !== current) return;
  const s = r.body;
  $('seats-free').textContent = s.seats.free;
  $('seats-held').textContent = s.seats.held;
  $('seats-sold').textContent = s.seats.sold;
  $('completed').textContent = s.completed;
  sale.show(s);
  if (document.activeElement !== $('gate-mode')) $('gate-mode').value = s.gate.mode;
  if (document.activeElement !== $('max-active') && !$('max-active').dataset.dirty) $('max-active').value = s.settings.maxActive;
  if (document.activeElement !== $('admit-per-minute') && !$('admit-per-minute').dataset.dirty) {
    $('admit-per-minute').value = s.settings.admitPerMinute;
  }
  ['return-urls', 'cors-origins'].forEach(id => {
    const key = id === 'return-urls' ? 'returnUrls' : 'corsOrigins';
    if (document.activeElement !== $(id) && !$(id).dataset.dirty) $(id).value = (s.settings[key] || []).join('\n');
  });
  showBots(s.settings);
  paused = s.settings.paused;
  $('pause').textContent = paused ? 'Resume admission' : 'Pause admission';
}

// proof of work, limits per client, identity: their own row and button, so neither Apply sends the other's
const botFields = {
  'pow-mode': st => st.pow.mode, 'pow-difficulty': st => st.pow.difficulty,
  'joins-per-address': st => st.limits.joinsPerAddress, 'holds-per-address': st => st.limits.holdsPerAddress,
  'identity-mode': st => st.identity.mode};

function showBots(settings) {
  Object.keys(botFields).forEach(id => {
    if (document.activeElement !== $(id) && !$(id).dataset.dirty) $(id).value = botFields[id](settings);
  });
}

Object.keys(botFields).forEach(id => $(id).addEventListener('input', () => { $(id).dataset.dirty = '1'; }));

$('apply-bots').addEventListener('click', async () => {
  const settings = {
    pow: {mode: $('pow-mode').value, difficulty: parseInt($('pow-difficulty').value, 10)},
    limits: {joinsPerAddress: parseInt($('joins-per-address').value, 10),
      holdsPerAddress: parseInt($('holds-per-address').value, 10)},
    identity: {mode: $('identity-mode').value}};
  const r = await api('PUT', '/api/admin/events/' + encodeURIComponent(current) + '/settings', settings);
  Object.keys(botFields).forEach(id => delete $(id).dataset.dirty);
  say('bots-message', r.status === 200 ? 'Applied on every node.' : r.body.message);
  refreshStats();
});

['max-active', 'admit-per-minute'].forEach(id => $(id).addEventListener('input', () => { $(id).dataset.dirty = '1'; }));

$('apply').addEventListener('click', async () => {
  const settings = {maxActive: parseInt($('max-active').value, 10), admitPerMinute: parseInt($('admit-per-minute').value, 10)};
  const gate = await api('PUT', '/api/admin/events/' + encodeURIComponent(current) + '/gate', {mode: $('gate-mode').value});
  const r = await api('PUT', '/api/admin/events/' + encodeURIComponent(current) + '/settings', settings);
  delete $('max-active').dataset.dirty;
  delete $('admit-per-minute').dataset.dirty;
  say('control-message', r.status === 200 && gate.status === 200 ? 'Applied on every node.' : (r.body.message || gate.body.message));
  refreshStats();
});

['return-urls', 'cors-origins'].forEach(id => $(id).addEventListener('input', () => { $(id).dataset.dirty = '1'; }));
const lines = id => $(id).value.split('\n').map(l => l.trim()).filter(l => l);

$('save-sites').addEventListener('click', async () => {
  const r = await api('PUT', '/api/admin/events/' + encodeURIComponent(current) + '/settings',
    {returnUrls: lines('return-urls'), corsOrigins: lines('cors-origins')});
  if (r.status === 200) {
    delete $('return-urls').dataset.dirty;
    delete $('cors-origins').dataset.dirty;
  }
  say('sites-message', r.status === 200 ? 'Saved: visitors may go back to ' + (r.body.settings.returnUrls.length || 'no')
    + ' site URL(s).' : r.body.message);
  refreshStats();
});

$('pause').addEventListener('click', async () => {
  const r = await api('PUT', '/api/admin/events/' + encodeURIComponent(current) + '/settings', {paused: !paused});
  say('control-message', r.status === 200 ? (r.body.settings.paused ? 'Admission paused.' : 'Admission resumed.') : r.body.message);
  refreshStats();
});

/** "A:10x20, B:5x10" -> {sections: [{name: "A", rows: 10, seatsPerRow: 20}, ...]} */
function layout(spec) {
  return {sections: spec.split(',').map(part => {
    const m = part.trim().match(/^([A-Za-z0-9]{1,16}):(\d+)x(\d+)$/);
    if (!m) throw new Error('Seats look like "A:10x20, B:5x10" (section:rows x seats per row).');
    return {name: m[1], rows: parseInt(m[2], 10), seatsPerRow: parseInt(m[3], 10)};
  })};
}

$('create-form').addEventListener('submit', async e => {
  e.preventDefault();
  let body;
  try {
    body = {name: $('new-name').value, seats: layout($('new-layout').value)};
  } catch (err) {
    return say('create-message', err.message);
  }
  if ($('new-opens').value) body.opensAt = new Date($('new-opens').value).toISOString();
  const r = await api('PUT', '/api/admin/events/' + encodeURIComponent($('new-id').value.trim()), body);
  say('create-message', r.status === 201 ? 'Created.' : r.status === 200 ? 'Updated.' : (r.body.message || 'Failed.'));
  const list = await api('GET', '/api/admin/events');
  if (list.status === 200) listEvents(list.body.events);
});

$('sign-out').addEventListener('click', () => {
  sessionStorage.removeItem('foyer.adminKey');
  location.reload();
});

$('login-form').addEventListener('submit', e => {
  e.preventDefault();
  signIn($('key').value);
});

if (key) signIn(key); else $('login-form').hidden = false;
