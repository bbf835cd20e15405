// PUB topic strings (docs/protocol.md §1.3). EAs subscribe by byte prefix, so the exact spelling matters.

export const GLOBAL_CONFIG_TOPIC = 'config/global';

export const configTopic = (accountId: string): string => `config/${accountId}`;
export const tradePrefix = (master: string): string => `trade/${master}/`;
export const tradeTopic = (master: string, slave: string): string => `trade/${master}/${slave}`;
export const syncPrefix = (master: string): string => `sync/${master}/`;
export const syncTopic = (master: string, slave: string): string => `sync/${master}/${slave}`;

export type ParsedTopic =
  | { kind: 'config'; accountId: string }
  | { kind: 'global' }
  | { kind: 'trade'; master: string; slave: string }
  | { kind: 'sync'; master: string; slave: string }
  | { kind: 'unknown' };

/** Account ids never contain `/` (they are validated), so a pair topic splits at its only inner slash. */
function pair(rest: string): { master: string; slave: string } | null {
  const slash = rest.indexOf('/');
  if (slash <= 0 || slash === rest.length - 1 || rest.indexOf('/', slash + 1) !== -1) return null;
  return { master: rest.slice(0, slash), slave: rest.slice(slash + 1) };
}

export function parseTopic(topic: string): ParsedTopic {
  if (topic === GLOBAL_CONFIG_TOPIC) return { kind: 'global' };
  if (topic.startsWith('config/')) {
    const accountId = topic.slice('config/'.length);
    return accountId === '' || accountId.includes('/') ? { kind: 'unknown' } : { kind: 'config', accountId };
  }
  for (const kind of ['trade', 'sync'] as const) {
    if (topic.startsWith(`${kind}/`)) {
      const p = pair(topic.slice(kind.length + 1));
      return p ? { kind, ...p } : { kind: 'unknown' };
    }
  }
  return { kind: 'unknown' };
}
