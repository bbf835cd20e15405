// Fan-out: one master × N slaves, one SUB socket per slave on its exact `trade/<master>/<slave>` topic (or, for
// the shared-delivery variant, every SUB on the master's `trade/<master>/` prefix as the DLL subscribes, N²
// deliveries). Latency per delivered frame = master's send → that slave's receive, all in this process
// (one monotonic clock). Closed loop: send, wait for every slave, pause 1 ms. Open loop: bursts of signals sent
// back to back (bounded so a burst stays under the relay's send-queue capacity), then wait for all.
import { context, Push, Subscriber } from 'zeromq';
import { benchEnv } from './env';
import { slaveIds } from './ids';
import { tradeSignal } from './signals';
import { type Dist, dist, sleep } from './stats';

// 1,000 SUB sockets and more: past ZeroMQ's default of 1,023 sockets per context.
context.maxSockets = 8192;

export type LoopMode = 'closed' | 'open';
export type SubMode = 'exact' | 'prefix';

export interface FanoutRun {
  slaves: number;
  mode: LoopMode;
  subscription: SubMode;
  signals: number;
  /** Signals per open-loop burst (1 for closed loop). */
  burst: number;
  /** Frames delivered per signal (N exact, N² prefix). */
  deliveriesPerSignal: number;
  /** µs, master send → slave receive, per delivered frame. */
  frame: Dist;
  signalsPerS: number;
  /** Frames the subscribers did not get (must be 0). */
  missing: number;
}

const nowUs = () => Number(process.hrtime.bigint()) / 1000;

/** Frames the relay's send queue may hold before refusing opens, with margin (apps/relay: capacity 10,000). */
const BURST_FRAMES = 8000;

export class Fleet {
  private readonly subs: Subscriber[] = [];
  private readonly counts: Int32Array;
  private received = 0;
  private waitFor = 0;
  private wake: (() => void) | null = null;
  /** µs on the monotonic clock (comparable with the relay's hop probe), per signal. */
  sendAt = new Float64Array(0);
  /** When the last copy of each signal arrived (µs). */
  lastRecv = new Float64Array(0);
  private lat = new Float64Array(0);
  private latN = 0;
  private recordFrom = 0;
  readonly perSignal: number;
  /** Subscriptions the publisher receives from this fleet (prefix mode: two per socket). */
  readonly subscriptions: number;
  private readonly push = new Push({ linger: 0, sendHighWaterMark: 1_000_000 });

  constructor(
    readonly master: string,
    readonly slaves: number,
    readonly subscription: SubMode,
    receiver: string,
    publisher: string,
  ) {
    this.push.connect(receiver);
    this.perSignal = subscription === 'exact' ? 1 : slaves;
    this.subscriptions = subscription === 'exact' ? slaves : 2 * slaves;
    this.counts = new Int32Array(slaves);
    const ids = slaveIds(master, slaves);
    for (let j = 0; j < slaves; j++) {
      const sub = new Subscriber({ linger: 0, receiveHighWaterMark: 1_000_000 });
      sub.connect(publisher);
      // Prefix: as a real slave subscribes — the DLL's `trade/<master>/` and the MQL's exact `trade/<master>/<slave>`
      // (which tells the relay it is listening, D19); one pipe gets each frame once however many subscriptions match.
      if (subscription === 'prefix') sub.subscribe(`trade/${master}/`, `trade/${master}/${ids[j]}`);
      else sub.subscribe(`trade/${master}/${ids[j]}`);
      this.subs.push(sub);
      void this.loop(sub, j);
    }
  }

  private async loop(sub: Subscriber, j: number): Promise<void> {
    try {
      for await (const _ of sub) {
        const now = nowUs();
        // Each slave's frames arrive in the order they were sent (one PUB, one FIFO per master stream), so its
        // c-th frame belongs to signal floor(c / perSignal).
        const k = Math.floor(this.counts[j]! / this.perSignal);
        this.counts[j]!++;
        this.lastRecv[k] = now;
        if (k >= this.recordFrom && this.latN < this.lat.length)
          this.lat[this.latN++] = now - this.sendAt[k]!;
        if (++this.received >= this.waitFor && this.wake) {
          const w = this.wake;
          this.wake = null;
          w();
        }
      }
    } catch {
      // socket closed
    }
  }

  private until(total: number, timeoutMs: number): Promise<boolean> {
    if (this.received >= total) return Promise.resolve(true);
    this.waitFor = total;
    return new Promise((res) => {
      const t = setTimeout(() => {
        this.wake = null;
        res(false);
      }, timeoutMs);
      this.wake = () => {
        clearTimeout(t);
        res(true);
      };
    });
  }

  /** Sends `warmup + signals` signals; records per-frame latency of the last `signals`. */
  async run(
    mode: LoopMode,
    signals: number,
    warmup: number,
    opts: { between?: () => Promise<void>; pauseMs?: number } = {},
  ): Promise<FanoutRun> {
    const total = warmup + signals;
    const deliveries = this.slaves * this.perSignal;
    this.counts.fill(0);
    this.received = 0;
    this.sendAt = new Float64Array(total);
    this.lastRecv = new Float64Array(total);
    this.lat = new Float64Array(signals * deliveries);
    this.latN = 0;
    this.recordFrom = warmup;
    const burst = mode === 'closed' ? 1 : Math.max(1, Math.min(100, Math.floor(BURST_FRAMES / deliveries)));
    let t0 = 0;
    let missing = 0;
    for (let i = 0; i < total; ) {
      if (i === warmup) {
        await opts.between?.();
        t0 = performance.now();
      }
      const end = Math.min(total, i + burst, i < warmup ? warmup : total);
      const from = i;
      for (; i < end; i++) {
        const frame = tradeSignal(this.master, i);
        this.sendAt[i] = nowUs();
        await this.push.send(frame);
      }
      // The first signal also waits for subscriptions to reach the publisher on a loaded machine.
      const ok = await this.until(end * deliveries, from === 0 ? 30_000 : 10_000);
      if (!ok) {
        const got = this.received;
        const silent = this.counts.reduce((n, c) => n + (c === 0 ? 1 : 0), 0);
        missing += end * deliveries - got;
        this.received = end * deliveries;
        // Re-align every slave's count on the next signal so later frames are attributed correctly.
        this.counts.fill(end * this.perSignal);
        if (from === 0) {
          throw new Error(
            `${this.master}: the first signal's copies did not all arrive (${got}/${end * deliveries} ` +
              `frames, ${silent} of ${this.slaves} subscribers got nothing) — are all members at status 2?`,
          );
        }
      }
      await sleep(opts.pauseMs ?? 1);
    }
    const elapsed = (performance.now() - t0) / 1000;
    return {
      slaves: this.slaves,
      mode,
      subscription: this.subscription,
      signals,
      burst,
      deliveriesPerSignal: deliveries,
      frame: dist(this.lat.subarray(0, this.latN)),
      signalsPerS: signals / elapsed,
      missing,
    };
  }

  async close(): Promise<void> {
    this.push.close();
    for (const s of this.subs) s.close();
    await sleep(50);
  }
}

/** Warm-up signals: enough for the JIT (benchEnv.warmup) without spending minutes at 1,000 slaves. */
export const warmupFor = (deliveries: number): number =>
  Math.max(20, Math.min(benchEnv.warmup, Math.ceil(100_000 / deliveries)));
