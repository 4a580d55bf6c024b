/*
 * The visitor's hold: the seats tapped on the map (one hold, replaced on every change, one request
 * at a time, the latest wish winning), best available, release and confirm. A tap that loses a
 * race shows pending, then says so.
 */
import {money} from './api.js';

export class Basket {
  /** say(text) shows a message; onChange() hears every change of the hold (the clock). */
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
      this.say('That seat is not available.');
      return;
    } else if (this.wanted.length >= this.maxSeats) {
      this.say('You can hold up to ' + this.maxSeats + ' seats.');
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
      this.say('Connection problem; try again.');
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
      this.say((lost.length === 1 ? 'Seat ' + lost[0] + ' was' : 'Seats ' + lost.join(', ') + ' were')
        + ' just taken by someone else. Pick another.');
      if (this.wanted.join() !== this.held.join()) this.dirty = true;
    } else if (r.status === 403) {
      this.say('Your time to book is over.');
      this.wanted = [];
    } else if (r.status === 400 && r.body.error === 'companion_without_wheelchair') {
      this.say('A companion seat goes with the wheelchair seat next to it: pick that one too.');
      this.wanted = this.held.slice();
    } else {
      this.say(r.body.message || 'Something went wrong; try again.');
      this.wanted = this.held.slice();
    }
  }

  setHeld(list, answer) {
    const $ = this.$;
    const before = this.held;
    this.held = list.slice();
    before.concat(this.held).forEach(id => this.map.paint(id));
    const standing = answer && answer.standing;
    $('hold-seats').textContent = standing ? standing.count + ' standing in ' + standing.section
      : this.held.length ? this.held.join(', ') : 'No seats held yet.';
    $('hold-price').textContent = answer && answer.total && (this.held.length || standing)
      ? 'Total ' + money(answer.total.amount, answer.total.currency) : '';
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
        this.say(placementText(r.body));
      } else if (r.status === 409 && (r.body.error === 'not_enough_seats' || r.body.error === 'standing_full')) {
        this.say(r.body.error === 'standing_full'
          ? 'Only ' + r.body.left + ' standing places are left there.'
          : this.stock.whyNone(count, what));
      } else if (r.status === 403) {
        this.say('Your time to book is over.');
      } else {
        this.say(r.body.message || 'Something went wrong; try again.');
      }
    }).catch(() => this.say('Connection problem; try again.')).then(() => { $('find').disabled = false; });
  }

  release() {
    this.wanted = [];
    this.map.paintAll();
    this.sync();
  }

  /** The hold ran out (the server said so, or a confirmation found it gone). */
  expired(text) {
    this.hold = null;
    this.wanted = [];
    this.setHeld([]);
    this.say(text);
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
        this.expired('Your hold had already run out. Pick again.');
      } else {
        $('confirm').disabled = false;
        this.say(r.body.message || 'Could not confirm; try again.');
      }
    }).catch(() => { $('confirm').disabled = false; this.say('Connection problem; try again.'); });
  }
}

function placementText(body) {
  if (body.standing) return body.standing.count + ' standing places are yours for now.';
  const where = body.otherSection ? ' (not in the section you asked for: it was full)' : '';
  if (body.placement === 'together') return 'Found ' + body.seats.length + ' seats together' + where + '.';
  if (body.placement === 'split') {
    return 'No row had ' + body.seats.length + ' together: these are over two rows, one behind the other' + where + '.';
  }
  if (body.placement === 'orphan_allowed') {
    return 'These were the last seats together; they leave a single seat free beside them' + where + '.';
  }
  return '';
}
