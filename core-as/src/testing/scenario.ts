// Generators and comparison for differential tests: random engine histories run against two engines.

import {
  CONNECTION_STATUSES,
  type ConnectionStatus,
  DEFAULT_SYNONYM_GROUPS,
  ORDER_TYPES,
} from '@sankey/shared/protocol/constants';
import fc from 'fast-check';
import type { CoreEngine, MasterAffixes, MemberRule, SignalInput } from '../api';

const CORES = [
  'EURUSD',
  'GBPUSD',
  'XAUUSD',
  'GOLD',
  'XAGUSD',
  'SILVER',
  'US30',
  'DJI',
  'WS30',
  'BTCUSD',
  'XBTUSD',
  'eurusd',
];
const AFFIXES = ['', 'pro.', '.m', 'm', '-ECN', '.raw', 'x', 'EUR'];

const affix = fc.constantFrom(...AFFIXES);
const optAffix = fc.option(affix, { nil: null, freq: 3 });
const core = fc.constantFrom(...CORES);
/** Symbols as a master might send them: core with optional affixes, so stripping and filters both hit and miss. */
const rawSymbol = fc
  .tuple(fc.option(affix, { nil: '', freq: 1 }), core, fc.option(affix, { nil: '', freq: 1 }))
  .map(([p, c, s]) => p + c + s);
const anySymbol = fc.oneof(core, rawSymbol);
const lotValues = [0, 0.01, 0.1, 0.5, 1, 2, 5];
const lot = fc.constantFrom(...lotValues);
/** Magic values over the whole i64 range, dense around the edges of exact f64 (±2^53) and of i64. */
const magicValue: fc.Arbitrary<bigint> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(0n, 1n, 7n, 42n, 123456n, -5n, 2n ** 40n) },
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      2n ** 53n - 1n,
      2n ** 53n,
      2n ** 53n + 1n,
      -(2n ** 53n) - 1n,
      -(2n ** 53n) + 1n,
      2n ** 63n - 1n,
      2n ** 63n - 2n,
      -(2n ** 63n),
      -(2n ** 63n) + 1n,
      2n ** 60n,
    ),
  },
  { weight: 1, arbitrary: fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }) },
);
const isSafe = (v: bigint) => v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER);
/** A list entry as settings may hold it: number (when exact as a double), decimal string or bigint. */
const magic = fc
  .tuple(magicValue, fc.constantFrom('number', 'string', 'bigint'))
  .map(([v, as]) =>
    as === 'string' ? String(v) : as === 'number' && BigInt(Number(v)) === v ? Number(v) : v,
  );
/** A signal's magic number: number when safe (or an exact double), else bigint; now and then not an i64. */
const signalMagic: fc.Arbitrary<number | bigint> = fc.oneof(
  {
    weight: 12,
    arbitrary: fc
      .tuple(magicValue, fc.boolean())
      .map(([v, asNumber]) => (asNumber && (isSafe(v) || BigInt(Number(v)) === v) ? Number(v) : v)),
  },
  { weight: 1, arbitrary: fc.constantFrom<number | bigint>(1.5, 2 ** 63, -(2n ** 63n) - 1n, Number.NaN) },
);

/** null, present-but-empty, or a few entries (wire semantics: empty allowed list rejects everything). */
const list = <T>(item: fc.Arbitrary<T>) =>
  fc.oneof(
    { weight: 4, arbitrary: fc.constant(null) },
    { weight: 1, arbitrary: fc.constant([] as T[]) },
    { weight: 3, arbitrary: fc.array(item, { minLength: 1, maxLength: 4 }) },
  );

export const synonymGroupsArb = fc.oneof(
  fc.constant(DEFAULT_SYNONYM_GROUPS),
  fc.array(fc.array(core, { minLength: 1, maxLength: 4 }), { maxLength: 5 }),
);

