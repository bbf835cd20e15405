import { clusterNames } from '@sankey/shared/cluster/names';
import { describe, expect, it } from 'vitest';
import { SubjectMasters } from './subject-master';

describe('SubjectMasters', () => {
  const names = clusterNames('c1');
  it('reads the master from a signal subject, an id with characters NATS refuses too', () => {
    const masters = new SubjectMasters(names);
    expect(masters.of(names.signalSubject('M1'))).toBe('M1');
    expect(masters.of(names.signalSubject('a.b *>'))).toBe('a.b *>');
    // Again: from what it remembered.
    expect(masters.of(names.signalSubject('a.b *>'))).toBe('a.b *>');
  });
  it("answers null for another cluster's or another kind of subject", () => {
    const masters = new SubjectMasters(names);
    expect(masters.of(clusterNames('c2').signalSubject('M1'))).toBeNull();
    expect(masters.of(names.syncSubject('M1', 'S1'))).toBeNull();
  });
});
