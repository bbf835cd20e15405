// docs/api.md, Limits / docs/protocol.md D3: a member's settings must never be able to produce a SlaveConfigMessage frame above the EA's
// 4096-byte buffer. Checked with the worst case of every runtime-dependent field, before anything is stored.
import type { DeliveryMode } from '@sankey/shared/domain/delivery';
import type { SlaveSettings } from '@sankey/shared/domain/settings';
import { worstCaseSlaveConfigFrameBytes } from '@sankey/shared/protocol/config-size';
import { MAX_OUTBOUND_FRAME_BYTES } from '@sankey/shared/protocol/constants';
import { AppError } from '../errors';

/** Settings as parsed from input: everything but the server-owned config version. */
export type ParsedSlaveSettings = Omit<SlaveSettings, 'configVersion'>;

type Item = {
  kind: 'mapping' | 'filter';
  index: number;
  list: keyof SlaveSettings['filters'] | null;
  size: number;
};

const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

function removableItems(s: ParsedSlaveSettings): Item[] {
  const items: Item[] = s.symbolMappings.map((m, index) => ({
    kind: 'mapping',
    index,
    list: null,
    size: bytes(m.sourceSymbol) + bytes(m.targetSymbol) + 30,
  }));
  for (const list of ['allowedSymbols', 'blockedSymbols'] as const) {
    (s.filters[list] ?? []).forEach((sym, index) => {
      items.push({ kind: 'filter', index, list, size: bytes(sym) + 1 });
    });
  }
  for (const list of ['allowedMagicNumbers', 'blockedMagicNumbers'] as const) {
    (s.filters[list] ?? []).forEach((_, index) => {
      items.push({ kind: 'filter', index, list, size: 9 });
    });
  }
  return items.sort((a, b) => b.size - a.size);
}

function without(s: ParsedSlaveSettings, removed: Item[]): ParsedSlaveSettings {
  const drop = new Set(removed.map((i) => `${i.list ?? 'mapping'}:${i.index}`));
  const keep = <T>(list: T[] | null, name: string) =>
    list ? list.filter((_, i) => !drop.has(`${name}:${i}`)) : null;
  return {
    ...s,
    symbolMappings: s.symbolMappings.filter((_, i) => !drop.has(`mapping:${i}`)),
    filters: {
      allowedSymbols: keep(s.filters.allowedSymbols, 'allowedSymbols'),
      blockedSymbols: keep(s.filters.blockedSymbols, 'blockedSymbols'),
      allowedMagicNumbers: keep(s.filters.allowedMagicNumbers, 'allowedMagicNumbers'),
      blockedMagicNumbers: keep(s.filters.blockedMagicNumbers, 'blockedMagicNumbers'),
    },
  };
}

const frameBytes = (slave: string, master: string, s: ParsedSlaveSettings, delivery: DeliveryMode) =>
  worstCaseSlaveConfigFrameBytes(slave, master, { ...s, configVersion: 0 }, delivery);

/**
 * BAD_REQUEST naming `field` when the worst-case frame exceeds 4096 bytes, saying how many symbol mappings or
 * filter entries must go (the fewest: the largest first).
 */
export function assertConfigFits(
  field: string,
  slaveAccount: string,
  masterAccount: string,
  s: ParsedSlaveSettings,
  delivery: DeliveryMode = 'shared',
) {
  // Isolated delivery: the config names the master by an alias of up to 63 bytes (docs/protocol.md D23).
  const fits = (x: ParsedSlaveSettings) =>
    frameBytes(slaveAccount, masterAccount, x, delivery) <= MAX_OUTBOUND_FRAME_BYTES;
  const size = frameBytes(slaveAccount, masterAccount, s, delivery);
  if (size <= MAX_OUTBOUND_FRAME_BYTES) return;
  const items = removableItems(s);
  // Smallest k such that dropping the k largest entries fits (binary search: the size falls as k grows).
  let lo = 1;
  let hi = items.length;
  if (hi === 0 || !fits(without(s, items))) {
    throw new AppError(
      'BAD_REQUEST',
      `${field}: the config for slave ${slaveAccount} would be up to ${size} bytes, over the EA's ` +
        `${MAX_OUTBOUND_FRAME_BYTES}-byte limit, even without symbol mappings and filters`,
    );
  }
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (fits(without(s, items.slice(0, mid)))) hi = mid;
    else lo = mid + 1;
  }
  const mappings = s.symbolMappings.length;
  const filters = items.length - mappings;
  throw new AppError(
    'BAD_REQUEST',
    `${field}: the config for slave ${slaveAccount} would be up to ${size} bytes, over the EA's ` +
      `${MAX_OUTBOUND_FRAME_BYTES}-byte limit; remove at least ${lo} of its ${mappings} symbol mappings and ` +
      `${filters} filter entries (longest symbols first; more if you remove shorter ones)`,
  );
}
