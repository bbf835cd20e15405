// One outbox row applied to the core (docs/api.md, outbox): every branch reloads the current database state, so
// applying a row again (after a failure or a crash) is harmless. Throws when the row cannot be applied now.
import type { OutboxRow } from '@sankey/shared/api/changes';
import type { GlobalSettings } from '@sankey/shared/domain/settings';
import type { Logger } from '../core/ports';
import type { RelayCore } from '../core/relay-core';
import type { RelayStorage } from './storage';

export interface ApplyContext {
  storage: RelayStorage;
  core: RelayCore;
  log: Logger;
  /** Stored settings → effective settings (environment overrides, docs/architecture.md, Processes, ports and environment). */
  settings: (stored: GlobalSettings) => GlobalSettings;
}

export async function applyRow(ctx: ApplyContext, row: OutboxRow): Promise<void> {
  const { storage, core } = ctx;
  ctx.log.debug(
    { id: row.id, kind: row.kind, tradeGroupId: row.tradeGroupId, slaveAccount: row.slaveAccount },
    'outbox row',
  );
  switch (row.kind) {
    case 'group.created':
    case 'group.updated':
    case 'group.toggled': {
      const loaded = await storage.loadGroup(row.tradeGroupId);
      if (!loaded) return gone(ctx, row, 'group no longer exists');
      if (row.kind === 'group.created') core.applyGroupCreated(loaded.group, loaded.members);
      else if (row.kind === 'group.updated') core.applyGroupUpdated(loaded.group);
      else core.applyGroupToggled(loaded.group);
      return;
    }
    case 'group.deleted':
      return core.applyGroupDeleted(row.tradeGroupId, row.payload.slaveAccounts);
    case 'member.added':
    case 'member.updated':
    case 'member.toggled': {
      const member = await storage.loadMember(row.tradeGroupId, row.slaveAccount);
      const group = core.group(row.tradeGroupId) ?? (await storage.loadGroup(row.tradeGroupId))?.group;
      if (!member || !group) return gone(ctx, row, 'member no longer exists');
      return core.applyMemberChanged(group, member, row.kind);
    }
    case 'member.deleted':
      return core.applyMemberDeleted(row.tradeGroupId, row.slaveAccount, row.payload.groupDeleted);
    case 'settings.updated':
      return core.applyGlobalSettings(ctx.settings(await storage.loadGlobalSettings()));
  }
}

/** A group or member switched off: it takes effect even while an earlier change of its group is failing. */
export function isSwitchOff(row: OutboxRow): boolean {
  return (row.kind === 'group.toggled' || row.kind === 'member.toggled') && !row.payload.enabled;
}

/**
 * Applies a switch-off out of turn: the whole group as stored now (so it also carries whatever the failing
 * earlier change wrote), every config re-sent.
 */
export async function applySwitchOff(ctx: ApplyContext, row: OutboxRow): Promise<void> {
  if (row.tradeGroupId === null) return;
  const loaded = await ctx.storage.loadGroup(row.tradeGroupId);
  if (!loaded) return gone(ctx, row, 'group no longer exists');
  ctx.core.applyGroupReloaded(loaded.group, loaded.members);
}

/** The row's target was deleted by a later change (whose own row will follow): nothing to apply. */
function gone(ctx: ApplyContext, row: OutboxRow, why: string): void {
  ctx.log.info({ id: row.id, kind: row.kind, why }, 'outbox row has nothing left to apply');
}
