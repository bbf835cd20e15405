// The relay process over real sockets: ZeroMQ on 127.0.0.1, a real SQLite file, its HTTP port.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDb } from '@sankey/db/client';
import { migrate } from '@sankey/db/migrate';
import { createRepositories, withRepositoriesTransaction } from '@sankey/db/repositories/index';
import { decodeOutboundFrame, encodeInbound } from '@sankey/shared/protocol/codec';
import type { SlaveConfigMessage } from '@sankey/shared/protocol/messages';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Push, Subscriber } from 'zeromq';
import { heartbeat, openNow, register } from './testing/core-harness';
import { startTestRelay, type TestRelay } from './testing/start-relay';

let t: TestRelay;
let push: Push;
let sub: Subscriber;
const received: { topic: string; frame: Buffer }[] = [];

async function waitFor<T>(fn: () => T | undefined, timeoutMs = 3000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
}

const metricValue = async (name: string, labels = '') => {
  const text = await (await fetch(`${t.endpoints.http}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}${labels ? `{${labels}}` : ''} `));
  return line ? Number(line.split(' ').at(-1)) : 0;
};

beforeAll(async () => {
  t = await startTestRelay();
  push = new Push({ linger: 0 });
  push.connect(t.endpoints.receiver);
  sub = new Subscriber({ linger: 0 });
  sub.connect(t.endpoints.publisher);
  sub.subscribe('');
  // The exact topic a slave's MQL subscribes: S1 is listening for M1 (D19).
  sub.subscribe('trade/M1/S1');
  void (async () => {
    for await (const [frame] of sub) {
      const space = frame!.indexOf(0x20);
      received.push({ topic: frame!.subarray(0, space).toString(), frame: frame! });
    }
  })();
  // Slow joiner: wait until both subscriptions have reached the relay (a config published before would be lost).
  const listeners = t.relay.core.delivery.listeners;
  await waitFor(() => (listeners.isSubscribed('') && listeners.isListening('M1', 'S1')) || undefined, 10_000);
});

afterAll(async () => {
  push?.close();
  sub?.close();
  await t?.stop();
});

describe('relay over real sockets', () => {
  it('refuses the control API without the bearer token and serves it with it', async () => {
    const no = await fetch(`${t.endpoints.http}/internal/v1/status`);
    expect(no.status).toBe(401);
    const wrong = await fetch(`${t.endpoints.http}/internal/v1/status`, {
      headers: { authorization: 'Bearer nope' },
    });
    expect(wrong.status).toBe(401);
    const ok = await fetch(`${t.endpoints.http}/internal/v1/status`, {
      headers: { authorization: `Bearer ${t.apiToken}` },
    });
    expect(ok.status).toBe(200);
    const body = (await ok.json()) as { ports: Record<string, number> };
    expect(body.ports.receiver).toBe(t.relay.ports.receiver);
    expect((await fetch(`${t.endpoints.http}/healthz`)).status).toBe(200);
  });

  it('applies settings written through the outbox and sends the slave its config', async () => {
    const repos = createRepositories(t.db);
    await push.send(encodeInbound(heartbeat('S1', 'Slave')));
    await waitFor(() => t.relay.core.connection('S1', 'Slave'));
    await withRepositoriesTransaction(t.db, async (tx) => {
      await tx.tradeGroups.create({
        id: 'M1',
        enabled: true,
        members: [{ slaveAccount: 'S1', enabled: true }],
      });
      await tx.outbox.append({ kind: 'group.created', tradeGroupId: 'M1', payload: {} });
    });
    const cfg = await waitFor(() => received.find((r) => r.topic === 'config/S1'));
    const decoded = decodeOutboundFrame(cfg.frame, 'Slave');
    expect('message' in decoded && (decoded.message.message as SlaveConfigMessage)).toMatchObject({
      master_account: 'M1',
      status: 1,
      warning_codes: ['master_offline'],
    });
    // The relay owns the runtime status and persists it when it changes (D2).
    await expect.poll(async () => (await repos.members.get('M1', 'S1'))?.status, { timeout: 3000 }).toBe(1);
    const row = await repos.outbox.pending({ afterId: 0 });
    expect(row).toEqual([]);
  });

  it('drops garbage, unknown types, missing fields and oversized frames, counts them, and keeps copying', async () => {
    await push.send(encodeInbound(register('M1', 'Master')));
    await push.send(encodeInbound(heartbeat('M1', 'Master')));
    await push.send(Buffer.from([0xc1, 0xff, 0x00]));
    await push.send(Buffer.from([0x81, 0xac, ...Buffer.from('message_type'), 0xa4, ...Buffer.from('Nope')]));
    await push.send(Buffer.from([0x81, 0xa6, ...Buffer.from('action'), 0xa4, ...Buffer.from('Open')]));
    // A frame over 1 MiB from another sender: libzmq refuses it before buffering it and drops that peer (D18).
    const hostile = new Push({ linger: 0 });
    hostile.connect(t.endpoints.receiver);
    await hostile.send(Buffer.alloc(1024 * 1024 + 10, 0x90));
    await expect
      .poll(() => metricValue('sankey_receiver_disconnects_total'), { timeout: 5000 })
      .toBeGreaterThan(0);
    hostile.close();
    await push.send(encodeInbound(openNow('M1', { ticket: 42 })));
    const copy = await waitFor(() => received.find((r) => r.topic === 'trade/M1/S1'));
    expect(copy).toBeDefined();
    expect(await metricValue('sankey_decode_errors_total', 'reason="malformed"')).toBe(1);
    expect(await metricValue('sankey_decode_errors_total', 'reason="unknown_message_type"')).toBe(1);
    expect(await metricValue('sankey_decode_errors_total', 'reason="missing_field:ticket"')).toBe(1);
    expect(await metricValue('sankey_decode_errors_total', 'reason="too_large"')).toBe(0);
    expect(await metricValue('sankey_signals_copied_total')).toBe(1);
    expect(await metricValue('sankey_frames_in_total', 'type="TradeSignal"')).toBe(1);
  });
});

