// Which masters' signal consumers this relay holds (docs/cluster.md, Signals): one durable consumer per (relay,
// master), consumed while the master has a member whose slave is here and the master is not live here. The decision
// only, no I/O: `reconcile` compares the wanted masters with the consumers held and says what to open, pause and
// delete; consumer-set.ts carries it out. A consumer no longer wanted is paused first and deleted after a linger,
// so a slave that flaps keeps its backlog.

export type ConsumerAction =
  /** Make sure the consumer exists (made when missing) and consume it. */
  | { kind: 'open'; master: string }
  /** Stop consuming it; the durable stays (its messages wait) until the linger ends. */
  | { kind: 'pause'; master: string }
  /** Delete the durable: not wanted for the whole linger. */
  | { kind: 'delete'; master: string };

interface Held {
  /** Consuming, or being opened. */
  consuming: boolean;
  /** When it stopped being wanted (monotonic ms); meaningful while not consuming. */
  idleSince: number;
}

/** The masters this relay should consume: a local member slave, the master not live here. */
export function wantedMasters(
  masters: Iterable<string>,
  hasLocalSlave: (master: string) => boolean,
  isLocalLive: (master: string) => boolean,
): Set<string> {
  const wanted = new Set<string>();
  for (const m of masters) if (hasLocalSlave(m) && !isLocalLive(m)) wanted.add(m);
  return wanted;
}

export class ConsumerPlan {
  private readonly held = new Map<string, Held>();

  constructor(private readonly lingerMs: number) {}

  /** Consumers held (consuming or lingering): the gauge sankey_cluster_consumers. */
  get size(): number {
    return this.held.size;
  }

  consuming(master: string): boolean {
    return this.held.get(master)?.consuming === true;
  }

  /** A durable of this relay found on the server (at start), not consumed yet: it lingers unless wanted. */
  adopt(master: string, nowMs: number): void {
    if (!this.held.has(master)) this.held.set(master, { consuming: false, idleSince: nowMs });
  }

  /** Opening failed (NATS unreachable, …): it counts as not consuming, so the next reconcile tries again. */
  openFailed(master: string, nowMs: number): void {
    const h = this.held.get(master);
    if (h) {
      h.consuming = false;
      h.idleSince = nowMs;
    }
  }

  /** Deleting failed: it is tried again at the next reconcile. */
  deleteFailed(master: string, nowMs: number): void {
    if (!this.held.has(master)) this.held.set(master, { consuming: false, idleSince: nowMs - this.lingerMs });
  }

  /**
   * The actions that bring the held consumers to `wanted`, applied to the plan at once (the caller carries them
   * out, and reports a failure with openFailed / deleteFailed).
   */
  reconcile(wanted: ReadonlySet<string>, nowMs: number): ConsumerAction[] {
    const actions: ConsumerAction[] = [];
    for (const master of wanted) {
      const h = this.held.get(master);
      if (h?.consuming) continue;
      this.held.set(master, { consuming: true, idleSince: nowMs });
      actions.push({ kind: 'open', master });
    }
    for (const [master, h] of this.held) {
      if (wanted.has(master)) continue;
      if (h.consuming) {
        h.consuming = false;
        h.idleSince = nowMs;
        actions.push({ kind: 'pause', master });
      } else if (nowMs - h.idleSince >= this.lingerMs) {
        this.held.delete(master);
        actions.push({ kind: 'delete', master });
      }
    }
    return actions;
  }
}
