/**
 * A set of strings that keeps 8 bytes per string, not the string: each member is stored as a
 * 64-bit digest (the first 8 bytes of its SHA-256) in an open-addressing table (linear probing, at
 * most 3/4 full, doubled when it would be fuller). `--resume` holds the targets a results file has
 * finished in one, so a resume of millions of targets costs 10.7 to 21.3 bytes a target (the
 * table's fill moves between 3/8 and 3/4), not the URL strings.
 *
 * Two different strings share a digest with probability 2^-64: with n members and m lookups of
 * strings that are not members, the chance that any lookup is wrongly answered "member" is at most
 * m·n / 2^64 (5.4e-8 for a million of each, 5.4e-6 for ten million). Members are never wrongly
 * answered "not a member".
 */
import { createHash } from 'node:crypto';

const MIN_SLOTS = 1024;
const MAX_FILL = 0.75;

/** The 64-bit digest of `s` as two 32-bit halves; never [0, 0] (that marks an empty slot). */
function digest(s: string): [number, number] {
  const d = createHash('sha256').update(s, 'utf8').digest();
  const hi = d.readUInt32LE(0);
  const lo = d.readUInt32LE(4);
  return hi === 0 && lo === 0 ? [0, 1] : [hi, lo];
}

export class DigestSet {
  /** Members stored. */
  size = 0;
  /** Slot i is [table[2i], table[2i + 1]]; [0, 0] is empty. */
  private table = new Uint32Array(2 * MIN_SLOTS);

  /** Bytes of the table (what the set costs, whatever the members' lengths). */
  get bytes(): number {
    return this.table.byteLength;
  }

  add(s: string): this {
    const [hi, lo] = digest(s);
    if (this.insert(hi, lo) && ++this.size > (this.table.length / 2) * MAX_FILL) this.grow();
    return this;
  }

  /** Whether `s` was added (wrongly true with probability at most size / 2^64). */
  has(s: string): boolean {
    const [hi, lo] = digest(s);
    const t = this.table;
    const mask = t.length / 2 - 1;
    for (let i = lo & mask; ; i = (i + 1) & mask) {
      const h = t[2 * i] as number;
      const l = t[2 * i + 1] as number;
      if (h === hi && l === lo) return true;
      if (h === 0 && l === 0) return false;
    }
  }

  /** Puts a digest in its slot; false when it is already there. */
  private insert(hi: number, lo: number): boolean {
    const t = this.table;
    const mask = t.length / 2 - 1;
    for (let i = lo & mask; ; i = (i + 1) & mask) {
      const h = t[2 * i] as number;
      const l = t[2 * i + 1] as number;
      if (h === hi && l === lo) return false;
      if (h === 0 && l === 0) {
        t[2 * i] = hi;
        t[2 * i + 1] = lo;
        return true;
      }
    }
  }

  private grow(): void {
    const old = this.table;
    this.table = new Uint32Array(old.length * 2);
    for (let i = 0; i < old.length; i += 2) {
      const hi = old[i] as number;
      const lo = old[i + 1] as number;
      if (hi !== 0 || lo !== 0) this.insert(hi, lo);
    }
  }
}
