import { keyOfValue, type Key, type Value } from '../../../core/values.js';
import type { StateValue } from '../../state/codec.js';
import { badState, stateArray, type Accumulator, type AggregateFunction } from './accumulator.js';

/**
 * DISTINCT for COUNT, SUM, SUM0 and AVG (Flink's distinct view): per group a map from
 * value (by `keyOfValue`, so SQL-equal values meet) to its number of occurrences. A value
 * reaches the wrapped accumulator when its count goes 0 → 1 and leaves it when the count
 * goes 1 → 0, so it contributes once while any occurrence remains.
 *
 * For COUNT(DISTINCT a, b) the operator passes the tuple's key (a string) as the value.
 * State: [the wrapped accumulator's state, Map key → count].
 */
export class DistinctFunction implements AggregateFunction {
  readonly inner: AggregateFunction;

  constructor(inner: AggregateFunction) {
    this.inner = inner;
  }

  create(): DistinctAccumulator {
    return new DistinctAccumulator(this.inner.create(), new Map());
  }

  restore(state: StateValue): DistinctAccumulator {
    const parts = stateArray(state, 2, 'a DISTINCT aggregate');
    const counts = parts[1];
    if (!(counts instanceof Map)) throw badState('expected a Map of DISTINCT value counts');
    const copy = new Map<Key, number>();
    for (const [k, c] of counts as ReadonlyMap<Key, StateValue>) {
      if (typeof c !== 'number' || !(c > 0)) throw badState('a DISTINCT value count is not a positive number');
      copy.set(k, c);
    }
    return new DistinctAccumulator(this.inner.restore(parts[0] ?? null), copy);
  }
}

export class DistinctAccumulator implements Accumulator {
  readonly inner: Accumulator;
  readonly counts: Map<Key, number>;

  constructor(inner: Accumulator, counts: Map<Key, number>) {
    this.inner = inner;
    this.counts = counts;
  }

  add(v: Value): void {
    const k = keyOfValue(v);
    const c = this.counts.get(k);
    if (c === undefined) {
      this.counts.set(k, 1);
      this.inner.add(v);
    } else {
      this.counts.set(k, c + 1);
    }
  }

  retract(v: Value): void {
    const k = keyOfValue(v);
    const c = this.counts.get(k);
    if (c === undefined) return;
    if (c === 1) {
      this.counts.delete(k);
      this.inner.retract(v);
    } else {
      this.counts.set(k, c - 1);
    }
  }

  result(): Value {
    return this.inner.result();
  }

  snapshot(): StateValue {
    return [this.inner.snapshot(), new Map(this.counts)];
  }
}
