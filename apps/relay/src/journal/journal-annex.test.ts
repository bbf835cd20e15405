// The journal's annex (cluster mode, docs/cluster.md, Trades page across relays): rows are only buffered on the
// signal path, written in batches, kept while the database is down, bounded, and counted in the journal's backlog.
import { describe, expect, it } from 'vitest';
import type { JournalAnnexEntry, RelayStorage } from '../outbox/storage';
import { SignalJournal } from './journal';

const log = { debug() {}, info() {}, warn() {}, error() {} };

function journal(maxBuffered = 10) {
  const written: JournalAnnexEntry[][] = [];
  const db = { down: false };
  const storage = {
    async appendJournalAnnex(rows: JournalAnnexEntry[]) {
      if (db.down) throw Object.assign(new Error('connection refused'), { code: 'ECONNREFUSED' });
      written.push(rows);
    },
    async appendJournal() {},
  } as unknown as RelayStorage;
  const j = new SignalJournal(storage, new Map(), () => Date.parse('2026-06-01T12:00:00Z'), log, {
    flushEveryMs: 60_000,
    maxBuffered,
    retentionDays: 30,
  });
  return { j, written, db };
}

describe('journal annex', () => {
  it('buffers the rows, keeps them while the database is down and writes them in one batch after', async () => {
    const { j, written, db } = journal();
    db.down = true;
    j.annex('M1', 7, 'relay-b', { SB: 'symbol_not_allowed' });
    j.annex('M1', 8, 'relay-b', { SB: 'symbol_not_allowed', SC: 'lots_below_min' });
    expect(j.unwritten).toBe(2);
    await j.flush();
    expect(written).toEqual([]);
    expect(j.unwritten).toBe(2);
    db.down = false;
    await j.flush();
    expect(written).toEqual([
      [
        {
          masterAccount: 'M1',
          seq: 7,
          relayId: 'relay-b',
          receivedAt: new Date('2026-06-01T12:00:00Z'),
          filteredBy: { SB: 'symbol_not_allowed' },
        },
        expect.objectContaining({ seq: 8, filteredBy: { SB: 'symbol_not_allowed', SC: 'lots_below_min' } }),
      ],
    ]);
    expect(j.unwritten).toBe(0);
  });

  it('drops the oldest rows past its bound, counted with the journal', async () => {
    const { j, written, db } = journal(2);
    db.down = true;
    for (let seq = 1; seq <= 5; seq++) j.annex('M1', seq, 'relay-b', { SB: 'magic_blocked' });
    expect(j.dropped).toBe(3);
    db.down = false;
    await j.close();
    expect(written.flat().map((r) => r.seq)).toEqual([4, 5]);
  });
});
