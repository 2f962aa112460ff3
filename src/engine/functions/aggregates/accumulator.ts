import { StrataError } from '../../../core/errors.js';
import type { Value } from '../../../core/values.js';
import type { StateValue } from '../../state/codec.js';

/**
 * The state of one aggregate call for one group, with retraction.
 *
 * The operator calls `add` for every accumulated row (+I, +U) and `retract` for every
 * retracted row (-U, -D) that passes the call's FILTER and has no NULL argument (the
 * operator drops those: every SQL aggregate ignores NULL inputs). COUNT(*) receives
 * `null` as its value.
 *
 * Invariants every accumulator keeps:
 * - `retract(v)` undoes an earlier `add(v)` exactly: after `add(x); retract(x)` the result
 *   is the same value as before (no rounding drift, also for DOUBLE sums).
 * - The result depends only on the multiset of values currently accumulated, never on
 *   the order in which they arrived (so incremental equals recompute).
 * - `snapshot()` returns plain state (arrays, Maps, values; no class instances except
 *   Decimal and Uint8Array) that shares nothing mutable with the accumulator, and the
 *   function's `restore(snapshot)` rebuilds an accumulator that behaves identically.
 */
export interface Accumulator {
  add(v: Value): void;
  retract(v: Value): void;
  /** The aggregate's current value, in the representation its result type asks for. */
  result(): Value;
  snapshot(): StateValue;
}

/** One aggregate call, prepared once: makes and restores that call's accumulators. */
export interface AggregateFunction {
  create(): Accumulator;
  restore(state: StateValue): Accumulator;
}

/** The error for state that does not have the shape an accumulator wrote. */
export function badState(what: string): StrataError {
  return new StrataError('STATE', `cannot restore aggregate state: ${what}`, {
    hint: 'The checkpoint was written by a different query or is damaged; restart the job from a checkpoint of this query or without state.',
  });
}

/** Reads element `i` of an array state, failing with a STATE error when it is absent. */
export function stateArray(state: StateValue, length: number, what: string): readonly StateValue[] {
  if (!Array.isArray(state) || state.length !== length) throw badState(`expected ${what} as an array of ${length}`);
  return state as readonly StateValue[];
}

export function stateNumber(v: StateValue | undefined, what: string): number {
  if (typeof v !== 'number') throw badState(`expected a number for ${what}`);
  return v;
}

export function stateBigint(v: StateValue | undefined, what: string): bigint {
  if (typeof v !== 'bigint') throw badState(`expected a bigint for ${what}`);
  return v;
}
