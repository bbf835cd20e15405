'use client';
// Per-account risk state for the connections page (docs/risk-controls.md): the equity guards and master close-only
// flags from risk.list, refreshed every few seconds, and the reset of a tripped guard behind a confirmation. The
// dialog lives here, outside the graph (a fixed overlay inside a transformed graph node would be misplaced).
import type { AccountRiskView, MemberControlsView, MemberRiskStateView } from '@sankey/shared/api/risk-views';
import type { EquityGuard } from '@sankey/shared/domain/risk';
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { errorMessage, redirectIfUnauthorized } from '../../client/trpc';
import { useToast } from '../components/toast';
import { ConfirmDialog } from '../components/ui';
import { useI18n } from '../i18n/i18n';
import { useLiveActions } from '../live/live-provider';

export interface RiskContextValue {
  byAccount: ReadonlyMap<string, AccountRiskView>;
  /** Members under a control now, by slave account. */
  bySlave: ReadonlyMap<string, readonly MemberRiskStateView[]>;
  /** Every member with a control set (each control's state, until when, why), by slave account. */
  controlsBySlave: ReadonlyMap<string, readonly MemberControlsView[]>;
  askReset: (accountId: string) => void;
  setMasterCloseOnly: (accountId: string, closeOnly: boolean) => Promise<void>;
  /** Saves (guard) or removes (null) an account's equity guard; resolves with the server's message on refusal. */
  saveGuard: (accountId: string, guard: EquityGuard | null) => Promise<string | null>;
}

const RiskContext = createContext<RiskContextValue | null>(null);

/** The account's risk state; undefined outside a RiskProvider or when it has none. */
export function useAccountRisk(accountId: string): AccountRiskView | undefined {
  return useContext(RiskContext)?.byAccount.get(accountId);
}

/** The slave account's members under a control now (empty outside a RiskProvider). */
export function useSlaveRiskStates(slaveAccount: string): readonly MemberRiskStateView[] {
  return useContext(RiskContext)?.bySlave.get(slaveAccount) ?? [];
}

/** The slave account's members with a control set, each control with its state (empty outside a RiskProvider). */
export function useSlaveControls(slaveAccount: string): readonly MemberControlsView[] {
  return useContext(RiskContext)?.controlsBySlave.get(slaveAccount) ?? [];
}

function bySlave<T extends { slaveAccount: string }>(rows: readonly T[]): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const r of rows) out.set(r.slaveAccount, [...(out.get(r.slaveAccount) ?? []), r]);
  return out;
}

export function useRiskActions(): RiskContextValue | null {
  return useContext(RiskContext);
}

export function RiskProvider({ children, pollMs = 3000 }: { children: ReactNode; pollMs?: number }) {
  const { api } = useLiveActions();
  const { t } = useI18n();
  const toast = useToast();
  const [rows, setRows] = useState<readonly AccountRiskView[]>([]);
  const [memberRows, setMemberRows] = useState<readonly MemberRiskStateView[]>([]);
  const [controlRows, setControlRows] = useState<readonly MemberControlsView[]>([]);
  const [confirm, setConfirm] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const reload = useCallback(async () => {
    try {
      // null: the relay is unreachable; keep what was shown.
      const [list, members, controls] = await Promise.all([
        api.risk.list.query(),
        api.risk.members.query(),
        api.risk.controls.query(),
      ]);
      if (list) setRows(list);
      if (members) setMemberRows(members);
      if (controls) setControlRows(controls);
    } catch (err) {
      redirectIfUnauthorized(err);
    }
  }, [api]);

  useEffect(() => {
    void reload();
    const timer = setInterval(() => void reload(), pollMs);
    return () => clearInterval(timer);
  }, [reload, pollMs]);

  const reset = async () => {
    if (confirm === null) return;
    setBusy(true);
    try {
      await api.risk.resetGuard.mutate({ accountId: confirm });
      toast.show('success', t('risk.resetDone', { id: confirm }));
      setConfirm(null);
      await reload();
    } catch (err) {
      if (!redirectIfUnauthorized(err))
        toast.show('error', t('risk.resetFailed', { message: errorMessage(err) }));
    } finally {
      setBusy(false);
    }
  };

  const value = useMemo<RiskContextValue>(
    () => ({
      byAccount: new Map(rows.map((r) => [r.accountId, r])),
      bySlave: bySlave(memberRows),
      controlsBySlave: bySlave(controlRows),
      askReset: setConfirm,
      setMasterCloseOnly: async (accountId, closeOnly) => {
        try {
          await api.risk.setMasterCloseOnly.mutate({ accountId, closeOnly });
          await reload();
        } catch (err) {
          if (!redirectIfUnauthorized(err))
            toast.show('error', t('risk.closeOnlyFailed', { message: errorMessage(err) }));
        }
      },
      saveGuard: async (accountId, guard) => {
        try {
          if (guard) await api.risk.setGuard.mutate({ accountId, guard });
          else await api.risk.removeGuard.mutate({ accountId });
          toast.show('success', t(guard ? 'risk.guardSaved' : 'risk.guardRemoved', { id: accountId }));
          await reload();
          return null;
        } catch (err) {
          if (redirectIfUnauthorized(err)) return null;
          return errorMessage(err);
        }
      },
    }),
    [rows, memberRows, controlRows, api, reload, toast, t],
  );

  return (
    <RiskContext.Provider value={value}>
      {children}
      <ConfirmDialog
        open={confirm !== null}
        title={t('risk.resetTitle', { id: confirm ?? '' })}
        body={t('risk.resetBody')}
        confirmLabel={t('risk.reset')}
        busy={busy}
        onConfirm={() => void reset()}
        onCancel={() => setConfirm(null)}
      />
    </RiskContext.Provider>
  );
}
