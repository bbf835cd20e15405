// The Trades page (docs/api.md, trades.list / trades.get): one row per master ticket from the relay's signal
// journal, joined with the delivery ledger (what each copy became) and the journalled per-member filter reasons:
// the master's relay's, and in cluster mode the other relays' for their own slaves (the journal annex).

import type { Repositories } from '@sankey/db/repositories/index';
import type { SignalJournalDto } from '@sankey/db/repositories/signal-journal';
import type { TradesGetInput, TradesListInput } from '@sankey/shared/api/inputs';
import type { SlaveOutcomeView, TradesPage, TradeView } from '@sankey/shared/api/views';
import { compareUtf8 } from '@sankey/shared/domain/byte-order';
import { FILTER_REASONS, type FilterReason } from '@sankey/shared/protocol/constants';
import { AppError } from '../errors';

/** What the trades service reads: journal, its annex, ledger and members (all from packages/db). */
export interface TradeHistory {
  signalJournal: Pick<Repositories['signalJournal'], 'listOpens' | 'followUpsOf' | 'getOpen'>;
  signalAnnex: Pick<Repositories['signalAnnex'], 'forSignals'>;
  deliveryLedger: Pick<Repositories['deliveryLedger'], 'listForTickets'>;
  members: Pick<Repositories['members'], 'listBySlave' | 'listByGroup'>;
}

type LedgerRow = Awaited<ReturnType<TradeHistory['deliveryLedger']['listForTickets']>>[number];
/** Cluster mode: another relay's reasons for its own slaves on this Open (the journal annex). */
type AnnexRow = { filteredBy: Record<string, string> };

/** Journal entries read per database round trip, and at most per page (outcome filters may skip many). */
const BATCH = 200;
const MAX_SCAN = 5000;

const key = (master: string, ticket: string) => `${master}|${ticket}`;
const isReason = (r: unknown): r is FilterReason => FILTER_REASONS.includes(r as FilterReason);

interface Payload {
  signal?: { orderType?: unknown; lots?: unknown; closeRatio?: unknown };
  filtered?: Record<string, number>;
  filteredBy?: Record<string, string>;
  /** Slave → the alias its copy of the Open went out under (isolated delivery, D23). */
  via?: Record<string, string>;
  /** How many members had their slave on another relay (cluster): that relay copied or filtered them. */
  elsewhere?: number;
}

/** A Close for the whole position (docs/protocol.md §12.8: only close_ratio in (0, 1) is a partial close). */
function isFullClose(e: SignalJournalDto): boolean {
  if (e.action !== 'Close') return false;
  const r = (e.payload as Payload).signal?.closeRatio;
  return !(typeof r === 'number' && r > 0 && r < 1);
}

function ledgerOutcome(row: LedgerRow): SlaveOutcomeView {
  const outcome = row.state === 'parked' || row.state === 'dead_lettered' ? row.state : 'copied';
  return {
    slaveAccount: row.slaveAccount,
    outcome,
    reason: null,
    symbol: row.symbol,
    lots: row.lots,
    ledgerState: row.state,
    updatedAt: row.updatedAt.toISOString(),
  };
}

const bare = (slaveAccount: string, outcome: SlaveOutcomeView['outcome'], reason: FilterReason | null) => ({
  slaveAccount,
  outcome,
  reason,
  symbol: null,
  lots: null,
  ledgerState: null,
  updatedAt: null,
});

/**
 * Builds one trade from its Open entry, its ledger rows, its later signals and the master's current members; in
 * cluster mode also the annex rows of the relays that hold some of its slaves (their reasons come before the
 * master relay's, which only saw those slaves from afar).
 */
export function buildTrade(
  open: SignalJournalDto,
  ledger: readonly LedgerRow[],
  followUps: readonly SignalJournalDto[],
  currentMembers: readonly string[],
  annex: readonly AnnexRow[] = [],
): TradeView {
  const payload = open.payload as Payload;
  const slaves = new Map<string, SlaveOutcomeView>();
  for (const row of ledger) slaves.set(row.slaveAccount, ledgerOutcome(row));
  for (const reasons of [...annex.map((a) => a.filteredBy), payload.filteredBy ?? {}]) {
    for (const [slave, reason] of Object.entries(reasons)) {
      if (!slaves.has(slave)) slaves.set(slave, bare(slave, 'filtered', isReason(reason) ? reason : null));
    }
  }
  const filteredCount = Object.values(payload.filtered ?? {}).reduce((a, b) => a + b, 0);
  // Journalled before per-member reasons: a member without a copy may have been filtered, or not yet a member.
  // Likewise when some slaves were on another relay (cluster) that has not said (yet) what it did for them.
  const elsewhere = typeof payload.elsewhere === 'number' && payload.elsewhere > 0;
  const unnamed = (payload.filteredBy === undefined && filteredCount > 0) || elsewhere;
  for (const slave of currentMembers) {
    if (!slaves.has(slave)) slaves.set(slave, bare(slave, unnamed ? 'unknown' : 'not_member', null));
  }
  const close = followUps.find(isFullClose);
  const lots = payload.signal?.lots;
  const orderType = payload.signal?.orderType;
  for (const [slave, alias] of Object.entries(payload.via ?? {})) {
    const s = slaves.get(slave);
    if (s && typeof alias === 'string') slaves.set(slave, { ...s, via: alias });
  }
  const list = [...slaves.values()].sort((a, b) => compareUtf8(a.slaveAccount, b.slaveAccount));
  return {
    id: open.id,
    openedAt: open.receivedAt.toISOString(),
    masterAccount: open.masterAccount,
    ticket: open.ticket,
    symbol: open.symbol,
    orderType: typeof orderType === 'string' ? orderType : null,
    lots: typeof lots === 'number' ? lots : null,
    state: close ? 'closed' : 'open',
    closedAt: close ? close.receivedAt.toISOString() : null,
    copied: list.filter((s) => s.outcome === 'copied').length,
    filtered: list.filter((s) => s.outcome === 'filtered').length,
    slaves: list,
  };
}

