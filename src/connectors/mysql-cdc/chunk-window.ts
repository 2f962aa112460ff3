import { compareValues, keyOf, type Key, type Row, type Value } from '../../core/values.js';

/**
 * One snapshot chunk being reconciled with the binlog between its watermarks (DBLog / Flink
 * CDC 2.x; docs/design/20261121_mysql-cdc.md). The chunk is the key range `(lower, upper]` of
 * table `tableIndex` (`lower` null: from the start of the table, NULL keys included; `upper`
 * null: to its end). It starts as the rows a SELECT returned (every change up to the low
 * watermark, maybe some later ones); `apply` replays, in binlog order, the changes after the
 * low watermark to keys in the range, as upserts and deletes by row identity (the primary
 * key), which is idempotent for changes the SELECT already saw. After every change up to the
 * high watermark, `rows()` is the range exactly as of the high watermark.
 *
 * Rows are in MySQL column order. `identity` null (a table without primary key, split by
 * `scan.incremental.snapshot.chunk.key-column`): rows cannot be reconciled by identity, so the
 * caller reads such chunks with no window between the watermarks (low = high) and `apply` is
 * never needed; it ignores changes.
 *
 * Memory: the chunk's rows (about the chunk size) plus rows inserted into its range meanwhile.
 */
export class ChunkWindow {
  readonly tableIndex: number;
  readonly #keyIndex: number;
  readonly #lower: { readonly value: Value } | null;
  readonly #upper: { readonly value: Value } | null;
  readonly #identity: readonly number[] | null;
  /** The rows by identity, built at the first change (most chunks see none). */
  #rows: Map<Key, Row> | null = null;
  /** The SELECT's rows, until the first change. */
  #plain: Row[];

  constructor(
    tableIndex: number,
    keyIndex: number,
    lower: { readonly value: Value } | null,
    upper: { readonly value: Value } | null,
    identity: readonly number[] | null,
    rows: readonly Row[],
  ) {
    this.tableIndex = tableIndex;
    this.#keyIndex = keyIndex;
    this.#lower = lower;
    this.#upper = upper;
    this.#identity = identity === null || identity.length === 0 ? null : identity;
    this.#plain = rows as Row[];
  }

  /** The rows by identity (built on first use: a Map over the SELECT's rows, in their order). */
  #byKey(): Map<Key, Row> {
    let m = this.#rows;
    if (m === null) {
      m = new Map();
      const identity = this.#identity!;
      const plain = this.#plain;
      for (let i = 0; i < plain.length; i++) m.set(keyOf(plain[i]!, identity), plain[i]!);
      this.#rows = m;
      this.#plain = [];
    }
    return m;
  }

  /** True when `row`'s chunk key is in `(lower, upper]`. */
  inRange(row: Row): boolean {
    const k = row[this.#keyIndex] ?? null;
    if (this.#lower !== null && (k === null || compareValues(k, this.#lower.value) <= 0)) return false;
    if (this.#upper !== null) {
      if (this.#upper.value === null) return k === null;
      if (k !== null && compareValues(k, this.#upper.value) > 0) return false;
    }
    return true;
  }

  /** A row inserted (or the after image of an update): set if in range. */
  upsert(row: Row): void {
    if (this.#identity === null || !this.inRange(row)) return;
    this.#byKey().set(keyOf(row, this.#identity), row);
  }

  /** A row deleted (or the before image of an update): removed if in range. */
  remove(row: Row): void {
    if (this.#identity === null || !this.inRange(row)) return;
    this.#byKey().delete(keyOf(row, this.#identity));
  }

  /**
   * A binlog rows event's rows: inserts and deletes one row each, updates as pairs
   * (before, after, before, after, …).
   */
  apply(op: 'insert' | 'update' | 'delete', rows: readonly Row[]): void {
    if (this.#identity === null) return;
    if (op === 'insert') for (let i = 0; i < rows.length; i++) this.upsert(rows[i]!);
    else if (op === 'delete') for (let i = 0; i < rows.length; i++) this.remove(rows[i]!);
    else
      for (let i = 0; i + 1 < rows.length; i += 2) {
        this.remove(rows[i]!);
        this.upsert(rows[i + 1]!);
      }
  }

  /** The chunk's rows now, in the SELECT's order followed by rows added since. */
  rows(): Row[] {
    if (this.#rows === null) return this.#plain;
    return Array.from(this.#rows.values());
  }
}
