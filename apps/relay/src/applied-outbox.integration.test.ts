// The id of the last outbox row the relay applied rides on the socket.io snapshot and the evaluations answer, so
// the web's UI can tell a snapshot older than its own mutation (docs/api.md, "Outbox ids").
import { withRepositoriesTransaction } from '@sankey/db/repositories/index';
import type { ServerToClientEvents, SystemSnapshot } from '@sankey/shared/api/events';
import { relayEvaluationsSchema } from '@sankey/shared/api/views';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestRelay, type TestRelay } from './testing/start-relay';

let t: TestRelay;
let socket: Socket<ServerToClientEvents> | undefined;

beforeAll(async () => {
  t = await startTestRelay();
});
afterAll(async () => {
  socket?.close();
  await t?.stop();
});

const evaluations = async () => {
  const res = await fetch(`${t.endpoints.http}/internal/v1/evaluations`, {
    headers: { authorization: `Bearer ${t.apiToken}` },
  });
  return relayEvaluationsSchema.parse(await res.json());
};

it('reports the applied outbox id in GET /evaluations and in the snapshot on connect', async () => {
  expect(await evaluations()).toEqual({ appliedOutboxId: 0, groups: [] });
  const row = await withRepositoriesTransaction(t.db, async (repos) => {
    await repos.tradeGroups.create({ id: 'M1', members: [{ slaveAccount: 'S1' }] });
    return repos.outbox.append({ kind: 'group.created', tradeGroupId: 'M1', payload: {} });
  });
  await t.relay.drainOutbox();

  const answer = await evaluations();
  expect(answer.appliedOutboxId).toBe(row.id);
  expect(answer.groups.map((g) => g.tradeGroupId)).toEqual(['M1']);

  socket = io(t.endpoints.http, {
    path: '/socket.io',
    transports: ['websocket'],
    auth: { token: t.apiToken },
    reconnection: false,
  });
  const snap = await new Promise<SystemSnapshot>((resolve) => socket?.once('system_snapshot', resolve));
  expect(snap.appliedOutboxId).toBe(row.id);
  expect(snap.members.map((m) => m.slaveAccount)).toEqual(['S1']);
});

it('narrows GET /evaluations to one group and one slave when asked', async () => {
  await withRepositoriesTransaction(t.db, async (repos) => {
    await repos.tradeGroups.create({ id: 'M2', members: [{ slaveAccount: 'S1' }, { slaveAccount: 'S2' }] });
    return repos.outbox.append({ kind: 'group.created', tradeGroupId: 'M2', payload: {} });
  });
  await t.relay.drainOutbox();
  const get = async (qs: string) => {
    const res = await fetch(`${t.endpoints.http}/internal/v1/evaluations${qs}`, {
      headers: { authorization: `Bearer ${t.apiToken}` },
    });
    const body = relayEvaluationsSchema.parse(await res.json());
    return body.groups.map((g) => [g.tradeGroupId, g.members.map((m) => m.slaveAccount)]);
  };
  expect(await get('')).toEqual([
    ['M2', ['S1', 'S2']],
    ['M1', ['S1']],
  ]);
  expect(await get('?group=M2')).toEqual([['M2', ['S1', 'S2']]]);
  expect(await get('?group=M2&slave=S2')).toEqual([['M2', ['S2']]]);
  expect(await get('?slave=S1')).toEqual([
    ['M2', ['S1']],
    ['M1', ['S1']],
  ]);
  expect(await get('?group=nope')).toEqual([]);
});
