// `npm run relay -- metrics` and `deliveries.metrics` (docs/api.md): copies and filters over the newest journal
// entries, failures from the dead letters stored now, and the master → relay latency percentiles the journal gives.
import type { DeliveryMetrics } from '@sankey/shared/api/ops-views';
import { parseRfc3339Ms } from '@sankey/shared/time';
import type { RelayStorage } from '../outbox/storage';

export async function deliveryReport(
  storage: Pick<RelayStorage, 'recentSignals' | 'deadLetterCounts'>,
  window: number,
): Promise<DeliveryMetrics> {
  const [entries, counts] = await Promise.all([
    storage.recentSignals({ limit: window }),
    storage.deadLetterCounts(),
  ]);
  let copies = 0;
  const filtered: Record<string, number> = {};
  const latencies: number[] = [];
  for (const e of entries) {
    copies += e.payload.accepted;
    for (const [reason, n] of Object.entries(e.payload.filtered))
      filtered[reason] = (filtered[reason] ?? 0) + n;
    const sentAt = parseRfc3339Ms(String(e.payload.signal.timestamp ?? ''));
    if (!Number.isNaN(sentAt)) latencies.push(Math.max(0, e.receivedAt.getTime() - sentAt));
  }
  latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    latencies.length === 0
      ? null
      : (latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? null);
  return {
    signals: entries.length,
    from: entries.at(-1)?.receivedAt.toISOString() ?? null,
    to: entries[0]?.receivedAt.toISOString() ?? null,
    copies,
    filtered,
    failures: counts.byReason,
    latencyMs: { p50: at(0.5), p95: at(0.95), p99: at(0.99) },
  };
}
