// A page that sends into foyer's bridge with a reply handler, with the official clients
// (@vertx/eventbus-bridge-client.js over sockjs-client): browsers may not send, and the refusal
// must reach the callback, not only the bus's onerror. Prints one JSON line per happening.
// Usage: node refused-send.js '{"url": "http://127.0.0.1:8080/eventbus", "transport": "websocket",
//                               "address": "foyer.queue.admit", "timeoutMillis": 10000}'
'use strict';
const EventBus = require('@vertx/eventbus-bridge-client.js');

const args = JSON.parse(process.argv[2]);
const say = line => process.stdout.write(JSON.stringify(line) + '\n');
const bus = new EventBus(args.url, {transports: [args.transport]});
let done = false;

const timer = setTimeout(() => finish(3, 'no reply within ' + args.timeoutMillis + ' ms'), args.timeoutMillis);

function finish(code, why) {
  if (done) return;
  done = true;
  clearTimeout(timer);
  say({event: 'end', code: code, why: why});
  try { bus.close(); } catch (e) { /* already closed */ }
  setTimeout(() => process.exit(code), 200);
}

bus.onerror = err => say({event: 'error', error: err});
bus.onopen = () => {
  say({event: 'open', transport: bus.sockJSConn.transport});
  bus.send(args.address, {hello: 'foyer'}, (err, reply) => {
    say({event: 'reply', error: err, body: reply ? reply.body : null});
    finish(err ? 0 : 4, err ? 'refused, and told so' : 'answered?');
  });
};