const memberArb = (account: string): fc.Arbitrary<MemberRule> =>
  fc.record({
    slaveAccount: fc.constant(account),
    status: fc.constantFrom(0, 1, 2, 2, 2, 2, 2, 2),
    risk: fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.nat(15) }),
    settings: fc.record({
      maxSignalDelayMs: fc.constantFrom(0, 500, 5000),
      symbolPrefix: optAffix,
      symbolSuffix: optAffix,
      symbolMappings: fc.array(fc.record({ sourceSymbol: core, targetSymbol: anySymbol }), { maxLength: 3 }),
      filters: fc.record({
        allowedSymbols: list(anySymbol),
        blockedSymbols: list(anySymbol),
        allowedMagicNumbers: list(magic),
        blockedMagicNumbers: list(magic),
      }),
      copyPendingOrders: fc.boolean(),
      sourceLotMin: fc.option(lot, { nil: null }),
      sourceLotMax: fc.option(lot, { nil: null }),
    }),
    // Specials as brokers report them: bare, with the detected affixes (GOLD.m), or with other affixes.
    symbolContext: fc.option(
      fc.tuple(affix, affix).chain(([detectedPrefix, detectedSuffix]) =>
        fc.record({
          detectedPrefix: fc.constant(detectedPrefix),
          detectedSuffix: fc.constant(detectedSuffix),
          availableSpecialSymbols: fc.array(
            fc.oneof(
              core,
              core.map((c) => detectedPrefix + c + detectedSuffix),
              rawSymbol,
            ),
            { maxLength: 4 },
          ),
        }),
      ),
      { nil: null, freq: 2 },
    ),
  });

const membersArb = fc
  .uniqueArray(fc.constantFrom('S1', 'S2', 'S3', 'S4', 'S5', 'S6', 'S7', 'S8', 'S9', 'S10'), { maxLength: 8 })
  .chain((accounts) => fc.tuple(...accounts.map(memberArb)));

export const signalArb: fc.Arbitrary<SignalInput> = fc.record(
  {
    action: fc.constantFrom('Open', 'Open', 'Close', 'Modify'),
    orderType: fc.constantFrom<string | undefined>(...ORDER_TYPES, 'Unknown', undefined),
    lots: fc.option(fc.oneof(lot, fc.double({ min: 0, max: 10, noNaN: true })), { nil: undefined }),
    symbol: fc.option(rawSymbol, { nil: undefined, freq: 5 }),
    magicNumber: fc.option(signalMagic, { nil: undefined }),
    ageMs: fc.option(fc.constantFrom(-5, 0, 499, 500, 501, 4999, 5000, 5001, 60_000), { nil: undefined }),
  },
  { requiredKeys: ['action'] },
);

const masterId = fc.constantFrom('M1', 'M2', 'M3');
const mastersAffixes: fc.Arbitrary<MasterAffixes> = fc.record({
  symbolPrefix: optAffix,
  symbolSuffix: optAffix,
});

export type Op =
  | { kind: 'groups'; groups: readonly (readonly string[])[] }
  | { kind: 'compile'; master: string; affixes: MasterAffixes; members: MemberRule[] }
  | { kind: 'status'; master: string; slave: string; status: number }
  | { kind: 'risk'; master: string; slave: string; risk: number }
  | { kind: 'remove'; master: string }
  | { kind: 'signal'; master: string; signal: SignalInput };

export const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 1, arbitrary: synonymGroupsArb.map((groups) => ({ kind: 'groups' as const, groups })) },
  {
    weight: 3,
    arbitrary: fc
      .record({ master: masterId, affixes: mastersAffixes, members: membersArb })
      .map((r) => ({ kind: 'compile' as const, ...r })),
  },
  {
    weight: 2,
    arbitrary: fc
      .record({
        master: masterId,
        slave: fc.constantFrom('S1', 'S2', 'S3', 'S4'),
        status: fc.constantFrom(0, 1, 2),
      })
      .map((r) => ({ kind: 'status' as const, ...r })),
  },
  {
    weight: 2,
    arbitrary: fc
      .record({ master: masterId, slave: fc.constantFrom('S1', 'S2', 'S3', 'S4'), risk: fc.nat(15) })
      .map((r) => ({ kind: 'risk' as const, ...r })),
  },
  { weight: 1, arbitrary: masterId.map((master) => ({ kind: 'remove' as const, master })) },
  {
    weight: 8,
    arbitrary: fc
      .record({ master: masterId, signal: signalArb })
      .map((r) => ({ kind: 'signal' as const, ...r })),
  },
);

/** A history: a master compiled first (so most signals hit members), then random operations. */
export const historyArb = fc.tuple(
  synonymGroupsArb,
  fc.record({ master: masterId, affixes: mastersAffixes, members: membersArb }),
  fc.array(opArb, { minLength: 1, maxLength: 12 }),
);

