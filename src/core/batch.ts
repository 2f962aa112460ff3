import { type RowKind, ROW_KIND_SHORT } from './row-kind.js';
import type { Row } from './values.js';

/**
 * A batch of changes: parallel arrays of kinds and rows. The unit every operator takes
 * and returns. Batches are append-only while being built and read-only once handed on;
 * rows inside are shared, never mutated.
 */
export class ChangeBatch {
  readonly kinds: RowKind[];
  readonly rows: Row[];

  constructor(kinds: RowKind[] = [], rows: Row[] = []) {
    this.kinds = kinds;
    this.rows = rows;
  }

  get length(): number {
    return this.rows.length;
  }

  push(kind: RowKind, row: Row): void {
    this.kinds.push(kind);
    this.rows.push(row);
  }

  /** Appends every change of `other`. */
  append(other: ChangeBatch): void {
    for (let i = 0; i < other.rows.length; i++) {
      this.kinds.push(other.kinds[i]!);
      this.rows.push(other.rows[i]!);
    }
  }

  static of(...changes: [RowKind, Row][]): ChangeBatch {
    const b = new ChangeBatch();
    for (const [k, r] of changes) b.push(k, r);
    return b;
  }

  /** Debug text, one change per line: `+I[1, beijing]`. */
  toString(): string {
    const lines: string[] = [];
    for (let i = 0; i < this.rows.length; i++) {
      lines.push(`${ROW_KIND_SHORT[this.kinds[i]!]}[${this.rows[i]!.map((v) => (v === null ? 'null' : String(v))).join(', ')}]`);
    }
    return lines.join('\n');
  }
}
