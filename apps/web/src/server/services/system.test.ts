import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeRuntimeInfo } from '@sankey/db/data-dir';
import { verifySocketToken } from '@sankey/shared/api/socket-token';
import { afterEach, describe, expect, it } from 'vitest';
import { connection } from '../../testing/fake-relay';
import { fakeServices, TEST_API_TOKEN } from '../../testing/services';
import { webEnvOverrides } from '../app';
import { renderIni, synonymCandidates } from './system';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('settings service', () => {
  it('returns the defaults, applies partial updates and writes a settings.updated row naming what changed', async () => {
    const { services, store } = fakeServices();
    expect((await services.settings.get()).logShipping).toEqual({
      enabled: false,
      host: '',
      batchSize: 100,
      flushIntervalSecs: 5,
      logLevel: 'INFO',
    });
    const next = await services.settings.update({
      logShipping: { enabled: true, host: 'http://localhost:9428' },
    });
    expect(next.logShipping).toMatchObject({ enabled: true, host: 'http://localhost:9428', batchSize: 100 });
    expect(next.heartbeatTimeoutS).toBe(30);
    expect(store.s.outbox.at(-1)).toMatchObject({
      kind: 'settings.updated',
      payload: { changed: ['logShipping'] },
    });
  });

  it('refuses a log host the EA would truncate, or one that is not an http(s) URL', async () => {
    const { services, store } = fakeServices();
    await expect(
      services.settings.update({
        logShipping: { host: 'http://a-very-long-victoria-logs-hostname.example.com:9428' },
      }),
    ).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringMatching(/^logShipping\.host: .*63/),
    });
    await expect(services.settings.update({ logShipping: { host: 'localhost:9428' } })).rejects.toMatchObject(
      {
        code: 'BAD_REQUEST',
        message: expect.stringMatching(/^logShipping\.host/),
      },
    );
    expect(store.s.outbox).toHaveLength(0);
  });
});

