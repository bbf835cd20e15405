// A large position snapshot is built in slices (snapshot-job.ts) behind a per-master gate (stream-gate.ts): other
// masters' copies are not held up, the master's own later frames follow the snapshot (D14), and every member gets it.
import type { PositionSnapshotMessage } from '@sankey/shared/protocol/messages';
import { describe, expect, it } from 'vitest';
import { heartbeat, makeCore, open } from '../testing/core-harness';
import type { OutboundFrame } from './ports';
import { StreamGate } from './stream-gate';

const frame = (stream: string, n: number): OutboundFrame => ({
  frame: Buffer.from(`${stream}:${n}`),
  topic: `t/${stream}`,
  stream,
  cls: 'control',
});

describe('StreamGate', () => {
  it('holds a stream behind its job, lets other streams through, and releases in order', () => {
    const out: string[] = [];
    const later: (() => void)[] = [];
    const gate = new StreamGate(
      { send: (f) => out.push(f.frame.toString()) },
      (fn) => later.push(fn),
      () => {},
    );
    let slices = 0;
    gate.send(frame('A', 0));
    gate.run('A', {
      step(emit) {
        emit(frame('A', 100 + slices));
        return ++slices === 3;
      },
    });
    gate.send(frame('A', 1));
    gate.send(frame('B', 0));
    gate.run('A', {
      step(emit) {
        emit(frame('A', 200));
        return true;
      },
    });
    gate.send(frame('A', 2));
    expect(out).toEqual(['A:0', 'A:100', 'B:0']);
    while (later.length > 0) later.shift()!();
    expect(out).toEqual(['A:0', 'A:100', 'B:0', 'A:101', 'A:102', 'A:1', 'A:200', 'A:2']);
    expect(gate.pending).toBe(0);
    gate.send(frame('A', 3));
    expect(out.at(-1)).toBe('A:3');
  });

  it('idle() resolves once every job has finished (shutdown waits for it)', async () => {
    const gate = new StreamGate({ send: () => {} }, setImmediate, () => {});
    await gate.idle();
    let slices = 0;
    gate.run('A', { step: () => ++slices === 5 });
    expect(slices).toBe(1);
    await gate.idle();
    expect(slices).toBe(5);
    expect(gate.pending).toBe(0);
  });

  it('a job that throws is reported and the stream moves on', () => {
    const out: string[] = [];
    const errors: unknown[] = [];
    const gate = new StreamGate(
      { send: (f) => out.push(f.frame.toString()) },
      (fn) => fn(),
      (err) => errors.push(err),
    );
    gate.run('A', {
      step() {
        throw new Error('boom');
      },
    });
    gate.send(frame('A', 1));
    expect(errors).toHaveLength(1);
    expect(out).toEqual(['A:1']);
  });
});

const position = (i: number) => ({
  ticket: 10_000 + i,
  symbol: i % 2 ? 'EURUSD' : 'GBPUSD',
  order_type: 'Buy' as const,
  lots: 0.1,
  open_price: 1.1,
  open_time: '2025-01-01T09:30:00+00:00',
  comment: `position ${i} with a comment that takes some room`,
});

