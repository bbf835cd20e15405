// What both simulated EAs share: the DLL's two sockets, Register / Heartbeat / RequestConfig / Unregister,
// the received-frame log with awaitable waits, and a serialised send queue.
import { EventEmitter } from 'node:events';
import { decodeOutboundFrame, encodeInbound } from '@sankey/shared/protocol/codec';
import { PROTOCOL_VERSION } from '@sankey/shared/protocol/constants';
import type {
  DecodedInbound,
  GlobalConfigMessage,
  OutboundMessage,
  OutboundType,
  RegisterMessage,
  SymbolContext,
  SyncRequestMessage,
} from '@sankey/shared/protocol/messages';
import { configTopic, GLOBAL_CONFIG_TOPIC } from '@sankey/shared/protocol/topics';
import { rfc3339Offset } from '@sankey/shared/time';
import { Push, Subscriber } from 'zeromq';
import { EventLog } from './event-log';
import type { Clock, EaRole, ReceivedFrame, SentFrame, SimEaOptions } from './types';

/** Positions in the logs: take one with `mark()`, pass it as `since` to look only at what came later. */
export interface Mark {
  frames: number;
  sent: number;
}

export interface WaitOptions {
  /** Only consider frames after this mark (default: every frame received so far, then later ones). */
  since?: Mark;
  /** Shown in the timeout message. */
  description?: string;
}

export interface StopOptions {
  /** Push Unregister before closing (default true). */
  unregister?: boolean;
}

/** The payload type of an outbound (relay → EA) message type. */
export type OutboundOf<K extends OutboundType> = Extract<OutboundMessage, { type: K }>['message'];
/** The payload type of an inbound (EA → relay) message type. */
export type InboundOf<K extends DecodedInbound['type']> = Extract<DecodedInbound, { type: K }>['message'];

export type FramePredicate = (frame: ReceivedFrame) => boolean;

const UNREGISTER_SEND_TIMEOUT_MS = 2000;
const CLOSE_LINGER_MS = 500;

export function describeFrame(f: ReceivedFrame): string {
  if (!f.message) return `${f.topic} <undecodable: ${f.error?.reason ?? 'unknown'}>`;
  const m = f.message;
  switch (m.type) {
    case 'MasterConfig':
      return `${f.topic} MasterConfig status=${m.message.status} v${m.message.config_version}`;
    case 'SlaveConfig':
      return `${f.topic} SlaveConfig master=${m.message.master_account} status=${m.message.status} v${m.message.config_version}`;
    case 'TradeSignal':
      return `${f.topic} ${m.message.action} #${m.message.ticket}${m.message.symbol ? ` ${m.message.symbol}` : ''}`;
    case 'SyncRequest':
      return `${f.topic} SyncRequest ${m.message.slave_account}→${m.message.master_account}`;
    case 'PositionSnapshot':
      return `${f.topic} PositionSnapshot ${m.message.positions.length} position(s)`;
    case 'GlobalConfig':
      return `${f.topic} GlobalConfig enabled=${m.message.enabled}`;
  }
}

export function describeSent(s: SentFrame): string {
  if (!s.message) return `raw ${s.raw.length} bytes`;
  const m = s.message;
  switch (m.type) {
    case 'TradeSignal':
      return `TradeSignal ${m.message.action} #${m.message.ticket}${m.message.symbol ? ` ${m.message.symbol}` : ''}`;
    case 'Heartbeat':
      return `Heartbeat trade_allowed=${m.message.is_trade_allowed} equity=${m.message.equity}`;
    case 'PositionSnapshot':
      return `PositionSnapshot ${m.message.positions.length} position(s)`;
    case 'SyncRequest':
      return `SyncRequest ${m.message.slave_account}→${m.message.master_account}`;
    default:
      return m.type;
  }
}

export abstract class SimEa extends EventEmitter {
  readonly role: EaRole;
  readonly accountId: string;
  readonly options: Readonly<SimEaOptions>;
  protected readonly clock: Clock;
  protected readonly frames: EventLog<ReceivedFrame>;
  protected readonly sentLog: EventLog<SentFrame>;

  private balanceValue: number;
  private equityValue: number;
  private tradeAllowed: boolean;
  /** The DLL's remembered is_trade_allowed: set by Register, then by every heartbeat. */
  private lastTradeAllowed = false;
  private push: Push | null = null;
  private sub: Subscriber | null = null;
  private readonly subscribed = new Set<string>();
  private heartbeatTimer: NodeJS.Timeout | null = null;
  private sendChain: Promise<unknown> = Promise.resolve();
  private receiveLoop: Promise<void> | null = null;
  private state: 'new' | 'running' | 'stopped' = 'new';
  private lastGlobal: GlobalConfigMessage | null = null;

