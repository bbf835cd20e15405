// The frames a live copy would have carried, for copies the stale-signal guard kept back: a replay's stale Open in
// cluster mode is dead-lettered with them (docs/cluster.md), so an operator's retry sends the slave what a live
// copy would have: the member's symbol (mapping, prefix, suffix) and alias, from the same engine.
import { encodeOutbound } from '@sankey/shared/protocol/codec';
import type { TradeSignal } from '@sankey/shared/protocol/messages';
import { tradeTopic } from '@sankey/shared/protocol/topics';
import { copyMessage } from './copy-frames';
import { signalInput } from './signal-path';
import type { CoreState } from './state';

export interface CopyFrame {
  slave: string;
  topic: string;
  frame: Buffer;
}

/**
 * The frames the wanted members would get for this signal, evaluated by the engine as a live copy is but without
 * the stale-signal age check: a member the engine refuses for any other reason (its filters, its risk word, its
 * status) gets none. Results of an earlier evaluateSignal are invalid afterwards.
 */
export function framesIgnoringAge(
  state: CoreState,
  sig: TradeSignal,
  wanted: (slave: string) => boolean,
): CopyFrame[] {
  const master = sig.source_account;
  const results = state.engine.evaluateSignal(master, signalInput(sig));
  const out: CopyFrame[] = [];
  for (let i = 0; i < results.length; i++) {
    const slave = results.slaveAccount(i);
    if (!wanted(slave) || !results.accepted(i)) continue;
    const via = state.isolation.via(master, slave);
    const topic = tradeTopic(via, slave);
    const message = copyMessage(sig, results.symbol(i), via);
    out.push({ slave, topic, frame: encodeOutbound(topic, { type: 'TradeSignal', message }) });
  }
  return out;
}
