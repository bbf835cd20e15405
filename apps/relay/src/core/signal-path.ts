// The copy hot path (docs/protocol.md §6.7, §10, D1): one engine call evaluates every member of the master, then
// one frame per accepted member on `trade/<master>/<slave>` (or `trade/<alias>/<slave>` in isolated delivery, D23),
// the payload encoded once per distinct output symbol.
import { encodePayload, frameWithTopic } from '@sankey/shared/protocol/codec';
import type { FilterReason } from '@sankey/shared/protocol/constants';
import type { TradeSignal } from '@sankey/shared/protocol/messages';
import { tradeTopic } from '@sankey/shared/protocol/topics';
import { wireIntToDecimal } from '@sankey/shared/protocol/wire-int';
import type { MemberState } from '../state/groups';
import { copyMessage } from './copy-frames';
import type { Delivery, TradeCopy } from './delivery';
import type { SignalInput } from './engine';
import { memberAt, recordOpens } from './open-records';
import type {
  Clock,
  CoreMetrics,
  DeliveryLedgerPort,
  EventSink,
  FrameClass,
  FrameSink,
  Logger,
  SendTracker,
  SignalRecorder,
} from './ports';
import type { CoreState } from './state';

export interface SignalPathDeps {
  frames: FrameSink;
  events: EventSink;
  metrics: CoreMetrics;
  log: Logger;
  clock: Clock;
  journal?: SignalRecorder | undefined;
  ledger: DeliveryLedgerPort;
  delivery: Delivery;
  /** Time from frame received to the last copy handed to the socket. */
  onDelivered(latencyNs: bigint): void;
  /** The risk controls (D22), told around each signal. */
  risk?: RiskHooks | undefined;
}

export interface RiskHooks {
  /** Before an Open is evaluated: windows that ended since the last tick take effect for it. */
  beforeOpen(masterId: string): void;
  /** After a signal went out: Opens and Closes move open-position caps. */
  afterSignal(masterId: string, action: string): void;
}

const EMPTY = Buffer.alloc(0);

export class SignalPath {
  constructor(
    private readonly state: CoreState,
    private readonly deps: SignalPathDeps,
  ) {}

  handle(sig: TradeSignal, receivedAtNs: bigint): void {
    if (sig.action === 'Open') this.deps.risk?.beforeOpen(sig.source_account);
    this.copy(sig, receivedAtNs);
    this.deps.risk?.afterSignal(sig.source_account, sig.action);
  }

