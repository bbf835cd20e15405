// Sessions whose socket tokens the relay refuses (docs/api.md, Relay control API `POST /sessions/revoke`): the web
// app reports a logout or a password change, and the session's tokens — at most 5 minutes old tokens can still be
// valid — are refused until they would have expired anyway. Memory is bounded: entries outlive the token TTL
// by nothing, and past `max` the oldest go first (their tokens are the closest to expiry).
import { SOCKET_TOKEN_TTL_MS } from '@sankey/shared/api/socket-token';

export class SessionRevocations {
  /** session id → time after which no token of it can still be valid. */
  private readonly until = new Map<string, number>();

  constructor(
    private readonly now: () => number,
    private readonly max = 10_000,
  ) {}

  revoke(sessionId: string): void {
    const t = this.now();
    this.prune(t);
    this.until.delete(sessionId);
    this.until.set(sessionId, t + SOCKET_TOKEN_TTL_MS);
    while (this.until.size > this.max) {
      const oldest = this.until.keys().next().value;
      if (oldest === undefined) break;
      this.until.delete(oldest);
    }
  }

  isRevoked(sessionId: string): boolean {
    const until = this.until.get(sessionId);
    return until !== undefined && until >= this.now();
  }

  get size(): number {
    return this.until.size;
  }

  private prune(t: number): void {
    for (const [id, until] of this.until) {
      if (until >= t) break; // insertion order is expiry order
      this.until.delete(id);
    }
  }
}
