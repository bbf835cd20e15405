import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  configTopic,
  GLOBAL_CONFIG_TOPIC,
  parseTopic,
  syncPrefix,
  syncTopic,
  tradePrefix,
  tradeTopic,
} from './topics';

const accountId = fc.string({ minLength: 1, maxLength: 30 }).filter((s) => !/[\s/]/.test(s));

describe('topics', () => {
  it('builds the spellings the EAs subscribe to', () => {
    expect(configTopic('S1')).toBe('config/S1');
    expect(GLOBAL_CONFIG_TOPIC).toBe('config/global');
    expect(tradeTopic('M1', 'S1')).toBe('trade/M1/S1');
    expect(tradePrefix('M1')).toBe('trade/M1/');
    expect(syncTopic('M1', 'S1')).toBe('sync/M1/S1');
    expect(syncPrefix('M1')).toBe('sync/M1/');
    expect(tradeTopic('M1', 'S1').startsWith(tradePrefix('M1'))).toBe(true);
  });

  it('parses what it builds', () => {
    fc.assert(
      fc.property(accountId, accountId, (m, s) => {
        expect(parseTopic(tradeTopic(m, s))).toEqual({ kind: 'trade', master: m, slave: s });
        expect(parseTopic(syncTopic(m, s))).toEqual({ kind: 'sync', master: m, slave: s });
        if (m !== 'global') expect(parseTopic(configTopic(m))).toEqual({ kind: 'config', accountId: m });
      }),
    );
    expect(parseTopic('config/global')).toEqual({ kind: 'global' });
  });

  it.each(['', 'config/', 'trade/M1', 'trade/M1/', 'trade//S1', 'sync/a/b/c', 'other/x', 'config/a/b'])(
    'treats %j as unknown',
    (topic) => {
      expect(parseTopic(topic)).toEqual({ kind: 'unknown' });
    },
  );
});
