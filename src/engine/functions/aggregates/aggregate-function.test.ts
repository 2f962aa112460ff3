import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StrataError } from '../../../core/errors.js';
import type { AggCall } from '../../../core/plan.js';
import { T, type SqlType } from '../../../core/types.js';
import { createAggregateFunction } from './aggregate-function.js';
import { DistinctFunction } from './distinct.js';
import { MinMaxFunction } from './min-max.js';

const INPUT: SqlType[] = [T.int(), T.string(), T.boolean()];

function call(fn: AggCall['fn'], args: number[], type: SqlType, extra: Partial<AggCall> = {}): AggCall {
  return { fn, args, distinct: false, filter: null, type, name: 'a', ...extra };
}

function internal(e: unknown): boolean {
  return e instanceof StrataError && e.code === 'INTERNAL';
}

test('calls the binder should have rejected fail with INTERNAL', () => {
  assert.throws(() => createAggregateFunction(call('SUM', [1], T.int()), INPUT), internal);
  assert.throws(() => createAggregateFunction(call('SUM', [0, 0], T.int()), INPUT), internal);
  assert.throws(() => createAggregateFunction(call('AVG', [], T.int()), INPUT), internal);
  assert.throws(() => createAggregateFunction(call('COUNT', [7], T.bigint(false)), INPUT), internal);
  assert.throws(() => createAggregateFunction(call('COUNT', [], T.bigint(false), { filter: 0 }), INPUT), internal);
  assert.throws(() => createAggregateFunction(call('SUM', [0], T.string()), INPUT), internal);
});

test('DISTINCT wraps COUNT/SUM/AVG but not MIN/MAX', () => {
  assert.ok(createAggregateFunction(call('COUNT', [1], T.bigint(false), { distinct: true }), INPUT) instanceof DistinctFunction);
  assert.ok(createAggregateFunction(call('SUM', [0], T.int(), { distinct: true }), INPUT) instanceof DistinctFunction);
  assert.ok(createAggregateFunction(call('MAX', [1], T.string(), { distinct: true }), INPUT) instanceof MinMaxFunction);
  const f = createAggregateFunction(call('MIN', [1], T.string()), INPUT, { insertOnlyInput: true });
  assert.equal((f as MinMaxFunction).insertOnly, true);
});
