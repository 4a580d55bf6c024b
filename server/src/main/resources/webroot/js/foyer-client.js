/*
 * foyer's embeddable client, for a site that draws its own waiting UI (foyer's own waiting page uses
 * it too). Uses the official Vert.x event-bus client (@vertx/eventbus-bridge-client.js 1.0.0, served
 * at /js/vendor/vertx-eventbus-1.0.0.js) over SockJS (served at
 * /webjars/sockjs-client/1.6.1/dist/sockjs.min.js), and /js/position.js (what the page shows between
 * rank frames). Load those three, then this (without position.js loaded first, this loads it from
 * `base` itself and shows positions as they come until it is there):
 *
 *   const line = FoyerClient.join({base: 'https://queue.example.com', event: 'spring-tour'});
 *   line.on('position', p => show(p.position, p.waiting, p.etaSeconds));   // null position: pre-queue
 *     // about once a second while the line moves: the last rank frame counted down (position.js),
 *     // and at once on every frame the server sends (a correction, a keepalive)
 *   line.on('admitted', a => useThePass(a.pass, a.activeUntil));
 *   line.on('left', g => say(g.reason));          // left, expired, disconnected, confirmed, ...
 *   line.on('connection', c => dot(c.state));     // connecting, live, reconnecting, offline
 *   line.on('sale', s => banner(s.state));        // on_sale, all_held (returnsAt), sold_out, ended (message)
 *   line.on('stock', s => left(s.categories));     // what is left per category (listening costs a frame at most every 10 s)
 *   line.on('announcement', a => say(a.message));  // the operator's word to the line; null message: withdrawn
 *   line.on('error', e => say(e.message));
 *   line.leave();                                  // frees the place or the slot at once
 *   line.returnTo('https://tickets.example.com/.foyer/return').then(url => location.assign(url));
 *
 * Options besides base and event: identity (the site's identity token for a new join), code (a
 * lane's code for a new join: presale, members), pow (a
 * function of the event answering a promise of a proof-of-work payload, called when the event asks
 * for one), transports (SockJS transport names), storage (default localStorage).
 *
 * The site's origin must be in the event's corsOrigins. The queue token is kept in localStorage
 * (key foyer.token.{event}), so a refresh or a second tab keeps the place. Every (re)connect asks
 * the REST API first (it says at once whether the visitor was admitted or lost the place while
 * away), then registers on the bridge, which sends the current state at once, so no admission is
 * missed. "live" means the bridge was heard lately: /eventbus/v2 sends a heartbeat every 25 s, and
 * a socket silent for 29 s is given up and replaced ("reconnecting" within 30 s of silence). The
 * browser's own events act at once: offline drops the socket; the page becoming visible, focused,
 * resumed or restored from the back-forward cache, or the browser going online, replaces a socket
 * not heard within those 29 s at once, and asks one heard longer ago than 5 s to answer (a pong),
 * giving it up unless it does within 5 s. A lost connection is retried with backoff (1 s doubling
 * to 30 s).
 *
 * Sites load this as one file, so it stays one; its parts are marked by section comments (// ---).
 */
