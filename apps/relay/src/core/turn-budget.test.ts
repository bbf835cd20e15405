import { describe, expect, it } from 'vitest';
import { TurnBudget } from './turn-budget';

const turn = () => new Promise((r) => setImmediate(r));

describe('TurnBudget', () => {
  it('gives K units in a turn, then refuses until the next turn gives them back', async () => {
    let newTurns = 0;
    const budget = new TurnBudget(3, () => newTurns++);
    expect([budget.take(), budget.take(), budget.take(), budget.take()]).toEqual([true, true, true, false]);
    expect(newTurns).toBe(0);
    await turn();
    expect(newTurns).toBe(1);
    expect([budget.take(), budget.take(), budget.take(), budget.take()]).toEqual([true, true, true, false]);
  });

  it('calls onNewTurn once per turn that took any, and never while nothing is taken', async () => {
    let newTurns = 0;
    const budget = new TurnBudget(10, () => newTurns++);
    budget.take();
    budget.take();
    await turn();
    await turn();
    await turn();
    expect(newTurns).toBe(1);
    budget.take();
    await turn();
    expect(newTurns).toBe(2);
  });

  it('lets onNewTurn take from the fresh budget (what waited goes on, and the next reset is scheduled)', async () => {
    const handled: number[] = [];
    const waiting = Array.from({ length: 7 }, (_, i) => i + 1);
    const budget = new TurnBudget(3, () => {
      while (waiting.length > 0 && budget.take()) handled.push(waiting.shift()!);
    });
    while (waiting.length > 0 && budget.take()) handled.push(waiting.shift()!);
    expect(handled).toEqual([1, 2, 3]);
    await turn();
    expect(handled).toEqual([1, 2, 3, 4, 5, 6]);
    await turn();
    expect(handled).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('with an infinite budget never refuses', () => {
    const budget = new TurnBudget(Number.POSITIVE_INFINITY, () => {});
    for (let i = 0; i < 10_000; i++) expect(budget.take()).toBe(true);
  });
});
