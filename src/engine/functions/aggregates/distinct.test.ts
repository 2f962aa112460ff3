import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Decimal } from '../../../core/decimal.js';
import { StrataError } from '../../../core/errors.js';
import { T } from '../../../core/types.js';
import { decodeState, encodeState } from '../../state/codec.js';
import { CountFunction } from './count.js';
import { DistinctFunction } from './distinct.js';
import { SumFunction } from './sum.js';

test('COUNT(DISTINCT) drops a value only when its last occurrence goes', () => {
  const fn = new DistinctFunction(new CountFunction(T.bigint(false)));
  const a = fn.create();
  a.add(1);
  a.add(1);
  a.add(2);
  assert.equal(a.result(), 2n);
  a.retract(1);
  assert.equal(a.result(), 2n);
  a.retract(1);
  assert.equal(a.result(), 1n);
  a.retract(7); // never added: ignored
  assert.equal(a.result(), 1n);
});

test('SUM(DISTINCT) of decimals: equal values with different scales meet', () => {
  const fn = new DistinctFunction(new SumFunction(T.decimal(10, 2), T.decimal(38, 2), false));
  const a = fn.create();
  a.add(new Decimal(150n, 2));
  a.add(new Decimal(15n, 1));
  a.add(new Decimal(100n, 2));
  assert.deepEqual(a.result(), new Decimal(250n, 2));
});

test('DISTINCT state round-trips and is not shared', () => {
  const fn = new DistinctFunction(new CountFunction(T.bigint(false)));
  const a = fn.create();
  a.add('x');
  a.add('y');
  a.add('y');
  const b = fn.restore(decodeState(encodeState(a.snapshot())));
  b.retract('y');
  assert.equal(b.result(), 2n);
  b.retract('y');
  assert.equal(b.result(), 1n);
  assert.equal(a.result(), 2n);
  a.retract('y');
  assert.equal(a.result(), 2n);
  assert.throws(() => fn.restore([0, new Map([['x', 0]])]), (e: unknown) => e instanceof StrataError && e.code === 'STATE');
  assert.throws(() => fn.restore([0, []]), (e: unknown) => e instanceof StrataError && e.code === 'STATE');
});
