/*
 * Charts of the sale's report, drawn as SVG elements (never markup strings, no inline style: the
 * page runs under a strict Content-Security-Policy, so colours come from classes in foyer.css).
 * Each chart has a time axis (UTC minutes), a value axis with its unit, grid lines and a legend.
 */
const NS = 'http://www.w3.org/2000/svg';
// a small drawing, so its text stays legible when the chart is as narrow as a phone
const W = 400, H = 220, LEFT = 46, RIGHT = 10, TOP = 26, BOTTOM = 40;
const STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440];

function el(name, attrs, parent, text) {
  const e = document.createElementNS(NS, name);
  Object.keys(attrs).forEach(k => e.setAttribute(k, attrs[k]));
  if (text !== undefined) e.textContent = text;
  if (parent) parent.appendChild(e);
  return e;
}

/** A round top for the value axis, and its tick step: 1, 2 or 5 times a power of ten. */
function niceScale(max) {
  if (max <= 0) return {top: 1, step: 1};
  const raw = max / 4;
  const power = Math.pow(10, Math.floor(Math.log10(raw)));
  // whole numbers only: counts and minor units of money
  const step = Math.max(1, [1, 2, 5, 10].map(m => m * power).find(s => s >= raw));
  return {top: Math.ceil(max / step) * step, step: step};
}

function clock(minute) {
  const d = new Date(minute * 60000);
  return String(d.getUTCHours()).padStart(2, '0') + ':' + String(d.getUTCMinutes()).padStart(2, '0');
}

/**
 * Draws into `svg`: spec = {from, to (epoch minutes, inclusive), series: [{name, values: {minute: n}}],
 * kind: 'bars' (stacked) or 'lines', unit, format (value -> axis text)}. Returns the largest value drawn.
 */
function draw(svg, spec) {
  while (svg.firstChild) svg.removeChild(svg.firstChild);
  svg.setAttribute('viewBox', '0 0 ' + W + ' ' + H);
  svg.setAttribute('role', 'img');
  const span = Math.max(1, spec.to - spec.from + 1);
  const plotW = W - LEFT - RIGHT, plotH = H - TOP - BOTTOM;
  const x = m => LEFT + (m - spec.from) * plotW / span;
  let max = 0;
  for (let m = spec.from; m <= spec.to; m++) {
    const values = spec.series.map(s => s.values[m] || 0);
    max = Math.max(max, spec.kind === 'bars' ? values.reduce((a, b) => a + b, 0) : Math.max(0, ...values));
  }
  const scale = niceScale(max);
  const y = v => TOP + plotH - v * plotH / scale.top;
  const format = spec.format || (v => String(v));

  const grid = el('g', {class: 'grid-lines'}, svg);
  for (let v = 0; v <= scale.top + scale.step / 2; v += scale.step) {
    el('line', {x1: LEFT, x2: W - RIGHT, y1: y(v), y2: y(v)}, grid);
    el('text', {x: LEFT - 6, y: y(v) + 4, class: 'tick end'}, svg, format(v));
  }
  el('text', {x: 4, y: TOP - 10, class: 'unit'}, svg, spec.unit);

  const step = STEPS.find(s => span / s <= 5) || Math.ceil(span / 5);
  const axis = el('g', {class: 'axis'}, svg);
  el('line', {x1: LEFT, x2: W - RIGHT, y1: y(0), y2: y(0)}, axis);
  el('line', {x1: LEFT, x2: LEFT, y1: TOP, y2: y(0)}, axis);
  for (let m = Math.ceil(spec.from / step) * step; m <= spec.to + 1; m += step) {
    el('line', {x1: x(m), x2: x(m), y1: y(0), y2: y(0) + 4}, axis);
    el('text', {x: x(m), y: H - BOTTOM + 19, class: 'tick middle'}, svg, clock(m));
  }
  el('text', {x: W - RIGHT, y: H - 3, class: 'unit end'}, svg, 'time (UTC), per minute');

  if (spec.kind === 'bars') {
    const width = Math.max(1, plotW / span * 0.8);
    for (let m = spec.from; m <= spec.to; m++) {
      let base = 0;
      spec.series.forEach((s, i) => {
        const v = s.values[m] || 0;
        if (!v) return;
        const bar = el('rect', {x: x(m) + plotW / span * 0.1, width: width, y: y(base + v),
          height: Math.max(0.5, y(base) - y(base + v)), class: 'fill s' + (i % 8)}, svg);
        el('title', {}, bar, clock(m) + ' ' + s.name + ': ' + format(v));
        base += v;
      });
    }
  } else {
    spec.series.forEach((s, i) => {
      const points = [];
      for (let m = spec.from; m <= spec.to; m++) {
        points.push((x(m) + plotW / span / 2).toFixed(1) + ',' + y(s.values[m] || 0).toFixed(1));
      }
      el('polyline', {points: points.join(' '), class: 'stroke s' + (i % 8)}, svg);
      if (span <= 90) {
        for (let m = spec.from; m <= spec.to; m++) {
          const dot = el('circle', {cx: x(m) + plotW / span / 2, cy: y(s.values[m] || 0), r: 2.5,
            class: 'fill s' + (i % 8)}, svg);
          el('title', {}, dot, clock(m) + ' ' + s.name + ': ' + format(s.values[m] || 0));
        }
      }
    });
  }
  return max;
}

/** A legend under a chart: one swatch per series, coloured by the same class. */
function legend(list, series) {
  list.textContent = '';
  series.forEach((s, i) => {
    const item = document.createElement('li');
    const swatch = document.createElement('span');
    swatch.className = 'swatch s' + (i % 8);
    item.appendChild(swatch);
    item.appendChild(document.createTextNode(s.name));
    list.appendChild(item);
  });
}

export {draw, legend, niceScale};
