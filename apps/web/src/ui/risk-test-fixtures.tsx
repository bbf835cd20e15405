// The risk UI tests' fixtures (control-states.test.tsx, risk-badges.test.tsx): a fake API whose risk reads answer
// the given rows, the providers the risk views live in (language, toasts, live state without a socket, the risk
// poll), and an equity guard's control state.
import type { RiskControlState } from '@sankey/shared/api/risk-views';
import { render } from '@testing-library/react';
import type { ReactNode } from 'react';
import type { ApiClient } from '../client/trpc';
import { ToastProvider } from './components/toast';
import type { Lang } from './i18n/dict';
import { I18nProvider } from './i18n/i18n';
import { LiveProvider } from './live/live-provider';
import { RiskProvider } from './risk/risk-context';

/**
 * An API with no groups or connections whose `risk.list/members/controls` answer these (empty when absent), and
 * whose risk mutations (`resetGuard`, `setGuard`…) are the given functions.
 */
export function riskApi(risk: {
  list?: () => unknown[];
  members?: unknown[];
  controls?: unknown[];
  mutate?: Record<string, (input: never) => Promise<unknown>>;
}): ApiClient {
  const mutations = Object.entries(risk.mutate ?? {}).map(([name, mutate]) => [name, { mutate }]);
  return {
    tradeGroups: { list: { query: async () => [] } },
    connections: { list: { query: async () => [] } },
    risk: {
      list: { query: async () => risk.list?.() ?? [] },
      members: { query: async () => risk.members ?? [] },
      controls: { query: async () => risk.controls ?? [] },
      ...Object.fromEntries(mutations),
    },
  } as unknown as ApiClient;
}

/** Renders `children` inside the providers of the risk views, with no socket and no polling during the test. */
export function renderRisk(lang: Lang, api: ApiClient, children: ReactNode) {
  return render(
    <I18nProvider initial={lang}>
      <ToastProvider>
        <LiveProvider api={api} realtime={false}>
          <RiskProvider pollMs={60_000}>{children}</RiskProvider>
        </LiveProvider>
      </ToastProvider>
    </I18nProvider>,
  );
}

/** A tripped equity guard as the controls view shows it. */
export function trippedGuard(
  over: Partial<Extract<RiskControlState, { control: 'equity_guard' }>> = {},
): RiskControlState {
  return {
    control: 'equity_guard',
    closeOnly: true,
    reason: 'min_equity',
    until: null,
    timeZone: 'UTC',
    equity: 900,
    limit: 1000,
    ...over,
  };
}
