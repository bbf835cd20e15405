// Driver adapter for the Prisma CLI's "js" schema engine on PostgreSQL (prisma/postgres/prisma.config.ts).
// adapter-pg 6.19.3 reports the catalog types `name` (oid 19) and `"char"` (oid 18), which the schema engine
// cannot deserialize ("Column type 'name' could not be deserialized"): every DB command fails. We report them
// as `text` (oid 25). The shadow database (migrate diff --from-migrations, migrate dev) is a throwaway
// database created and dropped around the command. Only the CLI uses this; the runtime uses plain PrismaPg.
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { parsePostgresUrl } from './urls';

const TEXT_OID = 25;
const REMAP: Record<number, number> = { 18: TEXT_OID, 19: TEXT_OID };

type Result = { fields?: { dataTypeID: number }[] };
const patchResult = <T>(r: T): T => {
  for (const f of (r as Result | undefined)?.fields ?? []) {
    const to = REMAP[f.dataTypeID];
    if (to !== undefined) f.dataTypeID = to;
  }
  return r;
};
const patchPromise = (p: unknown): unknown =>
  p && typeof (p as Promise<unknown>).then === 'function' ? (p as Promise<unknown>).then(patchResult) : p;

const patched = new WeakSet<object>();
function patchClient<C extends pg.PoolClient>(client: C): C {
  if (patched.has(client)) return client;
  patched.add(client);
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  (client as { query: unknown }).query = (...args: unknown[]) => patchPromise(query(...args));
  return client;
}

class PatchedPool extends pg.Pool {
  // biome-ignore lint/suspicious/noExplicitAny: pg.Pool#query has many overloads; we only post-process results
  override query(...args: any[]): any {
    return patchPromise((pg.Pool.prototype.query as (...a: unknown[]) => unknown).apply(this, args));
  }
  // biome-ignore lint/suspicious/noExplicitAny: same overload set as pg.Pool#connect
  override connect(cb?: any): any {
    if (typeof cb === 'function') {
      return super.connect((err, client, done) => cb(err, client && patchClient(client), done));
    }
    return super.connect().then(patchClient);
  }
}

export function pgCliAdapter(url: string) {
  const { connectionString, schema } = parsePostgresUrl(url);
  // search_path too, so CLI commands see the same schema the runtime and the migration runner use.
  const config = { connectionString, options: `-c search_path=${schema}` };
  // Short idle timeouts so the CLI process can exit soon after the work is done.
  const poolConfig = { ...config, allowExitOnIdle: true, idleTimeoutMillis: 200 };
  const base = new PrismaPg(new PatchedPool(poolConfig), { schema });
  return {
    provider: 'postgres' as const,
    adapterName: '@prisma/adapter-pg',
    connect: () => base.connect(),
    async connectToShadowDb() {
      const database = `prisma_shadow_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
      const admin = new pg.Client(config);
      await admin.connect();
      await admin.query(`CREATE DATABASE "${database}"`);
      const shadowUrl = new URL(connectionString);
      shadowUrl.pathname = `/${database}`;
      const pool = new PatchedPool({ ...poolConfig, connectionString: shadowUrl.toString() });
      const adapter = await new PrismaPg(pool).connect();
      const dispose = adapter.dispose.bind(adapter);
      adapter.dispose = async () => {
        await dispose();
        await pool.end().catch(() => {});
        await admin.query(`DROP DATABASE IF EXISTS "${database}"`);
        await admin.end();
      };
      return adapter;
    },
  };
}
