/*
 * The pages' language (docs/API.md, "Languages"). /i18n/strings.js, loaded just before this
 * script, names the language the request asked for (?lang=, the switch's cookie, Accept-Language)
 * and carries the dictionaries (webroot/i18n/{lang}.json: every text of the pages, once per
 * language). This script draws the page in it and keeps it drawn when the buyer switches:
 *
 *   <p data-i18n="waiting.away">…<strong data-slot="time" id="away-time"></strong></p>
 *       a static text; {time} in the text is where the child with data-slot="time" goes
 *   <button data-i18n-label="seats.zoomIn">   the aria-label
 *   FoyerI18n.set(el, 'stock.left', {n: 12})  a script's text, drawn again on a switch
 *   FoyerI18n.show(el, () => text)            the same for a text the script composes
 *   FoyerI18n.plain(el, text)                 a text in no language (a seat id)
 *   FoyerI18n.t(key, vars), .duration(s), .num(n), .date(ms), .money(amount, currency)
 *
 * Numbers, durations, dates and prices follow the language through Intl. Loaded after the page's
 * markup (it draws at once) and before the page's own scripts.
 */
(function (global) {
  'use strict';
  const given = global.FoyerStrings || {lang: 'en', languages: ['en'], dictionaries: {en: {}}};
  const COOKIE = 'foyer_lang';
  const renderers = new Map();   // element -> () => its text now
  const listeners = [];
  let titleText = null;
  let lang = given.lang;

  // a link that names a language (?lang=ko) wins, and is remembered like the switch
  const asked = new URLSearchParams(location.search).get('lang');
  if (asked && given.dictionaries[asked] && asked !== lang) {
    lang = asked;
    remember(asked);
  }

  function remember(l) {
    document.cookie = COOKIE + '=' + l + '; Path=/; Max-Age=31536000; SameSite=Lax';
  }

  function raw(key) {
    const own = given.dictionaries[lang] || {};
    return key in own ? own[key] : (given.dictionaries.en || {})[key];
  }

  const formats = {};
  function format(name, options) {
    const id = lang + '|' + name;
    if (!formats[id]) formats[id] = new Intl.NumberFormat(lang, options);
    return formats[id];
  }

  function num(n) {
    return format('n', {}).format(n);
  }

  function value(v) {
    if (typeof v === 'function') v = v();
    if (typeof v === 'number') return num(v);
    return v === null || v === undefined ? '' : String(v);
  }

  /** The text of `key` with {name}s filled from vars; with vars.n and no `key` itself, key.one or key.other. */
  function t(key, vars) {
    vars = vars || {};
    let template = raw(key);
    if (template === undefined && 'n' in vars) {
      const n = typeof vars.n === 'function' ? vars.n() : vars.n;
      template = raw(key + '.' + new Intl.PluralRules(lang).select(n));
      if (template === undefined) template = raw(key + '.other');
    }
    if (template === undefined) return key;
    // a name the vars do not give stays, for fill() to put a slot there
    return template.replace(/\{(\w+)\}/g, (m, name) => (name in vars ? value(vars[name]) : m));
  }

  function has(key) {
    return raw(key) !== undefined;
  }

  /** "10 minutes" / "10분": long units under two hours, then hours and minutes. */
  function duration(seconds) {
    if (seconds < 60) return format('s', {style: 'unit', unit: 'second', unitDisplay: 'long'}).format(Math.max(1, Math.round(seconds)));
    const minutes = Math.round(seconds / 60);
    if (minutes < 120) return format('m', {style: 'unit', unit: 'minute', unitDisplay: 'long'}).format(minutes);
    return t('time.hoursMinutes', {h: Math.floor(minutes / 60), m: minutes % 60});
  }

  function date(ms) {
    return new Intl.DateTimeFormat(lang, {dateStyle: 'medium', timeStyle: 'short'}).format(new Date(ms));
  }

  /** A price in minor units of its currency (KRW and JPY have none; EUR has cents). */
  function money(amount, currency) {
    if (amount === null || amount === undefined || !currency) return '';
    try {
      const f = format('c' + currency, {style: 'currency', currency: currency});
      const value = amount / Math.pow(10, f.resolvedOptions().maximumFractionDigits);
      // as Korean shops write won: 150,000원
      if (lang === 'ko' && currency === 'KRW') return num(value) + '원';
      return f.format(value);
    } catch (e) {
      return (amount / 100).toFixed(2) + ' ' + currency;
    }
  }

  /** Puts `text` in `el`, each {slot} replaced by el's child of that data-slot (kept, with its id). */
  function fill(el, text) {
    const slots = {};
    for (const child of el.children) if (child.dataset && child.dataset.slot) slots[child.dataset.slot] = child;
    if (!Object.keys(slots).length) {
      el.textContent = text;
      return;
    }
    el.textContent = '';
    text.split(/\{(\w+)\}/).forEach((part, i) => {
      if (i % 2 === 0) {
        if (part) el.appendChild(document.createTextNode(part));
      } else {
        el.appendChild(slots[part] || document.createTextNode('{' + part + '}'));
      }
    });
  }

  function show(el, render) {
    el.removeAttribute('data-i18n');
    // texts a script drew and then dropped (a list redrawn) are forgotten
    if (renderers.size > 200) renderers.forEach((r, e) => { if (!e.isConnected) renderers.delete(e); });
    renderers.set(el, render);
    fill(el, render());
  }

  function set(el, key, vars) {
    show(el, () => t(key, vars));
  }

  function plain(el, text) {
    el.removeAttribute('data-i18n');
    renderers.delete(el);
    el.textContent = text;
  }

  function title(render) {
    titleText = render;
    document.title = render();
  }

  let switcher = null;

  /** A small button at the top of the page naming the next language in its own words. */
  function drawSwitch() {
    const langs = given.languages || [];
    if (langs.length < 2) return;
    if (!switcher) {
      switcher = document.createElement('button');
      switcher.type = 'button';
      switcher.id = 'lang-switch';
      switcher.className = 'lang-switch';
      switcher.addEventListener('click', () => use(switcher.dataset.next));
      const main = document.querySelector('main') || document.body;
      main.insertBefore(switcher, main.firstChild);
    }
    const next = langs[(langs.indexOf(lang) + 1) % langs.length];
    switcher.dataset.next = next;
    switcher.lang = next;
    switcher.textContent = given.dictionaries[next]['lang.name'];
    switcher.setAttribute('aria-label', t('lang.switch') + ': ' + given.dictionaries[next]['lang.name']);
  }

  function apply() {
    document.documentElement.lang = lang;
    document.querySelectorAll('[data-i18n]').forEach(el => fill(el, t(el.dataset.i18n)));
    document.querySelectorAll('[data-i18n-label]').forEach(el => el.setAttribute('aria-label', t(el.dataset.i18nLabel)));
    renderers.forEach((render, el) => fill(el, render()));
    if (titleText) document.title = titleText();
    drawSwitch();
    listeners.forEach(fn => fn(lang));
  }

  /** Switches the page to `l` in place and remembers it for every page of this site. */
  function use(l) {
    if (!given.dictionaries[l]) return;
    lang = l;
    remember(l);
    apply();
  }

  global.FoyerI18n = {
    get lang() { return lang; },
    t: t, has: has, num: num, duration: duration, date: date, money: money,
    set: set, show: show, plain: plain, title: title, use: use,
    /** Draws an element's script text again (what it depends on changed). */
    refresh: el => { const render = renderers.get(el); if (render) fill(el, render()); },
    /** fn(lang) runs after every switch, for what a script draws beyond texts (options, map titles). */
    onChange: fn => listeners.push(fn),
    /** The English words, whatever the page's language (to recognise a server's default text). */
    english: key => (given.dictionaries.en || {})[key],
    /** A per-language map's text for this language ({"ko": "..."}), else `fallback`. */
    pick: (map, fallback) => (map && map[lang]) || fallback
  };
  apply();
})(window);
