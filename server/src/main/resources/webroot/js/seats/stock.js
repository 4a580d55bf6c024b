/*
 * What is left, on the seat page: a plain "sold out" when nothing is, and each category of best
 * available marked sold out (and not offered) when it is, from GET /api/events/{event} and the
 * stock frames of foyer.stock.{event}.
 */
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
    this.banner.textContent = out ? 'Sold out: every seat has been sold.'
      : 'Every seat left is in someone\'s basket right now; some may come back in a few minutes.';
    const soldOut = new Set((stock.categories || []).filter(c => c.soldOut).map(c => c.id));
    [...this.what.options].forEach(o => {
      if (!o.value || o.value.startsWith('standing:')) return;
      if (!o.dataset.label) o.dataset.label = o.textContent;
      o.disabled = soldOut.has(o.value);
      o.textContent = o.dataset.label + (o.disabled ? ' · sold out' : '');
    });
    this.find.disabled = out;
  }

  /** Why best available found nothing, in words: the whole house or the category sold out, or none together. */
  whyNone(count, category) {
    const s = this.stock;
    if (s && s.free === 0) return s.held > 0 ? 'Every seat left is in someone\'s basket right now. Try again in a few minutes.'
      : 'Sold out: no seats are left.';
    const c = s && category && (s.categories || []).find(x => x.id === category);
    if (c && c.free === 0) return (c.name || 'That category') + ' is sold out. Try another.';
    return 'There are not ' + count + ' seats left together' + (category ? ' in that category' : '')
      + '. Try fewer, or pick on the map.';
  }
}
