// Per-member master aliases for isolated delivery (docs/protocol.md D23): slave S knows master M under an id A
// that only S is told, so only S subscribes `trade/A/` and no other slave's copies reach it.
import { createHash } from 'node:crypto';

export { type DeliveryMode, MAX_ALIAS_BYTES } from './delivery';

const READABLE_MAX_MASTER_BYTES = 54;

/**
 * `M~` + 8 lowercase hex of SHA-256(M ‖ 0x00 ‖ S) when M is 1–54 bytes of printable ASCII without `/` or `~`,
 * else `~` + 16 hex. `salt` > 0 only resolves a collision with an existing id (the alias table keeps the result,
 * so it is never recomputed or parsed back).
 */
export function memberAlias(master: string, slave: string, salt = 0): string {
  const h = createHash('sha256');
  h.update(Buffer.from(master, 'utf8'));
  h.update(Buffer.from([0]));
  h.update(Buffer.from(slave, 'utf8'));
  if (salt > 0) h.update(Buffer.from([0, salt & 0xff]));
  const hex = h.digest('hex');
  return readableMaster(master) ? `${master}~${hex.slice(0, 8)}` : `~${hex.slice(0, 16)}`;
}

function readableMaster(master: string): boolean {
  if (master.length < 1 || master.length > READABLE_MAX_MASTER_BYTES) return false;
  for (let i = 0; i < master.length; i++) {
    const c = master.charCodeAt(i);
    if (c < 0x21 || c > 0x7e || c === 0x2f || c === 0x7e) return false;
  }
  return true;
}

/** Ids that are a byte prefix of another (`config/X_1` also receives `config/X_12`'s frames, D16, D23). */
export function prefixClashes(ids: readonly string[]): [string, string][] {
  const out: [string, string][] = [];
  const bytes = ids.map((id) => Buffer.from(id, 'utf8'));
  for (let i = 0; i < ids.length; i++) {
    for (let j = 0; j < ids.length; j++) {
      if (i === j || bytes[i]!.length >= bytes[j]!.length) continue;
      if (bytes[j]!.subarray(0, bytes[i]!.length).equals(bytes[i]!)) out.push([ids[i]!, ids[j]!]);
    }
  }
  return out;
}
