import type { SqlType } from '../../../core/types.js';
import type { Value } from '../../../core/values.js';
import type { StateValue } from '../../state/codec.js';
import { stateNumber, type Accumulator, type AggregateFunction } from './accumulator.js';
import { OUT_BIGINT, numericOutOf, outFromSafeInteger, type NumericOut } from './numeric.js';

/**
 * COUNT(*) and COUNT(x): the number of rows held (the operator passes only rows whose
 * arguments are all non-NULL, and only rows that pass the FILTER). Result: BIGINT NOT NULL
 * (0 for a group whose rows all fail the FILTER). State: the count, a number (exact to 2^53).
 */
export class CountFunction implements AggregateFunction {
  readonly out: NumericOut;

  constructor(resultType: SqlType) {
    this.out = numericOutOf(resultType, 'COUNT');
  }

  create(): CountAccumulator {
    return new CountAccumulator(this);
  }

  restore(state: StateValue): CountAccumulator {
    const a = new CountAccumulator(this);
    a.n = stateNumber(state, 'a COUNT');
    return a;
  }
}

export class CountAccumulator implements Accumulator {
  n = 0;
  readonly fn: CountFunction;

  constructor(fn: CountFunction) {
    this.fn = fn;
  }

  add(_v: Value): void {
    this.n++;
  }

  retract(_v: Value): void {
    this.n--;
  }

  result(): Value {
    return this.fn.out.kind === OUT_BIGINT ? BigInt(this.n) : outFromSafeInteger(this.n, this.fn.out);
  }

  snapshot(): StateValue {
    return this.n;
  }
}
