// The D16 rules about the link graph (docs/protocol.md D16, §1.3), shared by the API, which refuses cycles and
// warns about prefixes, and the UI, which checks the wizard's input and badges the graph.

/** One master → slave link (a member of the master's trade group). */
export interface LinkEdge {
  master: string;
  slave: string;
}

/**
 * The copy cycle that adding `master → slave` to `links` would close, as the accounts along it from `master`
 * back to `master` (`[A, A]` for a self-link, `[A, B, A]` for a pair of dual-role accounts); null when none.
 * Every link counts, enabled or not, because switching one on is not checked again.
 */
export function findCopyCycle(links: readonly LinkEdge[], master: string, slave: string): string[] | null {
  if (master === slave) return [master, master];
  const next = new Map<string, string[]>();
  for (const l of links) {
    const out = next.get(l.master);
    if (out) out.push(l.slave);
    else next.set(l.master, [l.slave]);
  }
  // Breadth first from the new slave, so the cycle reported is a shortest one.
  const cameFrom = new Map<string, string | null>([[slave, null]]);
  const queue = [slave];
  for (let i = 0; i < queue.length; i++) {
    const at = queue[i] as string;
    for (const to of next.get(at) ?? []) {
      if (cameFrom.has(to)) continue;
      cameFrom.set(to, at);
      if (to === master) {
        const path: string[] = [];
        for (let n: string | null = master; n !== null; n = cameFrom.get(n) ?? null) path.push(n);
        return [master, ...path.reverse()];
      }
      queue.push(to);
    }
  }
  return null;
}

/** `A → B → A`, as the API's error and the wizard show a cycle. */
export const formatCycle = (cycle: readonly string[]): string => cycle.join(' → ');

/**
 * The ids in `others` of which `id` is a byte prefix or which are a byte prefix of `id` (docs/protocol.md §1.3:
 * `config/ABC` also receives `config/ABCD…` and the DLL does not check the id). UTF-8 is prefix-free, so a byte
 * prefix is exactly a code-point prefix, which `startsWith` on well-formed strings tests.
 */
export function prefixPeers(id: string, others: Iterable<string>): string[] {
  const peers = new Set<string>();
  for (const other of others) {
    if (other !== id && (other.startsWith(id) || id.startsWith(other))) peers.add(other);
  }
  return [...peers].sort();
}
