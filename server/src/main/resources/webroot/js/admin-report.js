/*
 * The console's report of the sale (GET /api/admin/events/{event}/report, read again every 15 s
 * while the event is open): the whole sale's figures, per-minute charts (js/admin-charts.js), what
 * each category sold, and the report and the list of sales as CSV files.
 */
import * as charts from './admin-charts.js';

const $ = id => document.getElementById(id);
const REFRESH_MILLIS = 15000;
const REASONS = {left: 'left', away: 'away too long', disconnected: 'disconnected', expired: 'time ran out',
  completed: 'completed on the site', confirmed: 'bought'};
let api = null;
let current = null;
let timer = null;

function money(currency) {
  if (!currency) return {digits: 0, text: v => String(v), unit: 'amount'};
  const f = new Intl.NumberFormat(undefined, {style: 'currency', currency: currency});
  const digits = f.resolvedOptions().maximumFractionDigits;
  return {digits: digits, text: v => f.format(v / Math.pow(10, digits)),
    axis: v => (v / Math.pow(10, digits)).toLocaleString(), unit: currency};
}

function waitText(seconds) {
  if (seconds === null || seconds === undefined) return '–';
  if (seconds < 60) return seconds + ' s';
  const two = n => String(n).padStart(2, '0');
  if (seconds < 3600) return Math.floor(seconds / 60) + ':' + two(seconds % 60) + ' min';
  return Math.floor(seconds / 3600) + ':' + two(Math.floor((seconds % 3600) / 60)) + ' h';
}

/** One series per key of `pick(minute)` (an object of figures), named by `names` where it can. */
function seriesOf(minutes, pick, keys, names) {
  return keys.map(k => {
    const values = {};
    minutes.forEach(m => { values[m.at] = (pick(m) || {})[k] || 0; });
    return {name: (names && names[k]) || k, values: values};
  });
}

function plain(minutes, figures, names) {
  return figures.map(f => {
    const values = {};
    minutes.forEach(m => { values[m.at] = m[f]; });
    return {name: names[f], values: values};
  });
}

function chart(id, spec) {
  const svg = $(id);
  charts.draw(svg, spec);
  charts.legend($(id + '-legend'), spec.series);
  svg.setAttribute('aria-label', spec.title + ' per minute, ' + spec.unit);
}

function show(report) {
  const t = report.totals;
  const cash = money(report.currency);
  $('r-joins').textContent = t.joins;
  $('r-admissions').textContent = t.admissions;
  $('r-buyers').textContent = t.purchases;
  $('r-conversion').textContent = report.conversion.rate === null ? '–'
    : (report.conversion.rate * 100).toFixed(1) + ' %';
  $('r-wait-median').textContent = waitText(report.wait.medianSeconds);
  $('r-wait-p90').textContent = waitText(report.wait.p90Seconds);
  $('r-seats').textContent = t.seats;
  $('r-revenue').textContent = cash.text(t.revenue);

  const minutes = report.minutes.map(m => Object.assign({at: Math.floor(Date.parse(m.minute) / 60000)}, m));
  const empty = !minutes.length;
  $('report-empty').hidden = !empty;
  $('report-charts').hidden = empty;
  if (!empty) {
    const from = minutes[0].at, to = minutes[minutes.length - 1].at;
    const per = 'visitors / min';
    chart('report-flow', {title: 'Joins and admissions', from: from, to: to, kind: 'lines', unit: per,
      series: plain(minutes, ['joins', 'admissions'], {joins: 'joined', admissions: 'admitted'})});
    chart('report-departures', {title: 'Departures', from: from, to: to, kind: 'bars', unit: per,
      series: seriesOf(minutes, m => m.departures, Object.keys(t.departures), REASONS)});
    chart('report-holds', {title: 'Holds and purchases', from: from, to: to, kind: 'lines',
      unit: 'holds, purchases / min',
      series: plain(minutes, ['holds', 'purchases'], {holds: 'holds made', purchases: 'purchases'})});
    const names = {};
    report.categories.forEach(c => { names[c.id] = c.name; });
    const sold = Object.keys(t.sold);
    chart('report-revenue', {title: 'Revenue', from: from, to: to, kind: 'bars',
      unit: cash.unit + ' / min', format: cash.axis,
      series: seriesOf(minutes, m => {
        const r = {};
        Object.keys(m.sold).forEach(c => { r[c] = m.sold[c].revenue; });
        return r;
      }, sold, names)});
    chart('report-refusals', {title: 'Refusals', from: from, to: to, kind: 'bars', unit: 'refusals / min',
      series: seriesOf(minutes, m => m.refusals, Object.keys(t.refusals))});
  }
  soldTable(report, cash);
}

function soldTable(report, cash) {
  const body = $('report-sold');
  body.textContent = '';
  const ids = report.categories.map(c => c.id);
  Object.keys(report.totals.sold).forEach(c => { if (ids.indexOf(c) < 0) ids.push(c); });
  ids.forEach(id => {
    const c = report.categories.find(x => x.id === id) || {id: id, name: id === '-' ? 'no category' : id};
    const s = report.totals.sold[id] || {seats: 0, revenue: 0};
    const row = document.createElement('tr');
    [c.name, c.price === null || c.price === undefined ? '–' : cash.text(c.price), String(s.seats),
      cash.text(s.revenue)].forEach((text, i) => {
      const cell = document.createElement('td');
      cell.textContent = text;
      if (i > 0) cell.className = 'num';
      row.appendChild(cell);
    });
    body.appendChild(row);
  });
}

async function load() {
  if (!current) return;
  const event = current;
  const r = await api('GET', '/api/admin/events/' + encodeURIComponent(event) + '/report').catch(() => null);
  if (event !== current) return;
  if (!r || r.status !== 200) {
    say(r && r.body.message ? r.body.message : 'The report could not be read; it is tried again shortly.');
    return;
  }
  say('');
  show(r.body);
  $('report-updated').textContent = 'as of ' + new Date().toLocaleTimeString();
}

function say(text) {
  $('report-message').textContent = text;
  $('report-message').hidden = !text;
}

/** A CSV answer read with the admin key, then saved as a file. */
async function download(path, name) {
  const response = await fetch(path, {headers: {Authorization: 'Bearer ' + sessionStorage.getItem('foyer.adminKey')}})
    .catch(() => null);
  if (!response || response.status !== 200) {
    say('The file could not be read (' + (response ? response.status : 'no answer') + ').');
    return;
  }
  const url = URL.createObjectURL(await response.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

function wire(apiCall) {
  api = apiCall;
  $('report-refresh').addEventListener('click', load);
  $('report-csv').addEventListener('click', () => download('/api/admin/events/' + encodeURIComponent(current)
    + '/report?format=csv', current + '-report.csv'));
  $('sales-csv').addEventListener('click', () => download('/api/admin/events/' + encodeURIComponent(current)
    + '/reservations?format=csv&limit=10000', current + '-reservations.csv'));
}

function open(event) {
  current = event;
  clearInterval(timer);
  load();
  timer = setInterval(load, REFRESH_MILLIS);
}

export {wire, open, load};
