// Loaded into the relay process with `--import` for the per-hop breakdown only (never in the measured runs):
// stamps, on the machine's monotonic clock (process.hrtime, shared by every process), each trade signal the
// PULL socket hands the relay and each trade frame the PUB socket accepts; written to BENCH_PROBE_OUT at exit.
// Plain JavaScript: the relay's database worker thread inherits this flag before any TypeScript loader.
import { writeFileSync } from 'node:fs';
import { isMainThread } from 'node:worker_threads';
import { Publisher, Pull, XPublisher } from 'zeromq';

// biome-ignore lint/style/noProcessEnv: a preload outside the benchmark's modules; bench/src/env.ts documents the knob
const out = process.env.BENCH_PROBE_OUT;
if (out && isMainThread) {
  const reads = [];
  const sends = [];
  const us = () => Number(process.hrtime.bigint()) / 1000;
  const SIGNAL_KEY = Buffer.from('source_account');
  const TRADE = Buffer.from('trade/');
  // The binding's methods are read-only on the native base class: shadow them on the subclasses.
  const shadow = (proto, name, fn) =>
    Object.defineProperty(proto, name, { value: fn, configurable: true, writable: true });
  const receive = Pull.prototype.receive;
  shadow(Pull.prototype, 'receive', async function () {
    const parts = await receive.call(this);
    if (parts[0]?.includes(SIGNAL_KEY)) reads.push(us());
    return parts;
  });
  for (const cls of [Publisher, XPublisher]) {
    const send = cls.prototype.send;
    shadow(cls.prototype, 'send', async function (msg) {
      await send.call(this, msg);
      if (Buffer.isBuffer(msg) && msg.subarray(0, TRADE.length).equals(TRADE)) sends.push(us());
    });
  }
  process.once('exit', () => writeFileSync(out, JSON.stringify({ reads, sends })));
}