export function createTradesService(history: TradeHistory) {
  const membersOf = async (masters: Iterable<string>) => {
    const out = new Map<string, string[]>();
    for (const m of new Set(masters)) {
      out.set(
        m,
        (await history.members.listByGroup(m)).map((x) => x.slaveAccount),
      );
    }
    return out;
  };

  /** Joins a batch of Open entries with their ledger rows, follow-ups, annex rows and current members. */
  async function build(opens: SignalJournalDto[]): Promise<TradeView[]> {
    const masters = [...new Set(opens.map((o) => o.masterAccount))];
    const tickets = [...new Set(opens.map((o) => o.ticket))];
    const [ledger, followUps, members, annex] = await Promise.all([
      history.deliveryLedger.listForTickets(masters, tickets),
      history.signalJournal.followUpsOf(masters, tickets),
      membersOf(masters),
      history.signalAnnex.forSignals(opens.map((o) => ({ masterAccount: o.masterAccount, seq: o.seq }))),
    ]);
    const annexBy = new Map<string, AnnexRow[]>();
    for (const a of annex) {
      const k = key(a.masterAccount, String(a.seq));
      annexBy.set(k, [...(annexBy.get(k) ?? []), a]);
    }
    const ledgerBy = new Map<string, LedgerRow[]>();
    for (const r of ledger) {
      const k = key(r.masterAccount, r.ticket);
      ledgerBy.set(k, [...(ledgerBy.get(k) ?? []), r]);
    }
    return opens.map((o) => {
      const k = key(o.masterAccount, o.ticket);
      // Only signals after this Open belong to it (a ticket number could come back after a restart).
      const after = followUps.filter((f) => key(f.masterAccount, f.ticket) === k && f.id > o.id);
      const notes = annexBy.get(key(o.masterAccount, String(o.seq))) ?? [];
      return buildTrade(o, ledgerBy.get(k) ?? [], after, members.get(o.masterAccount) ?? [], notes);
    });
  }

  return {
    async list(input: TradesListInput = {}): Promise<TradesPage> {
      const q = input ?? {};
      const limit = q.limit ?? 50;
      let masterAccounts: string[] | undefined;
      if (q.account !== undefined) {
        const followed = await history.members.listBySlave(q.account);
        masterAccounts = [...new Set([q.account, ...followed.map((m) => m.tradeGroupId)])];
      }
      const trades: TradeView[] = [];
      let cursor = q.cursor;
      let scanned = 0;
      let exhausted = false;
      while (!exhausted && trades.length < limit && scanned < MAX_SCAN) {
        const want = q.outcome ? BATCH : limit - trades.length;
        const opens = await history.signalJournal.listOpens({
          ...(masterAccounts && { masterAccounts }),
          ...(q.symbol !== undefined && { symbol: q.symbol }),
          ...(q.from !== undefined && { from: new Date(q.from) }),
          ...(q.to !== undefined && { to: new Date(q.to) }),
          ...(cursor !== undefined && { beforeId: cursor }),
          limit: want,
        });
        exhausted = opens.length < want;
        const built = await build(opens);
        let i = 0;
        for (; i < built.length && trades.length < limit; i++) {
          const t = built[i] as TradeView;
          scanned++;
          cursor = t.id;
          if (!q.outcome || t.slaves.some((s) => s.outcome === q.outcome)) trades.push(t);
        }
        if (i < built.length) exhausted = false;
      }
      return { trades, nextCursor: exhausted ? null : (cursor ?? null), scanned };
    },

    async get(input: TradesGetInput): Promise<TradeView> {
      const open = await history.signalJournal.getOpen(input.masterAccount, input.ticket);
      if (!open) {
        throw new AppError('NOT_FOUND', `ticket ${input.ticket} of master ${input.masterAccount} not found`);
      }
      const [trade] = await build([open]);
      if (!trade) throw new AppError('NOT_FOUND', `ticket ${input.ticket} not found`);
      return trade;
    },
  };
}

export type TradesService = ReturnType<typeof createTradesService>;
