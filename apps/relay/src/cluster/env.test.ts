import { describe, expect, it } from 'vitest';
import { clusterEnvProblems, relayEnvSchema } from '../env';

const parse = (env: Record<string, string>) => relayEnvSchema.parse(env);

describe('cluster environment', () => {
  it('is alone without SANKEY_NATS_URL', () => {
    expect(clusterEnvProblems(parse({}))).toEqual([]);
  });

  it('refuses SQLite in cluster mode', () => {
    const problems = clusterEnvProblems(parse({ SANKEY_NATS_URL: 'nats://127.0.0.1:4222' }));
    expect(problems).toEqual([expect.objectContaining({ variable: 'DATABASE_URL' })]);
    expect(
      clusterEnvProblems(
        parse({ SANKEY_NATS_URL: 'nats://127.0.0.1:4222', DATABASE_URL: 'postgresql://x/y' }),
      ),
    ).toEqual([]);
  });

  it('refuses a NATS server off this machine without credentials', () => {
    const pgUrl = { DATABASE_URL: 'postgresql://x/y' };
    expect(clusterEnvProblems(parse({ ...pgUrl, SANKEY_NATS_URL: 'tls://nats.example.com:4222' }))).toEqual([
      expect.objectContaining({ variable: 'SANKEY_NATS_URL' }),
    ]);
    expect(
      clusterEnvProblems(
        parse({ ...pgUrl, SANKEY_NATS_URL: 'tls://nats.example.com:4222', SANKEY_NATS_TOKEN: 't0ken' }),
      ),
    ).toEqual([]);
  });

  it('validates the cluster name and relay id', () => {
    expect(relayEnvSchema.safeParse({ SANKEY_CLUSTER: 'a.b' }).success).toBe(false);
    expect(relayEnvSchema.safeParse({ SANKEY_RELAY_ID: 'has space' }).success).toBe(false);
    expect(relayEnvSchema.safeParse({ SANKEY_NATS_URL: 'http://x' }).success).toBe(false);
    expect(parse({}).SANKEY_CLUSTER).toBe('sankey');
    expect(parse({}).SANKEY_RELAY_ID).toMatch(/^[A-Za-z0-9_-]+$/);
  });
});
