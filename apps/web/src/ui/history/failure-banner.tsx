'use client';
// The changes the relay cannot apply now (docs/api.md, changes.failures), named in words under the top bar on
// every admin page until they apply or an operator discards them (with a confirmation).
import type { OutboxFailureView } from '@sankey/shared/api/views';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { AlertTriangle } from 'lucide-react';
import Link from 'next/link';
import { useState } from 'react';
import { errorMessage, useTRPC } from '../../client/trpc';
import { useToast } from '../components/toast';
import { ConfirmDialog } from '../components/ui';
import { useI18n } from '../i18n/i18n';
import { describeChange, historyHref } from './labels';

/** How often the shell asks; the relay retries failing rows on a backoff of seconds (docs/protocol.md D20). */
export const FAILURES_POLL_MS = 3_000;

export function FailureBanner(props: {
  failures: readonly OutboxFailureView[];
  busy?: boolean;
  onDiscard: (outboxId: number) => void;
}) {
  const { t } = useI18n();
  const [confirm, setConfirm] = useState<OutboxFailureView | null>(null);
  if (props.failures.length === 0) return null;
  return (
    <section
      className="failure-banner"
      role="alert"
      aria-label={t('failures.title')}
      data-testid="failure-banner"
    >
      <ul className="plain-list">
        {props.failures.map((f) => {
          const change = describeChange(f, t);
          return (
            <li key={f.id} className="failure-item" data-testid="failure-item" data-outbox-id={f.id}>
              <AlertTriangle size={18} aria-hidden="true" className="failure-icon" />
              <div className="failure-text">
                <strong>
                  {f.state === 'failed'
                    ? t('failures.failed', { change, attempts: f.attempts })
                    : t('failures.retrying', { change, attempts: f.attempts })}
                </strong>
                <span className="small">
                  {t('failures.error', { error: f.error })}
                  {f.waiting > 0 ? ` ${t('failures.waiting', { count: f.waiting })}` : ''}
                </span>
              </div>
              <div className="failure-actions">
                <Link className="btn btn-ghost btn-sm" href={historyHref(f.tradeGroupId, f.slaveAccount)}>
                  {t('failures.history')}
                </Link>
                <button
                  type="button"
                  className="btn btn-destructive-outline btn-sm"
                  data-testid="failure-discard"
                  disabled={props.busy}
                  onClick={() => setConfirm(f)}
                >
                  {t('failures.discard')}
                </button>
              </div>
            </li>
          );
        })}
      </ul>
      <ConfirmDialog
        open={confirm !== null}
        title={t('failures.confirmTitle')}
        body={confirm ? t('failures.confirmBody', { change: describeChange(confirm, t) }) : ''}
        confirmLabel={t('failures.discard')}
        busy={props.busy}
        onCancel={() => setConfirm(null)}
        onConfirm={() => {
          if (confirm) props.onDiscard(confirm.id);
          setConfirm(null);
        }}
      />
    </section>
  );
}

/** The banner fed by `changes.failures`; nothing while the relay is unreachable (the live indicator says so). */
export function ChangeFailures() {
  const { t } = useI18n();
  const toast = useToast();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const failures = useQuery({ ...trpc.changes.failures.queryOptions(), refetchInterval: FAILURES_POLL_MS });
  const discard = useMutation(
    trpc.changes.discard.mutationOptions({
      onSuccess: () => {
        toast.show('success', t('failures.discarded'));
        void queryClient.invalidateQueries({ queryKey: trpc.changes.failures.queryKey() });
        void queryClient.invalidateQueries({ queryKey: trpc.history.list.queryKey() });
      },
      onError: (err) => toast.show('error', t('failures.discardFailed', { message: errorMessage(err) })),
    }),
  );
  return (
    <FailureBanner
      failures={failures.data ?? []}
      busy={discard.isPending}
      onDiscard={(outboxId) => discard.mutate({ outboxId })}
    />
  );
}
