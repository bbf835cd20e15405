// Position snapshots are split into several frames so that none exceeds the EA's 4096-byte buffer (D3, D5).
import { encodeOutbound } from '@sankey/shared/protocol/codec';
import { MAX_OUTBOUND_FRAME_BYTES } from '@sankey/shared/protocol/constants';
import type { PositionSnapshotMessage } from '@sankey/shared/protocol/messages';

const encode = (topic: string, msg: PositionSnapshotMessage) =>
  encodeOutbound(topic, { type: 'PositionSnapshot', message: msg });

/**
 * Greedy packing in the given order. An empty list is still one frame (the slave learns "nothing to sync").
 * A single position too large for a frame on its own is dropped by the caller's error path: it cannot occur
 * with the EA's own field limits.
 */
export function splitSnapshot(topic: string, msg: PositionSnapshotMessage): Buffer[] {
  const frames: Buffer[] = [];
  let batch: PositionSnapshotMessage['positions'] = [];
  let lastGood: Buffer = encode(topic, { ...msg, positions: [] });
  for (const pos of msg.positions) {
    const candidate = [...batch, pos];
    const size = sizeOf(topic, { ...msg, positions: candidate });
    if (size !== null) {
      batch = candidate;
      lastGood = encode(topic, { ...msg, positions: batch });
      continue;
    }
    if (batch.length > 0) frames.push(lastGood);
    batch = [pos];
    lastGood = encode(topic, { ...msg, positions: batch });
  }
  frames.push(lastGood);
  return frames;
}

function sizeOf(topic: string, msg: PositionSnapshotMessage): number | null {
  try {
    const n = encode(topic, msg).length;
    return n <= MAX_OUTBOUND_FRAME_BYTES ? n : null;
  } catch {
    return null;
  }
}