describe('connections service', () => {
  it('lists the relay connections, [] when it is unreachable', async () => {
    const { services, relay } = fakeServices();
    relay.data.connections = [connection('A', 'Master'), connection('A', 'Slave'), connection('B', 'Slave')];
    expect(await services.connections.list()).toHaveLength(3);
    expect((await services.connections.get('A')).map((c) => c.eaType)).toEqual(['Master', 'Slave']);
    await expect(services.connections.get('Z')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    relay.reachable = false;
    expect(await services.connections.list()).toEqual([]);
    await expect(services.connections.get('A')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('system service', () => {
  it('reports the relay status with the web port', async () => {
    const { services } = fakeServices();
    expect(await services.system.status()).toEqual({
      relayReachable: true,
      version: '0.1.0',
      uptimeS: 12,
      ports: { receiver: 15555, publisher: 15556, relayHttp: 13001, web: 3000 },
      counters: { messagesIn: 3 },
      envOverrides: [],
    });
  });

  it('names the settings fixed by the environment: the web app’s own, and the relay’s while it answers', async () => {
    const { services, relay } = fakeServices({
      envOverrides: webEnvOverrides({ apiToken: 'x'.repeat(20), adminPassword: undefined }),
    });
    relay.data.status.envOverrides = [
      { setting: 'heartbeatTimeoutS', variable: 'SANKEY_HEARTBEAT_TIMEOUT_S', value: 5 },
    ];
    expect((await services.system.status()).envOverrides).toEqual([
      { setting: 'apiToken', variable: 'SANKEY_API_TOKEN', value: null },
      { setting: 'heartbeatTimeoutS', variable: 'SANKEY_HEARTBEAT_TIMEOUT_S', value: 5 },
    ]);
    relay.reachable = false;
    expect((await services.system.status()).envOverrides).toEqual([
      { setting: 'apiToken', variable: 'SANKEY_API_TOKEN', value: null },
    ]);
  });

  it('falls back to runtime.json ports, else the defaults, when the relay is unreachable', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sankey-web-sys-'));
    dirs.push(dir);
    const { services, relay } = fakeServices({ dataDir: dir });
    relay.reachable = false;
    expect(await services.system.status()).toMatchObject({
      relayReachable: false,
      ports: { receiver: 5555, publisher: 5556, relayHttp: 3001, web: 3000 },
      counters: {},
    });
    writeRuntimeInfo(dir, { ports: { receiver: 40001, publisher: 40002 } });
    expect((await services.system.status()).ports).toEqual({
      receiver: 40001,
      publisher: 40002,
      relayHttp: 3001,
      web: 3000,
    });
    expect(await services.system.ini()).toContain('ReceiverPort=40001\r\nPublisherPort=40002\r\n');
  });

  it('issues socket tokens the relay accepts for 5 minutes, bound to the session', () => {
    const { services, clock } = fakeServices();
    const session = 'ab'.repeat(32);
    const { token, expiresAt } = services.system.socketToken(session);
    expect(expiresAt).toBe(new Date(clock.t + 300_000).toISOString());
    expect(verifySocketToken(TEST_API_TOKEN, token, clock.t)).toMatchObject({
      kind: 'browser',
      sessionId: session,
    });
    expect(verifySocketToken(TEST_API_TOKEN, token, clock.t + 300_001)).toBeNull();
    expect(verifySocketToken(TEST_API_TOKEN, services.system.socketToken().token, clock.t)).toMatchObject({
      sessionId: null,
    });
  });

  it('passes log queries through and answers an empty page without the relay', async () => {
    const { services, relay } = fakeServices();
    relay.data.logs = {
      entries: [{ seq: 2, time: 't', level: 'info', msg: 'hi', fields: {} }],
      nextCursor: null,
    };
    expect((await services.system.logs({ level: 'warn', limit: 5 })).entries).toHaveLength(1);
    expect(relay.logQueries).toEqual([{ level: 'warn', limit: 5 }]);
    relay.reachable = false;
    expect(await services.system.logs({})).toEqual({ entries: [], nextCursor: null });
  });

  it('asks the relay for its signal journal (100 entries by default) and answers [] without the relay', async () => {
    const { services, relay } = fakeServices();
    const entry = {
      id: 1,
      masterAccount: 'M1',
      seq: 1_000,
      receivedAt: '2026-01-01T00:00:00.000Z',
      action: 'Open',
      ticket: '7',
      symbol: 'EURUSD',
      payload: { signal: { action: 'Open', ticket: '7' }, accepted: 2, filtered: { symbol_blocked: 1 } },
    };
    relay.data.signals = [entry];
    expect(await services.system.signals({ masterAccount: 'M1' })).toEqual([entry]);
    expect(relay.signalQueries).toEqual([{ limit: 100, masterAccount: 'M1' }]);
    relay.reachable = false;
    expect(await services.system.signals({})).toEqual([]);
  });

  it('renders the ini with the live ports and the sorted, de-duplicated synonym candidates, CRLF', async () => {
    const { services } = fakeServices();
    await services.settings.update({ synonymGroups: [['XAUUSD', 'GOLD'], ['GOLD', 'XAUUSD.x'], ['BTCUSD']] });
    const ini = await services.system.ini();
    expect(ini).toBe(
      '# SANKEY Copier\r\n' +
        '# Generated by the Sankey Copier web app (download it again after changing ports or synonym groups)\r\n' +
        '# Do not edit\r\n\r\n[ZeroMQ]\r\nReceiverPort=15555\r\nPublisherPort=15556\r\n\r\n' +
        '[SymbolSearch]\r\nCandidates=BTCUSD,GOLD,XAUUSD,XAUUSD.x\r\n',
    );
    expect(ini.replaceAll('\r\n', '')).not.toContain('\n');
  });

  it('omits [SymbolSearch] without candidates', () => {
    expect(renderIni({ receiver: 1, publisher: 2 }, synonymCandidates([]))).not.toContain('SymbolSearch');
  });
});
