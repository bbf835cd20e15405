import { expect, it } from 'vitest';
import { describeEachDb } from '../testing/databases';
import { createAccountRiskRepository } from './account-risk';

describeEachDb('account risk', (ctx) => {
  const repo = () => createAccountRiskRepository(ctx.db);
  const guard = {
    minEquity: 900,
    dailyLoss: { kind: 'percent' as const, value: 5 },
    dayStartHour: 7,
    timeZone: 'Europe/London',
    closeAll: false,
  };

  it('stores a guard, its day start and a trip, clears the trip, and forgets all with the guard', async () => {
    await repo().setGuard('S1', guard);
    await repo().saveDayStart('S1', '2026-03-02', 10_000);
    const at = new Date('2026-03-02T10:00:00Z');
    await repo().saveTrip('S1', { reason: 'daily_loss', at, equity: 9_490 });
    expect(await repo().get('S1')).toEqual({
      accountId: 'S1',
      equityGuard: guard,
      day: '2026-03-02',
      dayStartEquity: 10_000,
      tripped: { reason: 'daily_loss', at, equity: 9_490 },
      masterCloseOnly: false,
    });
    // A changed limit keeps the day and the trip.
    await repo().setGuard('S1', { ...guard, minEquity: null });
    expect((await repo().get('S1'))?.tripped?.reason).toBe('daily_loss');
    await repo().saveTrip('S1', null);
    expect((await repo().get('S1'))?.tripped).toBeNull();
    await repo().setGuard('S1', null);
    expect(await repo().get('S1')).toMatchObject({ equityGuard: null, day: null, dayStartEquity: null });
  });

  it('keeps the master close-only flag apart from a guard, and lists accounts in id order', async () => {
    await repo().setMasterCloseOnly('M1', true);
    await repo().setGuard('A1', guard);
    const mine = (await repo().list()).filter((r) => r.accountId === 'A1' || r.accountId === 'M1');
    expect(mine.map((r) => [r.accountId, r.masterCloseOnly, r.equityGuard !== null])).toEqual([
      ['A1', false, true],
      ['M1', true, false],
    ]);
    await repo().setMasterCloseOnly('M1', false);
    expect((await repo().get('M1'))?.masterCloseOnly).toBe(false);
  });

  it('refuses an invalid guard on write and reports a stored one that no longer validates', async () => {
    await expect(repo().setGuard('S2', { ...guard, dayStartHour: 24 })).rejects.toThrow();
    await ctx.db.accountRisk.create({ data: { accountId: 'S3', equityGuard: '{"minEquity":-1}' } });
    const row = await repo().get('S3');
    expect(row?.equityGuard).toBeNull();
    expect(row?.guardError).toMatch(/minEquity/);
  });
});
