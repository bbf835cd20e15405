// Trade groups (docs/api.md, Procedures, docs/protocol.md §7.4): validation, server-owned config versions (D8), the dual
// write of change + outbox row, and views with the relay's live evaluation.
import type {
  createTradeGroupInputSchema,
  toggleTradeGroupInputSchema,
  updateTradeGroupInputSchema,
} from '@sankey/shared/api/inputs';
import type { TradeGroupView } from '@sankey/shared/api/views';
import type { z } from 'zod';
import { AppError, fromDbError } from '../errors';
import type { Repos } from '../store';
import { assertConfigFits } from './config-size';
import { commit, type ServiceDeps } from './deps';
import { assertIsolatable, assertNotSelfLink, checkNewLinks } from './link-rules';
import { indexEvaluations, tradeGroupView } from './views';

export type CreateTradeGroup = z.output<typeof createTradeGroupInputSchema>;
export type UpdateTradeGroup = z.output<typeof updateTradeGroupInputSchema>;
export type ToggleTradeGroup = z.output<typeof toggleTradeGroupInputSchema>;

const notFound = (id: string) => new AppError('NOT_FOUND', `trade group ${id} not found`);

export function createTradeGroupService(deps: ServiceDeps) {
  const { store, relay } = deps;
  // `list` needs every group; a single group's view only its own evaluation.
  const evaluations = async (group?: string) =>
    indexEvaluations(await relay.evaluations(group === undefined ? {} : { group }));

  return {
    /** Newest first. */
    async list(): Promise<TradeGroupView[]> {
      const [groups, evals] = await Promise.all([store.tradeGroups.list(), evaluations()]);
      return groups.map((g) => tradeGroupView(g, evals));
    },

    async get(id: string): Promise<TradeGroupView> {
      const [group, evals] = await Promise.all([store.tradeGroups.get(id), evaluations(id)]);
      if (!group) throw notFound(id);
      return tradeGroupView(group, evals);
    },

    /**
     * CONFLICT if the group exists or a member would close a copy cycle, BAD_REQUEST for the master as its own
     * member (D16); the group starts disabled unless `masterSettings.enabled`.
     */
    async create(input: CreateTradeGroup): Promise<TradeGroupView> {
      const members = input.members ?? [];
      const seen = new Map<string, number>();
      members.forEach((m, i) => {
        const first = seen.get(m.slaveAccount);
        if (first !== undefined) {
          throw new AppError(
            'BAD_REQUEST',
            `members[${i}].slaveAccount: ${m.slaveAccount} is already members[${first}]`,
          );
        }
        seen.set(m.slaveAccount, i);
        assertNotSelfLink(`members[${i}].slaveAccount`, input.id, m.slaveAccount);
        if (m.slaveSettings) {
          const field = `members[${i}].slaveSettings`;
          assertConfigFits(field, m.slaveAccount, input.id, m.slaveSettings, input.masterSettings?.delivery);
        }
      });
      const master = input.masterSettings;
      const { group, outboxId, warnings } = await commit(deps, async (repos) => {
        if (await repos.tradeGroups.get(input.id)) {
          throw new AppError('CONFLICT', `trade group ${input.id} already exists`);
        }
        const links = await repos.members.listLinks();
        const warnings = checkNewLinks(
          links,
          input.id,
          members.map((m, i) => ({ field: `members[${i}].slaveAccount`, slave: m.slaveAccount })),
        );
        if (master?.delivery === 'isolated') {
          const slaves = members.map((m) => m.slaveAccount);
          assertIsolatable('masterSettings.delivery', slaves, links, input.id);
        }
        const created = await repos.tradeGroups
          .create({
            id: input.id,
            enabled: master?.enabled ?? false,
            symbolPrefix: master?.symbolPrefix ?? null,
            symbolSuffix: master?.symbolSuffix ?? null,
            delivery: master?.delivery ?? 'shared',
            members: members.map((m) => ({
              slaveAccount: m.slaveAccount,
              ...(m.slaveSettings && { slaveSettings: m.slaveSettings }),
              enabled: m.enabled ?? false,
            })),
          })
          .catch((err: unknown) =>
            fromDbError(err, {
              notFound: `trade group ${input.id} not found`,
              conflict: `trade group ${input.id} already exists`,
            }),
          );
        const row = await repos.outbox.append({ kind: 'group.created', tradeGroupId: input.id, payload: {} });
        return { group: created.group, outboxId: row.id, warnings };
      });
      return { ...tradeGroupView(group, await evaluations(input.id)), outboxId, warnings };
    },

    /**
     * Changes the master's symbol affixes and delivery mode (never `enabled`); bumps configVersion; the master
     * config is re-sent, and a new delivery mode switches every member (docs/protocol.md D23).
     */
    async update(input: UpdateTradeGroup): Promise<TradeGroupView> {
      const { group, outboxId } = await commit(deps, async (repos) => {
        const before = await repos.tradeGroups.get(input.id);
        if (!before) throw notFound(input.id);
        if (input.masterSettings.delivery === 'isolated' && before.delivery !== 'isolated') {
          await assertGroupIsolatable(repos, input.id);
        }
        const updated = await repos.tradeGroups
          .updateAffixes(input.id, input.masterSettings)
          .catch((err: unknown) => fromDbError(err, { notFound: notFound(input.id).message, conflict: '' }));
        const row = await repos.outbox.append({ kind: 'group.updated', tradeGroupId: input.id, payload: {} });
        return { group: updated, outboxId: row.id };
      });
      return { ...tradeGroupView(group, await evaluations(input.id)), outboxId };
    },

    /** Sets `enabled`; bumps configVersion; master and all member configs are re-sent. */
    async toggle(input: ToggleTradeGroup): Promise<TradeGroupView> {
      const { group, outboxId } = await commit(deps, async (repos) => {
        if (!(await repos.tradeGroups.get(input.id))) throw notFound(input.id);
        const updated = await repos.tradeGroups
          .setEnabled(input.id, input.enabled)
          .catch((err: unknown) => fromDbError(err, { notFound: notFound(input.id).message, conflict: '' }));
        const row = await repos.outbox.append({
          kind: 'group.toggled',
          tradeGroupId: input.id,
          payload: { enabled: updated.enabled },
        });
        return { group: updated, outboxId: row.id };
      });
      return { ...tradeGroupView(group, await evaluations(input.id)), outboxId };
    },

    /**
     * Deletes the group and its members. The outbox payload carries the slave accounts, which the relay needs to
     * send their -1 configs after the rows are gone (D13).
     */
    async delete(id: string): Promise<{ ok: true; outboxId: number }> {
      const outboxId = await commit(deps, async (repos) => {
        if (!(await repos.tradeGroups.get(id))) throw notFound(id);
        const { slaveAccounts } = await repos.tradeGroups
          .delete(id)
          .catch((err: unknown) => fromDbError(err, { notFound: notFound(id).message, conflict: '' }));
        const row = await repos.outbox.append({
          kind: 'group.deleted',
          tradeGroupId: id,
          payload: { slaveAccounts },
        });
        return row.id;
      });
      return { ok: true, outboxId };
    },
  };
}

export type TradeGroupService = ReturnType<typeof createTradeGroupService>;

/** Before a group goes isolated: no member id may be a byte prefix of a linked id, every config must still fit. */
async function assertGroupIsolatable(repos: Repos, id: string): Promise<void> {
  const [links, members] = await Promise.all([repos.members.listLinks(), repos.members.listByGroup(id)]);
  const slaves = members.map((m) => m.slaveAccount);
  assertIsolatable('masterSettings.delivery', slaves, links, id);
  for (const m of members) {
    assertConfigFits('masterSettings.delivery', m.slaveAccount, id, m.slaveSettings, 'isolated');
  }
}