/** Replays the history on both engines; throws on the first differing output. */
export function runHistory(
  a: CoreEngine,
  b: CoreEngine,
  [groups, first, ops]: [
    readonly (readonly string[])[],
    { master: string; affixes: MasterAffixes; members: MemberRule[] },
    Op[],
  ],
): void {
  const all: Op[] = [{ kind: 'groups', groups }, { kind: 'compile', ...first }, ...ops];
  for (const op of all) {
    for (const e of [a, b]) {
      if (op.kind === 'groups') e.setSynonymGroups(op.groups);
      else if (op.kind === 'compile') e.compileMaster(op.master, op.affixes, op.members);
      else if (op.kind === 'status') e.setMemberStatus(op.master, op.slave, op.status);
      else if (op.kind === 'risk') e.setMemberRisk(op.master, op.slave, op.risk);
      else if (op.kind === 'remove') e.removeMaster(op.master);
    }
    if (op.kind !== 'signal') continue;
    const ra = snapshot(a, op.master, op.signal);
    const rb = snapshot(b, op.master, op.signal);
    if (JSON.stringify(ra) !== JSON.stringify(rb)) {
      throw new Error(
        `signal ${JSON.stringify(op.signal)} on ${op.master}:\n  a=${JSON.stringify(ra)}\n  b=${JSON.stringify(rb)}`,
      );
    }
  }
}

function snapshot(e: CoreEngine, master: string, signal: SignalInput) {
  const r = e.evaluateSignal(master, signal);
  const rows: [string, boolean, string, string | null][] = [];
  for (let i = 0; i < r.length; i++)
    rows.push([r.slaveAccount(i), r.accepted(i), r.reason(i), r.symbol(i) ?? null]);
  return rows;
}

// ---- status ----

const connection = fc.constantFrom<ConnectionStatus | null>(...CONNECTION_STATUSES, null);

export const statusCaseArb = fc.record({
  masters: fc.array(
    fc.option(fc.record({ intent: fc.boolean(), connection, tradeAllowed: fc.boolean() }), {
      nil: null,
      freq: 5,
    }),
    { minLength: 1, maxLength: 3 },
  ),
  members: fc.array(
    fc.record({ master: fc.nat(2), enabled: fc.boolean(), connection, tradeAllowed: fc.boolean() }),
    { maxLength: 24 },
  ),
  useBuffers: fc.boolean(),
});
export type StatusCase = typeof statusCaseArb extends fc.Arbitrary<infer T> ? T : never;

/** Evaluates masters, then members in bulk, then change detection; returns a comparable transcript. */
export function statusTranscript(e: CoreEngine, c: StatusCase): unknown[] {
  const missing = { status: 0, warnings: 1 << 4 };
  const masters = c.masters.map((m) =>
    m ? e.evaluateMaster(m.intent, m.connection, m.tradeAllowed) : missing,
  );
  const n = c.members.length;
  const ms = c.members.map((m) => masters[m.master % masters.length]!);
  let input: Parameters<CoreEngine['evaluateMembers']>[0];
  if (c.useBuffers) {
    const b = e.memberStatusBuffers(n);
    c.members.forEach((m, i) => {
      b.enabled[i] = m.enabled ? 1 : 0;
      b.slaveOnline[i] = m.connection === 'Online' ? 1 : 0;
      b.slaveTradeAllowed[i] = m.tradeAllowed ? 1 : 0;
      b.masterStatus[i] = ms[i]!.status;
      b.masterWarnings[i] = ms[i]!.warnings;
    });
    input = b;
  } else {
    input = {
      enabled: c.members.map((m) => m.enabled),
      slaveOnline: c.members.map((m) => m.connection === 'Online'),
      slaveTradeAllowed: c.members.map((m) => m.tradeAllowed),
      masterStatus: ms.map((m) => m.status),
      masterWarnings: ms.map((m) => m.warnings),
    };
  }
  const r = e.evaluateMembers(input, n);
  const members = Array.from({ length: n }, (_, i) => [r.status[i], r.warnings[i], r.allowNewOrders[i]]);
  const unknown = { status: -1, warnings: 0 };
  const changes = members.map(([status, warnings], i) => [
    e.changed(unknown, { status: status!, warnings: warnings! }),
    e.changed(ms[i]!, { status: status!, warnings: warnings! }),
  ]);
  return [masters, members, changes];
}
