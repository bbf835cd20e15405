import { describe, expect, it } from 'vitest';
import { defaultSlaveSettings } from '../domain/settings';
import { buildMemberView, buildTradeGroupView, liveMemberOf, type StoredMember } from './view-builder';
import { memberViewSchema, tradeGroupViewSchema } from './views';

const group = {
  id: 'M1',
  enabled: true,
  symbolPrefix: 'pre.',
  symbolSuffix: null,
  configVersion: 3,
  createdAt: new Date('2025-01-02T03:04:05.000Z'),
  updatedAt: new Date('2025-01-02T03:04:06.000Z'),
};

const member: StoredMember = {
  id: 7,
  tradeGroupId: 'M1',
  slaveAccount: 'S1',
  slaveSettings: defaultSlaveSettings(2),
  enabled: true,
  status: 2,
  createdAt: new Date('2025-01-02T03:04:05.000Z'),
  updatedAt: new Date('2025-01-02T03:04:07.000Z'),
};

describe('view builder', () => {
  it('takes settings, enabled and timestamps from the rows and status from the live evaluation', () => {
    const g = buildTradeGroupView(group, { masterRuntimeStatus: 2, masterWarningCodes: ['master_offline'] });
    expect(tradeGroupViewSchema.parse(g)).toEqual({
      id: 'M1',
      masterSettings: {
        enabled: true,
        symbolPrefix: 'pre.',
        symbolSuffix: null,
        delivery: 'shared',
        configVersion: 3,
      },
      masterRuntimeStatus: 2,
      masterWarningCodes: ['master_offline'],
      createdAt: '2025-01-02T03:04:05.000Z',
      updatedAt: '2025-01-02T03:04:06.000Z',
    });
    const m = buildMemberView(member, { status: 1, warningCodes: ['slave_offline'] });
    expect(memberViewSchema.parse(m)).toMatchObject({
      id: 7,
      enabled: true,
      status: 1,
      warningCodes: ['slave_offline'],
      slaveSettings: { configVersion: 2 },
      updatedAt: '2025-01-02T03:04:07.000Z',
    });
  });

  it('falls back without an evaluation (relay unreachable): persisted member status, master 0, no warnings', () => {
    expect(buildTradeGroupView(group, null)).toMatchObject({
      masterRuntimeStatus: 0,
      masterWarningCodes: [],
    });
    expect(buildMemberView(member, null)).toMatchObject({ status: 2, warningCodes: [] });
    expect(buildMemberView(member)).toMatchObject({ status: 2, warningCodes: [] });
  });

  it('falls back for a member the relay has not evaluated yet (it has not applied the outbox row)', () => {
    const evaluation = {
      tradeGroupId: 'M1',
      masterRuntimeStatus: 2,
      masterWarningCodes: [],
      members: [{ slaveAccount: 'S2', status: 2, warningCodes: [], allowNewOrders: true }],
    };
    expect(liveMemberOf(evaluation, 'S1')).toBeNull();
    expect(liveMemberOf(undefined, 'S1')).toBeNull();
    expect(buildMemberView({ ...member, status: 0 }, liveMemberOf(evaluation, 'S1')).status).toBe(0);
    expect(buildMemberView(member, liveMemberOf(evaluation, 'S2')).status).toBe(2);
  });
});
