import { createReferenceEngine } from '@sankey/core-as/index';
import { defaultGlobalSettings, slaveSettingsSchema } from '@sankey/shared/domain/settings';
import { describe, expect, it } from 'vitest';
import type { MemberState } from '../state/groups';
import { decodeAny } from '../testing/core-harness';
import { ConfigPublisher } from './config-publisher';
import { CoreState } from './state';

function publisher(logHost = '') {
  const sent: { topic: string; stream: string; cls: string; message: unknown }[] = [];
  const refused: string[] = [];
  const failures: unknown[] = [];
  const configs: string[] = [];
  const settings = defaultGlobalSettings();
  const state = new CoreState(createReferenceEngine(), {
    ...settings,
    logShipping: { ...settings.logShipping, host: logHost },
  });
  const p = new ConfigPublisher(state, {
    frames: {
      send: ({ frame, topic, stream, cls }) => {
        sent.push({ topic, stream, cls, message: decodeAny(frame).message });
      },
    },
    events: { emit: (_e, payload) => failures.push(payload), snapshotChanged() {}, active: true },
    metrics: {
      configSent: (kind, trigger) => configs.push(`${kind}:${trigger}`),
      signalCopied() {},
      signalFiltered() {},
      frameRefused: (r) => refused.push(r),
      closeThrough() {},
      inboundRefused() {},
    },
    log: { debug() {}, info() {}, warn() {}, error() {} },
    clock: { nowMs: () => 1_700_000_000_000, monoMs: () => 0 },
  });
  return { p, sent, refused, failures, configs };
}

const member = (slaveAccount: string, settings: object = {}): MemberState => ({
  id: 1,
  tradeGroupId: 'M1',
  slaveAccount,
  enabled: true,
  status: 2,
  settings: slaveSettingsSchema.parse({ configVersion: 4, ...settings }),
  createdAt: new Date(0),
  updatedAt: new Date(0),
});

describe('ConfigPublisher', () => {
  it('publishes a slave config on config/<slave> and counts it by trigger', () => {
    const { p, sent, configs } = publisher();
    p.slave(member('S1'), { status: 2, warnings: 0, allowNewOrders: true }, 'heartbeat');
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      topic: 'config/S1',
      stream: 'M1',
      cls: 'control',
      message: { message: { account_id: 'S1', master_account: 'M1', status: 2, config_version: 4 } },
    });
    expect(configs).toEqual(['slave:heartbeat']);
  });

  it('sends removal configs with status -1 for slave and master', () => {
    const { p, sent } = publisher();
    p.slaveRemoval('S1', 'M1', 'member_deleted');
    p.masterRemoval('M1', 'member_deleted');
    expect(sent.map((s) => [s.topic, (s.message as { message: { status: number } }).message.status])).toEqual(
      [
        ['config/S1', -1],
        ['config/M1', -1],
      ],
    );
  });

  it('refuses a config frame the EA could not hold (D3): counted, reported, nothing published', () => {
    const { p, sent, refused, failures } = publisher();
    const huge = Array.from({ length: 400 }, (_, i) => `SYMBOL_${i}_ABCDEFGHIJKLMNOPQRSTUV`);
    // Settings the API would refuse (its worst-case size check), as a hand-edited row could still carry them.
    const m = member('S1');
    m.settings = { ...m.settings, filters: { ...m.settings.filters, allowedSymbols: huge } };
    p.slave(m, { status: 2, warnings: 0, allowNewOrders: true }, 'heartbeat');
    expect(sent).toEqual([]);
    expect(refused).toEqual(['FrameTooLargeError']);
    expect(failures).toEqual([expect.objectContaining({ topic: 'config/S1' })]);
  });

  it('sends config/global only when a log host is configured', () => {
    const none = publisher('');
    none.p.global('register');
    expect(none.sent).toEqual([]);
    const some = publisher('http://logs:9428');
    some.p.global('register');
    expect(some.sent.map((s) => s.topic)).toEqual(['config/global']);
    expect(some.configs).toEqual(['global:register']);
  });
});
