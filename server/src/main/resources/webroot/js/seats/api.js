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

export function money(amount, currency) {
  if (amount == null || !currency) return '';
  try {
    return new Intl.NumberFormat(undefined, {style: 'currency', currency: currency}).format(amount / 100);
  } catch (e) {
    return (amount / 100).toFixed(2) + ' ' + currency;
  }
}
