/*
 * The seat page: who may book (the visitor's queue token and pass), the clocks, and the parts:
 * the map (map.js) and its camera (camera.js), the hold (basket.js), live statuses (live.js).
 * Best available comes first (a count and a category or standing area); picking on the map second.
 * The hold's clock never shows more than the time left to book, and everything stops once booked.
 */
import {eventApi, money, I18n} from './api.js';
import {SeatMap} from './map.js';
import {Camera} from './camera.js';
import {Basket} from './basket.js';
import {LiveSeats, connect} from './live.js';
import {StockView} from './stock.js';

const $ = id => document.getElementById(id);
const event = decodeURIComponent(location.pathname.split('/')[2]);
const token = localStorage.getItem('foyer.token.' + event);
const api = eventApi(event);

let activeUntil = 0;       // the end of the visitor's time to book
let clock = null;          // the countdown's interval
let socket = null;

/** A message: a js/i18n.js key and its vars, or (the server's own words) a plain text; '' for none. */
function say(key, vars, text) {
  if (text) I18n.plain($('message'), text);
  else if (key) I18n.set($('message'), key, vars);
  else I18n.plain($('message'), '');
  $('message').hidden = !key && !text;
}

const stock = new StockView(document);
const basket = new Basket(document, api, say, tick, stock);
const map = new SeatMap(document, (id, status) => basket.look(id, status), id => basket.sold(id));
basket.map = map;
const camera = new Camera($('map'), id => basket.tap(id), area => {
  $('best-what').value = 'standing:' + area;
  $('best-card').scrollIntoView({block: 'nearest'});
});
const live = new LiveSeats(api, map, drawMap);

$('back').href = '/events/' + encodeURIComponent(event);

function drawMap(body) {
  map.takeExtras(body);
  camera.show(map.draw(body.seats, body.standing, live.version));
}

function mmss(ms) {
  const left = Math.max(0, Math.round(ms / 1000));
  return Math.floor(left / 60) + ':' + String(left % 60).padStart(2, '0');
}

/** The clocks: the hold never shows more than the time left to book, which ends it anyway. */
function tick() {
  if (!activeUntil) return;
  $('time-left').textContent = mmss(activeUntil - Date.now());
  if (basket.hold) $('hold-left').textContent = mmss(Math.min(basket.hold.expiresAt, activeUntil) - Date.now());
}

function notAdmitted(key) {
  $('booking').hidden = true;
  I18n.set($('not-admitted-text'), key);
  $('not-admitted').hidden = false;
  closeSocket();
}

function closeSocket() {
  if (socket) socket.close();
  socket = null;
}

/** Booked: the clocks stop, the socket closes, nothing says Live any more. */
function booked(answer) {
  if (clock) clearInterval(clock);
  clock = null;
  $('clock-line').hidden = true;
  $('connection').dataset.state = 'done';
  I18n.set($('connection'), 'conn.booked');
  $('booking').hidden = true;
  $('done').hidden = false;
  $('reservation').textContent = answer.reservationId;
  if (answer.standing) {
    I18n.set($('reserved-seats'), 'seats.standingIn', {n: answer.standing.count, section: answer.standing.section});
  } else {
    I18n.plain($('reserved-seats'), answer.seats.join(', '));
  }
  if (answer.total) I18n.set($('reserved-price'), 'seats.paid', {amount: () => money(answer.total.amount, answer.total.currency)});
  localStorage.removeItem('foyer.token.' + event);
  closeSocket();
}

/** The organiser's announcement: ids only grow, and a withdrawal (null message) of the one shown is final. */
let announced = {id: 0, message: null};
function announce(m) {
  if (m.id < announced.id || (m.id === announced.id && announced.message === null)) return;
  announced = {id: m.id, message: m.message || null};
  $('announcement-text').textContent = announced.message || '';
  $('announcement').hidden = !announced.message;
}

function onVisitorMessage(m) {
  if (m.type === 'announcement') {
    announce(m);
  } else if (m.type === 'hold' && basket.hold && m.holdId === basket.hold.holdId && m.status === 'expired') {
    basket.expired('basket.ranOut');
  } else if (m.type === 'admitted' && m.activeUntil > activeUntil) {
    // the site gave more time: count down to the new end, with the pass that runs until then
    activeUntil = m.activeUntil;
    api.pass = m.pass;
  } else if (m.type === 'gone' && m.reason !== 'confirmed') {
    notAdmitted(m.reason === 'completed' ? 'seats.complete' : 'seats.over');
  }
}

$('find').addEventListener('click', () => basket.findBest());
$('confirm').addEventListener('click', () => basket.confirm(booked));
$('release').addEventListener('click', () => basket.release());
$('zoom-in').addEventListener('click', () => camera.zoom(1.6));
$('zoom-out').addEventListener('click', () => camera.zoom(1 / 1.6));
$('zoom-fit').addEventListener('click', () => camera.fit());

async function start() {
  if (!token) return notAdmitted('seats.notJoined');
  const me = await fetch('/api/events/' + encodeURIComponent(event) + '/visitors/me',
    {headers: {Authorization: 'Bearer ' + token}}).then(r => r.ok ? r.json() : null).catch(() => null);
  if (!me || me.state !== 'active') {
    return notAdmitted(me && me.state === 'waiting' ? 'seats.notYet' : 'seats.notInFlow');
  }
  api.pass = me.pass;
  const info = await fetch('/api/events/' + encodeURIComponent(event)).then(r => r.json());
  window.FoyerBrand.apply(info);
  I18n.title(() => I18n.t('seats.heading') + ' · ' + window.FoyerBrand.name(info));
  basket.maxSeats = info.maxSeatsPerHold || 4;
  $('max').textContent = basket.maxSeats;
  for (let n = 1; n <= basket.maxSeats; n++) $('best-count').add(new Option(String(n), String(n), n === 2, n === 2));
  const seats = await api.call('GET', '/seats');
  $('booking').hidden = false;
  live.begin(seats.body);
  drawMap(seats.body);
  stock.take(info.stock);
  activeUntil = me.activeUntil;
  tick();
  clock = setInterval(tick, 250);
  socket = connect({
    handlers: {
      ['foyer.seats.' + event]: {onMessage: m => live.onSeatMessage(m)},
      ['foyer.stock.' + event]: {onMessage: m => stock.take(m)},
      ['foyer.visitor.' + me.visitor]: {headers: {token: token}, onMessage: onVisitorMessage}
    },
    onOpen: () => live.catchUp()
  });
}

start();
