'use client';
// Server logs drawer (logs.list): newest first, minimum level, auto-refresh every 3 s, older pages by cursor.
import { useQuery } from '@tanstack/react-query';
import { clsx } from 'clsx';
import { useState } from 'react';
import { useTRPC, useTRPCClient } from '../../client/trpc';
import { Checkbox, Drawer } from '../components/ui';
import { useI18n } from '../i18n/i18n';

const LEVELS = ['debug', 'info', 'warn', 'error'] as const;
type Entry = { seq: number; time: string; level: string; msg: string; fields: Record<string, unknown> };

export function LogsDrawer(props: { open: boolean; onClose: () => void }) {
  const { t } = useI18n();
  const trpc = useTRPC();
  const client = useTRPCClient();
  const [level, setLevel] = useState<(typeof LEVELS)[number]>('info');
  const [auto, setAuto] = useState(true);
  const [older, setOlder] = useState<{ entries: Entry[]; cursor: number | null } | null>(null);
  const input = { level, limit: 200 };
  const logs = useQuery({
    ...trpc.logs.list.queryOptions(input),
    enabled: props.open,
    refetchInterval: props.open && auto ? 3_000 : false,
  });

  const entries = [...(logs.data?.entries ?? []), ...(older?.entries ?? [])];
  const cursor = older ? older.cursor : (logs.data?.nextCursor ?? null);

  const loadMore = async () => {
    if (cursor === null) return;
    const page = await client.logs.list.query({ level, limit: 200, cursor });
    setOlder({ entries: [...(older?.entries ?? []), ...page.entries], cursor: page.nextCursor });
  };

  return (
    <Drawer
      open={props.open}
      onClose={props.onClose}
      side="bottom"
      title={t('logs.title')}
      testId="logs-drawer"
      description={t('logs.count', { count: entries.length })}
    >
      <div className="toolbar">
        <label className="row small">
          <span className="muted">{t('logs.level')}</span>
          <select
            className="input input-sm"
            value={level}
            onChange={(e) => {
              setLevel(e.target.value as (typeof LEVELS)[number]);
              setOlder(null);
            }}
          >
            {LEVELS.map((l) => (
              <option key={l} value={l}>
                {l.toUpperCase()}
              </option>
            ))}
          </select>
        </label>
        <Checkbox checked={auto} onChange={setAuto} label={t('logs.auto')} />
        <button type="button" className="btn btn-outline btn-sm" onClick={() => void logs.refetch()}>
          {t('common.refresh')}
        </button>
      </div>
      {logs.isLoading ? <p className="muted">{t('common.loading')}</p> : null}
      {logs.isSuccess && entries.length === 0 ? <p className="muted">{t('logs.empty')}</p> : null}
      <ol className="log-list mono small" data-testid="log-list">
        {entries.map((e) => (
          <li key={e.seq} className={clsx('log-line', `log-${e.level.toLowerCase()}`)}>
            <span className="muted">{new Date(e.time).toLocaleTimeString('en-GB')}</span>{' '}
            <span className="log-level">[{e.level.toUpperCase()}]</span> {e.msg}
            {Object.keys(e.fields).length > 0 ? (
              <span className="muted"> {JSON.stringify(e.fields)}</span>
            ) : null}
          </li>
        ))}
      </ol>
      {cursor !== null && entries.length > 0 ? (
        <button type="button" className="btn btn-outline btn-sm" onClick={() => void loadMore()}>
          {t('logs.more')}
        </button>
      ) : null}
    </Drawer>
  );
}
