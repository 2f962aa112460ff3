import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Decimal } from '../../../core/decimal.js';
import { StrataError } from '../../../core/errors.js';
import { decodeState, encodeState } from '../../state/codec.js';
import { MinMaxFunction } from './min-max.js';

test('MIN finds the next minimum when the current one is retracted', () => {
  const fn = new MinMaxFunction(false, false);
  const a = fn.create();
  assert.equal(a.result(), null);
  for (const v of [5, 3, 8, 3]) a.add(v);
  assert.equal(a.result(), 3);
  a.retract(3);
  assert.equal(a.result(), 3, 'a tie: one 3 remains');
  a.retract(3);
  assert.equal(a.result(), 5);
  a.retract(5);
  a.retract(8);
  assert.equal(a.result(), null);
});

test('MAX over strings and decimals', () => {
  const s = new MinMaxFunction(true, false).create();
  for (const v of ['b', 'a', 'c']) s.add(v);
  assert.equal(s.result(), 'c');
  s.retract('c');
  assert.equal(s.result(), 'b');
  const d = new MinMaxFunction(true, false).create();
  d.add(new Decimal(150n, 2));
  d.add(new Decimal(1499n, 3));
  assert.deepEqual(d.result(), new Decimal(150n, 2));
});

test('MIN/MAX state round-trips through the codec', () => {
  const fn = new MinMaxFunction(true, false);
  const a = fn.create();
  for (let i = 0; i < 1000; i++) a.add(BigInt((i * 7919) % 613));
  const b = fn.restore(decodeState(encodeState(a.snapshot())));
  assert.equal(b.result(), 612n);
  for (let i = 0; i < 1000; i++) {
    const v = BigInt((i * 7919) % 613);
    if (v > 300n) {
      a.retract(v);
      b.retract(v);
    }
  }
  assert.equal(b.result(), 300n);
  assert.equal(a.result(), 300n);
  assert.throws(() => fn.restore([[2, 1], [1, 1]]), (e: unknown) => e instanceof StrataError && e.code === 'STATE');
  assert.throws(() => fn.restore([[1], [0]]), (e: unknown) => e instanceof StrataError && e.code === 'STATE');
});

test('insert-only MIN keeps one value and refuses retraction', () => {
  const fn = new MinMaxFunction(false, true);
  const a = fn.create();
  for (const v of [5, 3, 8]) a.add(v);
  assert.equal(a.result(), 3);
  assert.equal(a.snapshot(), 3);
  assert.equal(fn.restore(3).result(), 3);
  assert.throws(() => a.retract(3), (e: unknown) => e instanceof StrataError && e.code === 'INTERNAL');
  assert.throws(() => fn.restore([3]), (e: unknown) => e instanceof StrataError && e.code === 'STATE');
});
