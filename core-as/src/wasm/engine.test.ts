// WASM-only hardening: bounded symbol interning under junk symbols, and tables past 2 GiB of linear memory.
import { describe, expect, it } from 'vitest';
import type { CoreEngine, MemberRule, SignalInput } from '../api';
import { createReferenceEngine } from '../reference/engine';
import { createWasmEngine } from './engine';
import { alignUp, doubleIndex, wordIndex } from './layout';

const NO_AFFIXES = { symbolPrefix: null, symbolSuffix: null };
type Over = Partial<Omit<MemberRule['settings'], 'filters'> & MemberRule['settings']['filters']>;
const member = (slaveAccount: string, over: Over = {}, ctx = false): MemberRule => {
  const { allowedSymbols, blockedSymbols, allowedMagicNumbers, blockedMagicNumbers, ...rest } = over;
  return {
    slaveAccount,
    status: 2,
    settings: {
      symbolPrefix: null,
      symbolSuffix: '.s',
      symbolMappings: [{ sourceSymbol: 'US30', targetSymbol: 'DJ30' }],
      filters: {
        allowedSymbols: allowedSymbols ?? null,
        blockedSymbols: blockedSymbols ?? ['BTCUSD'],
        allowedMagicNumbers: allowedMagicNumbers ?? null,
        blockedMagicNumbers: blockedMagicNumbers ?? null,
      },
      copyPendingOrders: false,
      sourceLotMin: null,
      sourceLotMax: null,
      ...rest,
    },
    symbolContext: ctx
      ? { detectedPrefix: '', detectedSuffix: '.m', availableSpecialSymbols: ['GOLD.m'] }
      : null,
  };
};
const open = (symbol: string, magicNumber?: number | bigint): SignalInput => ({
  action: 'Open',
  orderType: 'Buy',
  lots: 1,
  symbol,
  magicNumber,
});
const rows = (e: CoreEngine, master: string, signal: SignalInput) => {
  const r = e.evaluateSignal(master, signal);
  return Array.from({ length: r.length }, (_, i) => [r.slaveAccount(i), r.reason(i), r.symbol(i)]);
};

/** Deterministic junk symbols (mulberry32), as a misbehaving or hostile master might send. */
function junk(count: number): string[] {
  let a = 12345;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
  return Array.from({ length: count }, (_, i) => `${next().toString(36)}${i.toString(36)}`);
}

describe('symbol interning', () => {
  it('200,000 distinct random symbols keep interned symbols under the cap and memory bounded; copying still works', () => {
    const cap = 1000;
    const engine = createWasmEngine({ maxSymbols: cap });
    const members = [
      member('A'),
      member('B', { symbolSuffix: null }, true),
      member('C', { allowedSymbols: ['EURUSD'] }),
    ];
    for (let m = 0; m < 4; m++)
      engine.compileMaster(`M${m}`, { symbolPrefix: null, symbolSuffix: '.r' }, members);
    const before = rows(engine, 'M1', open('XAUUSD.r'));
    const warm = junk(5000);
    // Warm-up: every master's column cache fills up to its cap once.
    for (let m = 0; m < 4; m++) for (const s of warm) engine.evaluateSignal(`M${m}`, open(s));
    const settled = engine.stats();

    for (const [k, s] of junk(200_000).entries()) {
      const r = engine.evaluateSignal(`M${k & 3}`, open(`${s}.r`));
      // Each junk symbol is still evaluated exactly: copied under its own name with the member's affixes.
      if (k % 20_000 === 0) {
        expect([r.symbol(0), r.symbol(1), r.reason(2)]).toEqual([`${s}.s`, `${s}.m`, 'symbol_not_allowed']);
      }
    }
    const after = engine.stats();
    expect(after.internedSymbols).toBeLessThanOrEqual(cap);
    expect(after.internedSymbols).toBe(settled.internedSymbols); // signals intern nothing
    expect(after.memoryBytes).toBe(settled.memoryBytes); // column caches are capped and recycled
    expect(after.symbolColumnsBuilt).toBeGreaterThanOrEqual(205_000);
    expect(after.symbolColumnDrops).toBeGreaterThan(0);

    expect(rows(engine, 'M1', open('XAUUSD.r'))).toEqual(before);
    expect(before).toEqual([
      ['A', 'accepted', 'XAUUSD.s'],
      ['B', 'accepted', 'GOLD.m'],
      ['C', 'symbol_not_allowed', undefined],
    ]);
    expect(rows(engine, 'M2', open('US30.r'))).toEqual([
      ['A', 'accepted', 'DJ30.s'],
      ['B', 'accepted', 'DJ30.m'],
      ['C', 'symbol_not_allowed', undefined],
    ]);
    expect(rows(engine, 'M3', open('BTCUSD'))[0]).toEqual(['A', 'symbol_blocked', undefined]);
  });

  it('rebuilds the table from the compiled masters when recompiles reach the cap', () => {
    const cap = 500;
    const engine = createWasmEngine({ maxSymbols: cap });
    const ref = createReferenceEngine();
    // Settings that change on every compile (edited filters, a slave reporting ever new specials).
    for (let k = 0; k < 400; k++) {
      const members = [
        member('A', { allowedSymbols: [`SYM${k}`, `SYM${k + 1}`, 'EURUSD'] }),
        member('B', { symbolSuffix: null }, true),
      ];
      members[1]!.symbolContext = {
        detectedPrefix: '',
        detectedSuffix: `.${k}`,
        availableSpecialSymbols: [`GOLD.${k}`],
      };
      for (const e of [engine, ref]) e.compileMaster(`M${k % 3}`, NO_AFFIXES, members);
      expect(engine.stats().internedSymbols).toBeLessThanOrEqual(cap + 20);
    }
    expect(engine.stats().symbolCompactions).toBeGreaterThan(0);
    for (const m of ['M0', 'M1', 'M2'])
      for (const s of ['EURUSD', 'XAUUSD', 'SYM399', 'SYM398', 'US30', 'BTCUSD'])
        expect(rows(engine, m, open(s))).toEqual(rows(ref, m, open(s)));
  });
});

