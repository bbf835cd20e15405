import { describe, expect, it } from 'vitest';
import { OUTBOX_KINDS, parseOutboxRow } from './changes';

const row = (kind: string, tradeGroupId: string | null, slaveAccount: string | null, payload: unknown) => ({
  id: 7,
  kind,
  tradeGroupId,
  slaveAccount,
  payload,
  createdAt: new Date(0),
});

describe('outbox change contract', () => {
  it('lists the nine kinds of the spec', () => {
    expect(OUTBOX_KINDS).toEqual([
      'group.created',
      'group.updated',
      'group.toggled',
      'group.deleted',
      'member.added',
      'member.updated',
      'member.toggled',
      'member.deleted',
      'settings.updated',
    ]);
  });

  it('parses a member toggle with its key and payload', () => {
    const r = parseOutboxRow(row('member.toggled', 'M1', 'S1', { enabled: false }));
    expect(r).toEqual({
      ok: true,
      row: {
        id: 7,
        kind: 'member.toggled',
        tradeGroupId: 'M1',
        slaveAccount: 'S1',
        payload: { enabled: false },
        createdAt: new Date(0),
      },
    });
  });

  it('refuses an unknown kind, a missing key and a wrong payload, naming the problem', () => {
    const unknown = parseOutboxRow(row('member.renamed', 'M1', 'S1', {}));
    expect(unknown.ok).toBe(false);
    const noSlave = parseOutboxRow(row('member.deleted', 'M1', null, { groupDeleted: false }));
    expect(noSlave).toMatchObject({ ok: false, id: 7, kind: 'member.deleted' });
    if (!noSlave.ok) expect(noSlave.error).toContain('slaveAccount');
    const badPayload = parseOutboxRow(row('group.deleted', 'M1', null, { slaveAccounts: 'S1' }));
    expect(badPayload.ok).toBe(false);
    if (!badPayload.ok) expect(badPayload.error).toContain('payload.slaveAccounts');
    const extra = parseOutboxRow(row('group.created', 'M1', null, { configVersion: 1 }));
    expect(extra.ok).toBe(false);
  });
});
