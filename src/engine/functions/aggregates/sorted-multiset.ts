import { compareValues, type Value } from '../../../core/values.js';

/** Largest chunk before it is split in two. */
const MAX_CHUNK = 256;

/**
 * A sorted multiset of non-NULL values (value → occurrence count), ordered by
 * `compareValues`: what MIN and MAX with retraction keep per group (Flink's
 * MinWithRetractAccumulator keeps a map value → count for the same reason: when the
 * current extreme is retracted, the next one must be known).
 *
 * Layout: a list of sorted chunks of at most 256 distinct values, each with a parallel
 * array of counts. With d distinct values:
 * - add or remove of a value already present: O(log d) comparisons;
 * - add of a new value or removal of a value's last occurrence: O(log d) comparisons plus
 *   moving at most 256 entries (and, rarely, splicing the chunk list: d / 256 entries);
 * - min and max: O(1).
 * A group with few distinct values has one small chunk.
 */
export class SortedMultiset {
  #vals: Value[][] = [];
  #cnts: number[][] = [];
  #distinct = 0;

  /** Number of distinct values. */
  get distinctSize(): number {
    return this.#distinct;
  }

  /** Index of the first chunk whose last value is ≥ v, or the number of chunks. */
  #chunkFor(v: Value): number {
    const vals = this.#vals;
    let lo = 0;
    let hi = vals.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const c = vals[mid]!;
      if (compareValues(c[c.length - 1]!, v) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Adds `times` occurrences of `v` (v non-NULL). */
  add(v: Value, times = 1): void {
    if (this.#vals.length === 0) {
      this.#vals.push([v]);
      this.#cnts.push([times]);
      this.#distinct = 1;
      return;
    }
    let ci = this.#chunkFor(v);
    if (ci === this.#vals.length) ci--;
    const vals = this.#vals[ci]!;
    const cnts = this.#cnts[ci]!;
    const j = lowerBound(vals, v);
    if (j < vals.length && compareValues(vals[j]!, v) === 0) {
      cnts[j]! += times;
      return;
    }
    // Insert at j, shifting the tail by one.
    let k = vals.length;
    vals.push(v);
    cnts.push(times);
    while (k > j) {
      vals[k] = vals[k - 1]!;
      cnts[k] = cnts[k - 1]!;
      k--;
    }
    vals[j] = v;
    cnts[j] = times;
    this.#distinct++;
    if (vals.length > MAX_CHUNK) {
      const half = vals.length >>> 1;
      this.#vals.splice(ci + 1, 0, vals.splice(half));
      this.#cnts.splice(ci + 1, 0, cnts.splice(half));
    }
  }

  /** Removes one occurrence of `v`; false (and no change) when `v` is not held. */
  remove(v: Value): boolean {
    const ci = this.#chunkFor(v);
    if (ci === this.#vals.length) return false;
    const vals = this.#vals[ci]!;
    const cnts = this.#cnts[ci]!;
    const j = lowerBound(vals, v);
    if (j === vals.length || compareValues(vals[j]!, v) !== 0) return false;
    const c = cnts[j]! - 1;
    if (c > 0) {
      cnts[j] = c;
      return true;
    }
    this.#distinct--;
    if (vals.length === 1) {
      this.#vals.splice(ci, 1);
      this.#cnts.splice(ci, 1);
      return true;
    }
    for (let k = j + 1; k < vals.length; k++) {
      vals[k - 1] = vals[k]!;
      cnts[k - 1] = cnts[k]!;
    }
    vals.pop();
    cnts.pop();
    return true;
  }

  /** Occurrences of `v` held. */
  count(v: Value): number {
    const ci = this.#chunkFor(v);
    if (ci === this.#vals.length) return 0;
    const vals = this.#vals[ci]!;
    const j = lowerBound(vals, v);
    return j < vals.length && compareValues(vals[j]!, v) === 0 ? this.#cnts[ci]![j]! : 0;
  }

  /** The smallest value, or null when empty. */
  min(): Value {
    const c = this.#vals[0];
    return c === undefined ? null : c[0]!;
  }

  /** The largest value, or null when empty. */
  max(): Value {
    const c = this.#vals[this.#vals.length - 1];
    return c === undefined ? null : c[c.length - 1]!;
  }

  /** Distinct values in ascending order and their counts (fresh arrays). */
  toArrays(): [Value[], number[]] {
    const vals: Value[] = [];
    const cnts: number[] = [];
    for (let i = 0; i < this.#vals.length; i++) {
      const cv = this.#vals[i]!;
      const cc = this.#cnts[i]!;
      for (let j = 0; j < cv.length; j++) {
        vals.push(cv[j]!);
        cnts.push(cc[j]!);
      }
    }
    return [vals, cnts];
  }

  /** Rebuilds from `toArrays()` output (values ascending and distinct, counts > 0). */
  static fromArrays(vals: readonly Value[], cnts: readonly number[]): SortedMultiset {
    const s = new SortedMultiset();
    const half = MAX_CHUNK >>> 1;
    for (let i = 0; i < vals.length; i += half) {
      s.#vals.push(vals.slice(i, i + half));
      s.#cnts.push(cnts.slice(i, i + half));
    }
    s.#distinct = vals.length;
    return s;
  }
}

function lowerBound(vals: readonly Value[], v: Value): number {
  let lo = 0;
  let hi = vals.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareValues(vals[mid]!, v) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
