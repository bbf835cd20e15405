// Per-member risk words (docs/protocol.md D22) shared by the core's parts: the engine reads them (compile and
// setMemberRisk), the config publisher turns a non-zero word into `allow_new_orders = false`, and the risk
// controls re-send a config when what the member's last config said no longer holds.
import type { MemberState } from '../../state/groups';

const key = (master: string, slave: string) => `${master}\u0000${slave}`;

export class RiskBook {
  /** How a member's word is computed now; installed by the risk controls (none: no control, word 0). */
  evaluate: (m: MemberState) => number = () => 0;

  private readonly words = new Map<string, number>();
  /** Whether the last config sent to the member carried close-only; absent: none sent since start. */
  private readonly sent = new Map<string, boolean>();

  get(master: string, slave: string): number {
    return this.words.get(key(master, slave)) ?? 0;
  }

  set(master: string, slave: string, word: number): void {
    if (word === 0) this.words.delete(key(master, slave));
    else this.words.set(key(master, slave), word);
  }

  /** Recomputes and stores a member's word (compiles): a config sent later carries it at once. */
  refresh(m: MemberState): number {
    const word = this.evaluate(m);
    this.set(m.tradeGroupId, m.slaveAccount, word);
    return word;
  }

  closeOnly(master: string, slave: string): boolean {
    return this.get(master, slave) !== 0;
  }

  /** Called for every slave config built: returns close-only and remembers that the member was told so. */
  markSent(master: string, slave: string): boolean {
    const closeOnly = this.closeOnly(master, slave);
    this.sent.set(key(master, slave), closeOnly);
    return closeOnly;
  }

  /** A member was told something else than holds now (a config must follow). Never before a first config. */
  stale(master: string, slave: string): boolean {
    const s = this.sent.get(key(master, slave));
    return s !== undefined && s !== this.closeOnly(master, slave);
  }

  forget(master: string, slave: string): void {
    this.words.delete(key(master, slave));
    this.sent.delete(key(master, slave));
  }
}
