// Loaded into the relay process with `--import` by hb-tail.ts only (diagnosis, never in the measured runs): on the
// machine's monotonic clock (µs), each trade signal the PULL socket hands over (and when the read loop had asked
// for it), each trade frame the PUB socket accepts, every timer callback longer than 200 µs and every GC pause.
// Written to BENCH_PROBE_OUT at exit.
import { writeFileSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { PerformanceObserver, performance } from 'node:perf_hooks';
import timers from 'node:timers';
import { isMainThread } from 'node:worker_threads';
import { Publisher, Pull, XPublisher } from 'zeromq';

// biome-ignore lint/style/noProcessEnv: a preload outside the benchmark's modules
const out = process.env.BENCH_PROBE_OUT;
if (out && isMainThread) {
  const us = () => Number(process.hrtime.bigint()) / 1000;
  const perfOffsetUs = us() - performance.now() * 1000;
  const signals = []; // [askedAt, readAt, framesSincePrevSignal]
  const sends = [];
  const tasks = []; // [startUs, durUs, name]
  const gcs = []; // [startUs, durUs, kind]
  const frameReads = []; // every frame read: readAt (only kept as a count per 1 ms window is too coarse)
  let framesSince = 0;
  const SIGNAL_KEY = Buffer.from('source_account');
  const TRADE = Buffer.from('trade/');
  const shadow = (proto, name, fn) =>
    Object.defineProperty(proto, name, { value: fn, configurable: true, writable: true });
  const receive = Pull.prototype.receive;
  shadow(Pull.prototype, 'receive', async function () {
    const asked = us();
    const parts = await receive.call(this);
    const at = us();
    framesSince++;
    if (frameReads.length < 5_000_000) frameReads.push(at);
    if (parts[0]?.includes(SIGNAL_KEY)) {
      signals.push([asked, at, framesSince]);
      framesSince = 0;
    }
    return parts;
  });
  for (const cls of [Publisher, XPublisher]) {
    const send = cls.prototype.send;
    shadow(cls.prototype, 'send', function (msg) {
      const p = send.call(this, msg);
      if (Buffer.isBuffer(msg) && msg.subarray(0, TRADE.length).equals(TRADE)) sends.push(us());
      return p;
    });
  }
  const wrap = (orig, label) =>
    function (fn, ...rest) {
      if (typeof fn !== 'function') return orig.call(this, fn, ...rest);
      const name = `${label}:${fn.name || '?'}:${String(fn).slice(0, 80).replace(/\s+/g, ' ')}`;
      return orig.call(
        this,
        function (...args) {
          const t = us();
          try {
            return fn.apply(this, args);
          } finally {
            const d = us() - t;
            if (d > 200) tasks.push([t, d, name]);
          }
        },
        ...rest,
      );
    };
  for (const [k, label] of [
    ['setInterval', 'interval'],
    ['setTimeout', 'timeout'],
  ]) {
    const w = wrap(globalThis[k], label);
    globalThis[k] = w;
    timers[k] = w;
  }
  syncBuiltinESMExports();
  new PerformanceObserver((list) => {
    for (const e of list.getEntries())
      gcs.push([perfOffsetUs + e.startTime * 1000, e.duration * 1000, e.detail?.kind ?? 0]);
  }).observe({ entryTypes: ['gc'] });
  process.once('exit', () => writeFileSync(out, JSON.stringify({ signals, sends, tasks, gcs, frameReads })));
}
