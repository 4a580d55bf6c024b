/*
 * Keeps the map's statuses live: changes from foyer.seats.{event}, and after a (re)connect a
 * catch-up read of only the seats changed since the map the page has (GET .../seats?since=...).
 * The socket is the official event-bus client; it reconnects with a backoff until closed.
 */
export class LiveSeats {
  /** onMap(map) hears a whole map whose seats are others than those drawn. */
  constructor(api, map, onMap) {
    this.api = api;
    this.map = map;
    this.onMap = onMap;
    this.generation = null;  // the seat map's generation and the version the page has read up to
    this.version = 0;
    this.catchingUp = null;  // live changes that arrive while a catch-up read is under way
  }

  begin(map) {
    this.generation = map.generation;
    this.version = map.version;
  }

  onSeatMessage(m) {
    if (this.catchingUp) { this.catchingUp.push(m); return; }
    if (m.generation && this.generation && m.generation !== this.generation) { this.catchUp(); return; }
    m.changes.forEach(c => this.map.apply(c));
  }

  /** A whole map: drawn again if its seats are others, otherwise its statuses applied. */
  takeMap(map) {
    const same = this.map.same(map.seats);
    if (map.generation !== this.generation) {
      // versions of another generation cannot be compared: the new map is the truth
      this.map.forgetVersions();
    }
    this.begin(map);
    if (same) {
      map.seats.forEach(s => this.map.apply({seat: s.id, status: s.status, version: map.version}));
    } else {
      this.onMap(map);
    }
  }

  catchUp() {
    if (this.catchingUp) return;
    this.catchingUp = [];
    const path = this.generation ? '/seats?since=' + encodeURIComponent(this.generation + '.' + this.version) : '/seats';
    this.api.call('GET', path).then(r => {
      if (r.status !== 200) return;
      if (r.body.changes) {
        r.body.changes.forEach(c => this.map.apply(c));
        this.version = r.body.version;
      } else if (r.body.seats) {
        this.takeMap(r.body);
      }
    }).catch(() => {}).then(() => {
      const queued = this.catchingUp;
      this.catchingUp = null;
      queued.forEach(m => this.onSeatMessage(m));
    });
  }
}

/**
 * The page's socket: registers the seat and visitor addresses on every open, shows the
 * connection's state, and reconnects with a backoff until close(). `?transports=` on the page's URL
 * (comma-separated SockJS names) restricts SockJS, to see the page as behind a proxy that breaks
 * websockets.
 */
export function connect(options) {
  const forced = new URLSearchParams(location.search).get('transports');
  const conn = document.getElementById('connection');
  let bus = null;
  let closed = false;
  let backoff = 1000;
  function open() {
    // the bridge's endpoint with the 25 s heartbeat: this page knows a lost socket by its close
    const current = new EventBus('/eventbus/v2',
      Object.assign({vertxbus_ping_interval: 20000}, forced ? {transports: forced.split(',')} : {}));
    bus = current;
    current.onopen = () => {
      backoff = 1000;
      conn.dataset.state = 'live';
      window.FoyerI18n.set(conn, 'conn.live');
      Object.entries(options.handlers).forEach(([address, h]) =>
        current.registerHandler(address, h.headers || {}, (err, msg) => { if (!err) h.onMessage(msg.body); }));
      options.onOpen();
    };
    current.onclose = () => {
      if (bus !== current || closed) return;
      conn.dataset.state = 'offline';
      window.FoyerI18n.set(conn, 'conn.reconnecting');
      setTimeout(open, backoff + Math.random() * 500);
      backoff = Math.min(backoff * 2, 30000);
    };
  }
  open();
  return {
    close() {
      closed = true;
      if (bus) bus.close();
      bus = null;
    }
  };
}
