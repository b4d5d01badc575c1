/**
 * The plain task ids of a restored engine, found without a string per id:
 * the ids as one text (as the snapshot had them) with each id's length, and
 * an open-addressing hash table of their places, made when a call first
 * names a task by id. A `Map` of 10^6 ids costs far more (a string and an
 * entry each, rehashes while it grows); this costs a pass over the text and
 * two typed arrays.
 *
 * @module
 */

import { idHash as hash } from './id-index.ts';

/**
 * The ids' text as a snapshot holds it — bytes, one per character (latin1) or
 * UTF-16LE when `wide` — decoded into a string only when a call first needs
 * an id (a host that drives a restored engine by handle never pays for it).
 */
export class IdText {
  private decoded: string | undefined;

  /** `view` gives the bytes (made again each time: they may live in memory that grows). */
  constructor(private readonly view: () => Uint8Array, readonly wide: boolean) {}

  get bytes(): Uint8Array {
    return this.view();
  }

  get text(): string {
    if (this.decoded === undefined) {
      const b = this.view();
      this.decoded = Buffer.from(b.buffer, b.byteOffset, b.length).toString(this.wide ? 'utf16le' : 'latin1');
    }
    return this.decoded;
  }
}

export class IdTable {
  /** Where id r starts in the text (r + 1: where it ends), made when first needed. */
  private startsOf: Int32Array | undefined;
  private slots: Int32Array | undefined;
  private mask = 0;
  private hashCount = 0;

  /**
   * `source` holds the ids one after the other, id r being `lengths[r]` code
   * units long; id r names task r when r < `lead`, else task `taskOf[r − lead]`.
   */
  constructor(private readonly source: IdText, private readonly lengths: Int32Array | Uint8Array, private readonly lead: number, private readonly taskOf: Int32Array) {}

  private get text(): string {
    return this.source.text;
  }

  private get starts(): Int32Array {
    if (this.startsOf !== undefined) return this.startsOf;
    const { lengths } = this;
    const n = lengths.length;
    const starts = new Int32Array(n + 1);
    for (let r = 0; r < n; r++) starts[r + 1] = starts[r]! + lengths[r]!;
    return (this.startsOf = starts);
  }

  /** Id r. */
  idAt(r: number): string {
    return this.text.slice(this.starts[r], this.starts[r + 1]);
  }

  /** How many of the ids contain '#'. */
  get withHash(): number {
    this.table();
    return this.hashCount;
  }

  /** The hash table (slot → r + 1, 0 empty), made when first needed. */
  private table(): Int32Array {
    if (this.slots !== undefined) return this.slots;
    const { starts, text } = this;
    const n = starts.length - 1;
    let size = 16;
    while (size < 2 * n) size *= 2;
    const slots = new Int32Array(size);
    const mask = size - 1;
    let withHash = 0;
    // The first '#' at or after the current id's start (−1: none left).
    let sharp = text.indexOf('#');
    for (let r = 0; r < n; r++) {
      const a = starts[r]!, b = starts[r + 1]!;
      let at = hash(text, a, b) & mask;
      while (slots[at] !== 0) at = (at + 1) & mask;
      slots[at] = r + 1;
      if (sharp >= 0 && sharp < a) sharp = text.indexOf('#', a);
      if (sharp >= 0 && sharp < b) withHash++;
    }
    this.mask = mask;
    this.hashCount = withHash;
    return (this.slots = slots);
  }

  /** The task of id `id`, or −1 when no id of the table is `id`. */
  find(id: string): number {
    const slots = this.table();
    const { starts, text, mask } = this;
    let at = hash(id, 0, id.length) & mask;
    for (;;) {
      const r = slots[at]! - 1;
      if (r < 0) return -1;
      const a = starts[r]!;
      if (starts[r + 1]! - a === id.length && text.startsWith(id, a)) return r < this.lead ? r : this.taskOf[r - this.lead]!;
      at = (at + 1) & mask;
    }
  }
}
