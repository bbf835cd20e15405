// Admin changes as the web app makes them: the change and its outbox row in one transaction, then a nudge.
// (The tRPC API does exactly this through its services; these tests exercise the relay's side of the contract.)
import { type Db, withTransaction } from '@sankey/db/client';
import { createRepositories } from '@sankey/db/repositories/index';
import type { NewMember } from '@sankey/db/repositories/members';
import type { GlobalSettingsUpdate, SlaveSettingsInput } from '@sankey/shared/domain/settings';

export function admin(db: Db, relayHttp: string, apiToken: string) {
  const repos = createRepositories(db);
  const nudge = () =>
    fetch(`${relayHttp}/internal/v1/outbox/nudge`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiToken}` },
    });
  /** Resolves when the relay has applied every outbox row (so a test's next step sees the change applied). */
  const applied = async () => {
    const deadline = Date.now() + 5000;
    while ((await repos.outbox.pending({ afterId: 0, limit: 1 })).length > 0) {
      if (Date.now() > deadline) throw new Error('the relay did not apply the outbox within 5 s');
      await new Promise((r) => setTimeout(r, 10));
    }
  };
  const write = async <T>(fn: Parameters<typeof withTransaction<T>>[1]) => {
    const out = await withTransaction(db, fn);
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
        members?: NewMember[];
      } = {},
    ) =>
      write(async (tx) => {
        const r = await repos.tradeGroups.create({ id, ...opts }, tx);
        await repos.outbox.append({ kind: 'group.created', tradeGroupId: id, payload: {} }, tx);
        return r;
      }),
    updateGroup: (id: string, affixes: { symbolPrefix?: string | null; symbolSuffix?: string | null }) =>
      write(async (tx) => {
        const g = await repos.tradeGroups.updateAffixes(id, affixes, tx);
        await repos.outbox.append({ kind: 'group.updated', tradeGroupId: id, payload: {} }, tx);
        return g;
      }),
    toggleGroup: (id: string, enabled: boolean) =>
      write(async (tx) => {
        const g = await repos.tradeGroups.setEnabled(id, enabled, tx);
        await repos.outbox.append({ kind: 'group.toggled', tradeGroupId: id, payload: { enabled } }, tx);
        return g;
      }),
    deleteGroup: (id: string) =>
      write(async (tx) => {
        const removed = await repos.tradeGroups.delete(id, tx);
        await repos.outbox.append(
          { kind: 'group.deleted', tradeGroupId: id, payload: { slaveAccounts: removed.slaveAccounts } },
          tx,
        );
      }),
    addMember: (group: string, slave: string, slaveSettings: SlaveSettingsInput = {}, enabled = true) =>
      write(async (tx) => {
        const m = await repos.members.add(group, { slaveAccount: slave, slaveSettings, enabled }, tx);
        await repos.outbox.append(
          { kind: 'member.added', tradeGroupId: group, slaveAccount: slave, payload: {} },
          tx,
        );
        return m;
      }),
    updateMember: (group: string, slave: string, slaveSettings: SlaveSettingsInput) =>
      write(async (tx) => {
        const m = await repos.members.updateSettings(group, slave, slaveSettings, tx);
        await repos.outbox.append(
          { kind: 'member.updated', tradeGroupId: group, slaveAccount: slave, payload: {} },
          tx,
        );
        return m;
      }),
    toggleMember: (group: string, slave: string, enabled: boolean) =>
      write(async (tx) => {
        const m = await repos.members.setEnabled(group, slave, enabled, tx);
        await repos.outbox.append(
          { kind: 'member.toggled', tradeGroupId: group, slaveAccount: slave, payload: { enabled } },
          tx,
        );
        return m;
      }),
    deleteMember: (group: string, slave: string) =>
      write(async (tx) => {
        await repos.members.delete(group, slave, tx);
        const left = await repos.members.countByGroup(group, tx);
        if (left === 0) await repos.tradeGroups.delete(group, tx);
        await repos.outbox.append(
          {
            kind: 'member.deleted',
            tradeGroupId: group,
            slaveAccount: slave,
            payload: { groupDeleted: left === 0 },
          },
          tx,
        );
      }),
    updateSettings: (patch: GlobalSettingsUpdate) =>
      write(async (tx) => {
        const s = await repos.globalSettings.update(patch, tx);
        await repos.outbox.append({ kind: 'settings.updated', payload: { changed: Object.keys(patch) } }, tx);
        return s;
      }),
  };
}