  protected constructor(role: EaRole, options: SimEaOptions) {
    super();
    this.role = role;
    this.accountId = options.accountId;
    this.options = options;
    this.clock = options.clock ?? Date.now;
    this.balanceValue = options.balance ?? 10_000;
    this.equityValue = options.equity ?? this.balanceValue;
    this.tradeAllowed = options.isTradeAllowed ?? true;
    const max = options.maxLogEntries ?? 100_000;
    this.frames = new EventLog(max, describeFrame);
    this.sentLog = new EventLog(max, describeSent);
  }

  // ---------------------------------------------------------------------------------------------- lifecycle

  get running(): boolean {
    return this.state === 'running';
  }

  /** ea_connect + Register + subscriptions + heartbeat timer (§5.1). */
  async start(): Promise<void> {
    if (this.state !== 'new') throw new Error(`${this.accountId}: start() may be called once`);
    this.state = 'running';
    this.push = new Push({ linger: CLOSE_LINGER_MS });
    this.sub = new Subscriber({ linger: 0 });
    const subscribed = this.subscriptionReady(this.sub);
    this.push.connect(this.options.receiverEndpoint);
    this.sub.connect(this.options.publisherEndpoint);
    // ea_connect subscribes the own config topic right away.
    this.subscribe(configTopic(this.accountId));
    this.receiveLoop = this.receive(this.sub);
    this.lastTradeAllowed = this.tradeAllowed;
    // The real EA probes its symbols between ea_connect and Register, which gives the SUB subscription time to
    // reach the relay. Without that pause the configs sent in reply to Register could be lost (§12 item 13).
    await subscribed;
    await new Promise((r) => setTimeout(r, this.options.symbolDetectionMs ?? 50));
    await this.send({ type: 'Register', message: this.registerMessage() });
    this.subscribe(configTopic(this.accountId));
    this.subscribe(GLOBAL_CONFIG_TOPIC);
    this.afterRegister();
    await this.onStarted();
    const interval = this.options.heartbeatIntervalMs ?? 1000;
    this.heartbeatTimer = setInterval(() => {
      this.heartbeatNow().catch((err: unknown) => this.emit('warning', err));
    }, interval);
  }

  /** OnDeinit: Unregister (unless disabled), then close both sockets. Idempotent. */
  async stop(options: StopOptions = {}): Promise<void> {
    if (this.state !== 'running') {
      this.state = 'stopped';
      return;
    }
    this.state = 'stopped';
    this.stopTimers();
    if (options.unregister ?? true) {
      const msg: DecodedInbound = {
        type: 'Unregister',
        message: {
          message_type: 'Unregister',
          account_id: this.accountId,
          timestamp: this.clock(),
          ea_type: this.role,
        },
      };
      await Promise.race([
        this.enqueue(encodeInbound(msg), msg).catch(() => undefined),
        new Promise((r) => setTimeout(r, UNREGISTER_SEND_TIMEOUT_MS)),
      ]);
    } else {
      await Promise.race([this.sendChain, new Promise((r) => setTimeout(r, 200))]);
    }
    this.closeSockets(CLOSE_LINGER_MS);
    await this.receiveLoop;
  }

  /** Vanish without Unregister (terminal killed): the relay only notices through the heartbeat timeout. */
  async crash(): Promise<void> {
    if (this.state !== 'running') {
      this.state = 'stopped';
      return;
    }
    this.state = 'stopped';
    this.stopTimers();
    this.closeSockets(0);
    await this.receiveLoop;
  }

  // ---------------------------------------------------------------------------------------------- account state

  get balance(): number {
    return this.balanceValue;
  }

  get equity(): number {
    return this.equityValue;
  }

  get isTradeAllowed(): boolean {
    return this.tradeAllowed;
  }

  setBalance(balance: number): void {
    this.balanceValue = balance;
  }

  setEquity(equity: number): void {
    this.equityValue = equity;
  }

  /** Flips MT's auto-trading switch; the next heartbeat carries it (and RequestConfig on a false→true edge). */
  setAutoTrading(allowed: boolean): void {
    this.tradeAllowed = allowed;
  }

  /** The last GlobalConfigMessage received (the EA applies it only when enabled/log_level change). */
  get globalConfig(): GlobalConfigMessage | null {
    return this.lastGlobal;
  }

  /** Topics this EA's SUB socket subscribed, in order. */
  subscriptions(): string[] {
    return [...this.subscribed];
  }

  // ---------------------------------------------------------------------------------------------- sending

