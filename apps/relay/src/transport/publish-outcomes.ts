// What happens after the send queue took a frame: sent (latency trackers settle), failed or refused (counted,
// logged, and reported to the UI as `delivery_failed`).
import type { EventSink, Logger, OutboundFrame } from '../core/ports';
import type { RelayMetrics } from '../observability/metrics';
import type { RefusalReason } from './send-queue';

export function publishOutcomes(metrics: RelayMetrics, log: Logger, events: EventSink, onSent: () => void) {
  return {
    onSent(item: OutboundFrame): void {
      onSent();
      const t = item.tracker;
      if (t && --t.pending === 0) t.onDone(process.hrtime.bigint() - t.receivedAtNs);
    },
    onSendFailed(item: OutboundFrame, err: unknown): void {
      metrics.sendFailures.inc();
      log.error({ err, topic: item.topic }, 'publish failed');
      events.emit('delivery_failed', { topic: item.topic, reason: String(err) });
    },
    onRefused(item: OutboundFrame, reason: RefusalReason): void {
      metrics.sendDropped.inc({ class: item.cls, reason });
      log.warn({ topic: item.topic, cls: item.cls, reason }, 'send queue full: frame refused');
      events.emit('delivery_failed', { topic: item.topic, reason });
    },
  };
}
