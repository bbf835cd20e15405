// The admin API while another process holds the SQLite write lock (docs/api.md, Errors): a mutation and a login
// are refused within seconds with 503 "database unavailable (locked), retry" (not a hang, not a generic 500),
// reads still answer, and once the lock is gone the same mutation succeeds without restarting anything.
import { join } from 'node:path';
import { holdSqliteLock } from '@sankey/db/testing/sqlite-lock-holder';
import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, call, startTestWeb, type TestWeb } from '../testing/http-server';

/** Long enough that the refusals below happen within it on a loaded 2-core machine. */
const LOCK_MS = 15_000;
let web: TestWeb | undefined;
afterEach(async () => {
  await web?.close();
  web = undefined;
});

/** `sankey_web_database_unavailable_total{reason="locked"}` from the web app's GET /api/metrics. */
async function refusedLocked(w: TestWeb): Promise<number> {
  const text = await (await fetch(`${w.url}/api/metrics`)).text();
  const line = text
    .split('\n')
    .find((l) => l.startsWith('sankey_web_database_unavailable_total{reason="locked"} '));
  return line ? Number(line.split(' ').at(-1)) : 0;
}

describe('admin API while the database is locked by another process', () => {
  it('refuses mutations and logins with 503 database unavailable, serves reads, and works again after', async () => {
    web = await startTestWeb();
    expect((await call(web, 'mutation', 'tradeGroups.create', { id: 'M1' })).status).toBe(200);
    const lockedBefore = await refusedLocked(web);
    const lock = await holdSqliteLock(join(web.dir, 'sankey.db'), LOCK_MS);

    const asked = Date.now();
    const refused = await call(web, 'mutation', 'tradeGroups.create', { id: 'M2' });
    expect(Date.now() - asked).toBeLessThan(8000);
    expect(refused.status).toBe(503);
    expect(refused.error?.data.code).toBe('SERVICE_UNAVAILABLE');
    expect(refused.error?.message).toBe('database unavailable (locked), retry');

    const login = await fetch(`${web.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ password: ADMIN_PASSWORD }),
    });
    expect(login.status).toBe(503);
    expect(await login.json()).toEqual({
      error: 'SERVICE_UNAVAILABLE',
      message: 'database unavailable (locked), retry',
    });

    // Both refusals are counted for the operator's Prometheus (the counter is per process, so compare).
    expect(await refusedLocked(web)).toBeGreaterThanOrEqual(lockedBefore + 2);

    // SQLite serves reads while another process holds the write lock.
    const list = await call(web, 'query', 'tradeGroups.list');
    expect(list.status).toBe(200);
    expect(Date.now()).toBeLessThan(lock.lockedAt + LOCK_MS); // all of the above happened during the lock

    await lock.released;
    expect((await call(web, 'mutation', 'tradeGroups.create', { id: 'M2' })).status).toBe(200);
    const ids = ((await call(web, 'query', 'tradeGroups.list')).data as { id: string }[]).map((g) => g.id);
    expect(ids.sort()).toEqual(['M1', 'M2']);
  }, 60_000);
});
