// @vitest-environment happy-dom
// The Trades rows and the latency dashboard as a user sees them, in English and Japanese.
import type { LatencyFigures, LatencySummary, TradeView } from '@sankey/shared/api/views';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { renderToString } from 'react-dom/server';
import { afterEach, describe, expect, it } from 'vitest';
import type { Lang } from './i18n/dict';
import { I18nProvider } from './i18n/i18n';
import { LatencyDashboard } from './latency/latency-view';
import { tradesToCsv } from './trades/csv';
import { TradeRows } from './trades/trades-view';

afterEach(cleanup);

const trade: TradeView = {
  id: 7,
  openedAt: '2026-06-01T12:39:20.000Z',
  masterAccount: 'M1',
  ticket: '1030',
  symbol: 'EURUSD',
  orderType: 'Buy',
  lots: 0.4,
  state: 'open',
  closedAt: null,
  copied: 1,
  filtered: 1,
  slaves: [
    {
      slaveAccount: 'S1',
      outcome: 'copied',
      reason: null,
      symbol: 'EURUSD.m',
      lots: 1,
      ledgerState: 'sent',
      updatedAt: '2026-06-01T12:39:20.000Z',
    },
    {
      slaveAccount: 'S2',
      outcome: 'filtered',
      reason: 'symbol_blocked',
      symbol: null,
      lots: null,
      ledgerState: null,
      updatedAt: null,
    },
  ],
};

const within = (lang: Lang, ui: React.ReactNode) => render(<I18nProvider initial={lang}>{ui}</I18nProvider>);

describe('trade rows', () => {
  it('open to each slave: copied with symbol and lots, filtered with the reason and the shared-delivery note', () => {
    within('en', <TradeRows trades={[trade]} />);
    expect(screen.getByText('1 copied · 1 filtered')).toBeTruthy();
    expect(screen.queryByTestId('slave-outcomes')).toBeNull();
    const expand = screen.getByRole('button', { name: 'Show the slaves of ticket #1030' });
    fireEvent.click(expand);
    expect(expand.getAttribute('aria-expanded')).toBe('true');
    const rows = screen.getAllByTestId('slave-outcome');
    expect(rows.map((r) => r.dataset.outcome)).toEqual(['copied', 'filtered']);
    expect(rows[0]?.textContent).toContain('sent as EURUSD.m, 1 lots');
    expect(rows[1]?.textContent).toContain('its symbol is in the link’s blocked symbols');
    expect(rows[1]?.textContent).toContain('may still have executed another slave’s copy');
  });

  it('name the alias a copy went out under in isolated delivery, without the shared-delivery note', () => {
    const isolated: TradeView = {
      ...trade,
      slaves: [{ ...trade.slaves[0]!, via: 'M1~0123abcd' }, trade.slaves[1]!],
    };
    within('en', <TradeRows trades={[isolated]} />);
    fireEvent.click(screen.getByTestId('trade-expand'));
    const rows = screen.getAllByTestId('slave-outcome');
    const via = screen.getAllByTestId('slave-via');
    expect(via.map((v) => v.textContent)).toEqual(['under the alias M1~0123abcd (isolated delivery)']);
    expect(rows[0]?.contains(via[0]!)).toBe(true);
    expect(rows[1]?.textContent).toContain('its symbol is in the link’s blocked symbols');
    expect(rows[1]?.textContent).not.toContain('may still have executed another slave’s copy');
  });

  it('speak Japanese', () => {
    within('ja', <TradeRows trades={[trade]} />);
    fireEvent.click(screen.getByTestId('trade-expand'));
    expect(screen.getByText('シンボルが禁止シンボルに含まれています', { exact: false })).toBeTruthy();
    expect(screen.getByText('保有中')).toBeTruthy();
  });

  it('export what is shown as CSV, one line per slave', () => {
    const csv = tradesToCsv([trade]).trim().split('\r\n');
    expect(csv).toHaveLength(3);
    expect(csv[2]).toBe('2026-06-01T12:39:20.000Z,M1,1030,EURUSD,Buy,0.4,open,,S2,filtered,symbol_blocked,,');
  });
});

