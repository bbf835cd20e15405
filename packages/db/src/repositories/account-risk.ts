// Per-account risk state (docs/risk-controls.md, D22): a slave account's equity guard with its trading day, the
// day-start equity and a trip; a master account's close-only flag. Written by the relay only.
import { type EquityGuard, equityGuardSchema } from '@sankey/shared/domain/risk';
import type { DbClient } from '../client';

export type GuardTripReason = 'min_equity' | 'daily_loss';

export interface AccountRiskDto {
  accountId: string;
  /** Null when none is set, or when the stored one no longer validates (then `guardError` says why). */
  equityGuard: EquityGuard | null;
  guardError?: string;
  day: string | null;
  dayStartEquity: number | null;
  tripped: { reason: GuardTripReason; at: Date; equity: number } | null;
  masterCloseOnly: boolean;
}

interface Row {
  accountId: string;
  equityGuard: string | null;
  day: string | null;
  dayStartEquity: number | null;
  trippedReason: string | null;
  trippedAt: Date | null;
  trippedEquity: number | null;
  masterCloseOnly: boolean;
}

function toDto(r: Row): AccountRiskDto {
  const dto: AccountRiskDto = {
    accountId: r.accountId,
    equityGuard: null,
    day: r.day,
    dayStartEquity: r.dayStartEquity,
    tripped:
      r.trippedReason && r.trippedAt
        ? { reason: r.trippedReason as GuardTripReason, at: r.trippedAt, equity: r.trippedEquity ?? 0 }
        : null,
    masterCloseOnly: r.masterCloseOnly,
  };
  if (r.equityGuard !== null) {
    let json: unknown;
    try {
      json = JSON.parse(r.equityGuard);
    } catch {
      json = undefined;
    }
    const parsed = equityGuardSchema.safeParse(json);
    if (parsed.success) dto.equityGuard = parsed.data;
    else dto.guardError = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
  }
  return dto;
}

const noTrip = { trippedReason: null, trippedAt: null, trippedEquity: null };

export function createAccountRiskRepository(client: DbClient) {
  type Fields = Partial<Omit<Row, 'accountId'>>;
  const upsert = (accountId: string, data: Fields) =>
    client.accountRisk.upsert({ where: { accountId }, create: { accountId, ...data }, update: data });

  return {
    /** Every account with risk state, by account id. */
    async list(): Promise<AccountRiskDto[]> {
      const rows = await client.accountRisk.findMany({ orderBy: { accountId: 'asc' } });
      return rows.map(toDto);
    },

    async get(accountId: string): Promise<AccountRiskDto | null> {
      const row = await client.accountRisk.findUnique({ where: { accountId } });
      return row ? toDto(row) : null;
    },

    /**
     * Sets (validated) or removes the account's equity guard. Removing it also forgets its day and trip; setting
     * it keeps them (a changed limit is judged against the same day-start equity).
     */
    async setGuard(accountId: string, guard: EquityGuard | null): Promise<void> {
      if (guard === null) {
        await upsert(accountId, { equityGuard: null, day: null, dayStartEquity: null, ...noTrip });
        return;
      }
      const valid = equityGuardSchema.parse(guard);
      await upsert(accountId, { equityGuard: JSON.stringify(valid) });
    },

    /** A new trading day or a new day-start equity (an operator reset measures the loss from then on). */
    async saveDayStart(accountId: string, day: string, equity: number | null): Promise<void> {
      await upsert(accountId, { day, dayStartEquity: equity });
    },

    /** A trip (null: cleared by a reset or the day start). */
    async saveTrip(
      accountId: string,
      tripped: { reason: GuardTripReason; at: Date; equity: number } | null,
    ): Promise<void> {
      await upsert(
        accountId,
        tripped
          ? { trippedReason: tripped.reason, trippedAt: tripped.at, trippedEquity: tripped.equity }
          : noTrip,
      );
    },

    async setMasterCloseOnly(accountId: string, on: boolean): Promise<void> {
      await upsert(accountId, { masterCloseOnly: on });
    },
  };
}

export type AccountRiskRepository = ReturnType<typeof createAccountRiskRepository>;
