import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Decimal } from '../../../core/decimal.js';
import { T } from '../../../core/types.js';
import { AvgFunction } from './avg.js';

test('AVG of INT is an INT, truncated toward zero; NULL when empty', () => {
  const a = new AvgFunction(T.int(), T.int()).create();
  assert.equal(a.result(), null);
  a.add(1);
  a.add(2);
  assert.equal(a.result(), 1);
  a.add(-10);
  assert.equal(a.result(), -2);
  a.retract(-10);
  a.retract(1);
  a.retract(2);
  assert.equal(a.result(), null);
});

test('AVG of BIGINT is a BIGINT', () => {
  const a = new AvgFunction(T.bigint(), T.bigint()).create();
  a.add(9007199254740993n);
  a.add(9007199254740995n);
  assert.equal(a.result(), 9007199254740994n);
});

test('AVG of DECIMAL(10, 2) is DECIMAL(38, 6), rounded HALF_UP', () => {
  const a = new AvgFunction(T.decimal(10, 2), T.decimal(38, 6)).create();
  a.add(new Decimal(100n, 2));
  a.add(new Decimal(0n, 2));
  a.add(new Decimal(0n, 2));
  assert.deepEqual(a.result(), new Decimal(333333n, 6));
  a.add(new Decimal(100n, 2));
  a.add(new Decimal(0n, 2));
  a.add(new Decimal(0n, 2));
  a.retract(new Decimal(0n, 2));
  // 2.00 / 5 = 0.4
  assert.deepEqual(a.result(), new Decimal(400000n, 6));
  const b = new AvgFunction(T.decimal(10, 2), T.decimal(38, 6)).create();
  b.add(new Decimal(200n, 2));
  b.add(new Decimal(0n, 2));
  b.add(new Decimal(0n, 2));
  // 0.6666666… → 0.666667
  assert.deepEqual(b.result(), new Decimal(666667n, 6));
  const c = new AvgFunction(T.decimal(10, 2), T.decimal(38, 6)).create();
  c.add(new Decimal(-200n, 2));
  c.add(new Decimal(0n, 2));
  c.add(new Decimal(0n, 2));
  assert.deepEqual(c.result(), new Decimal(-666667n, 6));
});

test('AVG of DECIMAL with a scale above 6 keeps that scale', () => {
  const a = new AvgFunction(T.decimal(20, 8), T.decimal(38, 8)).create();
  a.add(new Decimal(1n, 8));
  a.add(new Decimal(2n, 8));
  // 0.000000015 → 0.00000002 (HALF_UP)
  assert.deepEqual(a.result(), new Decimal(2n, 8));
});

test('AVG of DOUBLE', () => {
  const a = new AvgFunction(T.double(), T.double()).create();
  a.add(0.1);
  a.add(0.2);
  a.add(1e300);
  a.retract(1e300);
  assert.equal(a.result(), (0.1 + 0.2) / 2);
});
