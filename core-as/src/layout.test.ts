// The memory layout is written twice (assembly/index.ts and src/wasm/layout.ts): check the compiled module's
// exported constants against the TS side, so that a change on one side only fails here instead of misreading
// memory.
import { FILTER_REASONS, WARNING_BIT } from '@sankey/shared/protocol/constants';
import { describe, expect, it } from 'vitest';
import { H, HASH_ENTRY_BYTES, KIND, MEMBER, RISK, SIG } from './wasm/layout';
import { instantiateCore } from './wasm/module';

/** Exported globals of a fresh instance, by name. */
function moduleConstants(): Map<string, number> {
  const out = new Map<string, number>();
  for (const [name, v] of Object.entries(instantiateCore() as unknown as Record<string, unknown>)) {
    if (v !== null && typeof v === 'object' && 'value' in v)
      out.set(name, Number((v as { value: unknown }).value));
  }
  return out;
}

/** `{ FOO_BAR: 1 }` → `{ P_FOO_BAR: 1 }`, the naming used in assembly/index.ts. */
const prefixed = (prefix: string, o: Record<string, number>, scale = 1) =>
  Object.fromEntries(Object.entries(o).map(([k, v]) => [`${prefix}_${k}`, v * scale]));

describe('memory layout constants', () => {
  const wasm = moduleConstants();
  const group = (prefix: string) =>
    Object.fromEntries(
      [...wasm].filter(([k]) => k.startsWith(`${prefix}_`)).sort(([a], [b]) => (a < b ? -1 : 1)),
    );
  const sorted = (o: Record<string, number>) =>
    Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : 1)));

  it('the header words agree (byte offsets in WASM, word indexes in TS)', () => {
    expect(group('H')).toEqual(sorted(prefixed('H', H, 4)));
  });

  it('the signal flags, member flags, risk bits and hash kinds agree', () => {
    expect(group('S')).toEqual(sorted(prefixed('S', SIG)));
    expect(group('X')).toEqual(sorted(prefixed('X', RISK)));
    expect(group('M')).toEqual(sorted(prefixed('M', MEMBER)));
    expect(group('K')).toEqual(sorted(prefixed('K', KIND)));
    expect(2 ** wasm.get('HASH_ENTRY_SHIFT')!).toBe(HASH_ENTRY_BYTES);
  });

  it('the filter reasons and warning bits agree with the shared protocol constants', () => {
    const reasons = group('R');
    expect(Object.keys(reasons)).toHaveLength(FILTER_REASONS.length - 1); // all but "accepted"
    const byCode = Object.fromEntries(Object.entries(reasons).map(([k, v]) => [v, k]));
    expect(FILTER_REASONS.slice(1).map((_, i) => byCode[i + 1])).toEqual([
      'R_NOT_CONNECTED',
      'R_PENDING',
      'R_LOTS_MIN',
      'R_LOTS_MAX',
      'R_SYM_NOT_ALLOWED',
      'R_SYM_BLOCKED',
      'R_MAGIC_NOT_ALLOWED',
      'R_MAGIC_BLOCKED',
      'R_STALE',
      'R_MANUAL_CLOSE_ONLY',
      'R_EQUITY_GUARD',
      'R_MAX_POSITIONS',
      'R_OUTSIDE_HOURS',
    ]);
    // The engine names a tripped control by R_MANUAL_CLOSE_ONLY + the index of the member's lowest risk bit.
    expect(
      Object.values(RISK).map((bit) => FILTER_REASONS[wasm.get('R_MANUAL_CLOSE_ONLY')! + Math.log2(bit)]),
    ).toEqual(['manual_close_only', 'equity_guard', 'max_positions', 'outside_trading_hours']);
    expect(group('W')).toEqual(
      sorted({
        W_SLAVE_WEB_UI: WARNING_BIT.slave_web_ui_disabled,
        W_SLAVE_OFFLINE: WARNING_BIT.slave_offline,
        W_SLAVE_AUTO_TRADING: WARNING_BIT.slave_auto_trading_disabled,
        W_MASTER_WEB_UI: WARNING_BIT.master_web_ui_disabled,
        W_MASTER_OFFLINE: WARNING_BIT.master_offline,
        W_MASTER_AUTO_TRADING: WARNING_BIT.master_auto_trading_disabled,
      }),
    );
  });
});