  private copy(sig: TradeSignal, receivedAtNs: bigint): void {
    const masterId = sig.source_account;
    const { events, metrics, journal } = this.deps;
    // Events are built only while someone receives them (a browser, an in-process listener, cluster mode's bridge
    // while another relay's browser watches): a relay whose slaves are all elsewhere still runs this for each signal.
    const live = events.active;
    const at = live ? new Date(this.deps.clock.nowMs()).toISOString() : '';
    if (live) {
      events.emit('trade_received', {
        sourceAccount: masterId,
        action: sig.action,
        ticket: wireIntToDecimal(sig.ticket),
        symbol: sig.symbol ?? null,
        lots: sig.lots ?? null,
        at,
      });
    }
    const members = this.state.store.membersOf(masterId);
    if (members.length === 0) {
      // D18: counted, not journalled — anyone can send signals for made-up masters.
      metrics.inboundRefused('no_trade_group');
      return;
    }

    const results = this.state.engine.evaluateSignal(masterId, signalInput(sig, this.deps.clock.nowMs()));
    const ledger = this.deps.ledger;
    const opening = sig.action === 'Open';
    const n = results.length;
    // Who gets a frame: members the engine accepted, and (D15) members it refused only for their status that hold
    // this ticket, unless an operator froze the link.
    const send = new Uint8Array(n);
    let sendCount = 0;
    const filtered: Partial<Record<FilterReason, number>> = {};
    // Per-member reasons for the Trades page: built only for filtered members, so a signal copied to everyone
    // allocates nothing more.
    let filteredBy: Record<string, FilterReason> | undefined;
    // The alias each Open goes out under (isolated delivery, D23), for the Trades page; built only when one does.
    let viaBy: Record<string, string> | undefined;
    // Cluster mode: members whose slave is on another relay, which copies (or filters) them: not filtered here.
    const elsewhere = this.state.slavesElsewhere;
    let remote = 0;
    for (let i = 0; i < n; i++) {
      if (results.accepted(i)) {
        send[i] = 1;
        sendCount++;
        if (opening) {
          const slave = results.slaveAccount(i);
          const via = this.state.isolation.via(masterId, slave);
          if (via !== masterId) {
            viaBy ??= {};
            viaBy[slave] = via;
          }
        }
        continue;
      }
      const reason = results.reason(i);
      const slaveAccount = results.slaveAccount(i);
      if (
        !opening &&
        reason === 'member_not_connected' &&
        ledger.isOpen(masterId, slaveAccount, sig.ticket) &&
        !this.frozen(masterId, members, i, slaveAccount)
      ) {
        send[i] = 2;
        sendCount++;
        metrics.closeThrough();
        continue;
      }
      if (elsewhere !== null && reason === 'member_not_connected' && elsewhere.has(slaveAccount)) {
        remote++;
        continue;
      }
      filtered[reason] = (filtered[reason] ?? 0) + 1;
      filteredBy ??= {};
      filteredBy[slaveAccount] = reason;
      metrics.signalFiltered(reason);
      if (live) {
        events.emit('trade_filtered', {
          masterAccount: masterId,
          slaveAccount,
          ticket: wireIntToDecimal(sig.ticket),
          reason,
          at,
        });
      }
    }
    // The journal entry and a Close's ledger changes are written after the last copy went out (nothing below
    // reads them), so they do not delay the copies.
    const record = () => {
      journal?.record(sig, sendCount, filtered, filteredBy, viaBy, remote);
      if (sig.action === 'Close' && !isPartialClose(sig)) {
        // The ticket leaves every member's open set, forwarded or not (a frozen link's copy stays the operator's).
        for (let i = 0; i < n; i++) ledger.closed(masterId, results.slaveAccount(i), sig.ticket);
      }
    };
    if (sendCount === 0) {
      record();
      return;
    }

    const cls = frameClassOf(sig);
    const tracker: SendTracker = { receivedAtNs, pending: sendCount, onDone: this.deps.onDelivered };
    // The payload differs between members only by symbol: encode once per distinct output symbol.
    let lastSymbol: string | undefined;
    let lastPayload: Buffer | undefined;
    const payloads = new Map<string | undefined, Buffer>();
    const isolation = this.state.isolation;
    // What each copy's Open left for the ledger, written after the last copy went to the socket (the sends leave
    // as they are made, zmq.ts): 1 sent, 2 parked.
    const outcomes = opening ? new Uint8Array(n) : undefined;
    const sentSymbols: (string | null)[] | undefined = opening ? new Array(n) : undefined;
    // One copy record for the whole signal: `deliver` reads it and keeps nothing of it.
    const copy: TradeCopy = {
      master: masterId,
      via: masterId,
      slave: '',
      action: sig.action,
      ticket: sig.ticket,
      topic: '',
      frame: EMPTY,
      cls,
      tracker,
      openMaxDelayMs: 5000,
    };
    for (let i = 0; i < n; i++) {
      if (send[i] === 0) continue;
      const slave = results.slaveAccount(i);
      const symbol = send[i] === 1 ? results.symbol(i) : undefined;
      // Isolated delivery (D23): the copy carries the member's alias as topic and source, so it is its own payload.
      const via = isolation.via(masterId, slave);
      let payload: Buffer | undefined;
      if (via !== masterId) {
        payload = encodePayload({ type: 'TradeSignal', message: copyMessage(sig, symbol, via) });
      } else {
        payload = lastPayload !== undefined && symbol === lastSymbol ? lastPayload : payloads.get(symbol);
        if (!payload) {
          payload = encodePayload({ type: 'TradeSignal', message: copyMessage(sig, symbol, masterId) });
          payloads.set(symbol, payload);
        }
        lastSymbol = symbol;
        lastPayload = payload;
      }
      const topic = tradeTopic(via, slave);
      let frame: Buffer;
      try {
        frame = frameWithTopic(topic, payload);
      } catch (err) {
        metrics.frameRefused('FrameTooLargeError');
        this.deps.log.error({ err, topic }, 'trade frame refused');
        if (--tracker.pending === 0) tracker.onDone(process.hrtime.bigint() - receivedAtNs);
        continue;
      }
      const member = this.memberAt(masterId, members, i, slave);
      copy.via = via;
      copy.slave = slave;
      copy.topic = topic;
      copy.frame = frame;
      copy.openMaxDelayMs = member?.settings.maxSignalDelayMs ?? 5000;
      const outcome = this.deps.delivery.deliver(copy);
      if (outcome === 'cancelled') continue;
      metrics.signalCopied();
      if (outcomes && sentSymbols) {
        outcomes[i] = outcome === 'sent' ? 1 : 2;
        sentSymbols[i] = symbol ?? sig.symbol ?? null;
      }
      if (live) {
        events.emit('trade_copied', {
          masterAccount: masterId,
          slaveAccount: slave,
          ...(via !== masterId ? { via } : {}),
          memberId: member?.id ?? 0,
          action: sig.action,
          ticket: wireIntToDecimal(sig.ticket),
          symbol: symbol ?? null,
          lots: sig.lots ?? null,
          relayLatencyUs: Number((process.hrtime.bigint() - receivedAtNs) / 1000n),
          at,
        });
      }
    }
    record();
    if (outcomes && sentSymbols)
      recordOpens(this.state, ledger, sig, members, results, outcomes, sentSymbols);
  }