  /** One heartbeat now (the timer calls this), followed by RequestConfig on a false→true edge. */
  async heartbeatNow(): Promise<void> {
    const allowed = this.tradeAllowed;
    const edge = allowed && !this.lastTradeAllowed;
    this.lastTradeAllowed = allowed;
    const now = new Date(this.clock());
    const hb = this.send({
      type: 'Heartbeat',
      message: {
        message_type: 'Heartbeat',
        account_id: this.accountId,
        balance: this.balanceValue,
        equity: this.equityValue,
        open_positions: this.openPositionsCount(),
        timestamp: rfc3339Offset(now),
        version: PROTOCOL_VERSION,
        ea_type: this.role,
        platform: this.options.platform ?? 'MT5',
        account_number: this.options.accountNumber ?? 12345678,
        broker: this.options.broker ?? 'Sim Broker',
        account_name: this.options.accountName ?? this.accountId,
        server: this.options.server ?? 'Sim-Server',
        currency: this.options.currency ?? 'USD',
        leverage: this.options.leverage ?? 100,
        is_trade_allowed: allowed,
        symbol_prefix: null,
        symbol_suffix: null,
        symbol_map: null,
      },
    });
    if (!edge) return hb;
    const rc = this.send({
      type: 'RequestConfig',
      message: {
        message_type: 'RequestConfig',
        account_id: this.accountId,
        timestamp: rfc3339Offset(now),
        ea_type: this.role,
      },
    });
    await Promise.all([hb, rc]);
  }

  /** Pushes any inbound message, encoded exactly like the DLL (tests use it for hand-made messages). */
  send(msg: DecodedInbound): Promise<void> {
    return this.enqueue(encodeInbound(msg), msg);
  }

  /** Pushes arbitrary bytes (garbage, unknown message types, …). */
  sendRaw(frame: Buffer | Uint8Array): Promise<void> {
    return this.enqueue(Buffer.from(frame), null);
  }

  /** A SyncRequest as a Slave sends it; either role may inject one. */
  sendSyncRequest(req: {
    masterAccount: string;
    slaveAccount?: string;
    lastSyncTime?: string;
  }): Promise<void> {
    const message: SyncRequestMessage = {
      message_type: 'SyncRequest',
      slave_account: req.slaveAccount ?? this.accountId,
      master_account: req.masterAccount,
      timestamp: rfc3339Offset(new Date(this.clock())),
    };
    if (req.lastSyncTime !== undefined) message.last_sync_time = req.lastSyncTime;
    return this.send({ type: 'SyncRequest', message });
  }

  // ---------------------------------------------------------------------------------------------- observing

  /** Everything received so far (decodable or not), oldest first. */
  received(): ReceivedFrame[] {
    return this.frames.all();
  }

  /** Everything pushed so far, oldest first. */
  sent(): SentFrame[] {
    return this.sentLog.all();
  }

  /** Decoded messages of one type received so far. */
  messagesOf<K extends OutboundType>(type: K): OutboundOf<K>[] {
    const out: OutboundOf<K>[] = [];
    for (const f of this.frames.all()) {
      if (f.message?.type === type) out.push(f.message.message as unknown as OutboundOf<K>);
    }
    return out;
  }

  /** Sent messages of one inbound type. */
  sentOf<K extends DecodedInbound['type']>(type: K): InboundOf<K>[] {
    const out: InboundOf<K>[] = [];
    for (const s of this.sentLog.all()) {
      if (s.message?.type === type) out.push(s.message.message as unknown as InboundOf<K>);
    }
    return out;
  }

  mark(): Mark {
    return { frames: this.frames.lastSeq, sent: this.sentLog.lastSeq };
  }

  /** Frames received after `mark`. */
  sinceMark(mark: Mark): ReceivedFrame[] {
    return this.frames.since(mark.frames);
  }

  /** Messages pushed after `mark`. */
  sentSinceMark(mark: Mark): SentFrame[] {
    return this.sentLog.since(mark.sent);
  }

  /** First received frame matching `predicate` (already received, or arriving within `timeoutMs`). */
  waitFor(predicate: FramePredicate, timeoutMs = 5000, options: WaitOptions = {}): Promise<ReceivedFrame> {
    return this.frames.waitFor(
      predicate,
      timeoutMs,
      options.since?.frames ?? 0,
      `${this.role} ${this.accountId} waitFor(${options.description ?? 'frame'})`,
    );
  }

  /** First received message of `type` matching `predicate`. */
  async waitForMessage<K extends OutboundType>(
    type: K,
    predicate: (msg: OutboundOf<K>, frame: ReceivedFrame) => boolean = () => true,
    timeoutMs = 5000,
    options: WaitOptions = {},
  ): Promise<OutboundOf<K>> {
    const frame = await this.waitFor(
      (f) => f.message?.type === type && predicate(f.message.message as unknown as OutboundOf<K>, f),
      timeoutMs,
      { ...options, description: options.description ?? type },
    );
    return frame.message!.message as unknown as OutboundOf<K>;
  }

