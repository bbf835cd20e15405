// The spec's rules (docs/protocol.md §8, §10) as examples, run against both engines.
import { WARNING_BIT, warningsFromMask } from '@sankey/shared/protocol/constants';
import { describe, expect, it } from 'vitest';
import {
  type CoreEngine,
  type MemberRule,
  MemberSettingsError,
  MISSING_MASTER_STATUS,
  type SignalInput,
  UNKNOWN_STATUS,
} from './api';
import { createReferenceEngine } from './reference/engine';
import { createWasmEngine } from './wasm/engine';
import { RISK } from './wasm/layout';

type Settings = MemberRule['settings'];
const settings = (over: Partial<Settings> = {}): Settings => ({
  symbolPrefix: null,
  symbolSuffix: null,
  symbolMappings: [],
  filters: {
    allowedSymbols: null,
    blockedSymbols: null,
    allowedMagicNumbers: null,
    blockedMagicNumbers: null,
  },
  copyPendingOrders: false,
  sourceLotMin: null,
  sourceLotMax: null,
  ...over,
});
const filters = (over: Partial<Settings['filters']>): Settings['filters'] => ({
  ...settings().filters,
  ...over,
});
const member = (over: Partial<MemberRule> = {}): MemberRule => ({
  slaveAccount: 'S1',
  status: 2,
  settings: settings(),
  symbolContext: null,
  ...over,
});
const ctx = (availableSpecialSymbols: string[], detectedPrefix = '', detectedSuffix = '') => ({
  detectedPrefix,
  detectedSuffix,
  availableSpecialSymbols,
});
const open = (over: Partial<SignalInput> = {}): SignalInput => ({
  action: 'Open',
  orderType: 'Buy',
  lots: 1,
  ...over,
});

