/*
 * What the waiting page says about the tickets (js/foyer-client.js 'sale', 'stock' and the
 * position's chance): what is left per category and price, the chance of a ticket at this place,
 * and plainly when the sale is sold out (keep the place in case tickets come back, or leave),
 * when every ticket left is in someone's basket, or when the sale was ended; and the organiser's
 * announcement, as text (never HTML), until it is withdrawn.
 */
(function (global) {
  'use strict';
  const $ = id => document.getElementById(id);
  const I18n = global.FoyerI18n;
  let shownState = 'on_sale';
  let keeping = false;       // the visitor chose to keep the place in a sold-out sale
  let currency = null;
  let returnsTimer = null;

  function money(amount) {
    return I18n.money(amount, currency);
  }

  function minutesUntil(at) {
    return () => I18n.t('sale.within', {n: Math.max(1, Math.ceil((at - Date.now()) / 60000))});
  }

  /** Where the sale stands: a banner in the waiting card, or the sold-out or ended card. */
  function sale(s) {
    shownState = s.state;
    clearInterval(returnsTimer);
    const banner = $('sale-banner');
    banner.hidden = true;
    $('sold-out-card').hidden = true;
    $('ended-card').hidden = true;
    if (s.state === 'all_held') {
      const say = () => I18n.set(banner, 'sale.allHeld', {within: s.returnsAt ? minutesUntil(s.returnsAt) : ''});
      say();
      returnsTimer = setInterval(say, 15000);
      banner.hidden = false;
    } else if (s.state === 'sold_out') {
      if (keeping) {
        I18n.set(banner, 'sale.keeping');
        banner.hidden = false;
      } else {
        $('sold-out-card').hidden = false;
      }
    } else if (s.state === 'ended') {
      // foyer's own default words are said in the page's language; an operator's message as written
      const own = !s.message || s.message === I18n.english('sale.ended.' + s.reason);
      if (own) I18n.set($('ended-text'), 'sale.ended.' + (s.reason === 'sold_out' ? 'sold_out' : 'over'));
      else I18n.plain($('ended-text'), s.message);
      $('ended-card').hidden = false;
    }
    document.body.dataset.sale = s.state;
    if (s.state === 'sold_out' || s.state === 'all_held') I18n.set($('eta'), 'eta.returns');
  }

  /** What is left per category and price (and standing), from GET /api/events/{event} or a stock frame. */
  function stock(st) {
    if (!st || !st.categories) return;
    currency = st.currency || currency;
    const list = $('stock-list');
    list.textContent = '';
    st.categories.forEach(c => {
      const li = document.createElement('li');
      const name = document.createElement('span');
      I18n.show(name, () => (c.name || I18n.t('stock.tickets')) + (c.price != null ? ' · ' + money(c.price) : ''));
      const left = document.createElement('strong');
      if (c.soldOut) {
        I18n.set(left, 'stock.soldOut');
        li.className = 'sold-out';
      } else if (c.free === 0) {
        I18n.set(left, 'stock.allHeld');
        li.className = 'held';
      } else {
        I18n.set(left, 'stock.left', {n: c.free});
      }
      li.appendChild(name);
      li.appendChild(left);
      list.appendChild(li);
    });
    $('stock-card').hidden = st.categories.length === 0;
  }

  const chanceWords = ['likely', 'uncertain', 'unlikely'];

  /** The chance of a ticket at this place (null: nothing to say yet). */
  function chance(word) {
    const el = $('chance');
    const known = chanceWords.includes(word);
    el.hidden = !known || shownState === 'ended';
    if (known) {
      I18n.set(el, 'chance.' + word);
      el.dataset.chance = word;
    }
  }

  function keep() {
    keeping = true;
    sale({state: shownState});
  }

  /** The operator's announcement ('announcement' of js/foyer-client.js): a null message hides it. */
  function announcement(a) {
    $('announcement-text').textContent = a.message || '';
    $('announcement').hidden = !a.message;
  }

  global.FoyerSale = {sale: sale, stock: stock, chance: chance, keep: keep, announcement: announcement};
})(window);
