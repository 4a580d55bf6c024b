/*
 * What is left, on the seat page: a plain "sold out" when nothing is, and each category of best
 * available marked sold out (and not offered) when it is, from GET /api/events/{event} and the
 * stock frames of foyer.stock.{event}.
 */
import {I18n} from './api.js';

export class StockView {
  constructor(doc) {
    this.banner = doc.getElementById('sold-out');
    this.what = doc.getElementById('best-what');
    this.find = doc.getElementById('find');
    this.stock = null;
  }

  take(stock) {
    if (!stock) return;
    this.stock = stock;
    const out = stock.state === 'sold_out';
    const held = stock.state === 'all_held';
    this.banner.hidden = !(out || held);
    I18n.set(this.banner, out ? 'seats.soldOut' : 'seats.allHeld');
    const soldOut = new Set((stock.categories || []).filter(c => c.soldOut).map(c => c.id));
    [...this.what.options].forEach(o => {
      if (!o.value || o.value.startsWith('standing:')) return;
      o.disabled = soldOut.has(o.value);
      o.dataset.soldOut = o.disabled ? 'true' : '';
      I18n.refresh(o);
    });
    this.find.disabled = out;
  }

  /** Why best available found nothing, as [key, vars]: the whole house or the category sold out, or none together. */
  whyNone(count, category) {
    const s = this.stock;
    if (s && s.free === 0) return [s.held > 0 ? 'none.allHeld' : 'none.soldOut'];
    const c = s && category && (s.categories || []).find(x => x.id === category);
    if (c && c.free === 0) return ['none.category', {name: () => c.name || I18n.t('none.thatCategory')}];
    return [category ? 'none.togetherIn' : 'none.together', {n: count}];
  }
}