describe('outbox robustness', () => {
  it('keeps a row it cannot apply visible as failed, blocks only its group, and applies the rest once discarded', async () => {
    // Loading member BAD fails with an error that is not transient (as a driver's encoding error would).
    const t = await startTestRelay({
      wrapStorage: (inner) =>
        new Proxy(inner, {
          get(target, prop, receiver) {
            if (prop !== 'loadMember') return Reflect.get(target, prop, receiver);
            return (group: string, account: string) =>
              account === 'BAD'
                ? Promise.reject(new TypeError('cannot decode the stored row'))
                : target.loadMember(group, account);
          },
        }),
    });
    const control = (path: string, init: RequestInit = {}) =>
      fetch(`${t.endpoints.http}/internal/v1${path}`, {
        ...init,
        headers: { authorization: `Bearer ${t.apiToken}`, 'content-type': 'application/json' },
      });
    const metric = async (name: string, labels: string) => {
      const text = await (await fetch(`${t.endpoints.http}/metrics`)).text();
      const line = text.split('\n').find((l) => l.startsWith(`${name}{${labels}} `));
      return line ? Number(line.split(' ').at(-1)) : 0;
    };
    try {
      const repos = createRepositories(t.db);
      await repos.tradeGroups.create({ id: 'P1', enabled: true });
      await repos.members.add('P1', { slaveAccount: 'BAD', enabled: true });
      const bad = await repos.outbox.append({
        kind: 'member.added',
        tradeGroupId: 'P1',
        slaveAccount: 'BAD',
        payload: {},
      });
      // A later change of the same group waits behind it; another group's change does not.
      await withRepositoriesTransaction(t.db, async (tx) => {
        await tx.tradeGroups.updateAffixes('P1', { symbolSuffix: '.x' });
        await tx.outbox.append({ kind: 'group.updated', tradeGroupId: 'P1', payload: {} });
      });
      await withRepositoriesTransaction(t.db, async (tx) => {
        await tx.tradeGroups.create({
          id: 'P2',
          enabled: true,
          members: [{ slaveAccount: 'S7', enabled: true }],
        });
        await tx.outbox.append({ kind: 'group.created', tradeGroupId: 'P2', payload: {} });
      });
      await waitFor(() => (t.relay.core.group('P2') ? true : undefined), 5000);

      const { failures } = (await (await control('/outbox/failures')).json()) as {
        failures: { id: number; state: string; waiting: number; error: string }[];
      };
      expect(failures).toEqual([
        expect.objectContaining({ id: bad.id, kind: 'member.added', state: 'failed', waiting: 1 }),
      ]);
      expect(await metric('sankey_outbox_failing_rows', 'state="failed"')).toBe(1);
      expect((await repos.changeHistory.getByOutboxId(bad.id))?.state).toBe('failed');
      // P2's row is marked processed in the database just after it is applied in memory (waited for above).
      await expect
        .poll(async () => (await repos.outbox.pending({ afterId: 0 })).map((r) => r.kind), { timeout: 5000 })
        .toEqual(['member.added', 'group.updated']);
      expect(t.relay.core.group('P1')).toBeUndefined();

      expect((await control('/outbox/discard', { method: 'POST', body: '{"id":999999}' })).status).toBe(404);
      const res = await control('/outbox/discard', { method: 'POST', body: JSON.stringify({ id: bad.id }) });
      expect(res.status).toBe(200);
      await waitFor(() => (t.relay.core.group('P1')?.symbolSuffix === '.x' ? true : undefined), 5000);
      // The row is settled in the database right after it was applied in memory.
      await expect
        .poll(async () => (await repos.outbox.pending({ afterId: 0 })).length, { timeout: 5000 })
        .toBe(0);
      expect((await repos.changeHistory.getByOutboxId(bad.id))?.state).toBe('discarded');
      expect(await metric('sankey_outbox_failing_rows', 'state="failed"')).toBe(0);
    } finally {
      await t.stop();
    }
  });
});

describe('start-up with a damaged row', () => {
  it('starts, loads the readable members and logs the one it cannot read', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sankey-bad-row-'));
    const url = `file:${join(dataDir, 'sankey.db')}`;
    await migrate({ url });
    const db = await createDb({ url });
    const repos = createRepositories(db);
    await repos.tradeGroups.create({
      id: 'G1',
      enabled: true,
      members: [{ slaveAccount: 'OK1', enabled: true }],
    });
    await db.tradeGroupMember.create({
      data: {
        tradeGroupId: 'G1',
        slaveAccount: 'BAD1',
        slaveSettings: { maxRetries: 'many' },
        enabled: true,
      },
    });
    await db.$disconnect();
    const r = await startTestRelay({ dataDir });
    try {
      expect(r.relay.core.membersOf('G1').map((m) => m.slaveAccount)).toEqual(['OK1']);
      const logged = r.relay.logs.list({ level: 'error' }).entries.map((e) => e.msg);
      expect(logged).toContain('member with unreadable settings skipped');
    } finally {
      await r.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
