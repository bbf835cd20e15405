// Admin changes as the web app makes them: the change and its outbox row in one transaction, then a nudge.
// (The tRPC API does exactly this through its services; these tests exercise the relay's side of the contract.)

import type { Db } from '@sankey/db/client';
import {
  createRepositories,
  type Repositories,
  withRepositoriesTransaction,
} from '@sankey/db/repositories/index';
import type { NewMember } from '@sankey/db/repositories/members';
import type { DeliveryMode } from '@sankey/shared/domain/delivery';
import type { GlobalSettingsUpdate, SlaveSettingsInput } from '@sankey/shared/domain/settings';

export function admin(db: Db, relayHttp: string, apiToken: string) {
  const repos = createRepositories(db);
  // As the web app's: a nudge that fails (here once a reset keep-alive connection, 50 writers at once on a loaded
  // machine) only means the relay finds the row at its next poll, which `applied` below waits for.
  const nudge = () =>
    fetch(`${relayHttp}/internal/v1/outbox/nudge`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiToken}` },
    }).catch(() => undefined);
  /**
   * Resolves when the relay has applied every outbox row committed so far (so a test's next step sees the change
   * applied). Rows committed later by concurrent writers are not waited for: with 50 writers at once on SQLite, each
   * waiting for the whole table to drain made every writer wait for the slowest, and 5 s was not enough on a busy CI
   * machine. The deadline is generous; the relay's own apply time is measured in the bench, not here.
   */
  const applied = async () => {
    const upTo = await repos.outbox.latestId();
    const deadline = Date.now() + 20_000;
    while ((await repos.outbox.pendingIdsUpTo(upTo)).length > 0) {
      if (Date.now() > deadline)
        throw new Error(`the relay did not apply the outbox up to row ${upTo} within 20 s`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  const write = async <T>(fn: (tx: Repositories) => Promise<T>) => {
    const out = await withRepositoriesTransaction(db, fn);
    await nudge();
    await applied();
    return out;
  };
  return {
    repos,
    createGroup: (
      id: string,
      opts: {
        enabled?: boolean;
        symbolPrefix?: string | null;
        symbolSuffix?: string | null;
        delivery?: DeliveryMode;
        members?: NewMember[];
      } = {},
    ) =>
      write(async (tx) => {
        const r = await tx.tradeGroups.create({ id, ...opts });
        await tx.outbox.append({ kind: 'group.created', tradeGroupId: id, payload: {} });
        return r;
      }),
    updateGroup: (
      id: string,
      affixes: { symbolPrefix?: string | null; symbolSuffix?: string | null; delivery?: DeliveryMode },
    ) =>
      write(async (tx) => {
        const g = await tx.tradeGroups.updateAffixes(id, affixes);
        await tx.outbox.append({ kind: 'group.updated', tradeGroupId: id, payload: {} });
        return g;
      }),
    toggleGroup: (id: string, enabled: boolean) =>
      write(async (tx) => {
        const g = await tx.tradeGroups.setEnabled(id, enabled);
        await tx.outbox.append({ kind: 'group.toggled', tradeGroupId: id, payload: { enabled } });
        return g;
      }),
    deleteGroup: (id: string) =>
      write(async (tx) => {
        const removed = await tx.tradeGroups.delete(id);
        await tx.outbox.append({
          kind: 'group.deleted',
          tradeGroupId: id,
          payload: { slaveAccounts: removed.slaveAccounts },
        });
      }),
    addMember: (group: string, slave: string, slaveSettings: SlaveSettingsInput = {}, enabled = true) =>
      write(async (tx) => {
        const m = await tx.members.add(group, { slaveAccount: slave, slaveSettings, enabled });
        await tx.outbox.append({
          kind: 'member.added',
          tradeGroupId: group,
          slaveAccount: slave,
          payload: {},
        });
        return m;
      }),
    updateMember: (group: string, slave: string, slaveSettings: SlaveSettingsInput) =>
      write(async (tx) => {
        const m = await tx.members.updateSettings(group, slave, slaveSettings);
        await tx.outbox.append({
          kind: 'member.updated',
          tradeGroupId: group,
          slaveAccount: slave,
          payload: {},
        });
        return m;
      }),
    toggleMember: (group: string, slave: string, enabled: boolean) =>
      write(async (tx) => {
        const m = await tx.members.setEnabled(group, slave, enabled);
        await tx.outbox.append({
          kind: 'member.toggled',
          tradeGroupId: group,
          slaveAccount: slave,
          payload: { enabled },
        });
        return m;
      }),
    deleteMember: (group: string, slave: string) =>
      write(async (tx) => {
        await tx.members.delete(group, slave);
        const left = await tx.members.countByGroup(group);
        if (left === 0) await tx.tradeGroups.delete(group);
        await tx.outbox.append({
          kind: 'member.deleted',
          tradeGroupId: group,
          slaveAccount: slave,
          payload: { groupDeleted: left === 0 },
        });
      }),
    updateSettings: (patch: GlobalSettingsUpdate) =>
      write(async (tx) => {
        const s = await tx.globalSettings.update(patch);
        await tx.outbox.append({ kind: 'settings.updated', payload: { changed: Object.keys(patch) } });
        return s;
      }),
  };
}
