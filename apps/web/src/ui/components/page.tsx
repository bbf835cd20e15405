// The scaffolding the list pages share (Trades, Deliveries, History): page header with its toolbar, the filter
// bar and its selects and inputs, the page's loading/empty/error message, the table with its header row (which
// turns into cards at 375 px with `table-cards`), and dates in the user's language.
import type { ReactNode } from 'react';
import { useI18n } from '../i18n/i18n';

export function PageHeader(props: { title: string; subtitle: ReactNode; children?: ReactNode }) {
  return (
    <div className="page-header">
      <div>
        <h1 className="page-title">{props.title}</h1>
        <p className="muted small">{props.subtitle}</p>
      </div>
      {props.children ? <div className="toolbar">{props.children}</div> : null}
    </div>
  );
}

export function FilterBar({ testId, children }: { testId: string; children: ReactNode }) {
  return (
    <div className="filters" data-testid={testId}>
      {children}
    </div>
  );
}

export type Option = string | { value: string; label: string };

/** A filter select whose first option (value '') means "all". */
export function FilterSelect<V extends string>(props: {
  label: string;
  allLabel: string;
  value: V | '';
  options: readonly Option[];
  onChange: (value: V | '') => void;
  testId?: string;
}) {
  return (
    <label className="filter small">
      <span className="muted">{props.label}</span>
      <select
        className="input input-sm"
        data-testid={props.testId}
        value={props.value}
        onChange={(e) => props.onChange(e.target.value as V | '')}
      >
        <option value="">{props.allLabel}</option>
        {props.options.map((o) => {
          const { value, label } = typeof o === 'string' ? { value: o, label: o } : o;
          return (
            <option key={value} value={value}>
              {label}
            </option>
          );
        })}
      </select>
    </label>
  );
}

export function FilterInput(props: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  type?: 'text' | 'datetime-local';
  maxLength?: number;
  testId?: string;
}) {
  return (
    <label className="filter small">
      <span className="muted">{props.label}</span>
      <input
        type={props.type ?? 'text'}
        className="input input-sm"
        data-testid={props.testId}
        value={props.value}
        maxLength={props.maxLength}
        onChange={(e) => props.onChange(e.target.value)}
      />
    </label>
  );
}

/** The page's state in words instead of a table: loading, empty (say what to do) or an error (an alert). */
export function PageMessage(props: { tone?: 'muted' | 'error'; testId?: string; children: ReactNode }) {
  const error = props.tone === 'error';
  return (
    <p
      className={error ? 'empty error-text' : 'empty muted'}
      role={error ? 'alert' : undefined}
      data-testid={props.testId}
    >
      {props.children}
    </p>
  );
}

export type Column = { label: ReactNode; className?: string };

/** A table in its scrolling wrapper with one header row; `cards` lays rows out as cards on narrow screens. */
export function DataTable(props: {
  testId: string;
  columns: readonly Column[];
  cards?: boolean;
  children: ReactNode;
}) {
  return (
    <div className="table-wrap">
      <table className={props.cards ? 'table table-cards' : 'table'} data-testid={props.testId}>
        <thead>
          <tr>
            {props.columns.map((c, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: the columns are fixed per table
              <th key={i} scope="col" className={c.className}>
                {c.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{props.children}</tbody>
      </table>
    </div>
  );
}

/** Date and time in the user's language (short date, time with seconds). */
export function useDateTime(): (iso: string) => string {
  const { lang } = useI18n();
  return (iso) =>
    new Date(iso).toLocaleString(lang === 'ja' ? 'ja-JP' : 'en-GB', {
      dateStyle: 'short',
      timeStyle: 'medium',
    });
}

/** "Load more" under a paged list; shown only while there is a next page. */
export function MoreButton(props: {
  query: { hasNextPage: boolean; isFetchingNextPage: boolean; fetchNextPage: () => unknown };
  label: string;
  testId: string;
}) {
  const q = props.query;
  if (!q.hasNextPage) return null;
  return (
    <button
      type="button"
      className="btn btn-outline"
      data-testid={props.testId}
      disabled={q.isFetchingNextPage}
      onClick={() => void q.fetchNextPage()}
    >
      {props.label}
    </button>
  );
}
