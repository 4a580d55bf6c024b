/*
 * The visitor's hold: the seats tapped on the map (one hold, replaced on every change, one request
 * at a time, the latest wish winning), best available, release and confirm. A tap that loses a
 * race shows pending, then says so.
 */
import {money, I18n} from './api.js';

export class Basket {
  /** say(key, vars) shows a message (js/i18n.js key; '' for none); onChange() hears every change of the hold. */
  constructor(doc, api, say, onChange, stock) {
    this.stock = stock;
    this.$ = id => doc.getElementById(id);
    this.api = api;
    this.say = say;
    this.onChange = onChange;
    this.map = null;
    this.wanted = [];      // seats the visitor wants held, in tap order
    this.held = [];        // seats the current hold has
    this.hold = null;      // {holdId, expiresAt}
    this.maxSeats = 4;
    this.inFlight = false;
    this.dirty = false;
  }

  /** How a seat looks: yours, pending (wanted, not yet held) or its status. */
  look(id, status) {
    if (this.held.includes(id) && status !== 'sold') return 'mine';
    if (this.wanted.includes(id) && status === 'free') return 'pending';
    return status;
  }

  /** A seat sold to someone else leaves the wish. */
  sold(id) {
    if (!this.held.includes(id)) this.wanted = this.wanted.filter(s => s !== id);
  }

  tap(id) {
    const map = this.map;
    if (!map.has(id)) return;
    if (this.wanted.includes(id)) {
      this.wanted = this.wanted.filter(s => s !== id);
    } else if (map.status(id) !== 'free' && !this.held.includes(id)) {
      this.say('basket.unavailable');
      return;
    } else if (this.wanted.length >= this.maxSeats) {
      this.say('basket.max', {n: this.maxSeats});
      return;
    } else {
      this.wanted.push(id);
    }
    this.say('');
    map.paint(id);
    this.sync();
  }

  /** Makes the hold match the wanted seats. */
  sync() {
    if (this.inFlight) { this.dirty = true; return; }
    this.inFlight = true;
    this.dirty = false;
    const asked = this.wanted.slice();
    const request = asked.length
      ? this.api.call('POST', '/holds', {seats: asked})
      : (this.hold ? this.api.call('DELETE', '/holds/' + this.hold.holdId) : Promise.resolve({status: 204, body: {}}));
    request.then(r => this.synced(r)).catch(() => {
      this.say('basket.connection');
      this.wanted = this.held.slice();
    }).then(() => {
      this.inFlight = false;
      this.map.paintAll();
      if (this.dirty) this.sync();
    });
  }

  synced(r) {
    if (r.status === 201) {
      this.hold = {holdId: r.body.holdId, expiresAt: r.body.expiresAt};
      this.setHeld(r.body.seats, r.body);
    } else if (r.status === 204) {
      this.hold = null;
      this.setHeld([]);
    } else if (r.status === 409 && r.body.error === 'seats_unavailable') {
      const lost = r.body.seats || [];
      this.wanted = this.wanted.filter(s => !lost.includes(s));
      lost.forEach(s => { if (this.map.status(s) === 'free') this.map.apply({seat: s, status: 'held'}); });
      this.say('basket.taken', {n: lost.length, seats: lost.join(', ')});
      if (this.wanted.join() !== this.held.join()) this.dirty = true;
    } else if (r.status === 403) {
      this.say('seats.over');
      this.wanted = [];
    } else if (r.status === 400 && r.body.error === 'companion_without_wheelchair') {
      this.say('basket.companion');
      this.wanted = this.held.slice();
    } else {
      this.sayServer(r.body, 'basket.wrong');
      this.wanted = this.held.slice();
    }
  }

  setHeld(list, answer) {
    const $ = this.$;
    const before = this.held;
    this.held = list.slice();
    before.concat(this.held).forEach(id => this.map.paint(id));
    const standing = answer && answer.standing;
    if (standing) I18n.set($('hold-seats'), 'seats.standingIn', {n: standing.count, section: standing.section});
    else if (this.held.length) I18n.plain($('hold-seats'), this.held.join(', '));
    else I18n.set($('hold-seats'), 'seats.noneHeld');
    if (answer && answer.total && (this.held.length || standing)) {
      I18n.set($('hold-price'), 'seats.total', {amount: () => money(answer.total.amount, answer.total.currency)});
    } else {
      I18n.plain($('hold-price'), '');
    }
    const any = this.held.length > 0 || !!standing;
    $('confirm').disabled = !any;
    $('release').disabled = !any;
    $('hold-timer').hidden = !any;
    this.onChange();
  }

  /** Best available: the count and category (or standing area) asked for, held in one step. */
  findBest() {
    const $ = this.$;
    const count = Number($('best-count').value);
    const what = $('best-what').value;
    const body = what.startsWith('standing:')
      ? {standing: {section: what.slice(9), count: count}}
      : {best: Object.assign({count: count}, what ? {category: what} : {})};
    $('find').disabled = true;
    this.api.call('POST', '/holds', body).then(r => {
      if (r.status === 201) {
        this.hold = {holdId: r.body.holdId, expiresAt: r.body.expiresAt};
        this.wanted = r.body.seats.slice();
        this.setHeld(r.body.seats, r.body);
        this.say(...placementText(r.body));
      } else if (r.status === 409 && (r.body.error === 'not_enough_seats' || r.body.error === 'standing_full')) {
        if (r.body.error === 'standing_full') this.say('basket.standingFull', {n: r.body.left});
        else this.say(...this.stock.whyNone(count, what));
      } else if (r.status === 403) {
        this.say('seats.over');
      } else {
        this.sayServer(r.body, 'basket.wrong');
      }
    }).catch(() => this.say('basket.connection')).then(() => { $('find').disabled = false; });
  }

  release() {
    this.wanted = [];
    this.map.paintAll();
    this.sync();
  }

  /** The hold ran out (the server said so, or a confirmation found it gone): says `key`. */
  expired(key) {
    this.hold = null;
    this.wanted = [];
    this.setHeld([]);
    this.say(key);
  }

  /** The server's own words (English) in English; in another language, the page's words for it. */
  sayServer(body, key) {
    if (I18n.lang === 'en' && body.message) this.say('', {}, body.message);
    else this.say(key);
  }

  /** Buys the hold; booked(answer) hears a reservation. */
  confirm(booked) {
    const $ = this.$;
    if (!this.hold) return;
    $('confirm').disabled = true;
    this.api.call('POST', '/holds/' + this.hold.holdId + '/confirm').then(r => {
      if (r.status === 201) {
        booked(r.body);
      } else if (r.status === 410) {
        this.expired('basket.expired');
      } else {
        $('confirm').disabled = false;
        this.sayServer(r.body, 'basket.confirmFailed');
      }
    }).catch(() => { $('confirm').disabled = false; this.say('basket.connection'); });
  }
}

/** What best available did, as [key, vars] for say(). */
function placementText(body) {
  if (body.standing) return ['place.standing', {n: body.standing.count}];
  const vars = {n: body.seats.length, where: body.otherSection ? () => I18n.t('place.otherSection') : ''};
  const keys = {together: 'place.together', split: 'place.split', orphan_allowed: 'place.orphan'};
  return keys[body.placement] ? [keys[body.placement], vars] : [''];
}
