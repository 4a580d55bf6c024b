/*
 * The console's announcement to the line of the event open: what is shown now (from the admin API,
 * then live from foyer.event.{event}), posting a new one (it replaces the one before) and
 * withdrawing it.
 */
import * as audit from './admin-audit.js';

const $ = id => document.getElementById(id);
let current = null;   // {id, message} of the event open; message null: none now

function render() {
  const now = current && current.message;
  $('announcement-now').textContent = now ? 'Shown to the line now: "' + now + '"' : 'No announcement.';
  $('withdraw').disabled = !now;
}

/** An announcement frame heard on the event's address: ids only grow, a withdrawal of the one shown is final. */
function heard(m) {
  if (current && (m.id < current.id || (m.id === current.id && current.message === null))) return;
  current = {id: m.id, message: m.message || null};
  render();
}

async function show(api, event) {
  current = null;
  render();
  const r = await api('GET', '/api/admin/events/' + encodeURIComponent(event) + '/announcements');
  if (r.status === 200 && r.body.announcement) heard(r.body.announcement);
}

function wire(api, currentEvent, say) {
  const path = () => '/api/admin/events/' + encodeURIComponent(currentEvent()) + '/announcements';
  $('announce').addEventListener('click', async () => {
    const r = await api('POST', path(), {message: $('announcement-message').value});
    if (r.status === 201) {
      heard(r.body);
      $('announcement-message').value = '';
    }
    say('announcement-result', r.status === 201 ? 'Posted: every page of the line shows it now.' : r.body.message);
    audit.refresh();
  });
  $('withdraw').addEventListener('click', async () => {
    const r = await api('DELETE', path() + (current ? '/' + current.id : ''));
    if (r.status === 204 && current) heard({id: current.id, message: null});
    say('announcement-result', r.status === 204 ? 'Withdrawn: the pages hide it now.' : r.body.message);
    audit.refresh();
  });
}

export {wire, show, heard};
