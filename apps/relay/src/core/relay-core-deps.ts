// What the relay core is built from (docs/architecture.md, "Relay core"): its ports and options.

import type { GlobalSettings } from '@sankey/shared/domain/settings';
import type { Engine } from './engine';
import type { AliasStorePort } from './isolation';
import type { ParkingOptions, ParkingStorePort } from './parking';
import type {
  Clock,
  CopyGuard,
  CoreMetrics,
  DeadLetterSink,
  DeliveryLedgerPort,
  EventSink,
  FrameSink,
  IsBlocked,
  Logger,
  SignalRecorder,
  StatusWriter,
} from './ports';
import type { GuardEvent, GuardState, GuardStore } from './risk/equity-guard';
import type { SliceBudget } from './snapshot-job';
import type { Later } from './stream-gate';

export interface RelayCoreDeps {
  engine: Engine;
  frames: FrameSink;
  events: EventSink;
  statusWriter: StatusWriter;
  metrics: CoreMetrics;
  log: Logger;
  clock: Clock;
  globalSettings: GlobalSettings;
  /** Optional: the signal journal (absent in unit tests that do not look at it). */
  journal?: SignalRecorder;
  /** The delivery ledger (D15): what was copied to whom. */
  ledger: DeliveryLedgerPort;
  /** Where dead letters go (D20), and where parked copies are persisted (D19). */
  deadLetters: DeadLetterSink;
  parkingStore: ParkingStorePort;
  /** Where new member aliases are stored (D23); kept in memory only when absent. */
  aliasStore?: AliasStorePort;
  parking?: Partial<ParkingOptions>;
  /** The blocklist: blocked EAs get no configs and no copies (docs/api.md, blocklist). */
  isBlocked?: IsBlocked;
  /** Cluster mode: per-slave dedup of the stream's signals by (master, seq). */
  copyGuard?: CopyGuard;
  /** Connection-table cap (D18); unbounded when absent. */
  maxConnections?: number;
  /** Latency observer: frame received → last copy of the signal handed to the socket. */
  onSignalDelivered?: (latencyNs: bigint) => void;
  /** Runs a snapshot's next slice on a later tick (default setImmediate). */
  later?: Later;
  /** How much snapshot work one tick may do (default: 4 ms or 2,000 positions). */
  snapshotSlice?: SliceBudget;
  /** Where the equity guards' days, day-start equities and trips are persisted (D22); memory only when absent. */
  guardStore?: GuardStore;
  /** Told of each equity guard trip, reset and trip cleared by a new day (D22). */
  onGuardEvent?: (event: GuardEvent, accountId: string, state: GuardState) => void;
  /** Counts each Close sent by closeAll (D22). */
  onCloseAllClose?: () => void;
  /** Told after new global settings were applied (log shipping follows them). */
  onGlobalSettings?: (next: GlobalSettings) => void;
}