  /** First pushed message matching `predicate` (already sent, or sent within `timeoutMs`). */
  waitForSent(
    predicate: (s: SentFrame) => boolean,
    timeoutMs = 5000,
    options: WaitOptions = {},
  ): Promise<SentFrame> {
    return this.sentLog.waitFor(
      predicate,
      timeoutMs,
      options.since?.sent ?? 0,
      `${this.role} ${this.accountId} waitForSent(${options.description ?? 'message'})`,
    );
  }

  /**
   * Resolves after `windowMs` if no frame matching `predicate` arrives (counting from `since`, default: now);
   * rejects as soon as one does.
   */
  expectNoFrames(
    predicate: FramePredicate = () => true,
    windowMs = 500,
    options: WaitOptions = {},
  ): Promise<void> {
    return this.frames.expectNone(
      predicate,
      windowMs,
      options.since?.frames ?? this.frames.lastSeq,
      `${this.role} ${this.accountId} expectNoFrames(${options.description ?? 'frame'})`,
    );
  }

  /** Resolves when the SUB socket completed its ZMTP handshake with the relay (or after 2 s). */
  private subscriptionReady(sub: Subscriber): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, 2000);
      sub.events.on('handshake', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  // ---------------------------------------------------------------------------------------------- for subclasses

  protected abstract openPositionsCount(): number;
  /** Called when a decodable (or not) frame arrived, after it was logged. */
  protected abstract onFrame(frame: ReceivedFrame): void;
  /** Right after Register (synchronous part of OnInit: subscriptions). */
  protected afterRegister(): void {}
  /** After Register and the subscriptions (e.g. the Master's Opens for existing positions). */
  protected async onStarted(): Promise<void> {}

  protected subscribe(topic: string): void {
    if (!this.sub) return;
    this.sub.subscribe(topic);
    if (!this.subscribed.has(topic)) {
      this.subscribed.add(topic);
      this.emit('subscribed', topic);
    }
  }

  protected nowDate(): Date {
    return new Date(this.clock());
  }

  // ---------------------------------------------------------------------------------------------- internals

  private registerMessage(): RegisterMessage {
    const ctx = this.options.symbolContext;
    const hasContext =
      ctx != null &&
      (ctx.detected_prefix !== '' || ctx.detected_suffix !== '' || ctx.available_special_symbols.length > 0);
    const symbolContext: SymbolContext | null = hasContext
      ? {
          detected_prefix: ctx.detected_prefix,
          detected_suffix: ctx.detected_suffix,
          available_special_symbols: ctx.available_special_symbols,
        }
      : null;
    return {
      message_type: 'Register',
      account_id: this.accountId,
      ea_type: this.role,
      platform: this.options.platform ?? 'MT5',
      account_number: this.options.accountNumber ?? 12345678,
      broker: this.options.broker ?? 'Sim Broker',
      account_name: this.options.accountName ?? this.accountId,
      server: this.options.server ?? 'Sim-Server',
      currency: this.options.currency ?? 'USD',
      leverage: this.options.leverage ?? 100,
      timestamp: rfc3339Offset(this.nowDate()),
      symbol_context: symbolContext,
      is_trade_allowed: this.tradeAllowed,
    };
  }

  private enqueue(frame: Buffer, message: DecodedInbound | null): Promise<void> {
    const push = this.push;
    if (!push || this.state === 'new') return Promise.reject(new Error(`${this.accountId}: not started`));
    const entry: SentFrame = { seq: 0, message, raw: frame, sentAtMs: this.clock() };
    // zeromq.js allows one pending send per socket: chain them.
    const p = this.sendChain.then(async () => {
      if (push.closed) throw new Error(`${this.accountId}: socket closed`);
      await push.send(frame);
      entry.seq = this.sentLog.push(entry);
      this.emit('sent', entry);
    });
    this.sendChain = p.catch(() => undefined);
    return p;
  }

  private async receive(sub: Subscriber): Promise<void> {
    try {
      for await (const [frame] of sub) {
        if (!frame) continue;
        const decoded = decodeOutboundFrame(frame, this.role);
        const entry: ReceivedFrame = {
          seq: 0,
          topic: decoded.topic,
          message: 'message' in decoded ? decoded.message : null,
          receivedAtMs: this.clock(),
          raw: frame,
        };
        if ('error' in decoded) entry.error = decoded.error;
        entry.seq = this.frames.push(entry);
        this.emit('received', entry);
        if (entry.message?.type === 'GlobalConfig') this.lastGlobal = entry.message.message;
        try {
          this.onFrame(entry);
        } catch (err) {
          this.emit('warning', err);
        }
      }
    } catch (err) {
      // Closing the socket ends the iteration with an error; anything else is worth surfacing.
      if (this.state === 'running') this.emit('warning', err);
    }
  }

  private stopTimers(): void {
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = null;
  }

  private closeSockets(linger: number): void {
    if (this.push && !this.push.closed) {
      this.push.linger = linger;
      this.push.close();
    }
    if (this.sub && !this.sub.closed) this.sub.close();
  }
}
