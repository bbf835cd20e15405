// Position snapshots are split into several frames so that none exceeds the EA's 4096-byte buffer (D3, D5).
// Each position is encoded once (per output symbol) and frames are assembled from those bytes, so a snapshot
// of n positions for m members costs n encodings plus byte copies, not O(n²) re-encodings per member.
import { encodePayload } from '@sankey/shared/protocol/codec';
import { MAX_OUTBOUND_FRAME_BYTES } from '@sankey/shared/protocol/constants';
import type { PositionInfo, PositionSnapshotMessage } from '@sankey/shared/protocol/messages';

/** The `positions` key as MessagePack writes it (fixstr of 9 bytes), then an empty / one-element array. */
const KEY = Buffer.from([0xa9, ...Buffer.from('positions')]);
const EMPTY = Buffer.concat([KEY, Buffer.from([0x90])]);
const ONE = Buffer.concat([KEY, Buffer.from([0x91])]);

const arrayHeader = (n: number): Buffer =>
  n <= 15 ? Buffer.from([0x90 | n]) : Buffer.from([0xdc, (n >> 8) & 0xff, n & 0xff]);

const encodeSnapshot = (msg: PositionSnapshotMessage) =>
  encodePayload({ type: 'PositionSnapshot', message: msg });

/** A snapshot message taken apart: the bytes around its positions array, and a cache of encoded positions. */
export class SnapshotEncoder {
  private readonly head: Buffer;
  private readonly tail: Buffer;
  private readonly items = new Map<PositionInfo, Buffer>();

  constructor(private readonly msg: PositionSnapshotMessage) {
    const empty = encodeSnapshot({ ...msg, positions: [] });
    const at = empty.indexOf(EMPTY);
    if (at < 0) throw new Error('snapshot encoding has no positions array');
    this.head = empty.subarray(0, at + KEY.length);
    this.tail = empty.subarray(at + EMPTY.length);
  }

  /** One position's MessagePack bytes (encoded on first use; pass the same object to hit the cache). */
  item(pos: PositionInfo): Buffer {
    let bytes = this.items.get(pos);
    if (!bytes) {
      const one = encodeSnapshot({ ...this.msg, positions: [pos] });
      const at = one.indexOf(ONE);
      bytes = Buffer.from(one.subarray(at + ONE.length, one.length - this.tail.length));
      this.items.set(pos, bytes);
    }
    return bytes;
  }

  /**
   * Frames for `topic` carrying `positions`, greedily packed in order, each ≤ 4096 bytes. An empty list is still
   * one frame (the slave learns "nothing to sync"). A position too large for a frame on its own is left out and
   * reported through `onTooLarge`; the others still go.
   */
  frames(
    topic: string,
    positions: readonly PositionInfo[],
    onTooLarge: (pos: PositionInfo) => void,
  ): Buffer[] {
    const topicBytes = Buffer.from(`${topic} `, 'utf8');
    const fixed = topicBytes.length + this.head.length + this.tail.length;
    const frames: Buffer[] = [];
    let batch: Buffer[] = [];
    let batchBytes = 0;
    const size = (n: number, bytes: number) => fixed + arrayHeader(n).length + bytes;
    const flush = () => {
      frames.push(Buffer.concat([topicBytes, this.head, arrayHeader(batch.length), ...batch, this.tail]));
      batch = [];
      batchBytes = 0;
    };
    for (const pos of positions) {
      const item = this.item(pos);
      if (size(1, item.length) > MAX_OUTBOUND_FRAME_BYTES) {
        onTooLarge(pos);
        continue;
      }
      if (size(batch.length + 1, batchBytes + item.length) > MAX_OUTBOUND_FRAME_BYTES) flush();
      batch.push(item);
      batchBytes += item.length;
    }
    if (batch.length > 0 || frames.length === 0) flush();
    return frames;
  }
}
