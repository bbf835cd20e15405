// connectNats against the machine's nats-server (plain, no TLS): a relay told to use TLS (SANKEY_NATS_TLS_CA) is
// refused at start with exit code 2 (ClusterStartError) and a message naming the mismatch; before, the error was a
// retried "cannot reach NATS … server does not support 'tls'" (exit code 1, restarted by the supervisor forever).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ClusterStartError } from './config';
import { connectNats } from './connect';

describe('connectNats', () => {
  it('refuses a TLS CA when the server offers no TLS, naming the variable', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sankey-ca-'));
    const caFile = join(dir, 'ca.pem');
    writeFileSync(caFile, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
    try {
      const err = await connectNats(
        { natsUrl: 'nats://127.0.0.1:4222', tlsCaFile: caFile, cluster: 'c', relayId: 'r' },
        () => {},
      ).then(
        async (nc) => {
          await nc.close();
          return null;
        },
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(ClusterStartError);
      expect(String(err)).toMatch(/does not offer TLS, but SANKEY_NATS_TLS_CA asks for it/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
