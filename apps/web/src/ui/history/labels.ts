// Admin changes in words (docs/api.md, the outbox change kinds): shared by the failed-change banner and the
// History page, so both name a change the same way.
import type { MessageKey } from '../i18n/dict';
import type { Translate } from '../i18n/i18n';

const KINDS = [
  'group.created',
  'group.updated',
  'group.toggled',
  'group.deleted',
  'member.added',
  'member.updated',
  'member.toggled',
  'member.deleted',
  'settings.updated',
] as const;

/** "Link M1 → S1 settings changed"; a kind this UI does not know is named as it is stored. */
export function describeChange(
  c: { kind: string; tradeGroupId: string | null; slaveAccount: string | null },
  t: Translate,
): string {
  const known = (KINDS as readonly string[]).includes(c.kind);
  if (!known) return t('change.kind.unknown', { kind: c.kind });
  return t(`change.kind.${c.kind}` as MessageKey, {
    master: c.tradeGroupId ?? '–',
    slave: c.slaveAccount ?? '–',
  });
}

/** `/history` narrowed to a group or one link. */
export function historyHref(tradeGroupId: string | null, slaveAccount: string | null = null): string {
  const q = new URLSearchParams();
  if (tradeGroupId) q.set('group', tradeGroupId);
  if (slaveAccount) q.set('slave', slaveAccount);
  const s = q.toString();
  return s ? `/history?${s}` : '/history';
}