const figures = (over: Partial<LatencyFigures> = {}): LatencyFigures => ({
  windowS: 60,
  p50Ms: 0.085,
  p99Ms: 0.42,
  p99Overflow: false,
  signals: 50,
  copies: 100,
  signalsPerS: 0.833,
  copiesPerS: 1.667,
  ...over,
});
const summary = (now: LatencyFigures): LatencySummary => ({
  sampleEveryS: 10,
  now,
  lastHour: now,
  last24h: now,
  hourSeries: [
    { at: '2026-06-01T12:00:00.000Z', p50Ms: 0.08, p99Ms: 0.4, signalsPerS: 1, copiesPerS: 2 },
    { at: '2026-06-01T12:01:00.000Z', p50Ms: 0.09, p99Ms: 0.5, signalsPerS: 2, copiesPerS: 4 },
    { at: '2026-06-01T12:02:00.000Z', p50Ms: null, p99Ms: null, signalsPerS: 0, copiesPerS: 0 },
  ],
  daySeries: [],
});

describe('latency dashboard', () => {
  it('states the current figures in words and shows p50/p99 per window and four charts', () => {
    within('en', <LatencyDashboard summary={summary(figures())} />);
    expect(screen.getByTestId('latency-words').textContent).toBe(
      'Half of the copies in the last minute left the relay within 85 µs, and 99 in 100 within 420 µs; 0.833 signals/s came in and 1.667 copies/s went out.',
    );
    expect(screen.getByTestId('latency-hour-p50').textContent).toBe('85 µs');
    expect(screen.getAllByTestId('latency-chart')).toHaveLength(2);
    expect(screen.getAllByTestId('rate-chart')).toHaveLength(2);
    // The day has no samples yet: its charts say so instead of drawing lines.
    expect(screen.getByRole('img', { name: /over the last 24 hours \(ms/ }).textContent).toContain(
      'No samples yet: the relay adds one every 10 s',
    );
  });

  it('renders its charts on the server: the visx lines and time axis are in the HTML string', () => {
    const html = renderToString(
      <I18nProvider initial="en">
        <LatencyDashboard summary={summary(figures())} />
      </I18nProvider>,
    );
    const doc = new DOMParser().parseFromString(html, 'text/html');
    const hour = doc.querySelectorAll('[data-testid="latency-chart"]')[0]!;
    const lines = (cls: string) => hour.querySelector(`path.${cls}`)?.getAttribute('d') ?? '';
    // Two points a minute apart, then a gap (null) that the line does not draw through.
    expect(lines('chart-p50')).toMatch(/^M[\d.]+,[\d.]+L[\d.]+,[\d.]+$/);
    expect(lines('chart-p99')).toMatch(/^M[\d.]+,[\d.]+L[\d.]+,[\d.]+$/);
    expect(hour.querySelectorAll('.visx-axis-tick').length).toBeGreaterThan(3);
    expect(hour.textContent).toMatch(/\d\d:\d\d/);
    expect(hour.textContent).toContain('500 µs');
    // Joined samples are a line, not dots; a lone sample between empty minutes is a dot per series.
    expect(hour.querySelectorAll('circle')).toHaveLength(0);
    const empty = { p50Ms: null, p99Ms: null, signalsPerS: 0, copiesPerS: 0 };
    const lone = renderToString(
      <I18nProvider initial="en">
        <LatencyDashboard
          summary={{
            ...summary(figures()),
            hourSeries: [
              { at: '2026-06-01T12:00:00.000Z', ...empty },
              { at: '2026-06-01T12:01:00.000Z', p50Ms: 0.1, p99Ms: 0.3, signalsPerS: 1, copiesPerS: 2 },
              { at: '2026-06-01T12:02:00.000Z', ...empty },
            ],
          }}
        />
      </I18nProvider>,
    );
    const loneChart = new DOMParser()
      .parseFromString(lone, 'text/html')
      .querySelector('[data-testid="latency-chart"]')!;
    expect([...loneChart.querySelectorAll('circle')].map((c) => c.getAttribute('class'))).toEqual([
      'chart-dot chart-p50',
      'chart-dot chart-p99',
    ]);
    const rate = doc.querySelectorAll('[data-testid="rate-chart"]')[0]!;
    expect(rate.querySelector('path.chart-signals')?.getAttribute('d')).toMatch(/^M.*L.*L/);
    expect(rate.querySelector('path.chart-copies')?.getAttribute('d')).toMatch(/^M.*L.*L/);
  });

  it('says what to do when nothing was relayed, in Japanese', () => {
    const idle = figures({ p50Ms: null, p99Ms: null, signals: 0, copies: 0, signalsPerS: 0, copiesPerS: 0 });
    within('ja', <LatencyDashboard summary={summary(idle)} />);
    expect(screen.getByTestId('latency-words').textContent).toContain('マスターが取引するとすぐに');
    expect(screen.getByTestId('latency-now-p50').textContent).toBe('–');
  });
});
