import type { SqlType } from '../../../core/types.js';
import type { Value } from '../../../core/values.js';
import type { StateValue } from '../../state/codec.js';
import type { Accumulator, AggregateFunction } from './accumulator.js';
import { ExactSumKind, type ExactSum } from './exact-sum.js';
import { numericOutOf, outFromSafeInteger, type NumericOut } from './numeric.js';

/**
 * SUM(x) and SUM0(x) with retraction (Flink's SumWithRetractAggFunction): an exact sum
 * and the number of non-NULL values. SUM of no values is NULL; SUM0 of no values is 0.
 *
 * Result types (decided by the binder, Flink's rules): the argument's integer type
 * (TINYINT, SMALLINT, INT and BIGINT sums wrap like Java arithmetic, computed from the
 * exact sum on output), DECIMAL(38, s) for DECIMAL(p, s) (NULL when the sum no longer
 * fits), FLOAT/DOUBLE for floats (the exact sum, rounded once). See exact-sum.ts.
 */
export class SumFunction implements AggregateFunction {
  readonly out: NumericOut;
  readonly kind: ExactSumKind;
  /** What an empty SUM0 returns; null for SUM. */
  readonly empty: Value;

  constructor(argType: SqlType, resultType: SqlType, zeroWhenEmpty: boolean) {
    const name = zeroWhenEmpty ? 'SUM0' : 'SUM';
    this.out = numericOutOf(resultType, name);
    this.kind = new ExactSumKind(argType, name);
    this.empty = zeroWhenEmpty ? outFromSafeInteger(0, this.out) : null;
  }

  create(): SumAccumulator {
    return new SumAccumulator(this, this.kind.create());
  }

  restore(state: StateValue): SumAccumulator {
    return new SumAccumulator(this, this.kind.restore(state));
  }
}

export class SumAccumulator implements Accumulator {
  readonly fn: SumFunction;
  readonly cell: ExactSum;

  constructor(fn: SumFunction, cell: ExactSum) {
    this.fn = fn;
    this.cell = cell;
  }

  add(v: Value): void {
    this.cell.add(v);
  }

  retract(v: Value): void {
    this.cell.retract(v);
  }

  result(): Value {
    return this.cell.n > 0 ? this.cell.sum(this.fn.out) : this.fn.empty;
  }

  snapshot(): StateValue {
    return this.cell.snapshot();
  }
}
