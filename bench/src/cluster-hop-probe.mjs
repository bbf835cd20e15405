// Loaded into both relays of the cross-relay benchmark with `--import` for its per-hop breakdown only
// (BENCH_CLUSTER_HOPS; never in the measured runs): stamps, on the machine's monotonic clock (process.hrtime,
// shared by every process), each trade signal the PULL socket hands the relay, each trade frame the PUB socket
// accepts, and the NATS traffic of the signal path as the relay's socket sees it (a signal published, a stream
// signal read, handed to the consumer's callback, acked, its ack written, a pull request written). Written to
// BENCH_PROBE_OUT at exit. Plain JavaScript: the relay's database worker thread inherits the flag.
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Socket } from 'node:net';
import { dirname, join } from 'node:path';
import { isMainThread } from 'node:worker_threads';
import { Publisher, Pull, XPublisher } from 'zeromq';

// biome-ignore lint/style/noProcessEnv: a preload outside the benchmark's modules; bench/src/env.ts documents the knob
const out = process.env.BENCH_PROBE_OUT;
if (out && isMainThread) {
  const s = { read: [], send: [], pubCall: [], pubW: [], msgIn: [], cb: [], ack: [], ackW: [], pullW: [] };
  const us = () => Number(process.hrtime.bigint()) / 1000;
  const SIGNAL_KEY = Buffer.from('source_account');
  const TRADE = Buffer.from('trade/');
  const has = (chunk, text) => {
    const b = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    return b.indexOf(text) >= 0;
  };
  const shadow = (proto, name, fn) =>
    Object.defineProperty(proto, name, { value: fn, configurable: true, writable: true });
  const receive = Pull.prototype.receive;
  shadow(Pull.prototype, 'receive', async function () {
    const parts = await receive.call(this);
    if (parts[0]?.includes(SIGNAL_KEY)) s.read.push(us());
    return parts;
  });
  for (const cls of [Publisher, XPublisher]) {
    const send = cls.prototype.send;
    shadow(cls.prototype, 'send', async function (msg) {
      await send.call(this, msg);
      if (Buffer.isBuffer(msg) && msg.subarray(0, TRADE.length).equals(TRADE)) s.send.push(us());
    });
  }
  const write = Socket.prototype.write;
  Socket.prototype.write = function (chunk, ...rest) {
    if (chunk instanceof Uint8Array && chunk.byteLength > 0) {
      const t = us();
      if (has(chunk, 'HPUB ') && has(chunk, '.signal.')) s.pubW.push(t);
      if (has(chunk, '$JS.ACK.')) s.ackW.push(t);
      if (has(chunk, 'CONSUMER.MSG.NEXT')) s.pullW.push(t);
    }
    return write.call(this, chunk, ...rest);
  };
  const emit = Socket.prototype.emit;
  Socket.prototype.emit = function (event, chunk, ...rest) {
    if (event === 'data' && chunk instanceof Uint8Array && has(chunk, 'HMSG ') && has(chunk, '.signal.'))
      s.msgIn.push(us());
    return emit.call(this, event, chunk, ...rest);
  };
  // The JetStream client is CommonJS: its consumer calls jsmsg's toJsMsg through the module's exports object.
  const require = createRequire(join(process.cwd(), 'package.json'));
  const lib = dirname(require.resolve('@nats-io/jetstream'));
  const jsmsg = require(join(lib, 'jsmsg.js'));
  const toJsMsg = jsmsg.toJsMsg;
  jsmsg.toJsMsg = (m, timeout) => {
    const js = toJsMsg(m, timeout);
    if (m.subject.includes('.signal.')) s.cb.push(us());
    const ack = js.ack;
    js.ack = function () {
      s.ack.push(us());
      return ack.call(this);
    };
    return js;
  };
  const fromTransport = createRequire(require.resolve('@nats-io/transport-node'));
  const core = require(join(dirname(fromTransport.resolve('@nats-io/nats-core')), 'nats.js'));
  const publish = core.NatsConnectionImpl.prototype.publish;
  core.NatsConnectionImpl.prototype.publish = function (subject, ...rest) {
    if (subject.includes('.signal.')) s.pubCall.push(us());
    return publish.call(this, subject, ...rest);
  };
  process.once('exit', () => writeFileSync(out, JSON.stringify(s)));
}
