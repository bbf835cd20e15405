// The copy hot path (docs/protocol.md §6.7, §10, D1): one engine call evaluates every member of the master, then
// one frame per accepted member on `trade/<master>/<slave>`, the payload encoded once per distinct output symbol.
import { encodePayload, frameWithTopic } from '@sankey/shared/protocol/codec';
import type { FilterReason } from '@sankey/shared/protocol/constants';
import type { TradeSignal } from '@sankey/shared/protocol/messages';
import { tradeTopic } from '@sankey/shared/protocol/topics';
import { wireIntToDecimal } from '@sankey/shared/protocol/wire-int';
import type { SignalInput } from './engine';
import type {
  Clock,
  CoreMetrics,
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
  /** Time from frame received to the last copy handed to the socket. */
  onDelivered(latencyNs: bigint): void;
}

export class SignalPath {
  constructor(
    private readonly state: CoreState,
    private readonly deps: SignalPathDeps,
  ) {}

  handle(sig: TradeSignal, receivedAtNs: bigint): void {
    const masterId = sig.source_account;
    const { events, metrics, journal } = this.deps;
    events.emit('trade_received', {
      sourceAccount: masterId,
      action: sig.action,
      ticket: wireIntToDecimal(sig.ticket),
      symbol: sig.symbol ?? null,
      lots: sig.lots ?? null,
      at: new Date(this.deps.clock.nowMs()).toISOString(),
    });
    const members = this.state.store.membersOf(masterId);
    if (members.length === 0) {
      journal?.record(sig, 0, {});
      return;
    }

    const results = this.state.engine.evaluateSignal(masterId, signalInput(sig));
    const live = events.active;
    let acceptedCount = 0;
    const filtered: Partial<Record<FilterReason, number>> = {};
    for (let i = 0; i < results.length; i++) {
      if (results.accepted(i)) {
        acceptedCount++;
        continue;
      }
      const reason = results.reason(i);
      filtered[reason] = (filtered[reason] ?? 0) + 1;
      metrics.signalFiltered(reason);
      if (live) {
        const slaveAccount = results.slaveAccount(i);
        events.emit('trade_filtered', {
          masterAccount: masterId,
          slaveAccount,
          ticket: wireIntToDecimal(sig.ticket),
          reason,
        });
      }
    }
    journal?.record(sig, acceptedCount, filtered);
    if (acceptedCount === 0) return;

    const cls = frameClassOf(sig);
    const tracker: SendTracker = { receivedAtNs, pending: acceptedCount, onDone: this.deps.onDelivered };
    // The payload differs between members only by symbol: encode once per distinct output symbol.
    let lastSymbol: string | undefined;
    let lastPayload: Buffer | undefined;
    const payloads = new Map<string | undefined, Buffer>();
    for (let i = 0; i < results.length; i++) {
      if (!results.accepted(i)) continue;
      const slave = results.slaveAccount(i);
      const symbol = results.symbol(i);
      let payload = lastPayload !== undefined && symbol === lastSymbol ? lastPayload : payloads.get(symbol);
      if (!payload) {
        payload = encodePayload({
          type: 'TradeSignal',
          message: symbol === undefined ? sig : { ...sig, symbol },
        });
        payloads.set(symbol, payload);
      }
      lastSymbol = symbol;
      lastPayload = payload;
      const topic = tradeTopic(masterId, slave);
      let frame: Buffer;
      try {
        frame = frameWithTopic(topic, payload);
      } catch (err) {
        metrics.frameRefused('FrameTooLargeError');
        this.deps.log.error({ err, topic }, 'trade frame refused');
        if (--tracker.pending === 0) tracker.onDone(process.hrtime.bigint() - receivedAtNs);
        continue;
      }
      this.deps.frames.send({ frame, topic, stream: masterId, cls, ticket: sig.ticket, tracker });
      metrics.signalCopied();
      if (live) {
        // The engine evaluates members in the order they were compiled, which is the store's order.
        const member =
          members[i]?.slaveAccount === slave ? members[i] : this.state.store.getMember(masterId, slave);
        events.emit('trade_copied', {
          masterAccount: masterId,
          slaveAccount: slave,
          memberId: member?.id ?? 0,
          action: sig.action,
          ticket: wireIntToDecimal(sig.ticket),
          symbol: symbol ?? null,
          lots: sig.lots ?? null,
          relayLatencyUs: Number((process.hrtime.bigint() - receivedAtNs) / 1000n),
        });
      }
    }
  }
}

/** What the copy engine reads of a signal. */
export function signalInput(sig: TradeSignal): SignalInput {
  const input: SignalInput = { action: sig.action };
  if (sig.order_type !== undefined) input.orderType = sig.order_type;
  if (sig.lots !== undefined) input.lots = sig.lots;
  if (sig.symbol !== undefined) input.symbol = sig.symbol;
  if (sig.magic_number !== undefined) input.magicNumber = sig.magic_number;
  return input;
}

function frameClassOf(sig: TradeSignal): FrameClass {
  return sig.action === 'Close' ? 'close' : sig.action === 'Modify' ? 'modify' : 'open';
}
