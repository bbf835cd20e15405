// Test harness for RelayCore: real engine and codec, in-memory ports that record what would go on the wire.
import { type CoreEngine, createReferenceEngine, createWasmEngine } from '@sankey/core-as/index';
import type { RelayEventName } from '@sankey/shared/api/events';
import {
  defaultGlobalSettings,
  type GlobalSettings,
  slaveSettingsSchema,
} from '@sankey/shared/domain/settings';
import { decodeOutboundFrame } from '@sankey/shared/protocol/codec';
import type {
  DecodedInbound,
  HeartbeatMessage,
  MasterConfigMessage,
  OutboundMessage,
  RegisterMessage,
  SlaveConfigMessage,
  TradeSignal,
} from '@sankey/shared/protocol/messages';
import type { ParkedCopy, ParkingOptions } from '../core/parking';
import {
  type DeadLetter,
  type FrameClass,
  type FrameSink,
  nullMetrics,
  type SignalRecorder,
} from '../core/ports';
import { RelayCore } from '../core/relay-core';
import type { SliceBudget } from '../core/snapshot-job';
import type { Later } from '../core/stream-gate';
import { DeliveryLedger, type LedgerEntry } from '../ledger/ledger';
import type { GroupState, MemberState } from '../state/groups';
import { trampoline } from './trampoline';

export interface SentFrame {
  topic: string;
  stream: string;
  cls: FrameClass;
  frame: Buffer;
  message: OutboundMessage;
}

/** Decodes a PUB frame whatever its audience (a master config does not decode as a slave config). */
export function decodeAny(frame: Buffer): { topic: string; message: OutboundMessage } {
  for (const role of ['Slave', 'Master'] as const) {
    const d = decodeOutboundFrame(frame, role);
    if ('message' in d) return { topic: d.topic, message: d.message };
  }
  throw new Error(`undecodable frame ${frame.toString('hex')}`);
}

export const engines: Record<string, () => CoreEngine> = {
  reference: createReferenceEngine,
  wasm: createWasmEngine,
};

export function makeCore(
  opts: {
    engine?: () => CoreEngine;
    settings?: Partial<GlobalSettings>;
    ledgerRows?: LedgerEntry[];
    maxConnections?: number;
    parking?: Partial<ParkingOptions>;
    journal?: SignalRecorder;
    /** How snapshot slices are scheduled; by default at once (a trampoline), so `take()` sees every frame. */
    later?: Later;
    snapshotSlice?: SliceBudget;
    /** Where the core's frames go instead of `sent` (e.g. a real SendQueue the test drains). */
    frames?: FrameSink;
    /** The monotonic clock snapshot slices are timed by (default: the harness's fixed clock). */
    monoMs?: () => number;
    /** Nobody receives live events (no browser, no listener): the sink's `active` is false. */
    quietEvents?: boolean;
  } = {},
) {
  let now = 1_735_689_600_000;
  let mono = 1_000;
  const sent: SentFrame[] = [];
  const events: { event: RelayEventName; payload: unknown }[] = [];
  const statusWrites: { group: string; slave: string; status: number }[] = [];
  const deadLetters: DeadLetter[] = [];
  /** The parked copies as the database would hold them. */
  const parkedRows = new Map<string, ParkedCopy>();
  const log = { debug() {}, info() {}, warn() {}, error() {} };
  // The real ledger over an in-memory store: restarts are modelled by handing `ledgerRows` to a new core.
  const ledgerRows = new Map<string, LedgerEntry>(
    (opts.ledgerRows ?? []).map((r) => [`${r.masterAccount}|${r.slaveAccount}|${r.ticket}`, r]),
  );
  const ledger = new DeliveryLedger(
    {
      loadOpenLedger: async () => [...ledgerRows.values()].filter((r) => r.state !== 'closed'),
      writeLedger: async (rows) => {
        for (const r of rows) ledgerRows.set(`${r.masterAccount}|${r.slaveAccount}|${r.ticket}`, r);
      },
      pruneLedger: async () => 0,
    },
    () => now,
    log,
  );
  const core = new RelayCore({
    engine: (opts.engine ?? createReferenceEngine)(),
    frames: opts.frames ?? {
      send({ frame, topic, stream, cls, tracker }) {
        sent.push({ topic, stream, cls, frame, message: decodeAny(frame).message });
        if (tracker && --tracker.pending === 0) tracker.onDone(0n);
      },
    },
    events: {
      emit(event, payload) {
        events.push({ event, payload });
      },
      snapshotChanged() {},
      active: !opts.quietEvents,
    },
    statusWriter: { write: (group, slave, status) => statusWrites.push({ group, slave, status }) },
    metrics: nullMetrics,
    ledger,
    deadLetters: { add: (d) => deadLetters.push(d) },
    parkingStore: {
      added: (c) => parkedRows.set(c.key, c),
      removed: (c) => parkedRows.delete(c.key),
    },
    ...(opts.journal && { journal: opts.journal }),
    log,
    clock: { nowMs: () => now, monoMs: opts.monoMs ?? (() => mono) },
    later: opts.later ?? trampoline(),
    ...(opts.snapshotSlice ? { snapshotSlice: opts.snapshotSlice } : {}),
    globalSettings: { ...defaultGlobalSettings(), ...opts.settings },
    ...(opts.maxConnections !== undefined ? { maxConnections: opts.maxConnections } : {}),
    ...(opts.parking ? { parking: opts.parking } : {}),
  });
  const h = {
    core,
    ledger,
    /** The ledger as the database would hold it after a flush. */
    async storedLedger(): Promise<LedgerEntry[]> {
      await ledger.flush();
      return [...ledgerRows.values()];
    },
    sent,
    events,
    statusWrites,
    deadLetters,
    parkedRows,
    /** What the XPUB socket would report: `topic` subscribed (live) or gone. */
    subscribe(topic: string, live = true) {
      core.onSubscription(topic, live);
    },
    nowMs: () => now,
    /** Time passes: wall and monotonic clocks move together. */
    advance(ms: number) {
      now += ms;
      mono += ms;
    },
    /** The wall clock steps (NTP, an operator): the monotonic clock does not move. */
    stepWallClock(ms: number) {
      now += ms;
    },
    handle(msg: DecodedInbound) {
      core.handle(msg, process.hrtime.bigint());
    },
    /** Frames sent since the last call. */
    take(): SentFrame[] {
      return sent.splice(0, sent.length);
    },
    configsFor(accountId: string): (MasterConfigMessage | SlaveConfigMessage)[] {
      return sent
        .filter((f) => f.topic === `config/${accountId}`)
        .map((f) => f.message.message as MasterConfigMessage | SlaveConfigMessage);
    },
    addGroup(
      id: string,
      g: Partial<GroupState> = {},
      members: (Partial<Omit<MemberState, 'settings'>> & { slaveAccount: string; settings?: object })[] = [],
    ) {
      const group: GroupState = {
        id,
        enabled: true,
        symbolPrefix: null,
        symbolSuffix: null,
        configVersion: 1,
        createdAt: new Date(now),
        updatedAt: new Date(now),
        ...g,
      };
      core.loadGroup(
        group,
        members.map((m, i) => ({
          id: i + 1,
          tradeGroupId: id,
          enabled: true,
          status: 0,
          createdAt: new Date(now),
          updatedAt: new Date(now),
          ...m,
          settings: slaveSettingsSchema.parse({ configVersion: 1, ...m.settings }),
        })),
      );
      return group;
    },
  };
  return h;
}

