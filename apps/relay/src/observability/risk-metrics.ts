// Metrics of the risk controls (docs/risk-controls.md, D22): equity guard events and the Closes closeAll sends.
import client from 'prom-client';

export function riskMetrics(registry: client.Registry) {
  return {
    equityGuardEvents: new client.Counter({
      name: 'sankey_equity_guard_events_total',
      help: 'Equity guard events (D22): tripped, reset (by an operator), day_start_cleared',
      labelNames: ['event'] as const,
      registers: [registry],
    }),
    closeAllCloses: new client.Counter({
      name: 'sankey_close_all_closes_total',
      help: 'Closes sent by closeAll (an equity guard trip or an operator) for copies still open on a slave',
      registers: [registry],
    }),
  };
}
