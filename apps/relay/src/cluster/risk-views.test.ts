// The controls view of members whose slave is on another relay: that relay's answer replaces this relay's own
// computation (risk-views.ts, docs/cluster.md); a relay that did not answer leaves it.
import type { MemberControlsView } from '@sankey/shared/api/risk-views';
import { describe, expect, it } from 'vitest';
import { mergeControls } from './risk-views';

const positions = (slave: string, open: number, master = 'M1'): MemberControlsView => ({
  tradeGroupId: master,
  slaveAccount: slave,
  controls: [{ control: 'max_positions', closeOnly: open >= 2, open, max: 2 }],
});

describe('mergeControls', () => {
  const local = [positions('S_here', 1), positions('S_b', 0), positions('S_c', 0), positions('S_b', 0, 'M2')];
  const owners = new Map([
    ['S_b', 'relay-b'],
    ['S_c', 'relay-c'],
  ]);

  it('takes each remote slave’s members from its relay, tagged with it; keeps this relay’s own slaves', () => {
    const merged = mergeControls(
      local,
      owners,
      new Map([
        // relay-b answers both of S_b's members, and (wrongly) one of a slave it does not hold: ignored.
        ['relay-b', [positions('S_b', 2), positions('S_b', 1, 'M2'), positions('S_c', 9)]],
        ['relay-c', [positions('S_c', 1)]],
      ]),
    );
    expect(merged.map((m) => `${m.tradeGroupId}/${m.slaveAccount}@${m.relayId ?? '-'}`).sort()).toEqual([
      'M1/S_b@relay-b',
      'M1/S_c@relay-c',
      'M1/S_here@-',
      'M2/S_b@relay-b',
    ]);
    expect(merged.find((m) => m.slaveAccount === 'S_b' && m.tradeGroupId === 'M1')?.controls[0]).toEqual({
      control: 'max_positions',
      closeOnly: true,
      open: 2,
      max: 2,
    });
  });

  it('a member its relay no longer lists (no control set there) is gone; a silent relay leaves ours', () => {
    const merged = mergeControls(
      local,
      owners,
      new Map([
        ['relay-b', []],
        ['relay-c', null],
      ]),
    );
    expect(merged.map((m) => `${m.tradeGroupId}/${m.slaveAccount}@${m.relayId ?? '-'}`).sort()).toEqual([
      'M1/S_c@-',
      'M1/S_here@-',
    ]);
  });
});
