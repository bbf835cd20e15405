'use client';
// The latency dashboard: the relay's p50/p99 and signal/copy rates for the last minute, hour and day, in figures,
// in words and as four small charts (p50/p99 and signals/copies per second, last hour and last day) (docs/api.md, latency.summary).
import type { LatencyFigures, LatencySummary } from '@sankey/shared/api/views';
import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '../../client/trpc';
import { Card } from '../components/ui';
import type { Translate } from '../i18n/i18n';
import { useI18n } from '../i18n/i18n';
import { type Series, TimeChart } from './latency-chart';

export function formatMs(ms: number | null, t: Translate, overflow = false): string {
  if (ms === null) return t('latency.none');
  const text = ms < 1 ? `${Math.round(ms * 1000)} µs` : `${ms.toFixed(2)} ms`;
  return overflow ? t('latency.overflow', { ms: text }) : text;
}

function Figures({ title, f, testId }: { title: string; f: LatencyFigures; testId: string }) {
  const { t } = useI18n();
  return (
    <Card title={title}>
      <dl className="figures" data-testid={testId}>
        <div>
          <dt>{t('latency.p50')}</dt>
          <dd className="mono" data-testid={`${testId}-p50`}>
            {formatMs(f.p50Ms, t)}
          </dd>
        </div>
        <div>
          <dt>{t('latency.p99')}</dt>
          <dd className="mono">{formatMs(f.p99Ms, t, f.p99Overflow)}</dd>
        </div>
        <div>
          <dt>{t('latency.signalsPerS')}</dt>
          <dd className="mono">{f.signalsPerS}</dd>
        </div>
        <div>
          <dt>{t('latency.copiesPerS')}</dt>
          <dd className="mono">{f.copiesPerS}</dd>
        </div>
      </dl>
    </Card>
  );
}

// Axis labels: the same short forms as the figures (µs under 1 ms).
const ms = (v: number) =>
  v === 0 ? '0' : v < 1 ? `${Math.round(v * 1000)} µs` : `${Number(v.toFixed(2))} ms`;
const perS = (v: number) => `${Number(v.toFixed(2))}/s`;

export function LatencyDashboard({ summary }: { summary: LatencySummary }) {
  const { t } = useI18n();
  const latency: Series[] = [
    { key: 'p50', label: t('latency.p50'), pick: (p) => p.p50Ms },
    { key: 'p99', label: t('latency.p99'), pick: (p) => p.p99Ms },
  ];
  const empty = t('latency.chartEmpty', { every: summary.sampleEveryS });
  const rates: Series[] = [
    { key: 'signals', label: t('latency.signalsPerS'), pick: (p) => p.signalsPerS },
    { key: 'copies', label: t('latency.copiesPerS'), pick: (p) => p.copiesPerS },
  ];
  const n = summary.now;
  const words =
    n.copies === 0 && n.signals === 0
      ? t('latency.wordsIdle')
      : t('latency.words', {
          p50: formatMs(n.p50Ms, t),
          p99: formatMs(n.p99Ms, t, n.p99Overflow),
          signals: n.signalsPerS,
          copies: n.copiesPerS,
        });
  const hour = summary.hourSeries;
  const day = summary.daySeries;
  const lat = { series: latency, unit: ms, testId: 'latency-chart' };
  const rate = { series: rates, unit: perS, testId: 'rate-chart' };
  const charts = [
    { points: hour, label: t('latency.chartHour'), ...lat },
    { points: hour, label: t('latency.ratesHour'), ...rate },
    { points: day, label: t('latency.chartDay'), ...lat },
    { points: day, label: t('latency.ratesDay'), ...rate },
  ];
  return (
    <>
      <p className="latency-words" data-testid="latency-words">
        {words}
      </p>
      <div className="cards">
        <Figures title={t('latency.now')} f={summary.now} testId="latency-now" />
        <Figures title={t('latency.hour')} f={summary.lastHour} testId="latency-hour" />
        <Figures title={t('latency.day')} f={summary.last24h} testId="latency-day" />
      </div>
      <div className="charts">
        {charts.map((c) => (
          <TimeChart key={c.label} {...c} empty={empty} />
        ))}
      </div>
    </>
  );
}

export function LatencyView() {
  const { t } = useI18n();
  const trpc = useTRPC();
  const q = useQuery({ ...trpc.latency.summary.queryOptions(), refetchInterval: 5_000 });
  return (
    <div className="page">
      <div className="page-header">
        <div>
          <h1 className="page-title">{t('latency.title')}</h1>
          <p className="muted small">{t('latency.subtitle', { every: q.data?.sampleEveryS ?? 10 })}</p>
        </div>
      </div>
      {q.isPending ? (
        <p className="empty muted">{t('latency.loading')}</p>
      ) : q.isError || !q.data ? (
        <p className="empty error-text" role="alert" data-testid="latency-unreachable">
          {t('latency.unreachable')}
        </p>
      ) : (
        <LatencyDashboard summary={q.data} />
      )}
    </div>
  );
}
