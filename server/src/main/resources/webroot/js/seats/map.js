/*
 * The seat map as drawn: one circle per seat from the stored coordinates, standing areas, the
 * legend and the best-available choices. Every status comes with its seat-map version: a change
 * older than what the map knows of a seat is ignored, so live messages and catch-up reads may
 * arrive in any order. How a seat looks beyond its status (yours, pending) is the basket's say.
 */
import {money, I18n} from './api.js';

const SVG = 'http://www.w3.org/2000/svg';

export class SeatMap {
  /** look(id, status) -> the class a seat shows; onSold(id) hears of a seat sold under a wish. */
  constructor(doc, look, onSold) {
    this.svg = doc.getElementById('map');
    this.legend = doc.getElementById('legend');
    this.what = doc.getElementById('best-what');
    this.look = look;
    this.onSold = onSold;
    this.seats = {};       // id -> {status, el, version, marks}
    this.categories = {};  // id -> {name, price, currency, index}
    // a switch of language names every seat again (titles are drawn by hand, not one renderer each)
    I18n.onChange(() => Object.values(this.seats).forEach(seat => { seat.title.textContent = this.title(seat.data); }));
  }

  has(id) {
    return !!this.seats[id];
  }

  status(id) {
    return this.seats[id] && this.seats[id].status;
  }

  /** True when `list` names exactly the seats drawn. */
  same(list) {
    return list.length === Object.keys(this.seats).length && list.every(s => this.seats[s.id]);
  }

  /** The map's versions belong to another generation: none of them compares any more. */
  forgetVersions() {
    Object.values(this.seats).forEach(seat => { seat.version = -1; });
  }

  paint(id) {
    const seat = this.seats[id];
    if (seat) seat.el.setAttribute('class', 'seat ' + this.look(id, seat.status) + seat.marks);
  }

  paintAll() {
    Object.keys(this.seats).forEach(id => this.paint(id));
  }

  /** One change {seat, status, version}; an older one than the seat's is dropped. */
  apply(c) {
    const seat = this.seats[c.seat];
    if (!seat || (c.version != null && seat.version >= c.version)) return;
    seat.status = c.status;
    if (c.version != null) seat.version = c.version;
    if (c.status === 'sold') this.onSold(c.seat);
    this.paint(c.seat);
  }

  /** The categories and standing areas: legend entries and best-available choices. */
  takeExtras(map) {
    this.categories = {};
    while (this.what.options.length > 1) this.what.remove(1);
    this.legend.querySelectorAll('.extra').forEach(e => e.remove());
    (map.categories || []).forEach((c, i) => {
      this.categories[c.id] = {name: c.name, price: c.price, currency: c.currency, index: (i % 6) + 1};
      const option = new Option('', c.id);
      this.what.add(option);
      I18n.show(option, () => {
        const label = c.name + ' · ' + money(c.price, c.currency);
        return option.dataset.soldOut ? I18n.t('seats.optionSoldOut', {option: label}) : label;
      });
      this.addLegend('dot cat' + ((i % 6) + 1), () => c.name + ' ' + money(c.price, c.currency));
    });
    (map.standing || []).forEach(a => {
      const c = this.categories[a.category];
      const option = new Option('', 'standing:' + a.section);
      this.what.add(option);
      I18n.show(option, () => I18n.t('map.standing', {section: a.section}) + (c ? ' · ' + money(c.price, c.currency) : ''));
    });
    if (map.seats.some(s => s.accessible)) this.addLegend('dot access', () => I18n.t('map.access'));
  }

  addLegend(cls, text) {
    const span = document.createElement('span');
    span.className = 'extra';
    const dot = document.createElement('i');
    dot.className = cls;
    dot.dataset.slot = 'dot';
    span.appendChild(dot);
    I18n.show(span, () => '{dot}' + text());
    this.legend.appendChild(span);
  }

  /** Draws seats and areas at `version`; returns the map's bounds in map units. */
  draw(list, areas, version) {
    const svg = this.svg;
    svg.innerHTML = '';
    this.seats = {};
    const xs = list.map(s => s.x), ys = list.map(s => s.y);
    (areas || []).forEach(a => { xs.push(a.x, a.x + a.width); ys.push(a.y, a.y + a.height); });
    const minX = Math.min(...xs) - 1, minY = Math.min(...ys) - 1.5;
    const bounds = {x: minX, y: minY, w: Math.max(...xs) - minX + 1, h: Math.max(...ys) - minY + 1};
    (areas || []).forEach(a => this.drawArea(a));
    const sections = {};
    list.forEach(s => {
      this.drawSeat(s, version);
      if (!sections[s.section] || s.y < sections[s.section].y) sections[s.section] = {x: s.x, y: s.y};
    });
    Object.keys(sections).forEach(name => {
      svg.appendChild(text(sections[name].x - 0.4, sections[name].y - 0.7, null, name));
    });
    return bounds;
  }

  drawArea(a) {
    const r = document.createElementNS(SVG, 'rect');
    r.setAttribute('x', a.x - 0.5);
    r.setAttribute('y', a.y - 0.5);
    r.setAttribute('width', a.width);
    r.setAttribute('height', a.height);
    r.setAttribute('rx', 0.4);
    r.setAttribute('class', 'area');
    r.dataset.area = a.section;
    this.svg.appendChild(r);
    const label = text(a.x, a.y + a.height / 2, 'area-label', '');
    I18n.set(label, 'map.area', {section: a.section});
    this.svg.appendChild(label);
  }

  drawSeat(s, version) {
    const c = document.createElementNS(SVG, 'circle');
    c.setAttribute('cx', s.x);
    c.setAttribute('cy', s.y);
    // with its stroke the seat fills its whole 1 x 1 cell: the tap target is the cell
    c.setAttribute('r', 0.45);
    c.dataset.seat = s.id;
    const title = document.createElementNS(SVG, 'title');
    const cat = s.category && this.categories[s.category];
    title.textContent = this.title(s);
    c.appendChild(title);
    this.svg.appendChild(c);
    this.seats[s.id] = {status: s.status, el: c, version: version, title: title, data: s,
      marks: (cat ? ' cat' + cat.index : '') + (s.accessible ? ' ' + s.accessible : '')};
    this.paint(s.id);
  }
}

SeatMap.prototype.title = function (s) {
  const cat = s.category && this.categories[s.category];
  return I18n.t('map.seat', {section: s.section, row: s.row, number: s.number})
    + (cat ? ' · ' + cat.name + ' ' + money(cat.price, cat.currency) : '')
    + (s.accessible && I18n.has('map.' + s.accessible) ? ' · ' + I18n.t('map.' + s.accessible) : '');
};

function text(x, y, cls, content) {
  const t = document.createElementNS(SVG, 'text');
  t.setAttribute('x', x);
  t.setAttribute('y', y);
  if (cls) t.setAttribute('class', cls);
  t.textContent = content;
  return t;
}
