import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StrataError } from '../../../core/errors.js';
import { T } from '../../../core/types.js';
import { CountFunction } from './count.js';

test('COUNT counts adds minus retractions, as BIGINT', () => {
  const fn = new CountFunction(T.bigint(false));
  const a = fn.create();
  assert.equal(a.result(), 0n);
  a.add(null);
  a.add(5);
  a.add('x');
  a.retract(5);
  assert.equal(a.result(), 2n);
  const b = fn.restore(a.snapshot());
  b.add(1);
  assert.equal(b.result(), 3n);
  assert.equal(a.result(), 2n);
});

test('COUNT with an INT result type gives a number', () => {
  const a = new CountFunction(T.int(false)).create();
  a.add(null);
  assert.equal(a.result(), 1);
});

test('COUNT refuses state that is not a number', () => {
  assert.throws(() => new CountFunction(T.bigint(false)).restore('3'), (e: unknown) => e instanceof StrataError && e.code === 'STATE');
});
