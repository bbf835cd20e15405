// The link-graph checks of docs/protocol.md D16 for every service that creates links (tradeGroups.create,
// members.add, links.create): refuse self-links and copy cycles, warn about ids that are byte prefixes.
import { findCopyCycle, formatCycle, type LinkEdge, prefixPeers } from '@sankey/shared/domain/links';
import { AppError } from '../errors';

const selfLink = (field: string, master: string) =>
  new AppError('BAD_REQUEST', `${field}: must differ from the master account ${master}`);

/** BAD_REQUEST when `slave` is the master itself; callers check this before opening a transaction. */
export function assertNotSelfLink(field: string, master: string, slave: string): void {
  if (master === slave) throw selfLink(field, master);
}

/**
 * Checks `master → slave` for each slave against `stored`, every link as `repos.members.listLinks()` reads it
 * in the caller's transaction: a self-link is BAD_REQUEST, a link closing a copy cycle through dual-role
 * accounts is CONFLICT listing the cycle. Returns the warnings for ids among the new links that are byte
 * prefixes of other linked ids or have one.
 */
export function checkNewLinks(
  stored: readonly { tradeGroupId: string; slaveAccount: string }[],
  master: string,
  slaves: readonly { field: string; slave: string }[],
): string[] {
  const links: LinkEdge[] = stored.map((l) => ({ master: l.tradeGroupId, slave: l.slaveAccount }));
  for (const { field, slave } of slaves) {
    const cycle = findCopyCycle(links, master, slave);
    if (cycle && cycle.length === 2) throw selfLink(field, master);
    if (cycle) {
      throw new AppError(
        'CONFLICT',
        `${field}: linking ${master} → ${slave} would close the copy cycle ${formatCycle(cycle)}; a trade ` +
          'would be copied around it until margin runs out',
      );
    }
    links.push({ master, slave });
  }
  return prefixWarnings(
    [master, ...slaves.map((s) => s.slave)],
    links.flatMap((l) => [l.master, l.slave]),
  );
}

/**
 * docs/protocol.md D23: in isolated delivery a slave whose id is a byte prefix of another linked id (or has one)
 * would receive that account's alias configs through `config/<id>` and subscribe its alias: refused (CONFLICT).
 */
export function assertIsolatable(
  field: string,
  slaves: readonly string[],
  stored: readonly { tradeGroupId: string; slaveAccount: string }[],
  master: string,
): void {
  const linked = new Set([master, ...slaves, ...stored.flatMap((l) => [l.tradeGroupId, l.slaveAccount])]);
  for (const slave of slaves) {
    const peers = prefixPeers(slave, linked);
    if (peers.length === 0) continue;
    throw new AppError(
      'CONFLICT',
      `${field}: isolated delivery refuses slave ${slave}: it is a byte prefix of ${peers.join(', ')} or has one ` +
        `(config/${slave} also receives the other account's configs, so it would learn its alias)`,
    );
  }
}

/** One warning per pair of ids, each naming the shorter id first (docs/protocol.md §1.3). */
function prefixWarnings(newIds: readonly string[], linkedIds: readonly string[]): string[] {
  const pairs = new Set<string>();
  const warnings: string[] = [];
  for (const id of new Set(newIds)) {
    for (const peer of prefixPeers(id, linkedIds)) {
      const [short, long] = peer.length < id.length ? [peer, id] : [id, peer];
      const key = `${short}\u0000${long}`;
      if (pairs.has(key)) continue;
      pairs.add(key);
      warnings.push(
        `account id ${short} is a prefix of ${long}: the EA of ${short} also receives the configs meant for ` +
          `${long} (config/${short} matches config/${long}) and may apply them; rename one if you can`,
      );
    }
  }
  return warnings;
}
