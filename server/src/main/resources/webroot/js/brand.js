/*
 * An event's own look on its pages, from GET /api/events/{event} (docs/API.md, "Languages and
 * branding"): its name and message in the page's language, its logo and short text, and its
 * colours as CSS custom properties. The colours are set through the CSSOM (style.setProperty),
 * which the pages' policy allows, never as an inline style attribute, which it forbids.
 *
 *   FoyerBrand.apply(info)   // once the event's answer is in
 *   FoyerBrand.name(info)    // its name in the page's language now
 */
(function (global) {
  'use strict';
  const I18n = global.FoyerI18n;
  const $ = id => document.getElementById(id);
  const roles = {accent: '--accent', background: '--bg', card: '--card', ink: '--ink'};
  const HEX = /^#[0-9a-f]{6}$/i;

  function name(info) {
    return I18n.pick(info.names, info.name);
  }

  function message(info) {
    const messages = info.messages || {};
    return messages[I18n.lang] || messages.en || '';
  }

  function apply(info) {
    if ($('name')) I18n.show($('name'), () => name(info));
    const note = $('event-message');
    if (note) {
      const draw = () => {
        note.textContent = message(info);
        note.hidden = !note.textContent;
      };
      draw();
      I18n.onChange(draw);
    }
    const b = info.branding;
    if (!b) return;
    Object.keys(roles).forEach(role => {
      const value = b.colors && b.colors[role];
      if (value && HEX.test(value)) document.documentElement.style.setProperty(roles[role], value);
    });
    document.body.dataset.branded = 'true';
    const box = $('brand');
    if (!box || (!b.logo && !b.text)) return;
    if (b.logo) {
      $('brand-logo').src = b.logo;
      $('brand-logo').alt = b.text || info.name;
      $('brand-logo').hidden = false;
    }
    if (b.text) $('brand-text').textContent = b.text;
    box.hidden = false;
  }

  global.FoyerBrand = {apply: apply, name: name};
})(window);
