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

  /** An incremental packer for one member's frames on `topic` (positions added one at a time). */
  packer(topic: string): SnapshotPacker {
    return new SnapshotPacker(this, topic, this.head, this.tail);
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
    const packer = this.packer(topic);
    const frames: Buffer[] = [];
    for (const pos of positions) {
      const out = packer.add(pos);
      if (out === 'too_large') onTooLarge(pos);
      else if (out) frames.push(out);
    }
    const last = packer.finish();
    if (last) frames.push(last);
    return frames;
  }
}

/** Packs one member's positions into frames ≤ 4096 bytes as they come; each position's bytes come from the cache. */
export class SnapshotPacker {
  private readonly topicBytes: Buffer;
  private readonly fixed: number;
  private batch: Buffer[] = [];
  private batchBytes = 0;
  private emitted = 0;

  constructor(
    private readonly encoder: SnapshotEncoder,
    topic: string,
    private readonly head: Buffer,
    private readonly tail: Buffer,
  ) {
    this.topicBytes = Buffer.from(`${topic} `, 'utf8');
    this.fixed = this.topicBytes.length + head.length + tail.length;
  }

  private size(n: number, bytes: number): number {
    return this.fixed + arrayHeader(n).length + bytes;
  }

  private flush(): Buffer {
    const frame = Buffer.concat([
      this.topicBytes,
      this.head,
      arrayHeader(this.batch.length),
      ...this.batch,
      this.tail,
    ]);
    this.batch = [];
    this.batchBytes = 0;
    this.emitted++;
    return frame;
  }

  /** Adds a position; returns a frame that became full, `'too_large'` when the position fits no frame, else null. */
  add(pos: PositionInfo): Buffer | 'too_large' | null {
    const item = this.encoder.item(pos);
    if (this.size(1, item.length) > MAX_OUTBOUND_FRAME_BYTES) return 'too_large';
    let out: Buffer | null = null;
    if (this.size(this.batch.length + 1, this.batchBytes + item.length) > MAX_OUTBOUND_FRAME_BYTES) {
      out = this.flush();
    }
    this.batch.push(item);
    this.batchBytes += item.length;
    return out;
  }

  /** The last frame: what is left, or an empty snapshot when nothing was emitted at all. */
  finish(): Buffer | null {
    return this.batch.length > 0 || this.emitted === 0 ? this.flush() : null;
  }
}
