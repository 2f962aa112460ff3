import type { SqlType } from '../../../core/types.js';
import type { Value } from '../../../core/values.js';
import type { StateValue } from '../../state/codec.js';
import type { Accumulator, AggregateFunction } from './accumulator.js';
import { ExactSumKind, type ExactSum } from './exact-sum.js';
import { numericOutOf, type NumericOut } from './numeric.js';

/**
 * AVG(x) with retraction: the exact sum and count of the non-NULL values; NULL when
 * there are none.
 *
 * Result types (decided by the binder, Flink's rules): the argument's integer type for
 * integers, computed as sum / count with integer division truncating toward zero (Flink's
 * IntAvgAggFunction etc.; the sum itself never overflows here); DECIMAL(38, max(s, 6))
 * for DECIMAL(p, s), rounded HALF_UP (Flink's DecimalAvgAggFunction); DOUBLE for
 * DOUBLE (the exactly rounded sum divided by the count).
 */
export class AvgFunction implements AggregateFunction {
  readonly out: NumericOut;
  readonly kind: ExactSumKind;

  constructor(argType: SqlType, resultType: SqlType) {
    this.out = numericOutOf(resultType, 'AVG');
    this.kind = new ExactSumKind(argType, 'AVG');
  }

  create(): AvgAccumulator {
    return new AvgAccumulator(this, this.kind.create());
  }

  restore(state: StateValue): AvgAccumulator {
    return new AvgAccumulator(this, this.kind.restore(state));
  }
}

export class AvgAccumulator implements Accumulator {
  readonly fn: AvgFunction;
  readonly cell: ExactSum;

  constructor(fn: AvgFunction, cell: ExactSum) {
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
    return this.cell.n > 0 ? this.cell.mean(this.fn.out) : null;
  }

  snapshot(): StateValue {
    return this.cell.snapshot();
  }
}
