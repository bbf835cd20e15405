// Members of a trade group (docs/api.md, Procedures, docs/protocol.md §7.3/§7.4). Deleting the last member deletes the
// group too, in the same transaction, and says so in the outbox payload (`groupDeleted`).

import { UnreadableMember } from '@sankey/db/errors';
import type {
  addMemberInputSchema,
  toggleMemberInputSchema,
  updateMemberInputSchema,
} from '@sankey/shared/api/inputs';
import type { MemberView } from '@sankey/shared/api/views';
import type { z } from 'zod';
import { AppError, fromDbError, fromUnreadableMember } from '../errors';
import type { Repos } from '../store';
import { assertConfigFits } from './config-size';
import { commit, type ServiceDeps } from './deps';
import { assertIsolatable, assertNotSelfLink, checkNewLinks } from './link-rules';
import { indexEvaluations, memberView } from './views';

export type AddMember = z.output<typeof addMemberInputSchema>;
export type UpdateMember = z.output<typeof updateMemberInputSchema>;
export type ToggleMember = z.output<typeof toggleMemberInputSchema>;
export interface MemberKey {
  tradeGroupId: string;
  slaveAccount: string;
}

const groupNotFound = (id: string) => new AppError('NOT_FOUND', `trade group ${id} not found`);
const memberNotFound = (k: MemberKey) =>
  new AppError('NOT_FOUND', `member ${k.slaveAccount} of trade group ${k.tradeGroupId} not found`);
const dbErrors = (k: MemberKey) => ({
  notFound: memberNotFound(k).message,
  conflict: `member ${k.slaveAccount} of trade group ${k.tradeGroupId} already exists`,
});

/**
 * NOT_FOUND naming the group when it is missing, else the member; CONFLICT explaining how to fix a member whose
 * stored settings do not parse.
 */
async function requireMember(repos: Repos, k: MemberKey) {
  const member = await repos.members.get(k.tradeGroupId, k.slaveAccount).catch(fromUnreadableMember);
  if (member) return member;
  if (!(await repos.tradeGroups.get(k.tradeGroupId))) throw groupNotFound(k.tradeGroupId);
  throw memberNotFound(k);
}

/**
 * Like requireMember, for changes that replace or remove the stored settings: a member whose settings do not
 * parse counts as present, so it can be repaired or deleted. Returns whether it was unreadable.
 */
async function requireReplaceableMember(repos: Repos, k: MemberKey): Promise<{ unreadable: boolean }> {
  try {
    if (await repos.members.get(k.tradeGroupId, k.slaveAccount)) return { unreadable: false };
  } catch (err) {
    if (err instanceof UnreadableMember) return { unreadable: true };
    throw err;
  }
  await requireMember(repos, k);
  return { unreadable: false };
}

