/*
 * The console's audit log (GET /api/admin/audit): every change made through the admin API, newest
 * first, of the event open (or of all before one is opened), with who made it. Read again every few
 * seconds and after each change the console makes. Everything is shown as text.
 */
const $ = id => document.getElementById(id);
const REFRESH_MILLIS = 5000;
const words = {
  'event.create': 'created the event', 'event.update': 'changed the event', 'settings.update': 'changed settings',
  'gate.set': 'set the gate', 'sale.end': 'ended the sale', 'pass_keys.rotate': 'rotated the pass keys',
  'key.create': 'created a key', 'key.revoke': 'revoked a key', 'announcement.post': 'announced',
  'announcement.withdraw': 'withdrew the announcement'};
let api = null;
let event = null;
let timer = null;

function time(iso) {
  const d = new Date(iso);
  const today = d.toDateString() === new Date().toDateString();
  return (today ? '' : d.toLocaleDateString() + ' ') + d.toLocaleTimeString();
}

/** What changed, short: the details' fields as "key: value", long values cut. */
function what(details) {
  return Object.keys(details || {}).map(k => {
    const v = typeof details[k] === 'object' ? JSON.stringify(details[k]) : String(details[k]);
    return k + ': ' + (v.length > 80 ? v.slice(0, 77) + '…' : v);
  }).join(', ');
}

function cell(row, text, title) {
  const td = document.createElement('td');
  td.textContent = text;
  if (title) td.title = title;
  row.appendChild(td);
}

async function refresh() {
  if (!api) return;
  const asked = event;
  const r = await api('GET', '/api/admin/audit?limit=50' + (asked ? '&event=' + encodeURIComponent(asked) : ''))
    .catch(() => null);
  if (!r || r.status !== 200 || asked !== event) return;
  const rows = $('audit-rows');
  rows.textContent = '';
  r.body.entries.forEach(e => {
    const tr = document.createElement('tr');
    tr.dataset.action = e.action;
    cell(tr, time(e.at), e.at);
    cell(tr, e.key.name + ' (' + e.role + ')', 'key ' + e.key.id + (e.client ? ' from ' + e.client : ''));
    cell(tr, words[e.action] || e.action, e.action);
    cell(tr, e.event || '—');
    cell(tr, what(e.details), JSON.stringify(e.details));
    rows.appendChild(tr);
  });
  $('audit-empty').hidden = r.body.entries.length > 0;
}

function show(current) {
  event = current;
  $('audit-scope').textContent = current ? 'of ' + current : 'all events';
  refresh();
}

function wire(apiCall) {
  if (!api) $('audit-refresh').addEventListener('click', refresh);
  api = apiCall;
  clearInterval(timer);
  timer = setInterval(refresh, REFRESH_MILLIS);
  refresh();
}

export {wire, show, refresh};
