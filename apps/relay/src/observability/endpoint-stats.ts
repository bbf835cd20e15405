// Per-EA statistics (docs/api.md, endpoints): frames and bytes in and out, decode errors, drops, last seen, fed by
// the inbound path and the send path; parked copies, dead letters and listening are added when the view is read.
// Also the high-water watch: `ea_throttled` once an EA's parked copies pass the mark, `ea_recovered` once they
// drain below half of it.
import type { DecodedInbound } from '@sankey/shared/protocol/messages';

export interface EndpointCounters {
  framesIn: number;
  bytesIn: number;
  decodeErrors: number;
  framesOut: number;
  bytesOut: number;
  /** Inbound frames dropped because the EA is blocked. */
  dropped: number;
  lastSeenMs: number | null;
}

export interface EndpointView extends EndpointCounters {
  accountId: string;
  parked: number;
  deadLetters: number;
  listening: boolean;
  blocked: boolean;
  throttled: boolean;
}

/** Ids a bad or hostile peer makes up must not grow the table without bound (docs/protocol.md D18). */
const MAX_ENDPOINTS = 10_000;

const fresh = (): EndpointCounters => ({
  framesIn: 0,
  bytesIn: 0,
  decodeErrors: 0,
  framesOut: 0,
  bytesOut: 0,
  dropped: 0,
  lastSeenMs: null,
});

/** The EA that sent an inbound message. */
export function senderOf(msg: DecodedInbound): string {
  switch (msg.type) {
    case 'TradeSignal':
    case 'PositionSnapshot':
      return msg.message.source_account;
    case 'SyncRequest':
      return msg.message.slave_account;
    default:
      return msg.message.account_id;
  }
}

/** The EA an outbound topic is for: its last segment (`config/<ea>`, `trade/<master>/<slave>`, `sync/…/<ea>`). */
export function destinationOf(topic: string): string | null {
  if (topic === 'config/global') return null;
  const slash = topic.lastIndexOf('/');
  return slash >= 0 ? topic.slice(slash + 1) : null;
}

export interface ThrottleEvents {
  throttled(accountId: string, parked: number, highWater: number): void;
  recovered(accountId: string, parked: number): void;
}

export class EndpointStats {
  private readonly byEa = new Map<string, EndpointCounters>();
  private readonly throttledEas = new Set<string>();

  constructor(
    private readonly nowMs: () => number,
    private readonly highWater = 1000,
  ) {}

  frameIn(accountId: string, bytes: number): void {
    const c = this.entry(accountId);
    if (!c) return;
    c.framesIn++;
    c.bytesIn += bytes;
    c.lastSeenMs = this.nowMs();
  }

  decodeError(accountId: string | undefined, bytes: number): void {
    const c = accountId ? this.entry(accountId) : undefined;
    if (!c) return;
    c.decodeErrors++;
    c.bytesIn += bytes;
  }

  blockedFrame(accountId: string): void {
    const c = this.entry(accountId);
    if (c) c.dropped++;
  }

  /** `to`: the EA, when the caller knows it (else read from the topic). */
  frameOut(topic: string, bytes: number, to?: string): void {
    const ea = to ?? destinationOf(topic);
    const c = ea ? this.entry(ea) : undefined;
    if (!c) return;
    c.framesOut++;
    c.bytesOut += bytes;
  }

  isThrottled(accountId: string): boolean {
    return this.throttledEas.has(accountId);
  }

  /** Run every second with the parked count per EA; tells `events` of each crossing, once. */
  watch(parkedBySlave: ReadonlyMap<string, number>, events: ThrottleEvents): void {
    for (const [ea, parked] of parkedBySlave) {
      if (parked > this.highWater && !this.throttledEas.has(ea)) {
        this.throttledEas.add(ea);
        events.throttled(ea, parked, this.highWater);
      }
    }
    for (const ea of [...this.throttledEas]) {
      const parked = parkedBySlave.get(ea) ?? 0;
      // Half the mark, so that one copy more or less does not flip the state back and forth.
      if (parked <= this.highWater / 2) {
        this.throttledEas.delete(ea);
        events.recovered(ea, parked);
      }
    }
  }

  /** Every EA seen, plus `also` (parked-for, blocked or connected ones never seen since start). */
  view(
    also: Iterable<string>,
    extra: {
      parked(ea: string): number;
      deadLetters(ea: string): number;
      listening(ea: string): boolean;
      blocked(ea: string): boolean;
    },
  ): EndpointView[] {
    const ids = new Set([...this.byEa.keys(), ...also]);
    return [...ids].sort().map((accountId) => ({
      accountId,
      ...(this.byEa.get(accountId) ?? fresh()),
      parked: extra.parked(accountId),
      deadLetters: extra.deadLetters(accountId),
      listening: extra.listening(accountId),
      blocked: extra.blocked(accountId),
      throttled: this.throttledEas.has(accountId),
    }));
  }

  private entry(accountId: string): EndpointCounters | undefined {
    let c = this.byEa.get(accountId);
    if (!c && this.byEa.size < MAX_ENDPOINTS) {
      c = fresh();
      this.byEa.set(accountId, c);
    }
    return c;
  }
}
