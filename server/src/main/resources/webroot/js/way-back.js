/*
 * The way back to the site that sent the visitor here: `?return=<url>` on the waiting page's URL.
 * foyer checks the URL against the event's allowlist before the page shows it, and on admission
 * trades the visitor's queue token for a single-use code carried back in the URL (never the pass
 * itself, so no long-lived token lands in the site's logs or the browser's history).
 *
 *   FoyerWayBack.go()     // on admission: true when the page is on its way back to the site
 *   FoyerWayBack.label()  // the words (a js/i18n.js key) of what the your-turn button does
 */
(function (global) {
  'use strict';
  const event = decodeURIComponent(location.pathname.split('/')[2]);
  const target = new URLSearchParams(location.search).get('return');
  const api = '/api/events/' + encodeURIComponent(event);
  const $ = id => document.getElementById(id);
  const I18n = global.FoyerI18n;

  function say(key, vars, refused) {
    const el = $('way-back');
    if (!el) return;
    I18n.set(el, key, vars);
    el.dataset.state = refused ? 'refused' : 'ok';
    el.hidden = false;
  }

  let refused = false;

  // what the your-turn button does: back to the site, or (no return asked for, or refused) booking here
  function label() {
    if (target === null) return 'turn.go';
    return refused ? 'way.here' : 'way.back';
  }

  // null: no return asked for; otherwise resolves to the allowed URL, or null when refused
  const checked = target === null ? null : fetch(api + '/return-url?url=' + encodeURIComponent(target))
    .then(r => r.json().then(body => ({ok: r.ok, body: body})))
    .then(res => {
      if (res.ok) {
        say('way.ok', {host: res.body.host}, false);
        return target;
      }
      refused = true;
      say('way.refused', {url: target, code: res.body.error || 'refused'}, true);
      // the your-turn button says what it will do
      if ($('turn-go')) I18n.set($('turn-go'), label());
      return null;
    })
    .catch(() => target);

  let going = false;

  function go() {
    if (checked === null) return false;
    if (going) return true;
    going = true;
    checked.then(url => {
      const token = global.localStorage.getItem('foyer.token.' + event);
      if (!url || !token) {
        location.assign('/events/' + encodeURIComponent(event) + '/seats');
        return;
      }
      say('way.going', {}, false);
      const send = attempt => fetch(api + '/visitors/me/return', {
        method: 'POST',
        headers: {'Authorization': 'Bearer ' + token, 'Content-Type': 'application/json'},
        body: JSON.stringify({url: url})
      }).then(r => r.json().then(body => ({ok: r.ok, status: r.status, body: body}))).then(res => {
        if (res.ok) location.assign(res.body.location);
        else if (res.status >= 500 && attempt < 5) setTimeout(() => send(attempt + 1), 1000 * (attempt + 1));
        else location.assign('/events/' + encodeURIComponent(event) + '/seats');
      }, () => attempt < 5 ? setTimeout(() => send(attempt + 1), 1000 * (attempt + 1)) : null);
      send(0);
    });
    return true;
  }

  global.FoyerWayBack = {target: target, go: go, label: label};
})(window);
