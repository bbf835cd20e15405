import { describe, expect, it } from 'vitest';
import { type Outbound, OutboundBuffer } from './outbound-buffer';

const msg = (lane: string, action: Outbound['action'], n: number): Outbound => ({
  lane,
  subject: `s.${lane}`,
  msgId: `${lane}:${n}`,
  data: new Uint8Array(),
  action,
  headers: {},
});

describe('OutboundBuffer', () => {
  it('keeps each lane in order and removes only the published head', () => {
    const b = new OutboundBuffer(10);
    b.push(msg('M1', 'Open', 1));
    b.push(msg('M2', 'Open', 1));
    b.push(msg('M1', 'Close', 2));
    expect(b.waitingLanes()).toEqual(['M1', 'M2']);
    const h = b.head('M1')!;
    expect(h.msgId).toBe('M1:1');
    b.done('M1', h);
    expect(b.head('M1')!.msgId).toBe('M1:2');
    expect(b.depth).toBe(2);
  });

  it('drops the oldest Open first when full, then Modifies, and never a Close while another kind is there', () => {
    const b = new OutboundBuffer(3);
    b.push(msg('M1', 'Close', 1));
    b.push(msg('M1', 'Open', 2));
    b.push(msg('M2', 'Modify', 1));
    expect(b.push(msg('M2', 'Open', 2)).map((d) => d.msgId)).toEqual(['M1:2']);
    expect(b.push(msg('M2', 'Close', 3)).map((d) => d.msgId)).toEqual(['M2:2']);
    expect(b.push(msg('M3', 'Close', 1)).map((d) => d.msgId)).toEqual(['M2:1']);
    expect(b.depth).toBe(3);
    expect(b.push(msg('M3', 'Close', 2)).map((d) => d.msgId)).toEqual(['M1:1']);
  });

  it('ignores done() for an item evicted while it was being published', () => {
    const b = new OutboundBuffer(1);
    b.push(msg('M1', 'Open', 1));
    const h = b.head('M1')!;
    b.push(msg('M1', 'Close', 2));
    b.done('M1', h);
    expect(b.head('M1')!.msgId).toBe('M1:2');
    expect(b.depth).toBe(1);
  });
});
