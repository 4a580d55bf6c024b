/*
 * A small client for foyer's SockJS event-bus bridge (the Vert.x bridge protocol: register,
 * unregister and ping frames out, rec and err frames in). Needs SockJS loaded first.
 *
 *   const bus = new FoyerBus('/eventbus');
 *   bus.onopen = () => bus.registerHandler('foyer.event.demo', {}, (err, msg) => ...);
 *   bus.onclose = () => ...;
 *
 * SockJS picks the transport (websocket first, then its HTTP fallbacks); `?transports=xhr-polling`
 * (comma-separated SockJS names) on the page's URL restricts it, to try a page as a visitor behind a
 * proxy that breaks websockets would see it.
 */
(function (global) {
  'use strict';

  function FoyerBus(url, options) {
    const self = this;
    options = options || {};
    this.handlers = {};
    this.state = FoyerBus.CONNECTING;
    this.onopen = null;
    this.onclose = null;
    this.onerror = function (err) { if (global.console) console.warn('event bus error', err); };
    const forced = new URLSearchParams(global.location.search).get('transports');
    const sockOptions = Object.assign({}, options);
    if (!sockOptions.transports && forced) sockOptions.transports = forced.split(',');
    this.sock = new global.SockJS(url, null, sockOptions);

    this.sock.onopen = function () {
      self.state = FoyerBus.OPEN;
      self.pingTimer = setInterval(function () { self.send({type: 'ping'}); }, options.pingInterval || 5000);
      self.send({type: 'ping'});
      if (self.onopen) self.onopen();
    };

    this.sock.onclose = function (e) {
      self.state = FoyerBus.CLOSED;
      clearInterval(self.pingTimer);
      if (self.onclose) self.onclose(e);
    };

    this.sock.onmessage = function (e) {
      let frame;
      try {
        frame = JSON.parse(e.data);
      } catch (err) {
        return;
      }
      const handlers = frame.address && self.handlers[frame.address];
      if (handlers) {
        handlers.forEach(function (h) {
          if (frame.type === 'err') {
            h.callback({failureType: frame.failureType || frame.body, message: frame.message});
          } else {
            h.callback(null, frame);
          }
        });
      } else if (frame.type === 'err') {
        self.onerror(frame);
      }
    };
  }

  FoyerBus.CONNECTING = 0;
  FoyerBus.OPEN = 1;
  FoyerBus.CLOSED = 3;

  FoyerBus.prototype.send = function (frame) {
    if (this.state === FoyerBus.OPEN) this.sock.send(JSON.stringify(frame));
  };

  FoyerBus.prototype.registerHandler = function (address, headers, callback) {
    if (!this.handlers[address]) {
      this.handlers[address] = [];
      this.send({type: 'register', address: address, headers: headers || {}});
    }
    this.handlers[address].push({callback: callback});
  };

  FoyerBus.prototype.unregisterHandler = function (address) {
    if (this.handlers[address]) {
      delete this.handlers[address];
      this.send({type: 'unregister', address: address});
    }
  };

  FoyerBus.prototype.close = function () {
    this.state = FoyerBus.CLOSED;
    clearInterval(this.pingTimer);
    this.sock.close();
  };

  global.FoyerBus = FoyerBus;
})(window);
