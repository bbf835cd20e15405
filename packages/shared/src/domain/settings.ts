// Master and slave settings in their camelCase form (docs/api.md, Procedures and Limits; docs/protocol.md D6–D8), shared by the API, the forms,
// the database layer and the relay's config builder.
import { z } from 'zod';
import {
  DEFAULT_HEARTBEAT_TIMEOUT_S,
  DEFAULT_SYNONYM_GROUPS,
  LOG_LEVELS,
  LOT_CALCULATION_MODES,
  MAX_ACCOUNT_ID_BYTES,
  MAX_SYMBOL_AFFIX_BYTES,
  SYNC_MODES,
} from '../protocol/constants';
import { parseDecimalWireInt, wireIntToDecimal } from '../protocol/wire-int';
import { DELIVERY_MODES } from './delivery';
import { defaultMemberRisk, memberRiskSchema } from './risk';

const utf8 = new TextEncoder();
export const byteLength = (s: string): number => utf8.encode(s).length;

/**
 * Account ids: 1–63 bytes UTF-8, no whitespace, `/` or control characters (they are part of topics). This is
 * stricter than the inbound rule of docs/protocol.md D18 (`isValidAccountId`): also no Unicode whitespace and
 * not the reserved name, so every id the API accepts can connect.
 */
export const accountIdSchema = z
  .string()
  .refine((s) => byteLength(s) >= 1 && byteLength(s) <= MAX_ACCOUNT_ID_BYTES, {
    message: `must be 1–${MAX_ACCOUNT_ID_BYTES} bytes`,
  })
  .refine((s) => !/[\s/]/.test(s), { message: 'must not contain spaces or "/"' })
  .refine((s) => !/\p{Cc}/u.test(s), { message: 'must not contain control characters' })
  // `config/global` is the global config topic: an account named `global` would receive it as its own config.
  .refine((s) => s !== 'global', { message: '"global" is reserved' });

/**
 * An account id for a new group or link (docs/protocol.md D16): also not starting with `global`, since every EA
 * subscribes `config/global` and ZeroMQ matches byte prefixes, so every EA would take that account's configs as
 * the global config. Ids that name existing rows (delete, get) use `accountIdSchema`, so such an account stays
 * reachable.
 */
export const newAccountIdSchema = accountIdSchema.refine((s) => !s.startsWith('global'), {
  message: 'must not start with "global": every EA subscribes config/global and would receive its configs',
});

/**
 * Characters a symbol or affix must not hold (docs/protocol.md D16): control characters break the EA's ini
 * lines, `,` separates `Candidates=`, `[`/`]` open ini sections, `=` splits keys and `;` starts ini comments.
 */
const UNSAFE_SYMBOL_CHARS = /[\p{Cc},[\]=;]/u;
export const isSafeSymbolText = (s: string): boolean => !UNSAFE_SYMBOL_CHARS.test(s);
const unsafeSymbolIssue = { message: 'must not contain control characters or any of , [ ] = ;' };

// Stored values are read with the byte limits only, so settings saved before the D16 character rule still load;
// everything a client sends goes through the `…Input` variants, which add that rule.
const storedAffix = z.string().refine((s) => byteLength(s) <= MAX_SYMBOL_AFFIX_BYTES, {
  message: `must be at most ${MAX_SYMBOL_AFFIX_BYTES} bytes`,
});
const storedSymbol = z
  .string()
  .min(1, 'must not be empty')
  .refine((s) => byteLength(s) <= MAX_SYMBOL_AFFIX_BYTES, {
    message: `must be at most ${MAX_SYMBOL_AFFIX_BYTES} bytes`,
  });
const inputAffix = storedAffix.refine(isSafeSymbolText, unsafeSymbolIssue);
/** A symbol prefix or suffix as clients send it. */
export const symbolAffixInputSchema = inputAffix;
const inputSymbol = storedSymbol.refine(isSafeSymbolText, unsafeSymbolIssue);
type SymbolRules = { symbol: typeof storedSymbol; affix: typeof storedAffix };
const STORED: SymbolRules = { symbol: storedSymbol, affix: storedAffix };
const INPUT: SymbolRules = { symbol: inputSymbol, affix: inputAffix };

