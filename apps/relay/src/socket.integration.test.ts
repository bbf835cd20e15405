// socket.io on the relay's HTTP port: handshake auth and the live events a browser sees (docs/api.md, Realtime events).

import { withRepositoriesTransaction } from '@sankey/db/repositories/index';
import type { ServerToClientEvents, SystemSnapshot } from '@sankey/shared/api/events';
import { issueSocketToken } from '@sankey/shared/api/socket-token';
import { encodeInbound } from '@sankey/shared/protocol/codec';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Push } from 'zeromq';
import { heartbeat, openNow } from './testing/core-harness';
import { startTestRelay, type TestRelay } from './testing/start-relay';

let t: TestRelay;
let push: Push;
const sockets: Socket[] = [];

const connect = (token: string | undefined): Socket<ServerToClientEvents> => {
  const s = io(t.endpoints.http, {
    path: '/socket.io',
    transports: ['websocket'],
    auth: token ? { token } : {},
    reconnection: false,
  });
  sockets.push(s);
  return s;
};

const next = <E extends keyof ServerToClientEvents>(
  s: Socket<ServerToClientEvents>,
  event: E,
  pred: (p: Parameters<ServerToClientEvents[E]>[0]) => boolean = () => true,
  timeoutMs = 3000,
) =>
  new Promise<Parameters<ServerToClientEvents[E]>[0]>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${event} within ${timeoutMs} ms`)), timeoutMs);
    const handler = (p: Parameters<ServerToClientEvents[E]>[0]) => {
      if (!pred(p)) return;
      clearTimeout(timer);
      (s.off as (e: string, h: unknown) => void)(event, handler);
      resolve(p);
    };
    (s.on as (e: string, h: unknown) => void)(event, handler);
  });

beforeAll(async () => {
  t = await startTestRelay();
  await withRepositoriesTransaction(t.db, async (tx) => {
    await tx.tradeGroups.create({
      id: 'M1',
      enabled: true,
      members: [{ slaveAccount: 'S1', enabled: true }],
    });
    await tx.outbox.append({ kind: 'group.created', tradeGroupId: 'M1', payload: {} });
  });
  await t.relay.drainOutbox();
  push = new Push({ linger: 0 });
  push.connect(t.endpoints.receiver);
});

afterAll(async () => {
  for (const s of sockets) s.close();
  push?.close();
  await t?.stop();
});

describe('socket.io', () => {
  it('refuses a handshake without a valid token', async () => {
    for (const token of [undefined, 'wrong', `${Date.now() + 60_000}.forged`]) {
      const s = connect(token);
      const err = await new Promise<Error>((r) => s.once('connect_error', r));
      expect(err.message).toBe('unauthorized');
    }
  });

  it('sends a snapshot on connect with a browser token, then live EA and trade events', async () => {
    const s = connect(issueSocketToken(t.apiToken, Date.now()).token);
    const snap = (await next(s, 'system_snapshot')) as SystemSnapshot;
    expect(snap.tradeGroups.map((g) => g.id)).toEqual(['M1']);
    expect(snap.members).toEqual([expect.objectContaining({ slaveAccount: 'S1', status: 0 })]);

    const connected = next(s, 'ea_connected', (p) => p.accountId === 'S1');
    const changed = next(s, 'system_snapshot', (p) => p.connections.some((c) => c.accountId === 'S1'));
    await push.send(encodeInbound(heartbeat('S1', 'Slave')));
    await push.send(encodeInbound(heartbeat('M1', 'Master')));
    expect(await connected).toEqual({ accountId: 'S1', eaType: 'Slave' });
    expect((await changed).connections.find((c) => c.accountId === 'S1')).toMatchObject({
      eaType: 'Slave',
      status: 'Online',
      balance: 10_000,
    });

    const received = next(s, 'trade_received');
    const copied = next(s, 'trade_copied');
    await push.send(encodeInbound(openNow('M1', { ticket: 77, symbol: 'EURUSD', lots: 0.3 })));
    expect(await received).toMatchObject({
      sourceAccount: 'M1',
      action: 'Open',
      ticket: '77',
      symbol: 'EURUSD',
      lots: 0.3,
    });
    const c = await copied;
    expect(c).toMatchObject({
      masterAccount: 'M1',
      slaveAccount: 'S1',
      ticket: '77',
      symbol: 'EURUSD',
      action: 'Open',
    });
    expect(c.memberId).toBeGreaterThan(0);
    expect(c.relayLatencyUs).toBeGreaterThanOrEqual(0);

    const gone = next(s, 'ea_disconnected');
    await push.send(
      encodeInbound({
        type: 'Unregister',
        message: { message_type: 'Unregister', account_id: 'S1', timestamp: Date.now(), ea_type: 'Slave' },
      }),
    );
    expect(await gone).toEqual({ accountId: 'S1', eaType: 'Slave' });
  });

  it('accepts the API token itself', async () => {
    const s = connect(t.apiToken);
    await next(s, 'system_snapshot');
  });
});
