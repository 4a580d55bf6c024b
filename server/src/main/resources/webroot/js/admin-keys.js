/*
 * The console's operator keys, for admins: who signed in (GET /api/admin/me), creating a key (shown
 * once, here), the keys in use and revoking one. The card stays hidden for viewers and operators.
 */
import * as audit from './admin-audit.js';

const $ = id => document.getElementById(id);
let api = null;

function say(text) {
  $('key-message').textContent = text;
  $('key-message').hidden = !text;
}

async function list() {
  const r = await api('GET', '/api/admin/keys');
  if (r.status !== 200) return;
  const ul = $('key-list');
  ul.textContent = '';
  r.body.keys.forEach(k => {
    const li = document.createElement('li');
    const name = document.createElement('span');
    name.textContent = k.name + ' · ' + k.role + ' · ' + k.id;
    const revoke = document.createElement('button');
    revoke.className = 'secondary small';
    revoke.textContent = 'Revoke';
    revoke.dataset.key = k.id;
    revoke.addEventListener('click', async () => {
      const done = await api('DELETE', '/api/admin/keys/' + encodeURIComponent(k.id));
      say(done.status === 200 ? 'Revoked ' + k.name + ': refused on every node within seconds.' : done.body.message);
      list();
      audit.refresh();
    });
    li.appendChild(name);
    li.appendChild(revoke);
    ul.appendChild(li);
  });
}

/** Says who is signed in; the keys card only for admins. */
async function wire(apiCall) {
  api = apiCall;
  const me = await api('GET', '/api/admin/me');
  if (me.status !== 200) return;
  $('who').textContent = 'Signed in as ' + me.body.name + ' (' + me.body.role + ')';
  $('signed-in').hidden = false;
  document.body.dataset.role = me.body.role;
  $('keys-card').hidden = me.body.role !== 'admin';
  if (me.body.role === 'admin') list();
}

$('key-form').addEventListener('submit', async e => {
  e.preventDefault();
  const r = await api('POST', '/api/admin/keys', {name: $('key-name').value, role: $('key-role').value});
  say(r.status === 201 ? 'Key for ' + r.body.name + ' (' + r.body.role + '), shown this once: ' + r.body.key
    : r.body.message);
  if (r.status === 201) $('key-name').value = '';
  list();
  audit.refresh();
});

export {wire};
