import { Decimal } from '../../../core/decimal.js';
import { StrataError } from '../../../core/errors.js';
import { compareValues, type Value } from '../../../core/values.js';
import type { StateValue } from '../../state/codec.js';
import { badState, stateArray, type Accumulator, type AggregateFunction } from './accumulator.js';
import { SortedMultiset } from './sorted-multiset.js';

/**
 * MIN(x) and MAX(x): the smallest / largest non-NULL value by `compareValues`, NULL when
 * there is none; the result has the argument's type and representation. DISTINCT changes
 * nothing for them.
 *
 * With retraction (the default) each group keeps a sorted multiset of its values (Flink's
 * Min/MaxWithRetractAggFunction keep a map value → count), so retracting the current
 * extreme reveals the next one; see sorted-multiset.ts for the costs. State: the
 * distinct values ascending and their counts.
 *
 * On an insert-only input (the planner says so) only the extreme is kept (Flink's
 * MinAggFunction): O(1) state per group; a retraction then is a planning bug.
 */
export class MinMaxFunction implements AggregateFunction {
  readonly isMax: boolean;
  readonly insertOnly: boolean;

  constructor(isMax: boolean, insertOnly: boolean) {
    this.isMax = isMax;
    this.insertOnly = insertOnly;
  }

  create(): Accumulator {
    return this.insertOnly ? new MinMaxInsertOnlyAccumulator(this.isMax) : new MinMaxAccumulator(this.isMax, new SortedMultiset());
  }

  restore(state: StateValue): Accumulator {
    if (this.insertOnly) {
      const a = new MinMaxInsertOnlyAccumulator(this.isMax);
      if (state !== null && typeof state === 'object' && !(state instanceof Uint8Array) && !(state instanceof Decimal)) {
        throw badState('expected one value for an insert-only MIN/MAX');
      }
      a.value = state as Value;
      return a;
    }
    const parts = stateArray(state, 2, 'a MIN/MAX multiset');
    const vals = parts[0];
    const cnts = parts[1];
    if (!Array.isArray(vals) || !Array.isArray(cnts) || vals.length !== cnts.length) {
      throw badState('expected parallel arrays of values and counts for MIN/MAX');
    }
    for (let i = 0; i < cnts.length; i++) {
      const c: unknown = cnts[i];
      if (typeof c !== 'number' || !(c > 0)) throw badState('a MIN/MAX count is not a positive number');
      if (i > 0 && compareValues(vals[i - 1] as Value, vals[i] as Value) >= 0) throw badState('MIN/MAX values are not sorted');
    }
    return new MinMaxAccumulator(this.isMax, SortedMultiset.fromArrays(vals as Value[], cnts as number[]));
  }
}

export class MinMaxAccumulator implements Accumulator {
  readonly isMax: boolean;
  readonly set: SortedMultiset;

  constructor(isMax: boolean, set: SortedMultiset) {
    this.isMax = isMax;
    this.set = set;
  }

  add(v: Value): void {
    this.set.add(v);
  }

  retract(v: Value): void {
    this.set.remove(v);
  }

  result(): Value {
    return this.isMax ? this.set.max() : this.set.min();
  }

  snapshot(): StateValue {
    return this.set.toArrays();
  }
}

export class MinMaxInsertOnlyAccumulator implements Accumulator {
  readonly isMax: boolean;
  value: Value = null;

  constructor(isMax: boolean) {
    this.isMax = isMax;
  }

  add(v: Value): void {
    const cur = this.value;
    if (cur === null) this.value = v;
    else if (this.isMax ? compareValues(v, cur) > 0 : compareValues(v, cur) < 0) this.value = v;
  }

  retract(_v: Value): void {
    throw new StrataError('INTERNAL', `${this.isMax ? 'MAX' : 'MIN'} was planned for an insert-only input but received a retraction`);
  }

  result(): Value {
    return this.value;
  }

  snapshot(): StateValue {
    return this.value;
  }
}
