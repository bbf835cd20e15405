// socket.io event sink: typed events to every authenticated browser, and `system_snapshot` debounced after
// changes (≤ 250 ms), balance/equity/heartbeat-only changes at most every 3 s (docs/api.md, Realtime events).
import type {
  RelayEventName,
  RelayEventPayload,
  ServerToClientEvents,
  SystemSnapshot,
} from '@sankey/shared/api/events';
import type { Server } from 'socket.io';
import type { EventSink } from '../core/ports';

export interface LiveEventsOptions {
  debounceMs: number;
  balanceIntervalMs: number;
}

type AnyEmit = (event: string, payload: unknown) => void;

export class LiveEvents implements EventSink {
  private io: Server<Record<string, never>, ServerToClientEvents> | null = null;
  private changeTimer: NodeJS.Timeout | null = null;
  private balanceTimer: NodeJS.Timeout | null = null;
  private lastSnapshotAt = 0;
  /** In-process listeners (tests, metrics); socket.io clients get the same events. */
  private readonly listeners = new Set<(event: RelayEventName, payload: unknown) => void>();

  constructor(
    private readonly snapshot: () => SystemSnapshot,
    private readonly opts: LiveEventsOptions = { debounceMs: 250, balanceIntervalMs: 3000 },
  ) {}

  attach(io: Server<Record<string, never>, ServerToClientEvents>): void {
    this.io = io;
  }

  subscribe(fn: (event: RelayEventName, payload: unknown) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  get active(): boolean {
    return this.listeners.size > 0 || (!!this.io && this.io.engine.clientsCount > 0);
  }

  emit<E extends RelayEventName>(event: E, payload: RelayEventPayload<E>): void {
    for (const l of this.listeners) l(event, payload);
    if (this.io && this.io.engine.clientsCount > 0) (this.io.emit as unknown as AnyEmit)(event, payload);
  }

  snapshotChanged(balanceOnly = false): void {
    if (!balanceOnly) {
      if (this.balanceTimer) {
        clearTimeout(this.balanceTimer);
        this.balanceTimer = null;
      }
      this.changeTimer ??= setTimeout(() => this.sendSnapshot(), this.opts.debounceMs);
      return;
    }
    if (this.changeTimer || this.balanceTimer) return;
    const wait = Math.max(0, this.lastSnapshotAt + this.opts.balanceIntervalMs - Date.now());
    this.balanceTimer = setTimeout(() => this.sendSnapshot(), wait);
  }

  private sendSnapshot(): void {
    if (this.changeTimer) clearTimeout(this.changeTimer);
    if (this.balanceTimer) clearTimeout(this.balanceTimer);
    this.changeTimer = null;
    this.balanceTimer = null;
    this.lastSnapshotAt = Date.now();
    const hasClients = !!this.io && this.io.engine.clientsCount > 0;
    if (!hasClients && this.listeners.size === 0) return;
    this.emit('system_snapshot', this.snapshot());
  }

  close(): void {
    if (this.changeTimer) clearTimeout(this.changeTimer);
    if (this.balanceTimer) clearTimeout(this.balanceTimer);
    this.changeTimer = null;
    this.balanceTimer = null;
  }
}
