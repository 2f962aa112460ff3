import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Decimal } from '../../../core/decimal.js';
import { T } from '../../../core/types.js';
import { SumFunction } from './sum.js';

test('SUM is NULL when empty and SUM0 is 0 of the result type', () => {
  assert.equal(new SumFunction(T.int(), T.int(), false).create().result(), null);
  assert.equal(new SumFunction(T.int(), T.int(), true).create().result(), 0);
  assert.equal(new SumFunction(T.bigint(), T.bigint(), true).create().result(), 0n);
  assert.deepEqual(new SumFunction(T.decimal(10, 2), T.decimal(38, 2), true).create().result(), new Decimal(0n, 2));
  assert.equal(new SumFunction(T.double(), T.double(), true).create().result(), 0);
});

test('SUM goes back to NULL when its last value is retracted, even if the sum was 0', () => {
  const a = new SumFunction(T.int(), T.int(), false).create();
  a.add(3);
  a.add(-3);
  assert.equal(a.result(), 0);
  a.retract(3);
  a.retract(-3);
  assert.equal(a.result(), null);
});

test('SUM of BIGINT is exact past 2^53', () => {
  const a = new SumFunction(T.bigint(), T.bigint(), false).create();
  a.add(9007199254740993n);
  a.add(2n);
  assert.equal(a.result(), 9007199254740995n);
});

test('SUM of INT wraps like a Java int, from the exact sum', () => {
  const a = new SumFunction(T.int(), T.int(), false).create();
  a.add(2147483647);
  a.add(1);
  assert.equal(a.result(), -2147483648);
  a.retract(1);
  assert.equal(a.result(), 2147483647);
});

test('SUM of TINYINT wraps like a Java byte', () => {
  const a = new SumFunction(T.tinyint(), T.tinyint(), false).create();
  a.add(100);
  a.add(100);
  assert.equal(a.result(), -56);
});

test('SUM of DECIMAL(10, 2) is DECIMAL(38, 2), exact', () => {
  const a = new SumFunction(T.decimal(10, 2), T.decimal(38, 2), false).create();
  a.add(new Decimal(10n, 2));
  a.add(new Decimal(20n, 2));
  assert.deepEqual(a.result(), new Decimal(30n, 2));
});

test('SUM of DECIMAL is NULL once it no longer fits the result precision', () => {
  const a = new SumFunction(T.decimal(3, 0), T.decimal(3, 0), false).create();
  a.add(new Decimal(600n, 0));
  a.add(new Decimal(600n, 0));
  assert.equal(a.result(), null);
  a.retract(new Decimal(600n, 0));
  assert.deepEqual(a.result(), new Decimal(600n, 0));
});

test('SUM of FLOAT is a float', () => {
  const a = new SumFunction(T.float(), T.float(), false).create();
  a.add(Math.fround(0.1));
  a.add(Math.fround(0.2));
  assert.equal(a.result(), Math.fround(Math.fround(0.1) + Math.fround(0.2)));
});
