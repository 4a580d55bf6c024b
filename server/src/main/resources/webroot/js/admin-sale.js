/*
 * The console's view of the sale (js/admin.js hands it each stats answer): where it stands (on sale,
 * all held, sold out, ended) and ending it, sold out for good or over, with a message for the line.
 * Ending takes two clicks: the first says what it does.
 */
const $ = id => document.getElementById(id);
const words = {on_sale: 'on sale', all_held: 'all held', sold_out: 'SOLD OUT', ended: 'ended'};
let arming = null;

function show(stats) {
  const state = stats.stock ? stats.stock.state : 'on_sale';
  $('sale-state').textContent = words[state] || state;
  $('sale-state').dataset.sale = state;
  $('end-sale').disabled = state === 'ended';
}

function reset() {
  clearTimeout(arming);
  arming = null;
  $('end-sale').textContent = 'End the sale';
}

function wire(api, currentEvent, say) {
  $('end-sale').addEventListener('click', async () => {
    if (!arming) {
      $('end-sale').textContent = 'Click again to end it: nobody more joins or is let in';
      arming = setTimeout(reset, 5000);
      return;
    }
    reset();
    const event = currentEvent();
    const r = await api('POST', '/api/admin/events/' + encodeURIComponent(event) + '/end',
      {reason: $('end-reason').value, message: $('end-message').value});
    say('sale-message', r.status === 200 ? 'The sale is ended; the line is told: "' + r.body.message + '"'
      : (r.body.message || 'Could not end the sale (' + r.status + ')'));
    if (r.status === 200) show({stock: {state: 'ended'}});
  });
}

export {show, wire};
