// Views for UI tests: small builders with sensible defaults.
import type { EndpointStatsView } from '@sankey/shared/api/ops-views';
import type { EaConnection, MemberView, TradeGroupView } from '@sankey/shared/api/views';
import { defaultSlaveSettings } from '@sankey/shared/domain/settings';

export const group = (id: string, over: Partial<TradeGroupView> = {}): TradeGroupView => ({
  id,
  masterSettings: {
    enabled: true,
    symbolPrefix: null,
    symbolSuffix: null,
    delivery: 'shared',
    configVersion: 1,
  },
  masterRuntimeStatus: 2,
  masterWarningCodes: [],
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
  ...over,
});

let nextId = 1;
export const member = (
  tradeGroupId: string,
  slaveAccount: string,
  over: Partial<MemberView> = {},
): MemberView => ({
  id: nextId++,
  tradeGroupId,
  slaveAccount,
  slaveSettings: defaultSlaveSettings(),
  enabled: true,
  status: 2,
  warningCodes: [],
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
  ...over,
});

export const connection = (
  accountId: string,
  eaType: 'Master' | 'Slave',
  over: Partial<EaConnection> = {},
): EaConnection => ({
  accountId,
  eaType,
  platform: 'MT5',
  accountNumber: '1',
  broker: 'B',
  accountName: 'A',
  server: 'S',
  balance: 1000,
  equity: 1000,
  currency: 'USD',
  leverage: 100,
  lastHeartbeat: '2026-01-01T00:00:00Z',
  status: 'Online',
  connectedAt: '2026-01-01T00:00:00Z',
  isTradeAllowed: true,
  symbolContext: null,
  ...over,
});

export const endpoint = (accountId: string, over: Partial<EndpointStatsView> = {}): EndpointStatsView => ({
  accountId,
  framesIn: 10,
  bytesIn: 1000,
  decodeErrors: 0,
  framesOut: 10,
  bytesOut: 1000,
  dropped: 0,
  lastSeenAt: '2026-06-01T12:00:00.000Z',
  parked: 0,
  deadLetters: 0,
  listening: true,
  blocked: false,
  throttled: false,
  ...over,
});
