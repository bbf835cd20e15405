// Every name cluster mode uses on NATS (../docs/cluster.md): streams, subjects, KV buckets and keys, consumers.
// One module so relays and the web agree. Account ids may hold characters NATS tokens refuse ('.', '*', '>',
// spaces, …): such characters are written as `=XX` (the UTF-8 bytes in hex), which keeps a token valid both as a
// subject token and as a KV key and maps distinct ids to distinct tokens.

/** A cluster name and a relay id: letters, digits, `_` and `-` (they become parts of stream and consumer names). */
export const CLUSTER_NAME_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;
export const RELAY_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

const SAFE = /^[A-Za-z0-9_-]$/;
const utf8 = new TextEncoder();

/** An account id as one NATS subject token / KV key part. */
export function encodeToken(id: string): string {
  let out = '';
  for (const ch of id) {
    if (SAFE.test(ch)) {
      out += ch;
      continue;
    }
    for (const b of utf8.encode(ch)) out += `=${b.toString(16).padStart(2, '0').toUpperCase()}`;
  }
  return out.length === 0 ? '=' : out;
}

/** The inverse of encodeToken. */
export function decodeToken(token: string): string {
  if (token === '=') return '';
  const bytes: number[] = [];
  for (let i = 0; i < token.length; i++) {
    if (token[i] === '=') {
      bytes.push(Number.parseInt(token.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(token.charCodeAt(i));
  }
  return new TextDecoder().decode(Uint8Array.from(bytes));
}

/** A host name as a default relay id (dots and other characters become `-`). */
export function relayIdFromHostname(host: string): string {
  const id = host.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 64);
  return id.length > 0 ? id : 'relay';
}

export type EaKind = 'Master' | 'Slave';

export function clusterNames(cluster: string) {
  if (!CLUSTER_NAME_PATTERN.test(cluster)) throw new Error(`invalid cluster name: ${cluster}`);
  return {
    cluster,
    /** Trade signals, sync requests and snapshots (file storage, 24 h, 2 min dedup window). */
    signalStream: `${cluster}_SIGNALS`,
    signalSubject: (master: string) => `${cluster}.signal.${encodeToken(master)}`,
    signalWildcard: `${cluster}.signal.>`,
    /** A slave's SyncRequest for its master, routed to the master's relay. */
    syncSubject: (master: string, slave: string) =>
      `${cluster}.sync.${encodeToken(master)}.${encodeToken(slave)}`,
    syncWildcard: `${cluster}.sync.>`,
    /** A master's PositionSnapshot, routed to the relays holding its slaves. */
    snapshotSubject: (master: string) => `${cluster}.snapshot.${encodeToken(master)}`,
    snapshotWildcard: `${cluster}.snapshot.>`,
    /** "This account's `account_risk` row changed" (guard, trip, reset, master close-only): peers re-read it. */
    riskSubject: (accountId: string) => `${cluster}.risk.${encodeToken(accountId)}`,
    riskWildcard: `${cluster}.risk.>`,
    /** Request/reply: the risk controls of the members whose slave is on this relay, as it computes them. */
    riskViewSubject: (relayId: string) => `${cluster}.riskview.${relayId}`,
    /** Who is where and their runtime state. */
    eaBucket: `${cluster}_ea`,
    eaKey: (accountId: string, kind: EaKind) => `${encodeToken(accountId)}.${kind}`,
    /** Live relays: one key per relay id, refreshed while the relay runs (a second relay with a live id refuses). */
    relayBucket: `${cluster}_relays`,
    /** Live events of one relay for the web. */
    eventsSubject: (relayId: string) => `${cluster}.events.${relayId}`,
    /** "A browser is connected here" (or `hello`, `bye`): relays forward their live events only while one is. */
    eventWatchSubject: (relayId: string) => `${cluster}.eventwatch.${relayId}`,
    eventWatchWildcard: `${cluster}.eventwatch.*`,
    /** The single durable consumer of one relay on the whole signal stream (before 2026-11-28; deleted at start). */
    durable: (relayId: string) => `relay_${relayId}`,
    /**
     * A relay's durable consumer of one master's signals. Relay ids hold no `=`, so the first `=` ends the relay id
     * and distinct (relay, master) pairs give distinct names (encodeToken is injective and leaves no `.`, `*`, `>`
     * or space).
     */
    masterDurable: (relayId: string, master: string) => `sig_${relayId}=${encodeToken(master)}`,
    /** The start of every masterDurable name of one relay. */
    masterDurablePrefix: (relayId: string) => `sig_${relayId}=`,
  };
}
export type ClusterNames = ReturnType<typeof clusterNames>;

/** The account and kind of an `eaKey`, or null for a key of another shape. */
export function parseEaKey(key: string): { accountId: string; kind: EaKind } | null {
  const dot = key.lastIndexOf('.');
  if (dot < 0) return null;
  const kind = key.slice(dot + 1);
  if (kind !== 'Master' && kind !== 'Slave') return null;
  return { accountId: decodeToken(key.slice(0, dot)), kind };
}

/** The account of a risk subject, or null. */
export function accountOfRiskSubject(names: ClusterNames, subject: string): string | null {
  const prefix = `${names.cluster}.risk.`;
  return subject.startsWith(prefix) ? decodeToken(subject.slice(prefix.length)) : null;
}

/** The master account of a signal subject, or null. */
export function masterOfSignalSubject(names: ClusterNames, subject: string): string | null {
  const prefix = `${names.cluster}.signal.`;
  return subject.startsWith(prefix) ? decodeToken(subject.slice(prefix.length)) : null;
}

/** The master of one of this relay's masterDurable names (`prefix` = masterDurablePrefix), or null. */
export function masterOfDurable(prefix: string, name: string): string | null {
  return name.startsWith(prefix) ? decodeToken(name.slice(prefix.length)) : null;
}
