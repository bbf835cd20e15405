import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  clusterNames,
  decodeToken,
  encodeToken,
  masterOfDurable,
  masterOfSignalSubject,
  parseEaKey,
  RELAY_ID_PATTERN,
  relayIdFromHostname,
} from './names';

describe('cluster names', () => {
  it('keeps plain ids and escapes characters NATS tokens refuse', () => {
    expect(encodeToken('Acct_1-A')).toBe('Acct_1-A');
    expect(encodeToken('a.b c*>')).toBe('a=2Eb=20c=2A=3E');
    expect(encodeToken('口座')).toMatch(/^(=[0-9A-F]{2})+$/);
    expect(encodeToken('')).toBe('=');
  });

  it('round-trips every id and maps distinct ids to distinct tokens', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'grapheme' }), (a, b) => {
        expect(decodeToken(encodeToken(a))).toBe(a);
        expect(encodeToken(a)).toMatch(/^[A-Za-z0-9_=-]+$/);
        if (a !== b) expect(encodeToken(a)).not.toBe(encodeToken(b));
      }),
    );
  });

  it('names subjects, keys and consumers of one cluster', () => {
    const n = clusterNames('c1');
    expect(n.signalStream).toBe('c1_SIGNALS');
    expect(n.signalSubject('M.1')).toBe('c1.signal.M=2E1');
    expect(masterOfSignalSubject(n, n.signalSubject('M.1'))).toBe('M.1');
    expect(parseEaKey(n.eaKey('S 1', 'Slave'))).toEqual({ accountId: 'S 1', kind: 'Slave' });
    expect(parseEaKey('x.Other')).toBeNull();
    expect(n.durable('relay-a')).toBe('relay_relay-a');
    expect(() => clusterNames('a.b')).toThrow(/invalid cluster name/);
  });

  it('names one consumer per (relay, master): valid, distinct for distinct pairs, the master read back', () => {
    const n = clusterNames('c1');
    expect(n.masterDurable('relay-a', 'M.1 *>')).toBe('sig_relay-a=M=2E1=20=2A=3E');
    const relayId = fc.stringMatching(RELAY_ID_PATTERN);
    const master = fc.string({ unit: 'grapheme' });
    fc.assert(
      fc.property(relayId, master, relayId, master, (r1, m1, r2, m2) => {
        const name = n.masterDurable(r1, m1);
        // Consumer names may not hold '.', '*', '>' or whitespace.
        expect(name).toMatch(/^[A-Za-z0-9_=-]+$/);
        expect(masterOfDurable(n.masterDurablePrefix(r1), name)).toBe(m1);
        if (r1 !== r2 || m1 !== m2) expect(n.masterDurable(r2, m2)).not.toBe(name);
        // Another relay's consumers are not read as this relay's, nor the old single durable.
        if (r1 !== r2) expect(masterOfDurable(n.masterDurablePrefix(r2), name)).toBeNull();
        expect(masterOfDurable(n.masterDurablePrefix(r1), n.durable(r1))).toBeNull();
      }),
    );
    // The case a plain concatenation gets wrong: relay 'a_' + master 'b' against relay 'a' + master '_b'.
    expect(n.masterDurable('a_', 'b')).not.toBe(n.masterDurable('a', '_b'));
  });

  it('derives a relay id from a host name', () => {
    expect(relayIdFromHostname('vps-1.example.com')).toBe('vps-1-example-com');
  });
});
