// Bounded three-priority send queue (design.md, Delivery): closes and removals > modifies and configs > opens.
// When full, the lowest priority present gives way first; nothing is dropped silently.
import type { Priority, SendTracker } from '../core/ports';

export interface QueuedFrame {
  frame: Buffer;
  topic: string;
  priority: Priority;
  tracker: SendTracker | undefined;
}

export class SendQueue {
  private readonly lanes: QueuedFrame[][] = [[], [], []];
  private heads = [0, 0, 0];
  private count = 0;

  constructor(
    readonly capacity: number,
    private readonly onDrop: (dropped: QueuedFrame) => void,
  ) {}

  get size(): number {
    return this.count;
  }

  /** Returns false when the item itself was dropped. */
  push(item: QueuedFrame): boolean {
    if (this.count >= this.capacity) {
      const victimLane = this.lowestNonEmptyLaneBelow(item.priority);
      if (victimLane === -1) {
        this.onDrop(item);
        return false;
      }
      // Drop the newest frame of the lowest priority lane: the oldest has waited longest and goes out next.
      const lane = this.lanes[victimLane]!;
      const victim = lane.pop()!;
      this.count--;
      this.onDrop(victim);
    }
    this.lanes[item.priority]!.push(item);
    this.count++;
    return true;
  }

  shift(): QueuedFrame | undefined {
    for (let p = 0; p < 3; p++) {
      const lane = this.lanes[p]!;
      const head = this.heads[p]!;
      if (head < lane.length) {
        const item = lane[head]!;
        lane[head] = undefined as unknown as QueuedFrame;
        this.heads[p] = head + 1;
        // Compact now and then so a long-lived lane does not grow without bound.
        if (this.heads[p]! > 1024 && this.heads[p]! * 2 > lane.length) {
          lane.splice(0, this.heads[p]);
          this.heads[p] = 0;
        }
        this.count--;
        return item;
      }
    }
    return undefined;
  }

  private lowestNonEmptyLaneBelow(priority: Priority): number {
    for (let p = 2; p > priority; p--) if (this.lanes[p]!.length > this.heads[p]!) return p;
    return -1;
  }
}