(function (global) {
  'use strict';

  // --- Timings ---

  /**
   * The bridge's endpoint with a SockJS heartbeat every 25 s. /eventbus itself heartbeats every 5 s,
   * for pages still running a client from before this one, which gave a socket up after 8 s.
   */
  const BRIDGE_PATH = '/eventbus/v2';
  /**
   * Silence this long means the socket is dead: the heartbeat's 25 s, and room for a busy server or
   * network. The watchdog looks once a second, so "reconnecting" shows within 30 s of silence.
   */
  const SILENCE_MILLIS = 29000;
  /** On a wake, a socket heard longer ago than this is asked to answer... */
  const FRESH_MILLIS = 5000;
  /** ...and given up if it does not within this: a phone's socket often died while it slept. */
  const PROBE_MILLIS = 5000;
  /** A socket that opened but whose register was not answered in this time is given up too. */
  const REGISTER_MILLIS = 10000;
  /** A REST call on a network that went away can hang for minutes without this. */
  const REQUEST_MILLIS = 10000;
  const MAX_BACKOFF_MILLIS = 30000;
  /** Solutions refused in a row (pow_invalid, pow_reused, pow_stale) before the join backs off. */
  const MAX_POW_REFUSALS = 3;

  // --- The line: its state, its listeners and the connection state the page is told ---

  function Line(options) {
    this.base = (options.base || '').replace(/\/$/, '');
    this.event = options.event;
    this.storage = options.storage || global.localStorage;
    this.tokenKey = 'foyer.token.' + this.event;
    this.joinKeyName = 'foyer.joinKey.' + this.event;
    this.identity = options.identity;
    this.code = options.code; // a lane's code (presale, members): only a new join carries it
    this.pow = options.pow;
    this.transports = options.transports;
    this.listeners = {position: [], admitted: [], left: [], error: [], connection: [], sale: [], stock: [],
      announcement: []};
    this.sale = null;         // where the sale stands, as last told
    this.announcement = null; // the operator's announcement as last told: {id, message}
    this.visitor = null;
    this.state = 'joining';
    this.connection = 'connecting';
    this.bus = null;
    this.closed = false;
    this.rank = null;         // the last rank frame, and when it arrived (this page's clock)
    this.rankAt = 0;
    this.shown = null;        // what was last emitted, so the timer emits only a change
    this.timer = null;
    // failed (re)connections since the bridge was last live: the backoff's exponent
    this.attempt = 0;
    this.retryTimer = null;
    /** When the next attempt is due (ms since the epoch), while one waits; else null. */
    this.retryAt = null;
    this.starting = false;
    this.powRefusals = 0;
    /** When the bridge was last heard (a frame or a heartbeat). */
    this.lastHeard = 0;
    /** When a pong was asked for and nothing has been heard since; else null. */
    this.probeAt = null;
    this.watchdog = null;
    this.wake = this.wake.bind(this);
  }

  Line.prototype.on = function (name, listener) {
    if (!this.listeners[name]) throw new Error('FoyerClient: no event "' + name + '"');
    this.listeners[name].push(listener);
    return this;
  };

  Line.prototype.emit = function (name, value) {
    this.listeners[name].forEach(function (l) {
      try { l(value); } catch (e) { if (global.console) console.error(e); }
    });
  };

  function offline() {
    return global.navigator && global.navigator.onLine === false;
  }

  /** The connection's state for the page: 'offline' whenever the browser says it has no network. */
  Line.prototype.setConnection = function (state) {
    if (state !== 'live' && offline()) state = 'offline';
    if (state === this.connection) return;
    this.connection = state;
    this.emit('connection', {state: state, lastHeard: this.lastHeard || null});
  };

  // --- Requests to the REST API ---

  /** fetch, given up after REQUEST_MILLIS (a dead network answers nothing rather than an error). */
  Line.prototype.fetch = function (url, init) {
    const abort = global.AbortController ? new global.AbortController() : null;
    const timer = abort ? global.setTimeout(function () { abort.abort(); }, REQUEST_MILLIS) : null;
    return global.fetch(url, Object.assign({}, init, abort ? {signal: abort.signal} : {}))
      .finally(function () { if (timer) global.clearTimeout(timer); });
  };

  Line.prototype.api = function (method, path, token, body) {
    const headers = {};
    if (token) headers.Authorization = 'Bearer ' + token;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    return this.fetch(this.base + '/api/events/' + encodeURIComponent(this.event) + path, {
      method: method, headers: headers, body: body === undefined ? undefined : JSON.stringify(body)
    }).then(function (r) {
      return r.status === 204 ? {status: 204, body: null}
        : r.json().catch(function () { return {}; }).then(function (b) { return {status: r.status, body: b}; });
    });
  };

  /**
   * One key per attempt to join, kept across its retries (and a reload of the tab): a join that went
   * through although its answer was lost gives back the same place instead of a second one.
   */
  Line.prototype.joinKey = function () {
    const store = global.sessionStorage || this.storage;
    let key = store.getItem(this.joinKeyName);
    if (!key) {
      const bytes = global.crypto.getRandomValues(new Uint8Array(16));
      key = Array.from(bytes, function (b) { return b.toString(16).padStart(2, '0'); }).join('');
      store.setItem(this.joinKeyName, key);
    }
    return key;
  };

  // --- Joining (or rejoining), and trying again after a backoff ---

  /** Joins, or with the stored token rejoins (keeping the place), then connects to the bridge. */
  Line.prototype.start = function (attempt) {
    const self = this;
    if (attempt !== undefined) this.attempt = attempt;
    if (this.closed || this.starting) return this;
    this.cancelRetry();
    this.starting = true;
    this.watch();
    const token = this.storage.getItem(this.tokenKey);
    let body;
    if (!token) {
      body = {};
      if (this.identity) body.identity = this.identity;
      if (this.powPayload) body.pow = this.powPayload;
      if (this.code) body.code = this.code;
      if (!body.identity && !body.pow && !body.code) body = undefined;
    }
    const path = '/visitors';
    const headers = token ? {Authorization: 'Bearer ' + token} : {'Idempotency-Key': this.joinKey()};
    if (body) headers['Content-Type'] = 'application/json';
    this.fetch(this.base + '/api/events/' + encodeURIComponent(this.event) + path, {
      method: 'POST', headers: headers, body: body ? JSON.stringify(body) : undefined
    }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (b) {
        return {status: r.status, body: b, retryAfter: parseInt(r.headers.get('Retry-After'), 10)};
      });
    }).then(function (res) {
      self.starting = false;
      if (self.closed) return;
      if (res.status === 401 && token) {
        // a token of another generation or past its time: take a new place
        self.storage.removeItem(self.tokenKey);
        return self.start();
      }
      if (res.status === 403 && /^pow_/.test(res.body.error) && self.pow && !token) {
        // the event asks for proof of work, or the solution was refused (stale in a surge, used,
        // wrong): solve a fresh challenge, then join with it; after a few refused solutions in a
        // row, back off as from an unreachable server instead of solving in a loop
        const refusedSolution = !!self.powPayload;
        self.powPayload = null;
        if (refusedSolution && ++self.powRefusals >= MAX_POW_REFUSALS) {
          self.powRefusals = 0;
          return self.failed({code: res.body.error, message: res.body.message});
        }
        return Promise.resolve(self.pow(self.event)).then(function (payload) {
          self.powPayload = payload;
          self.start();
        }, function (err) {
          self.failed({code: 'pow_failed', message: String(err && err.message || err)});
        });
      }
      if (res.status >= 500 || res.status === 429) {
        return self.failed({code: 'unreachable', message: res.body.message || 'HTTP ' + res.status},
          res.retryAfter > 0 ? res.retryAfter * 1000 : 0);
      }
      if (res.status >= 400) {
        self.stopWatching();
        self.emit('error', {code: res.body.error, message: res.body.message, status: res.status});
        return;
      }
      self.powPayload = null;
      self.powRefusals = 0;
      self.cancelRetry();
      global.sessionStorage && global.sessionStorage.removeItem(self.joinKeyName);
      self.status(res.body);
      if (self.state !== 'gone') self.connect();
    }).catch(function (err) {
      self.starting = false;
      if (self.closed) return;
      self.whyUnreachable(err);
    });
    return this;
  };

  /**
   * A call the browser would not let through looks like a network failure. A plain read of the
   * event (no preflight) tells the one cause the page can mend: foyer refuses it, readably, where the
   * event does not list this page's origin in corsOrigins. Once known, that is what every later
   * failure of this line says (the console hears it once), and nothing is retried.
   */
  Line.prototype.whyUnreachable = function (err) {
    const self = this;
    const unreachable = {code: 'unreachable', message: String(err && err.message || err)};
    if (this.originRefusal) return this.refusedOrigin();
    // only of a call the browser refused outright (a TypeError; a timeout is an AbortError), and
    // not again once foyer said the origin is not the cause
    if (this.originFine || !(err instanceof TypeError)) return this.failed(unreachable);
    this.fetch(this.base + '/api/events/' + encodeURIComponent(this.event)).then(function (r) {
      return r.status !== 403 ? {} : r.json().catch(function () { return {}; });
    }, function () { return null; }).then(function (body) {
      if (self.closed) return;
      if (body && body.error === 'origin_not_allowed') {
        self.originRefusal = {code: body.error, message: body.message, status: 403};
        return self.refusedOrigin();
      }
      if (body) self.originFine = true;
      self.failed(unreachable);
    });
  };

  Line.prototype.refusedOrigin = function () {
    this.stopWatching();
    this.cancelRetry();
    if (!this.originSaid && global.console) global.console.error('foyer: ' + this.originRefusal.message);
    this.originSaid = true;
    this.emit('error', this.originRefusal);
  };

  /** An attempt that did not get through: said, and the next one after the backoff. */
  Line.prototype.failed = function (error, atLeastMillis) {
    const wait = Math.max(atLeastMillis || 0,
      Math.min(MAX_BACKOFF_MILLIS, 1000 * Math.pow(2, this.attempt)) + Math.random() * 500);
    this.attempt++;
    this.setConnection('reconnecting');
    this.emit('error', Object.assign({retryInMillis: Math.round(wait)}, error));
    this.retryIn(wait);
  };

  Line.prototype.retryIn = function (wait) {
    const self = this;
    this.cancelRetry();
    this.retryAt = Date.now() + wait;
    this.retryTimer = global.setTimeout(function () {
      self.retryTimer = null;
      self.retryAt = null;
      self.start();
    }, wait);
  };

  Line.prototype.cancelRetry = function () {
    if (this.retryTimer) global.clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.retryAt = null;
  };

  // --- What the line is told, by a REST answer or a bridge frame ---

  /** A VisitorStatus from the REST API, as the bridge's messages would say it. */
  Line.prototype.status = function (s) {
    this.visitor = s.visitor;
    if (s.sale) this.message({type: 'sale', state: s.sale});
    if (s.opensAt) this.opensAt = s.opensAt;
    if (s.token) this.storage.setItem(this.tokenKey, s.token);
    if (s.state === 'waiting') this.message({type: 'rank', position: s.position, waiting: s.waiting, etaSeconds: s.etaSeconds, eta: s.eta, chance: s.chance});
    else if (s.state === 'active') this.message({type: 'admitted', pass: s.pass, activeUntil: s.activeUntil});
    else this.message({type: 'gone', reason: s.reason});
  };

  Line.prototype.message = function (m) {
    if (m.type === 'announcement') {
      // ids only grow; a withdrawal (message null) of the id shown is final, and a second tab or a
      // register tells the same one again
      const last = this.announcement;
      if (last && (m.id < last.id || (m.id === last.id && (last.message === null || last.message === m.message)))) return;
      this.announcement = {id: m.id, message: m.message == null ? null : m.message};
      this.emit('announcement', {id: m.id, message: this.announcement.message, at: m.at || null});
      return;
    }
    if (m.type === 'sale') {
      // told again by every REST answer: a change only is news
      if (this.sale && this.sale.state === m.state && this.sale.message === m.message) return;
      this.sale = m;
      this.emit('sale', {state: m.state, returnsAt: m.returnsAt || null, reason: m.reason || null,
        message: m.message || null});
      return;
    }
    if (m.type === 'rank') {
      this.state = 'waiting';
      this.rank = m;
      this.rankAt = Date.now();
      this.shown = null;
      this.showRank();
      this.countDown();
      return;
    }
    this.stopCounting();
    if (m.type === 'admitted') {
      if (this.state === 'active' && this.pass === m.pass) return;
      this.state = 'active';
      this.pass = m.pass;
      this.emit('admitted', {pass: m.pass, activeUntil: m.activeUntil});
    } else if (m.type === 'gone') {
      if (m.reason === 'reset') {
        // the waiting room lost its line: join again at once
        this.storage.removeItem(this.tokenKey);
        this.disconnect();
        this.start(0);
        return;
      }
      if (this.state === 'gone') return;
      this.state = 'gone';
      this.storage.removeItem(this.tokenKey);
      this.disconnect();
      this.emit('left', {reason: m.reason});
    }
  };

  // --- The position shown between rank frames ---

  /** Between rank frames the page counts down by itself; the server corrects it when it drifts. */
  const COUNT_EVERY_MILLIS = 1000;

  /** Emits what the page shows now (position.js), if it differs from what was last emitted. */
  Line.prototype.showRank = function () {
    const m = this.rank;
    const shown = global.FoyerPosition ? global.FoyerPosition.shown(m, this.rankAt, Date.now())
      : {position: m.position, etaSeconds: m.etaSeconds};
    if (this.shown && this.shown.position === shown.position && this.shown.etaSeconds === shown.etaSeconds) return;
    this.shown = shown;
    this.emit('position', {position: shown.position, waiting: m.waiting, etaSeconds: shown.etaSeconds,
      eta: scaledEta(m, shown.position), chance: m.chance || null,
      prequeue: m.prequeue === true || m.position === null || m.position === undefined});
  };

  /** The frame's eta range ({status, low, high}) counted down with the position, as etaSeconds is. */
  function scaledEta(m, position) {
    const eta = m.eta;
    if (!eta || !(m.position > 0) || position === null) return eta;
    const scale = function (s) { return typeof s === 'number' ? Math.ceil(s * position / m.position) : s; };
    return {status: eta.status, low: scale(eta.low), high: scale(eta.high)};
  }

  /** A timer only while the last frame says the line moves (rate > 0). */
  Line.prototype.countDown = function () {
    const self = this;
    this.stopCounting();
    if (!(this.rank && this.rank.rate > 0) || this.closed) return;
    this.timer = global.setInterval(function () {
      if (self.state === 'waiting' && self.rank) self.showRank();
      else self.stopCounting();
    }, COUNT_EVERY_MILLIS);
  };

  Line.prototype.stopCounting = function () {
    if (this.timer !== null) {
      global.clearInterval(this.timer);
      this.timer = null;
    }
  };

  // --- The bridge socket ---

  Line.prototype.connect = function () {
    const self = this;
    if (this.bus || this.closed) return;
    const options = {vertxbus_ping_interval: 20000};
    if (this.transports) options.transports = this.transports;
    // no reconnect of the stock client's own: a lost socket goes through start() again (above)
    const bus = new global.EventBus(this.base + BRIDGE_PATH, options);
    const heard = function () {
      if (self.bus !== bus) return;
      self.lastHeard = Date.now();
      self.probeAt = null;
    };
    bus.sockJSConn.addEventListener('heartbeat', heard);
    bus.sockJSConn.addEventListener('message', heard);
    bus.openedAt = Date.now();
    bus.live = false;
    // the stock client logs every frame without a handler to the console; an err frame the bridge
    // sends without an address (rate_limited) is the line's error, a pong only needed hearing
    bus.onunhandled = function (json) {
      if (json && json.type === 'err' && self.bus === bus) {
        self.emit('error', {code: json.body || json.failureType, message: json.message || 'refused'});
      }
    };
    bus.onopen = function () {
      bus.openedAt = Date.now();
      bus.registerHandler('foyer.visitor.' + self.visitor, {token: self.storage.getItem(self.tokenKey)},
        function (err, msg) {
          if (self.bus !== bus) return;
          if (err) {
            self.emit('error', {code: err.body || err.failureType, message: err.message || 'refused'});
            self.lost();
            return;
          }
          if (!bus.live) {
            // live, and the backoff forgiven, only once the bridge answered the register (it sends
            // the state at once): a socket can open and then fail every frame sent up
            bus.live = true;
            self.attempt = 0;
          }
          self.setConnection('live');
          self.message(msg.body);
        });
      if (self.listeners.stock.length > 0) {
        bus.registerHandler('foyer.stock.' + self.event, {}, function (err, msg) {
          if (!err && self.bus === bus) self.emit('stock', msg.body);
        });
      }
    };
    bus.onclose = function () {
      if (self.bus === bus) self.lost();
    };
    this.bus = bus;
  };

  /** The socket closed or went silent: asks again, over REST first, after the backoff. */
  Line.prototype.lost = function () {
    this.disconnect();
    if (this.closed || this.state === 'gone') return;
    this.setConnection('reconnecting');
    const wait = Math.min(MAX_BACKOFF_MILLIS, 1000 * Math.pow(2, this.attempt)) + Math.random() * 500;
    this.attempt++;
    this.retryIn(wait);
  };

  Line.prototype.disconnect = function () {
    this.probeAt = null;
    if (this.bus) {
      const bus = this.bus;
      this.bus = null;
      try { bus.close(); } catch (e) { /* already closed */ }
    }
  };

  // --- Watching the socket: silence, an unanswered register, the page waking up ---

  /** Whether the bridge is live and was heard lately. */
  Line.prototype.healthy = function () {
    return !!(this.bus && this.bus.live && Date.now() - this.lastHeard <= SILENCE_MILLIS);
  };

  /**
   * Once a second: a socket gone silent, never answering its register, or not answering the pong
   * a wake asked for, is given up.
   */
  Line.prototype.watch = function () {
    const self = this;
    if (this.watchdog) return;
    this.watchdog = global.setInterval(function () {
      if (self.closed || self.state === 'gone') return self.stopWatching();
      const bus = self.bus;
      const now = Date.now();
      if (bus && bus.live && self.probeAt !== null && now - self.probeAt > PROBE_MILLIS) self.replace();
      else if (bus && bus.live && now - self.lastHeard > SILENCE_MILLIS) self.lost();
      else if (bus && !bus.live && now - bus.openedAt > REGISTER_MILLIS) self.lost();
      else if (!bus || !bus.live) self.setConnection(self.connection === 'connecting' ? 'connecting' : 'reconnecting');
    }, 1000);
    if (global.document) global.document.addEventListener('visibilitychange', this.wake);
    global.addEventListener('online', this.wake);
    global.addEventListener('offline', this.wake);
    global.addEventListener('pageshow', this.wake);
    global.addEventListener('focus', this.wake);
    if (global.document) global.document.addEventListener('resume', this.wake);
  };

  Line.prototype.stopWatching = function () {
    if (this.watchdog) global.clearInterval(this.watchdog);
    this.watchdog = null;
    if (global.document) global.document.removeEventListener('visibilitychange', this.wake);
    global.removeEventListener('online', this.wake);
    global.removeEventListener('offline', this.wake);
    global.removeEventListener('pageshow', this.wake);
    global.removeEventListener('focus', this.wake);
    if (global.document) global.document.removeEventListener('resume', this.wake);
  };

  /**
   * The browser went offline: the socket is gone, at once. The page became visible, focused,
   * resumed or restored, or the browser went online: a phone that slept has often lost its socket
   * without hearing so, and the heartbeat's silence bound (29 s) is too long to wait for. A socket
   * not heard within it is replaced at once, not after the backoff; one not heard in the last few
   * seconds is asked for a pong, and replaced if none comes (see watch).
   */
  Line.prototype.wake = function (e) {
    if (this.closed || this.state === 'gone') return;
    if (e && e.type === 'offline') return this.lost();
    if (e && e.type === 'visibilitychange' && global.document.visibilityState !== 'visible') return;
    if (this.healthy()) {
      if (Date.now() - this.lastHeard > FRESH_MILLIS) this.probe();
      return;
    }
    if (this.starting || (this.bus && !this.bus.live && Date.now() - this.bus.openedAt < REGISTER_MILLIS)) return;
    this.replace();
  };

  /** Asks the bridge for a pong (once at a time): whatever is heard next clears probeAt. */
  Line.prototype.probe = function () {
    if (this.probeAt !== null) return;
    this.probeAt = Date.now();
    try {
      this.bus.sockJSConn.send(JSON.stringify({type: 'ping', reply: true}));
    } catch (err) {
      this.replace();
    }
  };

  /** The socket is given up and a new one asked for at once, REST first. */
  Line.prototype.replace = function () {
    this.disconnect();
    this.setConnection('reconnecting');
    this.start();
  };

  // --- Leaving, and going back to the site with the pass ---

  /** Leaves the line, or frees the active slot, at once. */
  Line.prototype.leave = function () {
    const self = this;
    const token = this.storage.getItem(this.tokenKey);
    this.closed = true;
    this.stopCounting();
    this.cancelRetry();
    this.stopWatching();
    this.disconnect();
    if (!token) return Promise.resolve();
    return this.api('DELETE', '/visitors/me', token).then(function () {
      self.storage.removeItem(self.tokenKey);
      if (self.state !== 'gone') {
        self.state = 'gone';
        self.emit('left', {reason: 'left'});
      }
    });
  };

  /**
   * Once admitted: the return URL (which must be in the event's returnUrls) carrying a single-use
   * code that the site exchanges for the pass. Rejects with the API's error otherwise.
   */
  Line.prototype.returnTo = function (url) {
    return this.api('POST', '/visitors/me/return', this.storage.getItem(this.tokenKey), {url: url})
      .then(function (res) {
        if (res.status !== 201) throw Object.assign(new Error(res.body.message), {code: res.body.error});
        return res.body.location;
      });
  };

  // --- The entry point ---

  global.FoyerClient = {
    join: function (options) {
      if (!options || !options.event) throw new Error('FoyerClient.join needs {event}');
      if (!global.EventBus || !global.SockJS) throw new Error('FoyerClient needs sockjs and vertx-eventbus loaded first');
      if (!global.FoyerPosition && global.document) {
        // position.js not loaded first: fetch it; positions are shown as they come until it is here
        const script = global.document.createElement('script');
        script.src = (options.base || '').replace(/\/$/, '') + '/js/position.js';
        global.document.head.appendChild(script);
      }
      return new Line(options).start(0);
    }
  };
})(window);
