// Simulated Slave EA: the DLL's per-master config store and trade pipeline (docs/protocol.md §5.2, §5.3)
// wired to real sockets. Every accepted signal becomes a `SlaveCommand`; everything dropped is kept with a reason.
import type { SlaveConfigMessage } from '@sankey/shared/protocol/messages';
import { rfc3339Offset } from '@sankey/shared/time';
import { EventLog } from './event-log';
import { type Mark, SimEa, type WaitOptions } from './sim-ea';
import { SlaveBrain, type SlaveBrainOptions } from './slave-dll';
import type {
  IgnoredSignal,
  IgnoredSnapshot,
  ReceivedFrame,
  SimEaOptions,
  SlaveCommand,
  SlavePosition,
  SyncedPosition,
} from './types';

export interface SimSlaveOptions extends SimEaOptions {
  ticketMappingScope?: SlaveBrainOptions['ticketMappingScope'];
}

export interface SlaveMark extends Mark {
  commands: number;
  ignored: number;
}

const describeCommand = (c: SlaveCommand): string =>
  `${c.kind} #${c.ticket} from ${c.masterAccount}${c.symbol ? ` ${c.symbol}` : ''}${c.lots !== undefined ? ` ${c.lots} lots` : ''} via ${c.topic}`;

export class SimSlave extends SimEa {
  readonly brain: SlaveBrain;
  private readonly commandLog: EventLog<SlaveCommand>;
  private readonly ignoredLog: EventLog<IgnoredSignal>;
  private readonly syncedList: SyncedPosition[] = [];
  private readonly ignoredSnapshotList: IgnoredSnapshot[] = [];

  constructor(options: SimSlaveOptions) {
    super('Slave', options);
    const brainOptions: SlaveBrainOptions = { accountId: options.accountId };
    if (options.ticketMappingScope) brainOptions.ticketMappingScope = options.ticketMappingScope;
    this.brain = new SlaveBrain(brainOptions);
    const max = options.maxLogEntries ?? 100_000;
    this.commandLog = new EventLog(max, describeCommand);
    this.ignoredLog = new EventLog(
      max,
      (i) => `${i.reason}: ${i.signal.action} #${i.signal.ticket} via ${i.topic}`,
    );
  }

  /** SlaveConfigMessages received so far (every master, including -1 removals), oldest first. */
  configs(): SlaveConfigMessage[] {
    return this.messagesOf('SlaveConfig');
  }

  /** The DLL's current config for `masterAccount` (undefined when none or removed). */
  configFor(masterAccount: string): SlaveConfigMessage | undefined {
    return this.brain.configFor(masterAccount);
  }

  /** Commands the DLL produced and the MQL layer accepted, oldest first. */
  commands(): SlaveCommand[] {
    return this.commandLog.all();
  }

  /** Signals dropped by the DLL pipeline or by the MQL ticket mapping, with the reason. */
  ignored(): IgnoredSignal[] {
    return this.ignoredLog.all();
  }

  /** Positions the slave would open from received PositionSnapshots. */
  synced(): SyncedPosition[] {
    return [...this.syncedList];
  }

  ignoredSnapshots(): IgnoredSnapshot[] {
    return [...this.ignoredSnapshotList];
  }

  /** Simulated open positions (mapped master tickets). */
  positions(): SlavePosition[] {
    return this.brain.positions();
  }

  override mark(): SlaveMark {
    return { ...super.mark(), commands: this.commandLog.lastSeq, ignored: this.ignoredLog.lastSeq };
  }

  commandsSince(mark: SlaveMark): SlaveCommand[] {
    return this.commandLog.since(mark.commands);
  }

  ignoredSince(mark: SlaveMark): IgnoredSignal[] {
    return this.ignoredLog.since(mark.ignored);
  }

  waitForConfig(
    predicate: (c: SlaveConfigMessage) => boolean = () => true,
    timeoutMs = 5000,
    options: WaitOptions = {},
  ): Promise<SlaveConfigMessage> {
    return this.waitForMessage('SlaveConfig', (c) => predicate(c), timeoutMs, options);
  }

  waitForCommand(
    predicate: (c: SlaveCommand) => boolean = () => true,
    timeoutMs = 5000,
    options: { since?: SlaveMark; description?: string } = {},
  ): Promise<SlaveCommand> {
    return this.commandLog.waitFor(
      predicate,
      timeoutMs,
      options.since?.commands ?? 0,
      `Slave ${this.accountId} waitForCommand(${options.description ?? 'command'})`,
    );
  }

  waitForIgnored(
    predicate: (i: IgnoredSignal) => boolean = () => true,
    timeoutMs = 5000,
    options: { since?: SlaveMark; description?: string } = {},
  ): Promise<IgnoredSignal> {
    return this.ignoredLog.waitFor(
      predicate,
      timeoutMs,
      options.since?.ignored ?? 0,
      `Slave ${this.accountId} waitForIgnored(${options.description ?? 'signal'})`,
    );
  }

  /** Resolves after `windowMs` if no command matching `predicate` is produced; rejects as soon as one is. */
  expectNoCommands(
    predicate: (c: SlaveCommand) => boolean = () => true,
    windowMs = 500,
    options: { since?: SlaveMark } = {},
  ): Promise<void> {
    return this.commandLog.expectNone(
      predicate,
      windowMs,
      options.since?.commands ?? this.commandLog.lastSeq,
      `Slave ${this.accountId} expectNoCommands`,
    );
  }

  protected override openPositionsCount(): number {
    return this.brain.positions().length;
  }

  protected override onFrame(frame: ReceivedFrame): void {
    const m = frame.message;
    if (!m) return;
    switch (m.type) {
      case 'SlaveConfig': {
        // The DLL does not check account_id: prefix-matched foreign configs are applied too (§12 item 7).
        const effect = this.brain.applyConfig(m.message);
        for (const topic of effect.subscribe) this.subscribe(topic);
        if (effect.sendSyncRequest) {
          this.send({
            type: 'SyncRequest',
            message: {
              message_type: 'SyncRequest',
              slave_account: this.accountId,
              master_account: m.message.master_account,
              timestamp: rfc3339Offset(this.nowDate()),
            },
          }).catch((err: unknown) => this.emit('warning', err));
        }
        this.emit('config', m.message, effect);
        break;
      }
      case 'TradeSignal': {
        const outcome = this.brain.handleSignal(m.message, {
          nowMs: this.clock(),
          slaveEquity: this.equity,
          topic: frame.topic,
          receivedAtMs: frame.receivedAtMs,
        });
        if (outcome.ok) {
          this.commandLog.push(outcome.command);
          this.emit('command', outcome.command);
        } else {
          this.ignoredLog.push(outcome.ignored);
          this.emit('ignored', outcome.ignored);
        }
        break;
      }
      case 'PositionSnapshot': {
        const outcome = this.brain.handleSnapshot(m.message, {
          slaveEquity: this.equity,
          topic: frame.topic,
          receivedAtMs: frame.receivedAtMs,
        });
        if (outcome.ok) {
          this.syncedList.push(...outcome.synced);
          this.emit('synced', outcome.synced);
        } else {
          this.ignoredSnapshotList.push(outcome.ignored);
          this.emit('ignoredSnapshot', outcome.ignored);
        }
        break;
      }
      default:
        break;
    }
  }
}
