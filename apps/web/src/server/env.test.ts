import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EnvError, parseEnv } from './env';

describe('env', () => {
  it('applies the defaults of docs/architecture.md, Processes, ports and environment', () => {
    const e = parseEnv({}, '/work/main/apps/web');
    expect(e).toMatchObject({
      port: 3000,
      relayUrl: 'http://127.0.0.1:3001',
      apiToken: undefined,
      adminPassword: undefined,
      migrate: true,
      logLevel: 'info',
      databaseUrl: undefined,
    });
    expect(e.dataDir).toBe(join('/work/main', 'data'));
  });

  it('derives the relay URL from SANKEY_RELAY_HTTP_PORT unless SANKEY_RELAY_URL is set', () => {
    expect(parseEnv({ SANKEY_RELAY_HTTP_PORT: '4000' }).relayUrl).toBe('http://127.0.0.1:4000');
    expect(parseEnv({ SANKEY_RELAY_URL: 'http://relay:9/', SANKEY_RELAY_HTTP_PORT: '4000' }).relayUrl).toBe(
      'http://relay:9',
    );
  });

  it('names every invalid variable', () => {
    expect(() => parseEnv({ PORT: 'abc', SANKEY_API_TOKEN: 'short', DATABASE_URL: 'mysql://x' })).toThrow(
      EnvError,
    );
    try {
      parseEnv({ PORT: '70000', SANKEY_API_TOKEN: 'short', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud' });
    } catch (err) {
      expect((err as Error).message).toMatch(/PORT/);
      expect((err as Error).message).toMatch(/SANKEY_API_TOKEN/);
      expect((err as Error).message).toMatch(/DATABASE_URL/);
      expect((err as Error).message).toMatch(/LOG_LEVEL/);
    }
  });

  it('accepts SANKEY_PUBLIC_ORIGIN only as an http(s) origin', () => {
    expect(parseEnv({ SANKEY_PUBLIC_ORIGIN: 'https://copier.example.com/' }).publicOrigin).toBe(
      'https://copier.example.com',
    );
    expect(parseEnv({}).publicOrigin).toBeUndefined();
    expect(() => parseEnv({ SANKEY_PUBLIC_ORIGIN: 'copier.example.com' })).toThrow(/SANKEY_PUBLIC_ORIGIN/);
    expect(() => parseEnv({ SANKEY_PUBLIC_ORIGIN: 'https://copier.example.com/admin' })).toThrow(
      /SANKEY_PUBLIC_ORIGIN/,
    );
  });
});
