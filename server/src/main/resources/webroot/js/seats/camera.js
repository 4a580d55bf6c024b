/*
 * Zoom and pan of the seat map: the viewBox is the camera. Drag, pinch, wheel and the +/- buttons
 * move it; a tap picks a seat only once seats are at least MIN_TARGET_PX across on screen, before
 * that it zooms in where it landed. A tap on a standing area names the area.
 */
const MIN_TARGET_PX = 24;  // a seat is picked by a tap only at least this wide on screen
const ZOOM_TO_PX = 36;     // a tap on a smaller map zooms in to this

export class Camera {
  /** onSeat(id) and onArea(section) hear the taps that pick. */
  constructor(svg, onSeat, onArea) {
    this.svg = svg;
    this.onSeat = onSeat;
    this.onArea = onArea;
    this.view = null;      // {x, y, w, h} in map units
    this.bounds = null;    // the whole map
    this.pointers = new Map();
    this.gesture = null;   // {moved, distance, target} while fingers or a mouse are down
    svg.addEventListener('pointerdown', e => this.pointerDown(e));
    svg.addEventListener('pointermove', e => this.pointerMove(e));
    svg.addEventListener('pointerup', e => this.pointerUp(e));
    svg.addEventListener('pointercancel', e => { this.pointers.delete(e.pointerId); this.gesture = null; });
    svg.addEventListener('wheel', e => { e.preventDefault(); this.zoom(e.deltaY < 0 ? 1.2 : 1 / 1.2, e.clientX, e.clientY); },
      {passive: false});
    // a click that no pointer gesture made (a keyboard, assistive technology, a script) picks as a tap would
    svg.addEventListener('click', e => { if (e.detail === 0 || !e.isTrusted) this.pick(e.target, e.clientX, e.clientY); });
    // a phone turned, a window resized: the whole map again
    window.addEventListener('resize', () => { if (this.bounds) this.fit(); });
  }

  show(bounds) {
    this.bounds = bounds;
    this.fit();
  }

  pxPerUnit() {
    return this.svg.clientWidth / this.view.w;
  }

  aspect() {
    return this.svg.clientHeight / Math.max(1, this.svg.clientWidth);
  }

  setView(v) {
    const b = this.bounds;
    const aspect = this.aspect();
    const w = Math.min(Math.max(v.w, 4), Math.max(b.w, b.h / aspect) * 1.2);
    const h = w * aspect;
    const cx = Math.min(Math.max(v.x + v.w / 2, b.x), b.x + b.w);
    const cy = Math.min(Math.max(v.y + v.h / 2, b.y), b.y + b.h);
    this.view = {x: cx - w / 2, y: cy - h / 2, w: w, h: h};
    this.svg.setAttribute('viewBox', this.view.x + ' ' + this.view.y + ' ' + this.view.w + ' ' + this.view.h);
  }

  fit() {
    const b = this.bounds;
    const aspect = this.aspect();
    const w = Math.max(b.w, b.h / aspect);
    this.setView({x: b.x + b.w / 2 - w / 2, y: b.y + b.h / 2 - w * aspect / 2, w: w, h: w * aspect});
  }

  /** Zooms by `factor` (above 1: closer) keeping the map point under (px, py) where it is. */
  zoom(factor, px, py) {
    const rect = this.svg.getBoundingClientRect();
    const v = this.view;
    const fx = px == null ? 0.5 : (px - rect.left) / rect.width;
    const fy = py == null ? 0.5 : (py - rect.top) / rect.height;
    const ux = v.x + fx * v.w, uy = v.y + fy * v.h;
    const w = v.w / factor, h = v.h / factor;
    this.setView({x: ux - fx * w, y: uy - fy * h, w: w, h: h});
  }

  panBy(dxPx, dyPx) {
    const k = this.pxPerUnit();
    const v = this.view;
    this.setView({x: v.x - dxPx / k, y: v.y - dyPx / k, w: v.w, h: v.h});
  }

  pointerDown(e) {
    this.pointers.set(e.pointerId, {x: e.clientX, y: e.clientY});
    if (!this.gesture) this.gesture = {moved: 0, distance: null, target: e.target};
    try {
      this.svg.setPointerCapture(e.pointerId); // keeps a drag that leaves the map going
    } catch (err) {
      // a pointer the browser does not track (an emulated one) simply goes uncaptured
    }
    if (this.pointers.size === 2) this.gesture.distance = this.spread();
  }

  spread() {
    const [a, b] = [...this.pointers.values()];
    return Math.hypot(a.x - b.x, a.y - b.y);
  }

  pointerMove(e) {
    const before = this.pointers.get(e.pointerId);
    const g = this.gesture;
    if (!before || !g) return;
    const now = {x: e.clientX, y: e.clientY};
    this.pointers.set(e.pointerId, now);
    if (this.pointers.size === 2) {
      const d = this.spread();
      const [a, b] = [...this.pointers.values()];
      if (g.distance) this.zoom(d / g.distance, (a.x + b.x) / 2, (a.y + b.y) / 2);
      g.distance = d;
      g.moved += 100;
    } else {
      this.panBy(now.x - before.x, now.y - before.y);
      g.moved += Math.abs(now.x - before.x) + Math.abs(now.y - before.y);
    }
  }

  pointerUp(e) {
    this.pointers.delete(e.pointerId);
    if (this.pointers.size > 0 || !this.gesture) return;
    const g = this.gesture;
    this.gesture = null;
    if (g.moved < 8) this.pick(g.target, e.clientX, e.clientY);
  }

  /** A tap: on a seat big enough to aim at, picks it; on a small map, zooms in where it landed. */
  pick(target, x, y) {
    const data = (target && target.dataset) || {};
    if (data.area) {
      this.onArea(data.area);
      return;
    }
    if (this.pxPerUnit() < MIN_TARGET_PX) {
      this.zoom(ZOOM_TO_PX / this.pxPerUnit(), x, y);
      return;
    }
    if (data.seat) this.onSeat(data.seat);
  }
}
