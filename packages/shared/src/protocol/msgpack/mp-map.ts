// A parsed MessagePack map's entries (reader.ts), with the lookups the schema makes (schema.ts).
import type { MpNode } from './reader';

/** Entries up to which a map is searched by scanning its keys. */
const SMALL_MAP = 32;

/**
 * A map node's entries, in wire order. Lighter than a `Map` (one array sized from the header, no hash table grown
 * entry by entry; a heartbeat's 19 entries cost a `Map` ≈ 1.7 KB of garbage, 25,000 times a second): lookups scan
 * the keys, starting after the last hit, so reading the fields in wire order (as the schema does) finds each at the
 * first compare. Maps past SMALL_MAP entries also get a `Map` index, so a large hostile map stays linear.
 */
export class MpMap {
  /** key0, value0, key1, value1, … */
  private readonly items: (string | MpNode)[];
  private index: Map<string, number> | null = null;
  private next = 0;
  size = 0;

  constructor(capacity: number) {
    this.items = new Array(capacity * 2);
  }

  /** Adds an entry; false when the key is already there. */
  add(key: string, value: MpNode): boolean {
    if (this.index === null) {
      if (this.find(key) >= 0) return false;
      if (this.size === SMALL_MAP) {
        this.index = new Map();
        for (let i = 0; i < this.size; i++) this.index.set(this.items[2 * i] as string, i);
      }
    } else if (this.index.has(key)) return false;
    this.index?.set(key, this.size);
    this.items[2 * this.size] = key;
    this.items[2 * this.size + 1] = value;
    this.size++;
    return true;
  }

  get(key: string): MpNode | undefined {
    const i = this.index === null ? this.find(key) : (this.index.get(key) ?? -1);
    if (i < 0) return undefined;
    this.next = i + 1;
    return this.items[2 * i + 1] as MpNode;
  }

  private find(key: string): number {
    const n = this.size;
    for (let k = 0, i = this.next; k < n; k++, i++) {
      if (i >= n) i = 0;
      if (this.items[2 * i] === key) return i;
    }
    return -1;
  }
}
