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
  let shownState = 'on_sale';
  let keeping = false;       // the visitor chose to keep the place in a sold-out sale
  let currency = null;
  let returnsTimer = null;

  function money(amount) {
    if (amount == null || !currency) return '';
    try {
      return new Intl.NumberFormat(undefined, {style: 'currency', currency: currency}).format(amount / 100);
    } catch (e) {
      return (amount / 100).toFixed(2) + ' ' + currency;
    }
  }

  function minutesUntil(at) {
    const minutes = Math.max(1, Math.ceil((at - Date.now()) / 60000));
    return minutes === 1 ? 'a minute' : minutes + ' minutes';
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
      const say = () => {
        banner.textContent = 'Every ticket left is in a buyer\'s basket right now. Some may come back'
          + (s.returnsAt ? ' within ' + minutesUntil(s.returnsAt) : '') + ' if a buyer does not pay: keep your place.';
      };
      say();
      returnsTimer = setInterval(say, 15000);
      banner.hidden = false;
    } else if (s.state === 'sold_out') {
      if (keeping) {
        banner.textContent = 'Sold out. You are keeping your place: if tickets come back, you are let in in turn.';
        banner.hidden = false;
      } else {
        $('sold-out-card').hidden = false;
      }
    } else if (s.state === 'ended') {
      $('ended-text').textContent = s.message || 'This sale is over.';
      $('ended-card').hidden = false;
    }
    document.body.dataset.sale = s.state;
    if (s.state === 'sold_out' || s.state === 'all_held') $('eta').textContent = 'when tickets come back';
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
      name.textContent = (c.name || 'Tickets') + (c.price != null ? ' · ' + money(c.price) : '');
      const left = document.createElement('strong');
      if (c.soldOut) {
        left.textContent = 'sold out';
        li.className = 'sold-out';
      } else if (c.free === 0) {
        left.textContent = 'all in baskets';
        li.className = 'held';
      } else {
        left.textContent = c.free + ' left';
      }
      li.appendChild(name);
      li.appendChild(left);
      list.appendChild(li);
    });
    $('stock-card').hidden = st.categories.length === 0;
  }

  const chanceWords = {
    likely: ['Tickets are likely to be left at your turn.', 'likely'],
    uncertain: ['It is uncertain whether tickets will be left at your turn.', 'uncertain'],
    unlikely: ['Tickets are unlikely to be left at your turn: most will be gone before it.', 'unlikely']
  };

  /** The chance of a ticket at this place (null: nothing to say yet). */
  function chance(word) {
    const el = $('chance');
    const w = chanceWords[word];
    el.hidden = !w || shownState === 'ended';
    if (w) {
      el.textContent = w[0];
      el.dataset.chance = w[1];
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
