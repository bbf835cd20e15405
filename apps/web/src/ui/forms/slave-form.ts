// Form state of the slave (member) settings: strings as typed, converted to the API input and validated with the
// shared zod schema (the same one the server applies), so errors show inline before saving.
import {
  type SlaveSettings,
  type SlaveSettingsInput,
  slaveSettingsInputSchema,
  type WhenOffMode,
} from '@sankey/shared/domain/settings';
import type { LotCalculationMode, SyncMode } from '@sankey/shared/protocol/constants';
import type { Translate } from '../i18n/i18n';
import { fieldErrors } from './issues';

export interface MappingRow {
  source: string;
  target: string;
}

/** One trading-hours window as typed: `day` 0 = Sunday … 6 = Saturday, `from`/`to` local `HH:MM`. */
export interface WindowRow {
  day: number;
  from: string;
  to: string;
}

export interface SlaveFormState {
  lotCalculationMode: LotCalculationMode;
  lotMultiplier: string;
  reverseTrade: boolean;
  sourceLotMin: string;
  sourceLotMax: string;
  symbolPrefix: string;
  symbolSuffix: string;
  symbolMappings: MappingRow[];
  allowedSymbols: string;
  blockedSymbols: string;
  allowedMagicNumbers: string;
  blockedMagicNumbers: string;
  copyPendingOrders: boolean;
  syncMode: SyncMode;
  limitOrderExpiryMin: string;
  marketSyncMaxPips: string;
  maxSlippage: string;
  maxRetries: string;
  maxSignalDelayMs: string;
  usePendingOrderForDelayed: boolean;
  whenOff: WhenOffMode;
  /** The link's risk controls (docs/risk-controls.md): relay-only, never on the wire. */
  riskCloseOnly: boolean;
  maxOpenPositions: string;
  /** No rows = no trading hours (Opens at any time). */
  tradingWindows: WindowRow[];
  tradingTimeZone: string;
}

const str = (v: number | string | null | undefined) => (v === null || v === undefined ? '' : String(v));
const list = (v: readonly (string | number)[] | null | undefined) => (v ? v.join(', ') : '');

export function defaultSlaveForm(): SlaveFormState {
  return {
    lotCalculationMode: 'multiplier',
    lotMultiplier: '1',
    reverseTrade: false,
    sourceLotMin: '',
    sourceLotMax: '',
    symbolPrefix: '',
    symbolSuffix: '',
    symbolMappings: [],
    allowedSymbols: '',
    blockedSymbols: '',
    allowedMagicNumbers: '',
    blockedMagicNumbers: '',
    copyPendingOrders: false,
    syncMode: 'skip',
    limitOrderExpiryMin: '',
    marketSyncMaxPips: '',
    maxSlippage: '',
    maxRetries: '3',
    maxSignalDelayMs: '5000',
    usePendingOrderForDelayed: false,
    whenOff: 'closeOnly',
    riskCloseOnly: false,
    maxOpenPositions: '',
    tradingWindows: [],
    tradingTimeZone: 'UTC',
  };
}

export function slaveFormFrom(s: SlaveSettings): SlaveFormState {
  return {
    lotCalculationMode: s.lotCalculationMode,
    lotMultiplier: str(s.lotMultiplier),
    reverseTrade: s.reverseTrade,
    sourceLotMin: str(s.sourceLotMin),
    sourceLotMax: str(s.sourceLotMax),
    symbolPrefix: s.symbolPrefix ?? '',
    symbolSuffix: s.symbolSuffix ?? '',
    symbolMappings: s.symbolMappings.map((m) => ({ source: m.sourceSymbol, target: m.targetSymbol })),
    allowedSymbols: list(s.filters.allowedSymbols),
    blockedSymbols: list(s.filters.blockedSymbols),
    allowedMagicNumbers: list(s.filters.allowedMagicNumbers),
    blockedMagicNumbers: list(s.filters.blockedMagicNumbers),
    copyPendingOrders: s.copyPendingOrders,
    syncMode: s.syncMode,
    limitOrderExpiryMin: str(s.limitOrderExpiryMin),
    marketSyncMaxPips: str(s.marketSyncMaxPips),
    maxSlippage: str(s.maxSlippage),
    maxRetries: str(s.maxRetries),
    maxSignalDelayMs: str(s.maxSignalDelayMs),
    usePendingOrderForDelayed: s.usePendingOrderForDelayed,
    whenOff: s.whenOff,
    riskCloseOnly: s.risk.closeOnly,
    maxOpenPositions: str(s.risk.maxOpenPositions),
    tradingWindows: (s.risk.tradingHours?.windows ?? []).map((w) => ({ ...w })),
    tradingTimeZone: s.risk.tradingHours?.timeZone ?? 'UTC',
  };
}

type NumberField =
  | 'lotMultiplier'
  | 'sourceLotMin'
  | 'sourceLotMax'
  | 'limitOrderExpiryMin'
  | 'marketSyncMaxPips'
  | 'maxSlippage'
  | 'maxRetries'
  | 'maxSignalDelayMs'
  | 'maxOpenPositions';

export type SlaveFormResult =
  | { ok: true; value: SlaveSettingsInput }
  | { ok: false; errors: Record<string, string> };

