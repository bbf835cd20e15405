// Who is listening (docs/protocol.md D19): the live subscriptions the XPUB socket reports. Slave S is listening for
// master M when the exact topic `trade/M/S` is subscribed — the slave's MQL subscribes it and nobody else does.
// libzmq applies a subscription before the application sees it, so a frame sent after `live` is seen reaches it.

export type SubscriptionChange = { master: string; slave: string; live: boolean } | null;

export class Listeners {
  private readonly topics = new Set<string>();
  /** slave account → masters it listens for */
  private readonly bySlave = new Map<string, Set<string>>();
  /** Until the socket has reported anything (start-up), nobody is known to listen. */
  reported = false;

  isListening(master: string, slave: string): boolean {
    return this.bySlave.get(slave)?.has(master) ?? false;
  }

  mastersOf(slave: string): string[] {
    return [...(this.bySlave.get(slave) ?? [])];
  }

  /** Any live subscription of the EA (its config topic included). */
  isSubscribed(topic: string): boolean {
    return this.topics.has(topic);
  }

  /** Applies one XPUB report; returns the (master, slave) pair when it was an exact trade topic. */
  apply(topic: string, live: boolean): SubscriptionChange {
    this.reported = true;
    if (live) this.topics.add(topic);
    else this.topics.delete(topic);
    const pair = parseTradeTopic(topic);
    if (!pair) return null;
    let masters = this.bySlave.get(pair.slave);
    if (live) {
      if (!masters) {
        masters = new Set();
        this.bySlave.set(pair.slave, masters);
      }
      masters.add(pair.master);
    } else {
      masters?.delete(pair.master);
      if (masters?.size === 0) this.bySlave.delete(pair.slave);
    }
    return { ...pair, live };
  }
}

/** `trade/<master>/<slave>` exactly (account ids never contain `/`); the DLL's prefix `trade/<master>/` is not one. */
export function parseTradeTopic(topic: string): { master: string; slave: string } | null {
  if (!topic.startsWith('trade/')) return null;
  const rest = topic.slice(6);
  const slash = rest.indexOf('/');
  if (slash <= 0 || slash === rest.length - 1 || rest.indexOf('/', slash + 1) !== -1) return null;
  return { master: rest.slice(0, slash), slave: rest.slice(slash + 1) };
}