/**
 * A magic number: a signed 64-bit integer, held as a decimal string in the API, the database and the UI
 * (docs/protocol.md D18), normalised (`"007"` → `"7"`). Numbers are still read, for settings stored before
 * and for clients that send them, but only exact ones (within ±(2^53−1)): a larger number may already be
 * rounded.
 */
export const magicNumberSchema = z.union([z.string(), z.number()]).transform((v, ctx): string => {
  const parsed = typeof v === 'number' ? (Number.isSafeInteger(v) ? v : null) : parseDecimalWireInt(v.trim());
  if (parsed === null) {
    ctx.addIssue({
      code: 'custom',
      message:
        typeof v === 'number'
          ? 'must be a whole number within ±(2^53−1); give larger ones as a decimal string'
          : 'must be a whole number from -9223372036854775808 to 9223372036854775807',
    });
    return z.NEVER;
  }
  return wireIntToDecimal(parsed);
});

/** What a switched-off link does with Closes of copies it made (D15). */
export const WHEN_OFF_MODES = ['closeOnly', 'freeze'] as const;
export type WhenOffMode = (typeof WHEN_OFF_MODES)[number];

/** An empty filter list means "no filter" (D6): it is stored and sent as null. */
const emptyToNull = <T>(list: T[] | null | undefined): T[] | null => (list && list.length > 0 ? list : null);

const symbolMapping = ({ symbol }: SymbolRules) =>
  z.strictObject({ sourceSymbol: symbol, targetSymbol: symbol });
export const symbolMappingSchema = symbolMapping(STORED);
export type SymbolMapping = z.infer<typeof symbolMappingSchema>;

const tradeFilters = ({ symbol }: SymbolRules) =>
  z.strictObject({
    allowedSymbols: z.array(symbol).nullable().default(null).transform(emptyToNull),
    blockedSymbols: z.array(symbol).nullable().default(null).transform(emptyToNull),
    allowedMagicNumbers: z.array(magicNumberSchema).nullable().default(null).transform(emptyToNull),
    blockedMagicNumbers: z.array(magicNumberSchema).nullable().default(null).transform(emptyToNull),
  });
export const tradeFiltersSchema = tradeFilters(STORED);
export type TradeFilters = z.output<typeof tradeFiltersSchema>;

const slaveSettingsShape = (rules: SymbolRules) => ({
  lotCalculationMode: z.enum(LOT_CALCULATION_MODES).default('multiplier'),
  lotMultiplier: z.number().gt(0, 'must be > 0').max(1000, 'must be ≤ 1000').nullable().default(null),
  reverseTrade: z.boolean().default(false),
  symbolPrefix: rules.affix.nullable().default(null),
  symbolSuffix: rules.affix.nullable().default(null),
  symbolMappings: z.array(symbolMapping(rules)).default([]),
  filters: tradeFilters(rules).default({
    allowedSymbols: null,
    blockedSymbols: null,
    allowedMagicNumbers: null,
    blockedMagicNumbers: null,
  }),
  sourceLotMin: z.number().min(0, 'must be ≥ 0').nullable().default(null),
  sourceLotMax: z.number().min(0, 'must be ≥ 0').nullable().default(null),
  syncMode: z.enum(SYNC_MODES).default('skip'),
  limitOrderExpiryMin: z.number().int().min(0).max(525_600).nullable().default(null),
  marketSyncMaxPips: z.number().min(0).max(10_000).nullable().default(null),
  maxSlippage: z.number().int().min(0).max(10_000).nullable().default(null),
  copyPendingOrders: z.boolean().default(false),
  maxRetries: z.number().int().min(0).max(100).default(3),
  maxSignalDelayMs: z.number().int().min(0).max(600_000).default(5000),
  usePendingOrderForDelayed: z.boolean().default(false),
  /**
   * Relay-only, never on the wire (docs/protocol.md D15): when an operator switches the link off, Closes and
   * Modifies of tickets already copied to the slave still go through (`closeOnly`) or do not (`freeze`).
   */
  whenOff: z.enum(WHEN_OFF_MODES).default('closeOnly'),
  /** Relay-only, never on the wire: the member's risk controls (docs/protocol.md D22). */
  risk: memberRiskSchema.default(defaultMemberRisk()),
});

