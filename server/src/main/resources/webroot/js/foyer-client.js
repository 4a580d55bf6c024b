/*
 * foyer's embeddable client, for a site that draws its own waiting UI. Uses the official Vert.x
 * event-bus client (@vertx/eventbus-bridge-client.js 1.0.0, served at /js/vendor/vertx-eventbus-1.0.0.js)
 * over SockJS (served at /webjars/sockjs-client/1.6.1/dist/sockjs.min.js), and /js/position.js (what
 * the page shows between rank frames). Load those three, then this (without position.js loaded
 * first, this loads it from `base` itself and shows positions as they come until it is there):
 *
 *   const line = FoyerClient.join({base: 'https://queue.example.com', event: 'spring-tour'});
 *   line.on('position', p => show(p.position, p.waiting, p.etaSeconds));   // null position: pre-queue
 *     // about once a second while the line moves: the last rank frame counted down (position.js),
 *     // and at once on every frame the server sends (a correction, a keepalive)
 *   line.on('admitted', a => useThePass(a.pass, a.activeUntil));
 *   line.on('left', g => say(g.reason));          // left, expired, disconnected, confirmed, ...
 *   line.on('error', e => say(e.message));
 *   line.leave();                                  // frees the place or the slot at once
 *   line.returnTo('https://tickets.example.com/.foyer/return').then(url => location.assign(url));
 *
 * The site's origin must be in the event's corsOrigins. The queue token is kept in localStorage
 * (key foyer.token.{event}), so a refresh or a second tab keeps the place; a reconnect registers
 * again and the bridge sends the current state at once, so no admission is missed.
 */
(function (global) {
  'use strict';

  function Line(options) {
    this.base = (options.base || '').replace(/\/$/, '');
    this.event = options.event;
    this.storage = options.storage || global.localStorage;
    this.tokenKey = 'foyer.token.' + this.event;
    this.listeners = {position: [], admitted: [], left: [], error: []};
    this.visitor = null;
    this.state = 'joining';
    this.bus = null;
    this.closed = false;
    this.rank = null;         // the last rank frame, and when it arrived (this page's clock)
    this.rankAt = 0;
    this.shown = null;        // what was last emitted, so the timer emits only a change
    this.timer = null;
  }

  /** Between rank frames the page counts down by itself; the server corrects it when it drifts. */
  const COUNT_EVERY_MILLIS = 1000;

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

  Line.prototype.api = function (method, path, token, body) {
    const headers = {};
    if (token) headers.Authorization = 'Bearer ' + token;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    return global.fetch(this.base + '/api/events/' + encodeURIComponent(this.event) + path, {
      method: method, headers: headers, body: body === undefined ? undefined : JSON.stringify(body)
    }).then(function (r) {
      return r.status === 204 ? {status: 204, body: null}
        : r.json().then(function (b) { return {status: r.status, body: b}; });
    });
  };

  Line.prototype.start = function (attempt) {
    const self = this;
    const token = this.storage.getItem(this.tokenKey);
    // one key per attempt to join, kept across its retries: a retry never takes a second place
    if (!this.joinKey) this.joinKey = ('k' + Math.random().toString(36).slice(2) + Date.now().toString(36)).padEnd(16, '0');
    const headers = token ? {} : {'Idempotency-Key': this.joinKey};
    global.fetch(this.base + '/api/events/' + encodeURIComponent(this.event) + '/visitors', {
      method: 'POST', headers: Object.assign(headers, token ? {Authorization: 'Bearer ' + token} : {})
    }).then(function (r) {
      return r.json().then(function (b) { return {status: r.status, body: b}; });
    }).then(function (res) {
      if (res.status === 401 && token) {
        // a token of another generation or past its time: take a new place
        self.storage.removeItem(self.tokenKey);
        return self.start(0);
      }
      if (res.status >= 500 || res.status === 429) throw new Error(res.body.message || 'HTTP ' + res.status);
      if (res.status >= 400) {
        self.emit('error', {code: res.body.error, message: res.body.message});
        return;
      }
      self.joinKey = null;
      self.status(res.body);
      if (self.state !== 'gone') self.connect();
    }).catch(function (err) {
      if (self.closed) return;
      const wait = Math.min(30000, 1000 * Math.pow(2, attempt || 0));
      self.emit('error', {code: 'unreachable', message: String(err && err.message || err), retryInMillis: wait});
      global.setTimeout(function () { self.start((attempt || 0) + 1); }, wait);
    });
    return this;
  };

  /** A VisitorStatus from the REST API, as the bridge's messages would say it. */
  Line.prototype.status = function (s) {
    this.visitor = s.visitor;
    if (s.token) this.storage.setItem(this.tokenKey, s.token);
    if (s.state === 'waiting') this.message({type: 'rank', position: s.position, waiting: s.waiting, etaSeconds: s.etaSeconds});
    else if (s.state === 'active') this.message({type: 'admitted', pass: s.pass, activeUntil: s.activeUntil});
    else this.message({type: 'gone', reason: s.reason});
  };

  Line.prototype.message = function (m) {
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

  /** Emits what the page shows now (position.js), if it differs from what was last emitted. */
  Line.prototype.showRank = function () {
    const m = this.rank;
    const shown = global.FoyerPosition ? global.FoyerPosition.shown(m, this.rankAt, Date.now())
      : {position: m.position, etaSeconds: m.etaSeconds};
    if (this.shown && this.shown.position === shown.position && this.shown.etaSeconds === shown.etaSeconds) return;
    this.shown = shown;
    this.emit('position', {position: shown.position, waiting: m.waiting, etaSeconds: shown.etaSeconds,
      prequeue: m.prequeue === true || m.position === null || m.position === undefined});
  };

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

  Line.prototype.connect = function () {
    const self = this;
    if (this.bus || this.closed) return;
    const bus = new global.EventBus(this.base + '/eventbus', {vertxbus_ping_interval: 20000,
      vertxbus_reconnect_delay_max: 30000});
    bus.enableReconnect(true);
    bus.onopen = function () {
      // on every (re)connect: the register answers with the current state at once
      bus.registerHandler('foyer.visitor.' + self.visitor, {token: self.storage.getItem(self.tokenKey)},
        function (err, msg) {
          if (err) self.emit('error', {code: err.body || err.failureType, message: err.message || 'refused'});
          else self.message(msg.body);
        });
    };
    this.bus = bus;
  };

  Line.prototype.disconnect = function () {
    if (this.bus) {
      const bus = this.bus;
      this.bus = null;
      bus.enableReconnect(false);
      try { bus.close(); } catch (e) { /* already closed */ }
    }
  };

  /** Leaves the line, or frees the active slot, at once. */
  Line.prototype.leave = function () {
    const self = this;
    const token = this.storage.getItem(this.tokenKey);
    this.closed = true;
    this.stopCounting();
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
