// Step-1 checks of the create-link wizard (docs/architecture.md, Create-link wizard): errors block "Next", warnings inform.
// Messages are returned as dictionary keys with parameters so they render in either language.
import type { EaConnection, MemberView } from '@sankey/shared/api/views';
import { findCopyCycle, formatCycle, prefixPeers } from '@sankey/shared/domain/links';
import { newAccountIdSchema } from '@sankey/shared/domain/settings';
import type { MessageKey, Params } from '../i18n/dict';

export interface Message {
  key: MessageKey;
  params?: Params;
}

export interface AccountCheck {
  errors: { master?: Message; slave?: Message };
  warnings: Message[];
}

function idError(id: string, requiredKey: MessageKey): Message | undefined {
  if (id.trim() === '') return { key: requiredKey };
  const r = newAccountIdSchema.safeParse(id);
  if (r.success) return undefined;
  // The API's rules (docs/protocol.md D16): the "global" prefix has its own message.
  return r.error.issues.some((i) => i.message.includes('"global"'))
    ? { key: 'form.err.globalPrefix' }
    : { key: 'form.err.accountId' };
}

function presence(
  id: string,
  eaType: 'Master' | 'Slave',
  connections: readonly EaConnection[],
): Message | null {
  const c = connections.find((x) => x.accountId === id && x.eaType === eaType);
  if (!c) return { key: 'wizard.warn.notFound', params: { id } };
  if (c.status === 'Timeout') return { key: 'wizard.warn.timeout', params: { id } };
  if (c.status !== 'Online') return { key: 'wizard.warn.offline', params: { id } };
  return null;
}

export function checkAccounts(input: {
  master: string;
  slave: string;
  connections: readonly EaConnection[];
  members: readonly MemberView[];
}): AccountCheck {
  const master = input.master.trim();
  const slave = input.slave.trim();
  const errors: AccountCheck['errors'] = {};
  const warnings: Message[] = [];
  const me = idError(master, 'wizard.err.masterRequired');
  const se = idError(slave, 'wizard.err.slaveRequired');
  if (me) errors.master = me;
  if (se) errors.slave = se;
  const links = input.members.map((m) => ({ master: m.tradeGroupId, slave: m.slaveAccount }));
  if (!me && !se) {
    const cycle = findCopyCycle(links, master, slave);
    if (master === slave) errors.slave = { key: 'wizard.err.same' };
    else if (cycle) errors.slave = { key: 'wizard.err.cycle', params: { cycle: formatCycle(cycle) } };
    const existing = input.members.find((m) => m.tradeGroupId === master && m.slaveAccount === slave);
    if (existing) errors.slave = { key: 'wizard.err.duplicate', params: { master, slave } };
  }
  if (!me) {
    const w = presence(master, 'Master', input.connections);
    if (w) warnings.push(w);
  }
  if (!se) {
    const w = presence(slave, 'Slave', input.connections);
    if (w) warnings.push(w);
  }
  if (!me && !se && master !== slave) {
    const linked = links.flatMap((l) => [l.master, l.slave]);
    for (const id of [master, slave]) {
      const peers = prefixPeers(id, [...linked, master === id ? slave : master]);
      if (peers.length > 0)
        warnings.push({ key: 'wizard.warn.prefix', params: { id, peers: peers.join(', ') } });
    }
  }
  return { errors, warnings };
}
