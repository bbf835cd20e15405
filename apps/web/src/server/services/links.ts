// A link is a master → slave member (docs/api.md, `links.create`): the master's group when it has none yet, the
// member, and their outbox rows, all in one transaction, so the wizard makes one call and a failure leaves
// nothing half-created. The validations are those of tradeGroups.create and members.add.
import type { createLinkInputSchema } from '@sankey/shared/api/inputs';
import type { LinkCreated } from '@sankey/shared/api/views';
import type { z } from 'zod';
import { AppError, fromDbError } from '../errors';
import type { Repos, TradeGroupDto } from '../store';
import { assertConfigFits } from './config-size';
import { commit, type ServiceDeps } from './deps';
import { assertIsolatable, assertNotSelfLink, checkNewLinks } from './link-rules';
import { indexEvaluations, memberView, tradeGroupView } from './views';

export type CreateLink = z.output<typeof createLinkInputSchema>;

const affixesDiffer = (g: TradeGroupDto, m: { symbolPrefix: string | null; symbolSuffix: string | null }) =>
  g.symbolPrefix !== m.symbolPrefix || g.symbolSuffix !== m.symbolSuffix;

/** Writes the group when missing, or its changed affixes; returns it with the outbox row id if one was written. */
async function writeGroup(
  repos: Repos,
  input: CreateLink,
): Promise<{ group: TradeGroupDto; created: boolean; outboxId?: number }> {
  const id = input.masterAccount;
  const master = input.masterSettings;
  const existing = await repos.tradeGroups.get(id);
  if (!existing) {
    const { group } = await repos.tradeGroups
      .create({
        id,
        enabled: master?.enabled ?? false,
        symbolPrefix: master?.symbolPrefix ?? null,
        symbolSuffix: master?.symbolSuffix ?? null,
        delivery: master?.delivery ?? 'shared',
      })
      .catch((err: unknown) =>
        fromDbError(err, {
          notFound: `trade group ${id} not found`,
          conflict: `trade group ${id} already exists`,
        }),
      );
    const row = await repos.outbox.append({ kind: 'group.created', tradeGroupId: id, payload: {} });
    return { group, created: true, outboxId: row.id };
  }
  if (!master || !affixesDiffer(existing, master)) return { group: existing, created: false };
  const { symbolPrefix, symbolSuffix } = master;
  const group = await repos.tradeGroups.updateAffixes(id, { symbolPrefix, symbolSuffix });
  const row = await repos.outbox.append({ kind: 'group.updated', tradeGroupId: id, payload: {} });
  return { group, created: false, outboxId: row.id };
}

export function createLinkService(deps: ServiceDeps) {
  return {
    /**
     * BAD_REQUEST when master = slave or the config is too large; CONFLICT when the slave is already linked or
     * the link would close a copy cycle (D16).
     */
    async create(input: CreateLink): Promise<LinkCreated> {
      const { masterAccount: g, slaveAccount: s } = input;
      assertNotSelfLink('slaveAccount', g, s);
      if (input.slaveSettings) assertConfigFits('slaveSettings', s, g, input.slaveSettings);
      const conflict = `member ${s} of trade group ${g} already exists`;
      const written = await commit(deps, async (repos) => {
        const links = await repos.members.listLinks();
        if (links.some((l) => l.tradeGroupId === g && l.slaveAccount === s)) {
          throw new AppError('CONFLICT', conflict);
        }
        const warnings = checkNewLinks(links, g, [{ field: 'slaveAccount', slave: s }]);
        const group = await writeGroup(repos, input);
        if (group.group.delivery === 'isolated') {
          assertIsolatable('slaveAccount', [s], links, g);
          if (input.slaveSettings) assertConfigFits('slaveSettings', s, g, input.slaveSettings, 'isolated');
        }
        const member = await repos.members
          .add(g, {
            slaveAccount: s,
            ...(input.slaveSettings && { slaveSettings: input.slaveSettings }),
            enabled: input.enabled ?? false,
          })
          .catch((err: unknown) => fromDbError(err, { notFound: `trade group ${g} not found`, conflict }));
        const row = await repos.outbox.append({
          kind: 'member.added',
          tradeGroupId: g,
          slaveAccount: s,
          payload: {},
        });
        return { group, member, memberOutboxId: row.id, warnings };
      });
      const evals = indexEvaluations(await deps.relay.evaluations({ group: g, slave: s }));
      const { group, created, outboxId } = written.group;
      return {
        group: { ...tradeGroupView(group, evals), ...(outboxId !== undefined && { outboxId }) },
        member: { ...memberView(written.member, evals), outboxId: written.memberOutboxId },
        groupCreated: created,
        warnings: written.warnings,
      };
    },
  };
}

export type LinkService = ReturnType<typeof createLinkService>;
