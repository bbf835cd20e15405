import { encodeInbound } from '@sankey/shared/protocol/codec';
import { describe, expect, it } from 'vitest';
import { heartbeat } from '../testing/core-harness';
import { InboundFrames } from './inbound';

function setup(handle: (type: string) => void = () => {}) {
  const types: string[] = [];
  const reasons: string[] = [];
  const warnings: unknown[] = [];
  const errors: unknown[] = [];
  const inbound = new InboundFrames(
    (msg) => handle(msg.type),
    { frameIn: (t) => types.push(t), decodeError: (r) => reasons.push(r) },
    { debug() {}, info() {}, warn: (o) => warnings.push(o), error: (o) => errors.push(o) },
  );
  return { inbound, types, reasons, warnings, errors };
}

describe('InboundFrames', () => {
  it('hands decoded messages to the core and counts them by type', () => {
    const handled: string[] = [];
    const t = setup((type) => handled.push(type));
    t.inbound.onFrame(encodeInbound(heartbeat('S1', 'Slave')), 0n);
    expect(handled).toEqual(['Heartbeat']);
    expect(t.types).toEqual(['Heartbeat']);
  });

  it('drops bad frames, counting every one but logging each reason once', () => {
    const t = setup();
    for (let i = 0; i < 5; i++) t.inbound.onFrame(Buffer.from([0xc1, i]), 0n);
    expect(t.types).toEqual(Array(5).fill('invalid'));
    expect(t.reasons).toHaveLength(5);
    expect(t.warnings).toHaveLength(1);
  });

  it('keeps going after a handler throws', () => {
    let calls = 0;
    const t = setup(() => {
      calls++;
      throw new Error('bug');
    });
    t.inbound.onFrame(encodeInbound(heartbeat('S1', 'Slave')), 0n);
    t.inbound.onFrame(encodeInbound(heartbeat('S2', 'Slave')), 0n);
    expect(calls).toBe(2);
    expect(t.errors).toHaveLength(2);
  });
});