describe('a large snapshot while signals flow', () => {
  it('does not hold up another master’s copies, and every member still gets all of it', async () => {
    const slaves = Array.from({ length: 40 }, (_, i) => `S${i}`);
    const h = makeCore({ later: setImmediate, monoMs: () => performance.now() });
    h.addGroup(
      'BIG',
      {},
      slaves.map((s) => ({ slaveAccount: s })),
    );
    h.addGroup('M2', {}, [{ slaveAccount: 'T1' }]);
    for (const s of [...slaves, 'T1']) h.handle(heartbeat(s, 'Slave'));
    h.handle(heartbeat('BIG', 'Master'));
    h.handle(heartbeat('M2', 'Master'));
    h.take();

    const count = 6_000;
    const snapshot: PositionSnapshotMessage = {
      message_type: 'PositionSnapshot',
      source_account: 'BIG',
      positions: Array.from({ length: count }, (_, i) => position(i)),
      timestamp: 't',
    };
    // What building it in one go costs on this machine: the stall the slicing must avoid.
    const whole = makeCore({ later: (fn) => fn(), snapshotSlice: { ms: 1e9, items: 1e9 } });
    whole.addGroup(
      'BIG',
      {},
      slaves.map((s) => ({ slaveAccount: s })),
    );
    for (const s of slaves) whole.handle(heartbeat(s, 'Slave'));
    whole.handle(heartbeat('BIG', 'Master'));
    let t0 = performance.now();
    whole.handle({ type: 'PositionSnapshot', message: snapshot });
    const stallMs = performance.now() - t0;
    const expectedFrames = whole.take().filter((f) => f.topic.startsWith('sync/')).length;

    // A signal from M2 5 ms after the previous one while BIG's snapshot is built; each copy's delay is measured
    // from when its signal was due.
    t0 = performance.now();
    // The snapshot arrives between two signals.
    setTimeout(() => h.handle({ type: 'PositionSnapshot', message: snapshot }), 2);
    const delays: number[] = [];
    let ticket = 1;
    await new Promise<void>((resolve) => {
      let due = performance.now() + 5;
      const tick = () => {
        const before = h.sent.length;
        h.handle(open('M2', { ticket: ticket++ }));
        const copy = h.sent.slice(before).find((f) => f.topic === 'trade/M2/T1');
        expect(copy).toBeDefined();
        delays.push(performance.now() - due);
        const doneSnapshot = h.sent.filter((f) => f.topic.startsWith('sync/BIG/')).length >= expectedFrames;
        if (doneSnapshot && delays.length >= 10) return resolve();
        due = performance.now() + 5;
        setTimeout(tick, 5);
      };
      setTimeout(tick, 5);
    });
    const buildMs = performance.now() - t0;
    const maxDelay = Math.max(...delays);
    // Against what building the snapshot in one go stalls for on this machine, measured just before: a loaded
    // machine stretches both (a fixed cap of 250 ms once failed in CI at 344 ms with other jobs running).
    expect(stallMs).toBeGreaterThan(500);
    expect(maxDelay).toBeLessThan(stallMs / 2);
    expect(delays.length).toBeGreaterThan(10);

    // Every member got the whole snapshot, frames ≤ 4096 bytes, in order.
    const sync = h.sent.filter((f) => f.topic.startsWith('sync/BIG/'));
    expect(sync).toHaveLength(expectedFrames);
    for (const s of slaves) {
      const frames = sync.filter((f) => f.topic === `sync/BIG/${s}`);
      for (const f of frames) expect(f.frame.length).toBeLessThanOrEqual(4096);
      const tickets = frames.flatMap((f) =>
        (f.message.message as PositionSnapshotMessage).positions.map((p) => Number(p.ticket)),
      );
      expect(tickets).toEqual(snapshot.positions.map((p) => p.ticket));
    }
    console.info(
      `snapshot ${count} positions × ${slaves.length} members: ${stallMs.toFixed(0)} ms in one go, ` +
        `${buildMs.toFixed(0)} ms sliced; ${delays.length} copies of another master, max delay ${maxDelay.toFixed(1)} ms`,
    );
  }, 60_000);

  it('the master’s own later frames follow its snapshot (D14)', async () => {
    const h = makeCore({ later: setImmediate, snapshotSlice: { ms: 1, items: 50 } });
    h.addGroup('M1', {}, [{ slaveAccount: 'S1' }, { slaveAccount: 'S2' }]);
    for (const s of ['S1', 'S2']) h.handle(heartbeat(s, 'Slave'));
    h.handle(heartbeat('M1', 'Master'));
    h.take();
    h.handle({
      type: 'PositionSnapshot',
      message: {
        message_type: 'PositionSnapshot',
        source_account: 'M1',
        positions: Array.from({ length: 500 }, (_, i) => position(i)),
        timestamp: 't',
      },
    });
    h.handle(open('M1', { ticket: 1, action: 'Close' }));
    await new Promise((r) => setTimeout(r, 200));
    const topics = h.take().map((f) => f.topic);
    const firstTrade = topics.findIndex((t) => t.startsWith('trade/'));
    expect(firstTrade).toBeGreaterThan(0);
    expect(topics.slice(firstTrade).every((t) => t.startsWith('trade/'))).toBe(true);
    expect(new Set(topics.slice(0, firstTrade))).toEqual(new Set(['sync/M1/S1', 'sync/M1/S2']));
  });
});
