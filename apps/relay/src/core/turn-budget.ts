// "At most K things per event-loop turn, the rest on a later turn": the stream messages the cluster inbox handles
// (cluster/chunked-inbox.ts) and the frames the ZMQ writer hands to its socket (transport/zmq.ts). The first unit
// taken in a turn schedules one `setImmediate` that gives the budget back and calls `onNewTurn` (which goes on with
// what waits); a turn that takes nothing schedules nothing, so an idle relay has no timer running.

export class TurnBudget {
  private left: number;
  private resetScheduled = false;

  constructor(
    /** Units per turn (`Infinity`: no limit, but still one `onNewTurn` per turn that took any). */
    private readonly perTurn: number,
    private readonly onNewTurn: () => void,
  ) {
    this.left = perTurn;
  }

  /** Takes one unit of this turn's budget; false when it is spent (`onNewTurn` comes with the next turn). */
  take(): boolean {
    if (this.left === 0) return false;
    if (!this.resetScheduled) {
      this.resetScheduled = true;
      setImmediate(this.reset);
    }
    this.left--;
    return true;
  }

  private readonly reset = (): void => {
    this.resetScheduled = false;
    this.left = this.perTurn;
    this.onNewTurn();
  };
}