const lotRangeOk = (s: { sourceLotMin: number | null; sourceLotMax: number | null }) =>
  s.sourceLotMin === null || s.sourceLotMax === null || s.sourceLotMin <= s.sourceLotMax;
const lotRangeIssue = { message: 'sourceLotMin must be ≤ sourceLotMax', path: ['sourceLotMax'] };

/**
 * Slave settings as clients send them: every key optional with our defaults (D7), unknown keys rejected,
 * no `configVersion` (server-owned, D8).
 */
export const slaveSettingsInputSchema = z
  .strictObject(slaveSettingsShape(INPUT))
  .refine(lotRangeOk, lotRangeIssue);
export type SlaveSettingsInput = z.input<typeof slaveSettingsInputSchema>;

/** Slave settings as stored and served: the full set plus the server-owned config version. */
export const slaveSettingsSchema = z
  .strictObject({ ...slaveSettingsShape(STORED), configVersion: z.number().int().min(0).max(0xffff_ffff) })
  .refine(lotRangeOk, lotRangeIssue);
export type SlaveSettings = z.output<typeof slaveSettingsSchema>;

export const defaultSlaveSettings = (configVersion = 1): SlaveSettings =>
  slaveSettingsSchema.parse({ configVersion });

export const masterSettingsInputSchema = z.strictObject({
  enabled: z.boolean().default(false),
  symbolPrefix: inputAffix.nullable().default(null),
  symbolSuffix: inputAffix.nullable().default(null),
  /** docs/protocol.md D23: `isolated` gives each member's EA its own alias of the master. */
  delivery: z.enum(DELIVERY_MODES).default('shared'),
});
export type MasterSettingsInput = z.input<typeof masterSettingsInputSchema>;

export const masterSettingsSchema = z.strictObject({
  enabled: z.boolean(),
  symbolPrefix: storedAffix.nullable(),
  symbolSuffix: storedAffix.nullable(),
  delivery: z.enum(DELIVERY_MODES).default('shared'),
  configVersion: z.number().int().min(0).max(0xffff_ffff),
});
export type MasterSettings = z.output<typeof masterSettingsSchema>;

export const logShippingSchema = z.strictObject({
  enabled: z.boolean().default(false),
  host: z.string().max(200).default(''),
  batchSize: z.number().int().min(1).max(10_000).default(100),
  flushIntervalSecs: z.number().int().min(1).max(3600).default(5),
  logLevel: z.enum(LOG_LEVELS).default('INFO'),
});
export type LogShipping = z.output<typeof logShippingSchema>;

export const globalSettingsSchema = z.strictObject({
  logShipping: logShippingSchema.default(logShippingSchema.parse({})),
  synonymGroups: z.array(z.array(storedSymbol).min(1)).default(DEFAULT_SYNONYM_GROUPS.map((g) => [...g])),
  heartbeatTimeoutS: z.number().int().min(2).max(3600).default(DEFAULT_HEARTBEAT_TIMEOUT_S),
});
export type GlobalSettings = z.output<typeof globalSettingsSchema>;
export const defaultGlobalSettings = (): GlobalSettings => globalSettingsSchema.parse({});

/** `settings.update` input: every part optional; log shipping may be given partially. */
export const globalSettingsUpdateSchema = z.strictObject({
  logShipping: z
    .strictObject({
      enabled: z.boolean().optional(),
      host: z.string().max(200).optional(),
      batchSize: z.number().int().min(1).max(10_000).optional(),
      flushIntervalSecs: z.number().int().min(1).max(3600).optional(),
      logLevel: z.enum(LOG_LEVELS).optional(),
    })
    .optional(),
  synonymGroups: z.array(z.array(inputSymbol).min(1)).optional(),
  heartbeatTimeoutS: z.number().int().min(2).max(3600).optional(),
});
export type GlobalSettingsUpdate = z.infer<typeof globalSettingsUpdateSchema>;
