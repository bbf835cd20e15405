import { describe, expect, it } from 'vitest';
import { SignalSequencer } from './sequencer';

describe('SignalSequencer', () => {
  it('follows the clock while it moves forward and stays monotonic when it steps back', () => {
    let now = 1_000;
    const s = new SignalSequencer(new Map(), () => now);
    expect(s.next('M1')).toBe(1_000);
    expect(s.next('M1')).toBe(1_001);
    now = 5_000;
    expect(s.next('M1')).toBe(5_000);
    now = 10; // clock stepped back
    expect(s.next('M1')).toBe(5_001);
  });

  it('keeps masters independent and resumes after the journal’s last sequence number', () => {
    const s = new SignalSequencer(new Map([['M1', 9_000]]), () => 100);
    expect(s.next('M1')).toBe(9_001);
    expect(s.next('M2')).toBe(100);
  });
});