describe.each([
  ['wasm', createWasmEngine],
  ['reference', createReferenceEngine],
] as const)('%s engine', (_name, create) => {
  let engine: CoreEngine;
  /** Compiles one master with the given members and returns [reason, symbol] per member for a signal. */
  const run = (
    members: MemberRule[],
    signal: SignalInput,
    master: { symbolPrefix: string | null; symbolSuffix: string | null } = {
      symbolPrefix: null,
      symbolSuffix: null,
    },
  ) => {
    engine = create();
    engine.compileMaster('M', master, members);
    const r = engine.evaluateSignal('M', signal);
    return Array.from({ length: r.length }, (_, i) => [r.reason(i), r.symbol(i)]);
  };
  const reasonOf = (m: Partial<MemberRule>, signal: SignalInput) => run([member(m)], signal)[0]![0];
  const symbolOf = (
    m: Partial<MemberRule>,
    symbol: string,
    master = { symbolPrefix: null, symbolSuffix: null } as {
      symbolPrefix: string | null;
      symbolSuffix: string | null;
    },
  ) => run([member(m)], open({ symbol }), master)[0]![1];

  describe('risk controls (docs/protocol.md D22)', () => {
    it('a tripped control refuses Opens only, named by its lowest bit; Closes and Modifies pass', () => {
      expect(reasonOf({ risk: RISK.HOURS }, open())).toBe('outside_trading_hours');
      expect(reasonOf({ risk: RISK.POSITIONS | RISK.HOURS }, open())).toBe('max_positions');
      expect(reasonOf({ risk: RISK.EQUITY | RISK.POSITIONS }, open())).toBe('equity_guard');
      expect(reasonOf({ risk: RISK.MANUAL | RISK.EQUITY }, open())).toBe('manual_close_only');
      expect(reasonOf({ risk: 15 }, { action: 'Close' })).toBe('accepted');
      expect(reasonOf({ risk: 15 }, { action: 'Modify' })).toBe('accepted');
      // The §10.1 filters come first (docs/protocol.md §10.1): status, pending, lots, symbol, magic.
      expect(reasonOf({ risk: RISK.HOURS }, open({ orderType: 'BuyLimit' }))).toBe('pending_orders_disabled');
      expect(
        reasonOf(
          { risk: RISK.HOURS, settings: settings({ maxSignalDelayMs: 1 }) },
          open({ lots: 5, ageMs: 9 }),
        ),
      ).toBe('stale_signal');
      // Status comes first: a member that is not connected says so whatever its controls.
      expect(reasonOf({ status: 1, risk: RISK.HOURS }, open())).toBe('member_not_connected');
    });

    it('setMemberRisk trips and clears a member without a recompile, and only that member', () => {
      run([member({ slaveAccount: 'A' }), member({ slaveAccount: 'B' })], open());
      engine.setMemberRisk('M', 'A', RISK.HOURS);
      const r = engine.evaluateSignal('M', open());
      expect([r.reason(0), r.reason(1)]).toEqual(['outside_trading_hours', 'accepted']);
      engine.setMemberRisk('M', 'A', 0);
      expect(engine.evaluateSignal('M', open()).reason(0)).toBe('accepted');
    });

    it('refuses an Open older than the member limit as stale (the limit itself passes), before the risk word', () => {
      const s = { settings: settings({ maxSignalDelayMs: 5000 }) };
      expect(reasonOf(s, open({ ageMs: 5000 }))).toBe('accepted');
      expect(reasonOf(s, open({ ageMs: 5001 }))).toBe('stale_signal');
      expect(reasonOf({ ...s, risk: RISK.EQUITY }, open({ ageMs: 5001 }))).toBe('stale_signal');
      expect(reasonOf(s, { action: 'Close', ageMs: 60_000 })).toBe('accepted');
      expect(reasonOf({}, open({ ageMs: 60_000 }))).toBe('accepted'); // no limit compiled: not checked
    });
  });

  describe('copy filter (§10.1)', () => {
    it('requires persisted status 2 (ENABLED is not enough)', () => {
      expect(reasonOf({ status: 1 }, open())).toBe('member_not_connected');
      expect(reasonOf({ status: 0 }, { action: 'Close' })).toBe('member_not_connected');
      expect(reasonOf({ status: 2 }, open())).toBe('accepted');
    });

    it('rejects pending opens unless copyPendingOrders; market and Unknown always pass', () => {
      for (const orderType of ['BuyLimit', 'SellLimit', 'BuyStop', 'SellStop']) {
        expect(reasonOf({}, open({ orderType }))).toBe('pending_orders_disabled');
        expect(reasonOf({ settings: settings({ copyPendingOrders: true }) }, open({ orderType }))).toBe(
          'accepted',
        );
      }
      expect(reasonOf({}, open({ orderType: 'Sell' }))).toBe('accepted');
      expect(reasonOf({}, open({ orderType: 'Unknown' }))).toBe('accepted');
      expect(reasonOf({}, { action: 'Modify', orderType: 'BuyLimit' })).toBe('accepted');
    });

    it('checks lot bounds on Open only, inclusively', () => {
      const s = { settings: settings({ sourceLotMin: 0.1, sourceLotMax: 2 }) };
      expect(reasonOf(s, open({ lots: 0.09 }))).toBe('lots_below_min');
      expect(reasonOf(s, open({ lots: 0.1 }))).toBe('accepted');
      expect(reasonOf(s, open({ lots: 2 }))).toBe('accepted');
      expect(reasonOf(s, open({ lots: 2.01 }))).toBe('lots_above_max');
      expect(reasonOf(s, open({ lots: undefined }))).toBe('accepted');
      expect(reasonOf(s, { action: 'Close', lots: 50 })).toBe('accepted');
    });

    it('filters the symbol as received, exact and case-sensitive, for any action', () => {
      const allowed = { settings: settings({ filters: filters({ allowedSymbols: ['EURUSD'] }) }) };
      expect(reasonOf(allowed, open({ symbol: 'EURUSD' }))).toBe('accepted');
      expect(reasonOf(allowed, open({ symbol: 'eurusd' }))).toBe('symbol_not_allowed');
      expect(reasonOf(allowed, { action: 'Close', symbol: 'GBPUSD' })).toBe('symbol_not_allowed');
      expect(reasonOf(allowed, open())).toBe('accepted'); // no symbol, no symbol filter
      // before the transform: master prefix is not stripped for filtering
      expect(
        run([member(allowed)], open({ symbol: 'pro.EURUSD' }), {
          symbolPrefix: 'pro.',
          symbolSuffix: null,
        })[0]![0],
      ).toBe('symbol_not_allowed');
      const blocked = { settings: settings({ filters: filters({ blockedSymbols: ['XAUUSD'] }) }) };
      expect(reasonOf(blocked, open({ symbol: 'XAUUSD' }))).toBe('symbol_blocked');
      expect(reasonOf(blocked, open({ symbol: 'XAUUSD.m' }))).toBe('accepted');
    });

    it('treats a present-but-empty allowed list as "reject everything" (wire semantics)', () => {
      expect(
        reasonOf(
          { settings: settings({ filters: filters({ allowedSymbols: [] }) }) },
          open({ symbol: 'EURUSD' }),
        ),
      ).toBe('symbol_not_allowed');
      expect(
        reasonOf(
          { settings: settings({ filters: filters({ allowedMagicNumbers: [] }) }) },
          open({ magicNumber: 0 }),
        ),
      ).toBe('magic_not_allowed');
      expect(
        reasonOf(
          { settings: settings({ filters: filters({ blockedSymbols: [] }) }) },
          open({ symbol: 'EURUSD' }),
        ),
      ).toBe('accepted');
    });

    it('filters magic numbers when the signal has one', () => {
      const s = {
        settings: settings({
          filters: filters({ allowedMagicNumbers: [7, 2 ** 40], blockedMagicNumbers: [2 ** 40] }),
        }),
      };
      expect(reasonOf(s, open({ magicNumber: 7 }))).toBe('accepted');
      expect(reasonOf(s, open({ magicNumber: 8 }))).toBe('magic_not_allowed');
      expect(reasonOf(s, open({ magicNumber: 2 ** 40 }))).toBe('magic_blocked');
      expect(reasonOf(s, { action: 'Modify', magicNumber: 8 })).toBe('magic_not_allowed');
      expect(reasonOf(s, open())).toBe('accepted');
      const many = Array.from({ length: 40 }, (_, i) => i * 3);
      const big = { settings: settings({ filters: filters({ allowedMagicNumbers: many }) }) };
      expect(reasonOf(big, open({ magicNumber: 117 }))).toBe('accepted');
      expect(reasonOf(big, open({ magicNumber: 118 }))).toBe('magic_not_allowed');
    });

    it('compares magic numbers as exact 64-bit integers (golden values at 2^53 + 1 and 2^63 - 1)', () => {
      const TWO_53 = 2n ** 53n;
      const MAX = 2n ** 63n - 1n;
      const MIN = -(2n ** 63n);
      const allowed = (...list: (number | string | bigint)[]) => ({
        settings: settings({ filters: filters({ allowedMagicNumbers: list }) }),
      });
      // As f64, 2^53 + 1 rounds to 2^53: only exact comparison tells them apart.
      expect(reasonOf(allowed(TWO_53 + 1n), open({ magicNumber: TWO_53 + 1n }))).toBe('accepted');
      expect(reasonOf(allowed(TWO_53 + 1n), open({ magicNumber: 2 ** 53 }))).toBe('magic_not_allowed');
      expect(reasonOf(allowed(String(TWO_53 + 1n)), open({ magicNumber: TWO_53 + 1n }))).toBe('accepted');
      expect(reasonOf(allowed('9223372036854775807'), open({ magicNumber: MAX }))).toBe('accepted');
      expect(reasonOf(allowed('9223372036854775807'), open({ magicNumber: MAX - 1n }))).toBe(
        'magic_not_allowed',
      );
      expect(reasonOf(allowed(MIN, -1), open({ magicNumber: MIN }))).toBe('accepted');
      expect(reasonOf(allowed(MIN, -1), open({ magicNumber: -1 }))).toBe('accepted');
      expect(reasonOf(allowed(MIN, -1), open({ magicNumber: -1n }))).toBe('accepted'); // number and bigint agree
      expect(reasonOf(allowed(MIN), open({ magicNumber: MAX }))).toBe('magic_not_allowed');
      // Beyond 2^53 a number is still exact when it is integral (2^60 is a double), and matches its bigint.
      expect(reasonOf(allowed(2n ** 60n), open({ magicNumber: 2 ** 60 }))).toBe('accepted');
      const blocked = {
        settings: settings({ filters: filters({ blockedMagicNumbers: [MAX, -(TWO_53 + 1n)] }) }),
      };
      expect(reasonOf(blocked, open({ magicNumber: MAX }))).toBe('magic_blocked');
      expect(reasonOf(blocked, open({ magicNumber: -(TWO_53 + 1n) }))).toBe('magic_blocked');
      expect(reasonOf(blocked, open({ magicNumber: -(2 ** 53) }))).toBe('accepted');
      // More than 16 entries (binary search) over the whole range.
      const many = Array.from({ length: 40 }, (_, i) => MIN + BigInt(i) * 2n ** 58n + 1n);
      expect(reasonOf(allowed(...many), open({ magicNumber: many[39]! }))).toBe('accepted');
      expect(reasonOf(allowed(...many), open({ magicNumber: many[39]! + 1n }))).toBe('magic_not_allowed');
    });

    it('matches no entry with a magic number that is not a 64-bit integer', () => {
      const both = {
        settings: settings({ filters: filters({ allowedMagicNumbers: [1], blockedMagicNumbers: [1] }) }),
      };
      const onlyBlocked = { settings: settings({ filters: filters({ blockedMagicNumbers: [1] }) }) };
      for (const magicNumber of [
        1.5,
        Number.NaN,
        Number.POSITIVE_INFINITY,
        2 ** 63,
        2n ** 63n,
        -(2n ** 63n) - 1n,
      ]) {
        expect(reasonOf(both, open({ magicNumber }))).toBe('magic_not_allowed');
        expect(reasonOf(onlyBlocked, open({ magicNumber }))).toBe('accepted');
      }
    });

    it('refuses magic-number entries that are not 64-bit integers, naming the member, and keeps the old compile', () => {
      engine = create();
      engine.compileMaster('M', { symbolPrefix: null, symbolSuffix: null }, [member()]);
      for (const bad of ['1.5', 'abc', '', ' 7', 0.5, 2n ** 63n, '-9223372036854775809', 2 ** 64]) {
        const members = [
          member({ slaveAccount: 'ok' }),
          member({
            slaveAccount: 'S-bad',
            settings: settings({ filters: filters({ blockedMagicNumbers: [1, bad] }) }),
          }),
        ];
        let error: unknown;
        try {
          engine.compileMaster('M', { symbolPrefix: null, symbolSuffix: null }, members);
        } catch (e) {
          error = e;
        }
        expect(error).toBeInstanceOf(MemberSettingsError);
        expect((error as MemberSettingsError).slaveAccount).toBe('S-bad');
        expect((error as Error).message).toMatch(
          /member S-bad: blockedMagicNumbers\[1\] = .* is not a signed 64-bit integer/,
        );
      }
      const r = engine.evaluateSignal('M', open({ magicNumber: 1 }));
      expect([r.length, r.slaveAccount(0), r.reason(0)]).toEqual([1, 'S1', 'accepted']);
    });

    it('reports the first failing step in spec order', () => {
      const all = settings({
        sourceLotMin: 1,
        filters: filters({ allowedSymbols: [], allowedMagicNumbers: [] }),
      });
      const bad = open({ orderType: 'BuyStop', lots: 0.5, symbol: 'X', magicNumber: 1 });
      expect(reasonOf({ status: 1, settings: all }, bad)).toBe('member_not_connected');
      expect(reasonOf({ settings: all }, bad)).toBe('pending_orders_disabled');
      expect(reasonOf({ settings: { ...all, copyPendingOrders: true } }, bad)).toBe('lots_below_min');
      expect(reasonOf({ settings: { ...all, copyPendingOrders: true, sourceLotMin: null } }, bad)).toBe(
        'symbol_not_allowed',
      );
      expect(
        reasonOf(
          {
            settings: {
              ...all,
              copyPendingOrders: true,
              sourceLotMin: null,
              filters: filters({ allowedMagicNumbers: [] }),
            },
          },
          bad,
        ),
      ).toBe('magic_not_allowed');
    });
  });

  describe('symbol transform (§10.2)', () => {
    it('example 1: strips master affixes and adds the slave affixes', () => {
      expect(
        symbolOf({ settings: settings({ symbolPrefix: 'fx.', symbolSuffix: '.micro' }) }, 'pro.EURUSD.m', {
          symbolPrefix: 'pro.',
          symbolSuffix: '.m',
        }),
      ).toBe('fx.EURUSD.micro');
    });

    it('example 2: mapping after stripping, then the slave suffix', () => {
      const s = settings({
        symbolSuffix: '-ECN',
        symbolMappings: [{ sourceSymbol: 'XAUUSD', targetSymbol: 'GOLD' }],
      });
      expect(symbolOf({ settings: s }, 'XAUUSD.raw', { symbolPrefix: null, symbolSuffix: '.raw' })).toBe(
        'GOLD-ECN',
      );
    });

    it('example 3: auto-mapping through the detected special symbols', () => {
      expect(symbolOf({ symbolContext: ctx(['GOLD']) }, 'XAUUSD')).toBe('GOLD');
    });

    it('strips each master affix once, and only where it matches', () => {
      const master = { symbolPrefix: 'pro.', symbolSuffix: '.m' };
      expect(symbolOf({}, 'pro.pro.EURUSD.m.m', master)).toBe('pro.EURUSD.m');
      expect(symbolOf({}, 'EURUSD.mx', master)).toBe('EURUSD.mx');
      expect(symbolOf({}, 'EURUSD', { symbolPrefix: '', symbolSuffix: '' })).toBe('EURUSD');
    });

    it('uses the first mapping for a source, and mappings win over auto-mapping', () => {
      const s = settings({
        symbolMappings: [
          { sourceSymbol: 'XAUUSD', targetSymbol: 'XAU' },
          { sourceSymbol: 'XAUUSD', targetSymbol: 'GOLD' },
        ],
      });
      expect(symbolOf({ settings: s, symbolContext: ctx(['GOLD']) }, 'XAUUSD')).toBe('XAU');
    });

    it('auto-maps only with a symbol context, within the first group that contains the symbol', () => {
      expect(symbolOf({}, 'XAUUSD')).toBe('XAUUSD');
      expect(symbolOf({ symbolContext: ctx(['WS30', 'DJI']) }, 'US30')).toBe('DJI'); // group order, not list order
      expect(symbolOf({ symbolContext: ctx(['US30']) }, 'WS30')).toBe('US30');
      expect(symbolOf({ symbolContext: ctx(['gold']) }, 'XAUUSD')).toBe('XAUUSD'); // verbatim
      expect(symbolOf({ symbolContext: ctx(['XAUUSD']) }, 'XAUUSD')).toBe('XAUUSD'); // only *other* members

      engine = create();
      engine.setSynonymGroups([
        ['A', 'B'],
        ['A', 'C'],
      ]);
      engine.compileMaster('M', { symbolPrefix: null, symbolSuffix: null }, [
        member({ symbolContext: ctx(['C']) }),
      ]);
      expect(engine.evaluateSignal('M', open({ symbol: 'A' })).symbol(0)).toBe('A'); // the first group has no match
      engine.setSynonymGroups([['A', 'C']]);
      expect(engine.evaluateSignal('M', open({ symbol: 'A' })).symbol(0)).toBe('C');
    });

    it('auto-maps through specials reported with the broker affixes (GOLD.m for XAUUSD)', () => {
      // The slave reports its specials as the broker names them; synonyms are bare symbols.
      expect(symbolOf({ symbolContext: ctx(['GOLD.m', 'EURUSD.m'], '', '.m') }, 'XAUUSD')).toBe('GOLD.m');
      expect(symbolOf({ symbolContext: ctx(['m.GOLD'], 'm.', '') }, 'XAUUSD')).toBe('m.GOLD');
      expect(symbolOf({ symbolContext: ctx(['pro.DJI.x'], 'pro.', '.x') }, 'US30')).toBe('pro.DJI.x');
      // Through the master's affixes too: XAUUSD.raw → XAUUSD → GOLD → GOLD.m.
      expect(
        symbolOf({ symbolContext: ctx(['GOLD.m'], '', '.m') }, 'XAUUSD.raw', {
          symbolPrefix: null,
          symbolSuffix: '.raw',
        }),
      ).toBe('GOLD.m');
      // The member's own suffix still wins over the detected one (§10.2 step 4).
      expect(
        symbolOf(
          { symbolContext: ctx(['GOLD.m'], '', '.m'), settings: settings({ symbolSuffix: '-ECN' }) },
          'XAUUSD',
        ),
      ).toBe('GOLD-ECN');
      // Specials without the affix still match verbatim; other affixes are not guessed.
      expect(symbolOf({ symbolContext: ctx(['GOLD'], '', '.m') }, 'XAUUSD')).toBe('GOLD.m');
      expect(symbolOf({ symbolContext: ctx(['GOLD.x'], '', '.m') }, 'XAUUSD')).toBe('XAUUSD.m');
      // Stripped once, like the master's affixes.
      expect(symbolOf({ symbolContext: ctx(['GOLD.m.m'], '', '.m') }, 'XAUUSD')).toBe('XAUUSD.m');
    });

    it('falls back to detected affixes only with a context and an empty slave affix', () => {
      const c = ctx([], 'd.', '.d');
      expect(symbolOf({ symbolContext: c }, 'EURUSD')).toBe('d.EURUSD.d');
      expect(
        symbolOf({ symbolContext: c, settings: settings({ symbolPrefix: '', symbolSuffix: 's' }) }, 'EURUSD'),
      ).toBe('d.EURUSDs');
      expect(symbolOf({ settings: settings({ symbolPrefix: 'p', symbolSuffix: null }) }, 'EURUSD')).toBe(
        'pEURUSD',
      );
      expect(symbolOf({ symbolContext: ctx(['GOLD'], 'd.') }, 'XAUUSD')).toBe('d.GOLD');
    });

    it('gives no symbol to rejected members or to signals without a symbol', () => {
      expect(run([member({ status: 0 })], open({ symbol: 'EURUSD' }))[0]).toEqual([
        'member_not_connected',
        undefined,
      ]);
      expect(run([member()], { action: 'Close' })[0]).toEqual(['accepted', undefined]);
    });
  });

  describe('engine lifecycle', () => {
    it('keeps member order and per-member results', () => {
      const members = [
        member({ slaveAccount: 'A', settings: settings({ symbolSuffix: '.a' }) }),
        member({ slaveAccount: 'B', status: 1 }),
        member({ slaveAccount: 'C', settings: settings({ symbolPrefix: 'c' }) }),
      ];
      expect(run(members, open({ symbol: 'EURUSD' }))).toEqual([
        ['accepted', 'EURUSD.a'],
        ['member_not_connected', undefined],
        ['accepted', 'cEURUSD'],
      ]);
      const r = engine.evaluateSignal('M', open());
      expect([r.slaveAccount(0), r.slaveAccount(2), r.accepted(0), r.accepted(1), r.reasonCode(1)]).toEqual([
        'A',
        'C',
        true,
        false,
        1,
      ]);
    });

    it('setMemberStatus gates copying without a recompile; unknown ids are ignored', () => {
      engine = create();
      engine.compileMaster('M', { symbolPrefix: null, symbolSuffix: null }, [member({ status: 0 })]);
      expect(engine.evaluateSignal('M', open()).accepted(0)).toBe(false);
      engine.setMemberStatus('M', 'S1', 2);
      engine.setMemberStatus('M', 'nobody', 2);
      engine.setMemberStatus('X', 'S1', 2);
      expect(engine.evaluateSignal('M', open()).accepted(0)).toBe(true);
    });

    it('returns no results for unknown or removed masters', () => {
      engine = create();
      expect(engine.evaluateSignal('M', open()).length).toBe(0);
      engine.compileMaster('M', { symbolPrefix: null, symbolSuffix: null }, [member()]);
      engine.removeMaster('M');
      expect(engine.evaluateSignal('M', open()).length).toBe(0);
    });

    it('handles thousands of masters and members (memory growth, recompiles)', () => {
      engine = create();
      const members = Array.from({ length: 300 }, (_, i) =>
        member({
          slaveAccount: `S${i}`,
          settings: settings({ symbolSuffix: `.${i % 7}` }),
          symbolContext: ctx(['GOLD']),
        }),
      );
      for (let round = 0; round < 3; round++) {
        for (let m = 0; m < 100; m++)
          engine.compileMaster(`M${m}`, { symbolPrefix: null, symbolSuffix: null }, members);
      }
      const r = engine.evaluateSignal('M42', open({ symbol: 'XAUUSD' }));
      expect(r.length).toBe(300);
      expect(r.symbol(299)).toBe('GOLD.5');
    });
  });

  describe('status engine (§8)', () => {
    const names = (mask: number) => warningsFromMask(mask);

    it('evaluates a master (§8.2)', () => {
      engine = create();
      expect(engine.evaluateMaster(true, 'Online', true)).toEqual({ status: 2, warnings: 0 });
      expect(names(engine.evaluateMaster(false, 'Online', false).warnings)).toEqual([
        'master_web_ui_disabled',
        'master_auto_trading_disabled',
      ]);
      for (const c of ['Registered', 'Offline', 'Timeout', null] as const) {
        const r = engine.evaluateMaster(true, c, false);
        expect(r.status).toBe(0);
        expect(names(r.warnings)).toEqual(['master_offline']); // auto-trading never checked when offline
      }
    });

    it('evaluates members against their own master (§8.3)', () => {
      engine = create();
      const connected = engine.evaluateMaster(true, 'Online', true);
      const offline = engine.evaluateMaster(false, 'Timeout', true);
      const r = engine.evaluateMembers(
        {
          enabled: [true, true, false, true, 1, 1],
          slaveOnline: [true, true, false, true, 1, 0],
          slaveTradeAllowed: [true, true, true, false, 1, 1],
          masterStatus: [2, offline.status, 2, 2, MISSING_MASTER_STATUS.status, 2],
          masterWarnings: [
            0,
            offline.warnings,
            offline.warnings,
            connected.warnings,
            MISSING_MASTER_STATUS.warnings,
            0,
          ],
        },
        6,
      );
      expect(Array.from(r.status)).toEqual([2, 1, 0, 0, 1, 0]);
      expect(Array.from(r.allowNewOrders)).toEqual([1, 1, 0, 0, 1, 0]);
      expect(names(r.warnings[1]!)).toEqual(['master_web_ui_disabled', 'master_offline']);
      expect(names(r.warnings[2]!)).toEqual([
        'slave_web_ui_disabled',
        'slave_offline',
        'master_web_ui_disabled',
        'master_offline',
      ]);
      expect(names(r.warnings[3]!)).toEqual(['slave_auto_trading_disabled']);
      expect(names(r.warnings[4]!)).toEqual(['master_offline']);
    });

    it('accepts its own buffers without copying and keeps working after memory grows', () => {
      engine = create();
      const b = engine.memberStatusBuffers(3);
      b.enabled.set([1, 1, 1]);
      b.slaveOnline.set([1, 1, 1]);
      b.slaveTradeAllowed.set([1, 0, 1]);
      b.masterStatus.set([2, 2, 0]);
      b.masterWarnings.set([0, 0, WARNING_BIT.master_offline]);
      expect(Array.from(engine.evaluateMembers(b, 3).status)).toEqual([2, 0, 1]);
      const big = engine.memberStatusBuffers(100_000);
      big.enabled.fill(1);
      big.slaveOnline.fill(1);
      big.slaveTradeAllowed.fill(1);
      big.masterStatus.fill(2);
      big.masterWarnings.fill(0);
      expect(engine.evaluateMembers(big, 100_000).status[99_999]).toBe(2);
    });

    it('detects changes by status and ordered warnings, not allowNewOrders (§8.4)', () => {
      engine = create();
      const a = { status: 2, warnings: 0 };
      expect(engine.changed(UNKNOWN_STATUS, a)).toBe(true);
      expect(engine.changed(UNKNOWN_STATUS, { status: -1, warnings: 0 })).toBe(false);
      expect(engine.changed(a, { status: 2, warnings: 0 })).toBe(false);
      expect(engine.changed(a, { status: 2, warnings: WARNING_BIT.master_offline })).toBe(true);
      expect(engine.changed(a, { status: 1, warnings: 0 })).toBe(true);
    });
  });
});