const splitList = (s: string) =>
  s
    .split(/[,\s]+/)
    .map((x) => x.trim())
    .filter((x) => x.length > 0);

/** Field key of an issue path of slaveSettingsInputSchema (filters and mappings are flattened). */
export function slaveFieldKey(path: readonly PropertyKey[]): string {
  const [head, second, third, fourth, fifth] = path.map(String);
  if (head === 'filters' && second) return second;
  if (head === 'risk') {
    if (second === 'closeOnly') return 'riskCloseOnly';
    if (second === 'maxOpenPositions') return 'maxOpenPositions';
    if (third === 'timeZone') return 'tradingTimeZone';
    if (third === 'windows' && fourth !== undefined) return `tradingWindows.${fourth}.${fifth ?? 'to'}`;
    return 'tradingWindows';
  }
  if (head === 'symbolMappings' && second !== undefined)
    return `symbolMappings.${second}.${third === 'targetSymbol' ? 'target' : 'source'}`;
  return head ?? 'form';
}

export function slaveFormToInput(state: SlaveFormState, t: Translate): SlaveFormResult {
  const errors: Record<string, string> = {};
  const num = (field: NumberField, opts: { integer?: boolean; fallback?: number } = {}): number | null => {
    const raw = state[field].trim().replace(',', '.');
    if (raw === '') return opts.fallback ?? null;
    const n = Number(raw);
    if (!Number.isFinite(n)) {
      errors[field] = t('form.err.number');
      return null;
    }
    if (opts.integer && !Number.isInteger(n)) {
      errors[field] = t('form.err.integer');
      return null;
    }
    return n;
  };
  // Magic numbers go out as the decimal strings typed: a JS number would round those beyond 2^53, and the
  // shared schema checks the full signed 64-bit range (docs/protocol.md D18).
  const magic = (field: 'allowedMagicNumbers' | 'blockedMagicNumbers'): string[] | null => {
    const parts = splitList(state[field]);
    return parts.length === 0 ? null : parts;
  };
  const symbols = (field: 'allowedSymbols' | 'blockedSymbols') => {
    const parts = splitList(state[field]);
    return parts.length === 0 ? null : parts;
  };

  const value: SlaveSettingsInput = {
    lotCalculationMode: state.lotCalculationMode,
    lotMultiplier: num('lotMultiplier'),
    reverseTrade: state.reverseTrade,
    symbolPrefix: state.symbolPrefix.trim() === '' ? null : state.symbolPrefix.trim(),
    symbolSuffix: state.symbolSuffix.trim() === '' ? null : state.symbolSuffix.trim(),
    symbolMappings: state.symbolMappings
      .filter((m) => m.source.trim() !== '' || m.target.trim() !== '')
      .map((m) => ({ sourceSymbol: m.source.trim(), targetSymbol: m.target.trim() })),
    filters: {
      allowedSymbols: symbols('allowedSymbols'),
      blockedSymbols: symbols('blockedSymbols'),
      allowedMagicNumbers: magic('allowedMagicNumbers'),
      blockedMagicNumbers: magic('blockedMagicNumbers'),
    },
    sourceLotMin: num('sourceLotMin'),
    sourceLotMax: num('sourceLotMax'),
    syncMode: state.syncMode,
    limitOrderExpiryMin: num('limitOrderExpiryMin', { integer: true }),
    marketSyncMaxPips: num('marketSyncMaxPips'),
    maxSlippage: num('maxSlippage', { integer: true }),
    copyPendingOrders: state.copyPendingOrders,
    maxRetries: num('maxRetries', { integer: true, fallback: 3 }) ?? 3,
    maxSignalDelayMs: num('maxSignalDelayMs', { integer: true, fallback: 5000 }) ?? 5000,
    usePendingOrderForDelayed: state.usePendingOrderForDelayed,
    whenOff: state.whenOff,
    // Always sent: an update replaces the whole settings, so leaving this out would reset the link's controls.
    risk: {
      closeOnly: state.riskCloseOnly,
      maxOpenPositions: num('maxOpenPositions', { integer: true }),
      tradingHours:
        state.tradingWindows.length === 0
          ? null
          : {
              timeZone: state.tradingTimeZone.trim() || 'UTC',
              windows: state.tradingWindows.map((w) => ({
                day: w.day,
                from: w.from.trim(),
                to: w.to.trim(),
              })),
            },
    },
  };
  // The schema's findings (magic numbers among them) show alongside the form's own number checks.
  const parsed = slaveSettingsInputSchema.safeParse(value);
  const all = { ...(parsed.success ? {} : fieldErrors(parsed.error.issues, t, slaveFieldKey)), ...errors };
  if (Object.keys(all).length > 0) return { ok: false, errors: all };
  return { ok: true, value };
}

/**
 * Field errors from a server BAD_REQUEST message ("slaveSettings.lotMultiplier: must be ≤ 1000; …"); anything
 * it cannot place goes to `form`.
 */
export function serverFieldErrors(message: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of message.split('; ')) {
    const m = /^slaveSettings\.([\w.]+): (.*)$/.exec(part);
    if (m?.[1] && m[2]) {
      const key = slaveFieldKey(m[1].split('.'));
      out[key] ??= m[2];
    } else out['form'] = out['form'] ? `${out['form']}; ${part}` : part;
  }
  return out;
}
