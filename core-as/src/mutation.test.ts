// The differential property must notice rule changes: run it against deliberately mutated references and
// expect fast-check to find a counterexample.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CoreEngine, MasterAffixes, MemberRule } from './api';
import { type CompiledMember, Reason, ReferenceCopyEngine } from './reference/copy';
import { composeReferenceEngine } from './reference/engine';
import * as referenceStatus from './reference/status';
import { historyArb, runHistory, statusCaseArb, statusTranscript } from './testing/scenario';
import { createWasmEngine } from './wasm/engine';

/** DLL semantics (§12 item 5): an empty allowed list means "no filter". */
class EmptyAllowedMeansNoFilter extends ReferenceCopyEngine {
  override compileMaster(id: string, master: MasterAffixes, members: readonly MemberRule[]): void {
    const emptyToNull = <T>(l: readonly T[] | null) => (l && l.length === 0 ? null : l);
    super.compileMaster(
      id,
      master,
      members.map((m) => ({
        ...m,
        settings: {
          ...m.settings,
          filters: {
            ...m.settings.filters,
            allowedSymbols: emptyToNull(m.settings.filters.allowedSymbols),
            allowedMagicNumbers: emptyToNull(m.settings.filters.allowedMagicNumbers),
          },
        },
      })),
    );
  }
}

/** Lot bounds exclusive instead of inclusive-pass. */
class ExclusiveLotBounds extends ReferenceCopyEngine {
  protected override filter(
    m: CompiledMember,
    open: boolean,
    pending: boolean,
    lots: number | null | undefined,
    symbol: string | null | undefined,
    magic: bigint | null | undefined,
    ageMs: number | null = null,
  ): Reason {
    const r = super.filter(m, open, pending, lots, symbol, magic, ageMs);
    if (r === Reason.Accepted && open && lots != null && lots === m.lotMin) return Reason.LotsBelowMin;
    return r;
  }
}

/** The old f64 comparison of magic numbers: values beyond ±2^53 that round to the same double collide. */
class MagicAsDouble extends ReferenceCopyEngine {
  protected override filter(
    m: CompiledMember,
    open: boolean,
    pending: boolean,
    lots: number | null | undefined,
    symbol: string | null | undefined,
    magic: bigint | null | undefined,
    ageMs: number | null = null,
  ): Reason {
    const f = (v: bigint) => BigInt(Number(v));
    const round = (set: ReadonlySet<bigint> | null) => set && new Set([...set].map(f));
    const asDouble = { ...m, allowedMagic: round(m.allowedMagic), blockedMagic: round(m.blockedMagic) };
    return super.filter(asDouble, open, pending, lots, symbol, magic == null ? magic : f(magic), ageMs);
  }
}

/** A signal exactly at the member's delay limit counted as stale (the EA drops only older ones). */
class StaleAtTheLimit extends ReferenceCopyEngine {
  protected override filter(
    m: CompiledMember,
    open: boolean,
    pending: boolean,
    lots: number | null | undefined,
    symbol: string | null | undefined,
    magic: bigint | null | undefined,
    ageMs: number | null = null,
  ): Reason {
    const r = super.filter(m, open, pending, lots, symbol, magic, ageMs);
    if (r === Reason.Accepted && open && ageMs !== null && ageMs === m.maxSignalDelayMs)
      return Reason.StaleSignal;
    return r;
  }
}

/** Risk controls named by the highest tripped bit instead of the lowest (D22 reason order). */
class RiskHighestBitWins extends ReferenceCopyEngine {
  protected override filter(
    m: CompiledMember,
    open: boolean,
    pending: boolean,
    lots: number | null | undefined,
    symbol: string | null | undefined,
    magic: bigint | null | undefined,
    ageMs: number | null = null,
  ): Reason {
    const r = super.filter(m, open, pending, lots, symbol, magic, ageMs);
    if (r >= Reason.ManualCloseOnly) return Reason.ManualCloseOnly + (31 - Math.clz32(m.risk & 15));
    return r;
  }
}

/** Auto-mapping that keeps searching later synonym groups instead of stopping at the first containing one. */
class AutoMapSearchesAllGroups extends ReferenceCopyEngine {
  private groups: readonly (readonly string[])[] = [];
  override setSynonymGroups(groups: readonly (readonly string[])[]): void {
    super.setSynonymGroups(groups);
    this.groups = groups;
  }
  protected override autoMap(core: string, available: ReadonlySet<string>): string | undefined {
    for (const g of this.groups) {
      if (!g.includes(core)) continue;
      for (const s of g) if (s !== core && available.has(s)) return s;
    }
    return undefined;
  }
}

/** The docs' outdated rule: slave auto-trading off is a warning only (§12 item 2). */
const slaveAutoTradingWarningOnly: typeof referenceStatus = {
  ...referenceStatus,
  evaluateMembers(input, n) {
    const r = referenceStatus.evaluateMembers(input, n);
    for (let i = 0; i < n; i++) {
      if (input.enabled[i] && input.slaveOnline[i] && !input.slaveTradeAllowed[i]) {
        r.status[i] = input.masterStatus[i] === 2 ? 2 : 1;
      }
    }
    return r;
  },
};

function copyPropertyFails(makeMutant: () => CoreEngine) {
  return fc.check(
    fc.property(historyArb, (h) => runHistory(createWasmEngine(), makeMutant(), h)),
    { numRuns: 5000, seed: 42 },
  );
}

describe('the differential property catches rule changes', () => {
  it.each([
    ['empty allowed list means no filter', () => composeReferenceEngine(new EmptyAllowedMeansNoFilter())],
    ['exclusive lot bounds', () => composeReferenceEngine(new ExclusiveLotBounds())],
    ['auto-mapping searches every group', () => composeReferenceEngine(new AutoMapSearchesAllGroups())],
    ['magic numbers compared as doubles', () => composeReferenceEngine(new MagicAsDouble())],
    ['a signal at the delay limit counted as stale', () => composeReferenceEngine(new StaleAtTheLimit())],
    ['risk controls named by the highest bit', () => composeReferenceEngine(new RiskHighestBitWins())],
  ])('%s', (_name, makeMutant) => {
    const details = copyPropertyFails(makeMutant);
    expect(details.failed).toBe(true);
    expect(details.counterexample).not.toBeNull();
  });

  it('slave auto-trading off as a warning only', () => {
    const mutant = composeReferenceEngine(new ReferenceCopyEngine(), slaveAutoTradingWarningOnly);
    const wasm = createWasmEngine();
    const details = fc.check(
      fc.property(statusCaseArb, (c) => {
        expect(statusTranscript(wasm, c)).toEqual(statusTranscript(mutant, c));
      }),
      { numRuns: 5000, seed: 42 },
    );
    expect(details.failed).toBe(true);
  });
});