export function createMemberService(deps: ServiceDeps) {
  const { store, relay } = deps;
  // One group's (list) or one member's evaluation: a view never needs the relay's whole state.
  const evaluations = async (group: string, slave?: string) =>
    indexEvaluations(await relay.evaluations({ group, ...(slave !== undefined && { slave }) }));

  return {
    /** In byte order of the slave account. NOT_FOUND if the group does not exist. */
    async list(tradeGroupId: string): Promise<MemberView[]> {
      const [group, members, evals] = await Promise.all([
        store.tradeGroups.get(tradeGroupId),
        store.members.listByGroup(tradeGroupId).catch(fromUnreadableMember),
        evaluations(tradeGroupId),
      ]);
      if (!group) throw groupNotFound(tradeGroupId);
      return members.map((m) => memberView(m, evals));
    },

    async get(k: MemberKey): Promise<MemberView> {
      const [member, evals] = await Promise.all([
        requireMember(store, k),
        evaluations(k.tradeGroupId, k.slaveAccount),
      ]);
      return memberView(member, evals);
    },

    /**
     * NOT_FOUND without the group; BAD_REQUEST for the master itself; CONFLICT if the slave is already a member
     * or the link would close a copy cycle (D16). Starts disabled unless `enabled`.
     */
    async add(input: AddMember): Promise<MemberView> {
      assertNotSelfLink('slaveAccount', input.tradeGroupId, input.slaveAccount);
      if (input.slaveSettings) {
        assertConfigFits('slaveSettings', input.slaveAccount, input.tradeGroupId, input.slaveSettings);
      }
      const { member, outboxId, warnings } = await commit(deps, async (repos) => {
        const group = await repos.tradeGroups.get(input.tradeGroupId);
        if (!group) throw groupNotFound(input.tradeGroupId);
        const links = await repos.members.listLinks();
        if (group.delivery === 'isolated') {
          assertIsolatable('slaveAccount', [input.slaveAccount], links, input.tradeGroupId);
          const settings = input.slaveSettings;
          if (settings)
            assertConfigFits('slaveSettings', input.slaveAccount, input.tradeGroupId, settings, 'isolated');
        }
        if (
          links.some((l) => l.tradeGroupId === input.tradeGroupId && l.slaveAccount === input.slaveAccount)
        ) {
          throw new AppError('CONFLICT', dbErrors(input).conflict);
        }
        const warnings = checkNewLinks(links, input.tradeGroupId, [
          { field: 'slaveAccount', slave: input.slaveAccount },
        ]);
        const added = await repos.members
          .add(input.tradeGroupId, {
            slaveAccount: input.slaveAccount,
            ...(input.slaveSettings && { slaveSettings: input.slaveSettings }),
            enabled: input.enabled ?? false,
          })
          .catch((err: unknown) => fromDbError(err, dbErrors(input)));
        const row = await repos.outbox.append({
          kind: 'member.added',
          tradeGroupId: input.tradeGroupId,
          slaveAccount: input.slaveAccount,
          payload: {},
        });
        return { member: added, outboxId: row.id, warnings };
      });
      return {
        ...memberView(member, await evaluations(input.tradeGroupId, input.slaveAccount)),
        outboxId,
        warnings,
      };
    },

    /**
     * Replaces the settings (never `enabled`) and bumps configVersion; that member's config is re-sent. Also
     * repairs a member whose stored settings do not parse.
     */
    async update(input: UpdateMember): Promise<MemberView> {
      assertConfigFits('slaveSettings', input.slaveAccount, input.tradeGroupId, input.slaveSettings);
      const { member, outboxId } = await commit(deps, async (repos) => {
        const { unreadable } = await requireReplaceableMember(repos, input);
        if (unreadable) deps.log.info(input, 'unreadable member settings overwritten');
        const updated = await repos.members
          .updateSettings(input.tradeGroupId, input.slaveAccount, input.slaveSettings)
          .catch((err: unknown) => fromDbError(err, dbErrors(input)));
        const row = await repos.outbox.append({
          kind: 'member.updated',
          tradeGroupId: input.tradeGroupId,
          slaveAccount: input.slaveAccount,
          payload: {},
        });
        return { member: updated, outboxId: row.id };
      });
      return { ...memberView(member, await evaluations(input.tradeGroupId, input.slaveAccount)), outboxId };
    },

    /** Sets `enabled` and bumps configVersion; that member's config is re-sent. */
    async toggle(input: ToggleMember): Promise<MemberView> {
      const { member, outboxId } = await commit(deps, async (repos) => {
        await requireMember(repos, input);
        const updated = await repos.members
          .setEnabled(input.tradeGroupId, input.slaveAccount, input.enabled)
          .catch((err: unknown) => fromDbError(err, dbErrors(input)));
        const row = await repos.outbox.append({
          kind: 'member.toggled',
          tradeGroupId: input.tradeGroupId,
          slaveAccount: input.slaveAccount,
          payload: { enabled: updated.enabled },
        });
        return { member: updated, outboxId: row.id };
      });
      return { ...memberView(member, await evaluations(input.tradeGroupId, input.slaveAccount)), outboxId };
    },

    /**
     * -1 config to the slave; when it was the last member, the group goes too (-1 master config). Also deletes
     * a member whose stored settings do not parse.
     */
    async delete(k: MemberKey): Promise<{ ok: true; outboxId: number }> {
      const outboxId = await commit(deps, async (repos) => {
        // Two deletes of a group's last two members must not both see the other one left (docs/api.md).
        await repos.tradeGroups.lockForChange(k.tradeGroupId);
        const { unreadable } = await requireReplaceableMember(repos, k);
        if (unreadable) deps.log.info({ ...k }, 'member with unreadable settings deleted');
        await repos.members
          .delete(k.tradeGroupId, k.slaveAccount)
          .catch((err: unknown) => fromDbError(err, dbErrors(k)));
        const groupDeleted = (await repos.members.countByGroup(k.tradeGroupId)) === 0;
        if (groupDeleted) await repos.tradeGroups.delete(k.tradeGroupId);
        const row = await repos.outbox.append({
          kind: 'member.deleted',
          tradeGroupId: k.tradeGroupId,
          slaveAccount: k.slaveAccount,
          payload: { groupDeleted },
        });
        return row.id;
      });
      return { ok: true, outboxId };
    },
  };
}

export type MemberService = ReturnType<typeof createMemberService>;