export function register(
  accountId: string,
  eaType: string,
  over: Partial<RegisterMessage> = {},
): DecodedInbound {
  return {
    type: 'Register',
    message: {
      message_type: 'Register',
      account_id: accountId,
      ea_type: eaType,
      platform: 'MT5',
      account_number: 1,
      broker: 'B',
      account_name: 'N',
      server: 'S',
      currency: 'USD',
      leverage: 100,
      timestamp: '2025-01-01T00:00:00+00:00',
      symbol_context: null,
      is_trade_allowed: true,
      ...over,
    },
  };
}

export function heartbeat(
  accountId: string,
  eaType: string,
  over: Partial<HeartbeatMessage> = {},
): DecodedInbound {
  return {
    type: 'Heartbeat',
    message: {
      message_type: 'Heartbeat',
      account_id: accountId,
      balance: 10_000,
      equity: 10_000,
      open_positions: 0,
      timestamp: '2025-01-01T00:00:00+00:00',
      version: '2.0.0',
      ea_type: eaType,
      platform: 'MT5',
      account_number: 1,
      broker: 'B',
      account_name: 'N',
      server: 'S',
      currency: 'USD',
      leverage: 100,
      is_trade_allowed: true,
      symbol_prefix: null,
      symbol_suffix: null,
      symbol_map: null,
      ...over,
    },
  };
}

export function open(master: string, over: Partial<TradeSignal> = {}): DecodedInbound {
  return {
    type: 'TradeSignal',
    message: {
      action: 'Open',
      ticket: 1001,
      symbol: 'EURUSD',
      order_type: 'Buy',
      lots: 1,
      open_price: 1.1,
      stop_loss: 0,
      take_profit: 0,
      magic_number: 0,
      comment: '',
      timestamp: '2025-01-01T00:00:00.250Z',
      source_account: master,
      ...over,
    },
  };
}

/**
 * An Open dated by the real wall clock, for tests against a relay running on real time: the fixed timestamp of
 * `open()` would be refused as stale (docs/protocol.md D22).
 */
export function openNow(master: string, over: Partial<TradeSignal> = {}): DecodedInbound {
  return open(master, { timestamp: new Date().toISOString(), ...over });
}
