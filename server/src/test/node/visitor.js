// A visitor's side of foyer's bridge with the official clients (@vertx/eventbus-bridge-client.js
// over sockjs-client), on one SockJS transport only. It registers the visitor's address with its
// queue token and prints one JSON line per happening, so the Java test reads what a client saw.
// Usage: node visitor.js '{"url": "http://127.0.0.1:8080/eventbus", "transport": "xhr-polling",
//                          "visitor": "...", "token": "...", "timeoutMillis": 30000}'
'use strict';
const EventBus = require('@vertx/eventbus-bridge-client.js');

const args = JSON.parse(process.argv[2]);
const say = line => process.stdout.write(JSON.stringify(line) + '\n');
const bus = new EventBus(args.url, {transports: [args.transport]});
const address = 'foyer.visitor.' + args.visitor;
let done = false;

const timer = setTimeout(() => finish(3, 'no admission within ' + args.timeoutMillis + ' ms'), args.timeoutMillis);

function finish(code, why) {
  if (done) return;
  done = true;
  clearTimeout(timer);
  say({event: 'end', code: code, why: why});
  try { bus.close(); } catch (e) { /* already closed */ }
  // sockjs-client keeps polling requests open for a while; the verdict is printed already
  setTimeout(() => process.exit(code), 200);
}

bus.onerror = err => say({event: 'error', error: err});
bus.onopen = () => {
  say({event: 'open', transport: bus.sockJSConn.transport});
  bus.registerHandler(address, {token: args.token}, (err, msg) => {
    if (err) {
      say({event: 'refused', error: err});
      return finish(4, 'register refused');
    }
    say({event: 'message', body: msg.body});
    if (msg.body.type === 'admitted') finish(0, 'admitted');
  });
};
bus.onclose = e => {
  say({event: 'close', code: e && e.code, reason: e && e.reason});
  finish(5, 'closed before the admission');
};
