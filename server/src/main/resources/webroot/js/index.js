// The events on sale, linked to their waiting rooms.
fetch('/api/events').then(r => r.json()).then(body => {
  const list = document.getElementById('events');
  list.innerHTML = '';
  if (!body.events.length) list.innerHTML = '<li class="label">No events yet.</li>';
  body.events.forEach(e => {
    const li = document.createElement('li');
    const a = document.createElement('a');
    a.href = '/events/' + encodeURIComponent(e.id);
    a.textContent = e.name;
    if (e.opensAt) {
      const when = document.createElement('div');
      when.className = 'label';
      when.textContent = 'Opens ' + new Date(e.opensAt).toLocaleString();
      a.appendChild(when);
    }
    li.appendChild(a);
    list.appendChild(li);
  });
}).catch(() => { document.getElementById('events').innerHTML = '<li class="notice">Could not load events; refresh to try again.</li>'; });