describe('tables past 2 GiB of linear memory', () => {
  it('index helpers are unsigned at and above 2^31', () => {
    expect(wordIndex(2 ** 31)).toBe(2 ** 29);
    expect(wordIndex(2 ** 32 - 4)).toBe(2 ** 30 - 1);
    expect(doubleIndex(2 ** 31 + 8)).toBe(2 ** 28 + 1);
    expect(doubleIndex(2 ** 32 - 8)).toBe(2 ** 29 - 1);
    expect(alignUp(2 ** 31 + 1, 16)).toBe(2 ** 31 + 16);
    expect(alignUp(2 ** 32 - 16, 16)).toBe(2 ** 32 - 16);
  });

  it('copy and status evaluation agree with the reference when every table lies above 2^31', () => {
    const engine = createWasmEngine({ arenaStartBytes: 2 ** 31 + 64 });
    const ref = createReferenceEngine();
    const members = [
      member('A', { allowedMagicNumbers: [2n ** 63n - 1n, '9007199254740993'], sourceLotMin: 0.5 }),
      member('B', { symbolSuffix: null, blockedMagicNumbers: [7] }, true),
      member('C', { copyPendingOrders: true }),
    ];
    for (const e of [engine, ref]) {
      e.compileMaster('M', { symbolPrefix: null, symbolSuffix: '.r' }, members);
      e.setMemberStatus('M', 'C', 1);
    }
    expect(engine.stats().memoryBytes).toBeGreaterThan(2 ** 31);
    const signals = [
      open('XAUUSD.r', 2n ** 63n - 1n),
      open('US30.r', 9007199254740993n),
      open('EURUSD.r', 7),
      { action: 'Open', orderType: 'Buy', lots: 0.1, symbol: 'EURUSD' },
      { action: 'Close' },
    ] satisfies SignalInput[];
    for (const s of signals) expect(rows(engine, 'M', s)).toEqual(rows(ref, 'M', s));
    expect(rows(engine, 'M', signals[0]!)).toEqual([
      ['A', 'accepted', 'XAUUSD.s'],
      ['B', 'accepted', 'GOLD.m'],
      ['C', 'member_not_connected', undefined],
    ]);

    const b = engine.memberStatusBuffers(3);
    b.enabled.set([1, 1, 0]);
    b.slaveOnline.set([1, 0, 1]);
    b.slaveTradeAllowed.set([1, 1, 1]);
    b.masterStatus.set([2, 2, 2]);
    b.masterWarnings.set([0, 0, 0]);
    const out = engine.evaluateMembers(b, 3);
    expect(Array.from(out.status)).toEqual([2, 0, 0]);
    expect(Array.from(out.warnings)).toEqual([0, 2, 1]);
  });
});
