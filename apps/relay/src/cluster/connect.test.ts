import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nkeys } from '@nats-io/transport-node';
import { describe, expect, it } from 'vitest';
import { ClusterStartError } from './config';
import { connectionOptions, reconnectDelay } from './connect';

describe('NATS connection', () => {
  it('backs off from 250 ms to 5 s with jitter', () => {
    expect(reconnectDelay(0, () => 0.5)).toBe(250);
    expect(reconnectDelay(3, () => 0.5)).toBe(2000);
    expect(reconnectDelay(30, () => 0.5)).toBe(5000);
    expect(reconnectDelay(30, () => 0)).toBe(3500);
    expect(reconnectDelay(30, () => 1)).toBe(6500);
  });

  it('passes the token and TLS CA and reconnects forever', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sankey-ca-'));
    const caFile = join(dir, 'ca.pem');
    writeFileSync(caFile, '-----BEGIN CERTIFICATE-----\n');
    try {
      const o = connectionOptions({
        natsUrl: 'tls://a:4222,tls://b:4222',
        token: 'secret',
        tlsCaFile: caFile,
        cluster: 'c',
        relayId: 'r',
      });
      expect(o).toMatchObject({
        servers: ['tls://a:4222', 'tls://b:4222'],
        token: 'secret',
        tls: { caFile },
      });
      expect(o.maxReconnectAttempts).toBe(-1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a TLS CA file that does not exist with the variable named', () => {
    expect(() =>
      connectionOptions({
        natsUrl: 'tls://a:4222',
        tlsCaFile: '/nonexistent-ca.pem',
        cluster: 'c',
        relayId: 'r',
      }),
    ).toThrow(/SANKEY_NATS_TLS_CA \(\/nonexistent-ca\.pem\) does not exist/);
  });
  it('refuses a TLS CA path that is a directory or holds no certificate, with the variable named', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sankey-ca-'));
    const garbage = join(dir, 'ca.pem');
    writeFileSync(garbage, 'not a certificate\n');
    const opts = (tlsCaFile: string) => () =>
      connectionOptions({ natsUrl: 'tls://a:4222', tlsCaFile, cluster: 'c', relayId: 'r' });
    try {
      expect(opts(dir)).toThrow(ClusterStartError);
      expect(opts(dir)).toThrow(/cannot read SANKEY_NATS_TLS_CA \(.*\): EISDIR/);
      expect(opts(garbage)).toThrow(ClusterStartError);
      expect(opts(garbage)).toThrow(/SANKEY_NATS_TLS_CA \(.*ca\.pem\) holds no PEM certificate/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('NATS credentials', () => {
  it('refuses a creds file it cannot read with the variable named', () => {
    expect(() =>
      connectionOptions({
        natsUrl: 'nats://127.0.0.1:4222',
        credsFile: '/nonexistent.creds',
        cluster: 'c',
        relayId: 'r',
      }),
    ).toThrow(/cannot read SANKEY_NATS_CREDS \(\/nonexistent\.creds\)/);
  });

  it('refuses a creds file that holds no usable key, and takes a bare nkey seed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sankey-creds-'));
    const cfg = (credsFile: string) => ({
      natsUrl: 'nats://127.0.0.1:4222',
      credsFile,
      cluster: 'c',
      relayId: 'r',
    });
    try {
      writeFileSync(join(dir, 'garbage.creds'), 'not a key\n');
      expect(() => connectionOptions(cfg(join(dir, 'garbage.creds')))).toThrow(
        /SANKEY_NATS_CREDS \(.*garbage\.creds\) holds neither a creds file \(JWT and seed\) nor an nkey seed/,
      );
      writeFileSync(
        join(dir, 'broken.creds'),
        '-----BEGIN NATS USER JWT-----\nxx\n------END NATS USER JWT------\n',
      );
      expect(() => connectionOptions(cfg(join(dir, 'broken.creds')))).toThrow(
        /SANKEY_NATS_CREDS \(.*broken\.creds\) holds a creds file that cannot be read/,
      );
      const seed = new TextDecoder().decode(nkeys.createUser().getSeed());
      writeFileSync(join(dir, 'user.nk'), `${seed}\n`);
      expect(connectionOptions(cfg(join(dir, 'user.nk'))).authenticator).toBeTypeOf('function');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
