// What happens after the send queue took a frame: sent (latency trackers settle), failed or refused (counted,
// logged, and a dead letter — which also tells the UI `delivery_failed`).
import type { DeadLetter, DeadLetterReason, DeadLetterSink, Logger, OutboundFrame } from '../core/ports';
import type { RelayMetrics } from '../observability/metrics';
import type { RefusalReason } from './send-queue';

export function publishOutcomes(
  metrics: RelayMetrics,
  log: Logger,
  deadLetters: DeadLetterSink,
  onSent: (item: OutboundFrame) => void,
) {
  return {
    onSent(item: OutboundFrame): void {
      onSent(item);
      const t = item.tracker;
      if (t && --t.pending === 0) t.onDone(process.hrtime.bigint() - t.receivedAtNs);
    },
    /** A Close/Modify admitted past the queue's hard capacity: closes are never refused (D15). */
    onOverCapacity(item: OutboundFrame): void {
      metrics.sendOverCapacity.inc({ class: item.cls });
    },
    onSendFailed(item: OutboundFrame, err: unknown): void {
      metrics.sendFailures.inc();
      log.error({ err, topic: item.topic }, 'publish failed');
      deadLetters.add(letterOf(item, 'send_failed'));
    },
    onRefused(item: OutboundFrame, reason: RefusalReason): void {
      metrics.sendDropped.inc({ class: item.cls, reason });
      log.warn({ topic: item.topic, cls: item.cls, reason }, 'send queue full: frame refused');
      deadLetters.add(letterOf(item, 'queue_overflow'));
    },
  };
}

/** The dead letter for a frame the queue or the socket refused: trade copies keep their master, ticket and slave. */
export function letterOf(item: OutboundFrame, reason: DeadLetterReason): DeadLetter {
  const parts = item.topic.split('/');
  const trade = parts[0] === 'trade' && parts.length === 3;
  return {
    topic: item.topic,
    payload: item.frame,
    reason,
    destination: parts.at(-1) ?? '',
    ...(trade && {
      masterAccount: parts[1],
      ticket: item.ticket === undefined ? undefined : String(item.ticket),
      action: item.cls === 'open' ? 'Open' : item.cls === 'close' ? 'Close' : 'Modify',
    }),
  };
}
