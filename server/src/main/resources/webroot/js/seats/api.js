/* The seat page's REST calls for one event (with the visitor's pass once it has one), and prices. */

export function eventApi(event) {
  const base = '/api/events/' + encodeURIComponent(event);
  const api = {pass: null};
  api.call = (method, path, body) => fetch(base + path, {
    method: method,
    headers: Object.assign({'Content-Type': 'application/json'}, api.pass ? {Authorization: 'Bearer ' + api.pass} : {}),
    body: body ? JSON.stringify(body) : undefined
  }).then(r => r.status === 204 ? {status: 204, body: {}} : r.json().then(b => ({status: r.status, body: b})));
  return api;
}

/** A price in the page's language (js/i18n.js). */
export function money(amount, currency) {
  return window.FoyerI18n.money(amount, currency);
}

/** The page's words (js/i18n.js, loaded before the modules). */
export const I18n = window.FoyerI18n;
