// The events on sale, linked to their waiting rooms, named in the page's language.
(function () {
  'use strict';
  const I18n = window.FoyerI18n;
  const list = document.getElementById('events');

  function note(cls, key) {
    const li = document.createElement('li');
    li.className = cls;
    I18n.set(li, key);
    list.appendChild(li);
  }

  fetch('/api/events').then(r => r.json()).then(body => {
    list.textContent = '';
    if (!body.events.length) note('label', 'index.none');
    body.events.forEach(e => {
      const li = document.createElement('li');
      const a = document.createElement('a');
      a.href = '/events/' + encodeURIComponent(e.id);
      const name = document.createElement('span');
      I18n.show(name, () => I18n.pick(e.names, e.name));
      a.appendChild(name);
      if (e.opensAt) {
        const when = document.createElement('div');
        when.className = 'label';
        I18n.set(when, 'index.opens', {when: () => I18n.date(Date.parse(e.opensAt))});
        a.appendChild(when);
      }
      li.appendChild(a);
      list.appendChild(li);
    });
  }).catch(() => {
    list.textContent = '';
    note('notice', 'index.failed');
  });
})();
