import type { TradeSignal } from '@sankey/shared/protocol/messages';
import { describe, expect, it } from 'vitest';
import { JournalTap } from './taps';

const sig = (ticket: number) => ({ source_account: 'M1', action: 'Open', ticket }) as unknown as TradeSignal;

/** A journal numbering 100, 101, … and remembering the number each signal was recorded with. */
function journal() {
  let next = 100;
  const recorded: [number, number][] = [];
  return {
    recorded,
    nextSeq: () => next++,
    record: (...a: unknown[]) => {
      const seq = (a[6] as number | undefined) ?? next++;
      recorded.push([(a[0] as TradeSignal).ticket as number, seq]);
      return seq;
    },
  };
}

describe('JournalTap', () => {
  it('records a signal sequenced early with the number it was published with, and tells nobody again', () => {
    const j = journal();
    const tap = new JournalTap(j);
    const told: number[] = [];
    tap.onSequenced = (_s, seq) => told.push(seq);
    const s1 = sig(1);
    expect(tap.sequenceEarly(s1)).toBe(100);
    tap.record(s1, 1, {});
    tap.endLocal();
    // Not sequenced early (its master had no members when it came): numbered when recorded, and told.
    tap.record(sig(2), 0, {});
    expect(j.recorded).toEqual([
      [1, 100],
      [2, 101],
    ]);
    expect(told).toEqual([101]);
  });

  it('drops an early number the engine never recorded, so the next signal is not recorded with it', () => {
    const j = journal();
    const tap = new JournalTap(j);
    tap.sequenceEarly(sig(1));
    tap.endLocal();
    tap.record(sig(2), 0, {});
    expect(j.recorded).toEqual([[2, 101]]);
  });
});