  private memberAt(masterId: string, members: readonly MemberState[], i: number, slave: string) {
    return memberAt(this.state, masterId, members, i, slave);
  }

  /** D15: a link an operator switched off (member or group) with `whenOff = freeze` passes no Close or Modify. */
  private frozen(masterId: string, members: readonly MemberState[], i: number, slave: string): boolean {
    const member = this.memberAt(masterId, members, i, slave);
    if (member?.settings.whenOff !== 'freeze') return false;
    return !member.enabled || this.state.store.getGroup(masterId)?.enabled === false;
  }
}

/** A Close for part of the position (docs/protocol.md §12.8: only `close_ratio` in (0, 1) is trusted for that). */
export function isPartialClose(sig: TradeSignal): boolean {
  return sig.close_ratio !== undefined && sig.close_ratio > 0 && sig.close_ratio < 1;
}

/** What the copy engine reads of a signal; `nowMs` dates it for the stale-signal guard (D22). */
export function signalInput(sig: TradeSignal, nowMs?: number): SignalInput {
  const input: SignalInput = { action: sig.action };
  if (nowMs !== undefined && sig.action === 'Open') {
    const sent = Date.parse(sig.timestamp);
    if (!Number.isNaN(sent)) input.ageMs = nowMs - sent;
  }
  if (sig.order_type !== undefined) input.orderType = sig.order_type;
  if (sig.lots !== undefined) input.lots = sig.lots;
  if (sig.symbol !== undefined) input.symbol = sig.symbol;
  if (sig.magic_number !== undefined) input.magicNumber = sig.magic_number;
  return input;
}

function frameClassOf(sig: TradeSignal): FrameClass {
  return sig.action === 'Close' ? 'close' : sig.action === 'Modify' ? 'modify' : 'open';
}
