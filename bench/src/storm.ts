// Item 3: config storms through the real admin API (tRPC over HTTP, bearer token, docs/api.md). A master with
// N members is switched off and on (one `tradeGroups.toggle`, then N `members.toggle` calls); we time until the
// last slave has its new config on `config/<slave>`. Then N new slaves register within one second.
import { decodeOutboundFrame } from '@sankey/shared/protocol/codec';
import type { SlaveConfigMessage } from '@sankey/shared/protocol/messages';
import { Push, Subscriber } from 'zeromq';
import { benchEnv } from './env';
import { heartbeatAll } from './fanout-suite';
import { slaveIds } from './ids';
import { heartbeatFrame, registerFrame } from './signals';
import { mutate, startStack } from './stack';
import { type Dist, dist, sleep } from './stats';

export interface StormResult {
  members: number;
  /** ms from the API call to the last slave's new config. */
  groupOff: number;
  groupOn: number;
  membersOff: number;
  membersOn: number;
  /** N slaves registering spread over one second: ms from the first Register to the last config. */
  registerLastMs: number;
  /** Per slave, its Register → its config with status 2, ms. */
  register: Dist;
}

/** Collects SlaveConfig frames per slave account. */
class ConfigWatch {
  private readonly sub = new Subscriber({ linger: 0, receiveHighWaterMark: 1_000_000 });
  private readonly seen = new Map<string, { status: number; at: number }>();
  private waiting: { ids: Set<string>; pred: (s: number) => boolean; done: () => void } | null = null;

  constructor(publisher: number, prefixes: string[]) {
    this.sub.connect(`tcp://127.0.0.1:${publisher}`);
    for (const p of prefixes) this.sub.subscribe(p);
    void this.loop();
  }

  private async loop() {
    try {
      for await (const [frame] of this.sub) {
        const d = decodeOutboundFrame(frame!, 'Slave');
        if (!('message' in d) || d.message.type !== 'SlaveConfig') continue;
        const msg = d.message.message as SlaveConfigMessage;
        this.seen.set(msg.account_id, { status: msg.status, at: performance.now() });
        const w = this.waiting;
        if (w?.ids.has(msg.account_id) && w.pred(msg.status)) {
          w.ids.delete(msg.account_id);
          if (w.ids.size === 0) {
            this.waiting = null;
            w.done();
          }
        }
      }
    } catch {
      // closed
    }
  }

  /** Resolves when every id has received a config whose status satisfies `pred` (from now on). */
  until(ids: string[], pred: (s: number) => boolean, timeoutMs = 60_000): Promise<void> {
    return new Promise((res, rej) => {
      const t = setTimeout(() => {
        const left = [...(this.waiting?.ids ?? [])];
        rej(
          new Error(
            `config storm: ${left.length} slaves still waiting, e.g. ${left[0]} at ${this.seen.get(left[0]!)?.status}`,
          ),
        );
      }, timeoutMs);
      this.waiting = {
        ids: new Set(ids),
        pred,
        done: () => {
          clearTimeout(t);
          res();
        },
      };
    });
  }

  at(id: string): number | undefined {
    return this.seen.get(id)?.at;
  }

  close() {
    this.sub.close();
  }
}

async function timed(fn: () => Promise<unknown>, wait: Promise<void>): Promise<number> {
  const t0 = performance.now();
  await fn();
  await wait;
  return performance.now() - t0;
}

export async function stormSuite(log: (line: string) => void): Promise<StormResult> {
  const n = benchEnv.stormMembers;
  const storm = { master: 'CS', slaves: slaveIds('CS', n) };
  const reg = { master: 'CR', slaves: slaveIds('CR', n) };
  const stack = await startStack({
    mode: 'npm-start',
    groups: [storm, reg],
    env: { SANKEY_HEARTBEAT_TIMEOUT_S: '3600' },
  });
  const watch = new ConfigWatch(stack.publisher, ['config/CSS', 'config/CRS']);
  try {
    await heartbeatAll(stack.receiver, [storm]);
    const api = stack.api!;
    const ids = storm.slaves;
    const off = (s: number) => s !== 2;
    const on = (s: number) => s === 2;
    const groupOff = await timed(
      () => mutate(api, 'tradeGroups.toggle', { id: 'CS', enabled: false }),
      watch.until(ids, off),
    );
    const groupOn = await timed(
      () => mutate(api, 'tradeGroups.toggle', { id: 'CS', enabled: true }),
      watch.until(ids, on),
    );
    const toggleAll = (enabled: boolean) => async () => {
      // Eight calls in flight, as an admin script would run them.
      let next = 0;
      await Promise.all(
        Array.from({ length: 8 }, async () => {
          while (next < ids.length) {
            const slaveAccount = ids[next++]!;
            await mutate(api, 'members.toggle', { tradeGroupId: 'CS', slaveAccount, enabled });
          }
        }),
      );
    };
    const membersOff = await timed(toggleAll(false), watch.until(ids, off, 120_000));
    const membersOn = await timed(toggleAll(true), watch.until(ids, on, 120_000));

    // N new slaves register within one second (the master is online first).
    const push = new Push({ linger: 0, sendHighWaterMark: 1_000_000 });
    push.connect(`tcp://127.0.0.1:${stack.receiver}`);
    await push.send(registerFrame(reg.master, 'Master'));
    await push.send(heartbeatFrame(reg.master, 'Master'));
    await sleep(500);
    const done = watch.until(reg.slaves, on);
    const sentAt = new Map<string, number>();
    const t0 = performance.now();
    for (let i = 0; i < n; i++) {
      const due = t0 + (i * 1000) / n;
      const wait = due - performance.now();
      if (wait > 1) await sleep(wait);
      sentAt.set(reg.slaves[i]!, performance.now());
      // An EA registers, then heartbeats (docs/protocol.md §6.3–§6.4); status 2 needs the heartbeat.
      await push.send(registerFrame(reg.slaves[i]!, 'Slave'));
      await push.send(heartbeatFrame(reg.slaves[i]!, 'Slave'));
    }
    await done;
    push.close();
    const per = reg.slaves.map((s) => watch.at(s)! - sentAt.get(s)!);
    const result: StormResult = {
      members: n,
      groupOff,
      groupOn,
      membersOff,
      membersOn,
      registerLastMs: Math.max(...reg.slaves.map((s) => watch.at(s)!)) - t0,
      register: dist(per),
    };
    log(
      `config storm, ${n} members: group off ${groupOff.toFixed(0)} ms, on ${groupOn.toFixed(0)} ms; ` +
        `${n} member toggles off ${membersOff.toFixed(0)} ms, on ${membersOn.toFixed(0)} ms; ` +
        `${n} slaves registering in 1 s: last config at ${result.registerLastMs.toFixed(0)} ms, per slave p50 ` +
        `${result.register.p50.toFixed(1)} ms p99 ${result.register.p99.toFixed(1)} ms`,
    );
    return result;
  } finally {
    watch.close();
    await stack.stop();
  }
}
