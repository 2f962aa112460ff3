import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SeededRandom } from './random.js';

test('the same seed gives the same sequence; different seeds differ', () => {
  const a = new SeededRandom(123);
  const b = new SeededRandom(123);
  const c = new SeededRandom(124);
  const xs = Array.from({ length: 20 }, () => a.nextUint32());
  assert.deepEqual(Array.from({ length: 20 }, () => b.nextUint32()), xs);
  assert.notDeepEqual(Array.from({ length: 20 }, () => c.nextUint32()), xs);
  assert.ok(xs.every((x) => Number.isInteger(x) && x >= 0 && x < 2 ** 32));
});

test('nextDouble, nextInt and nextBigint stay in range', () => {
  const r = new SeededRandom(9n);
  const ints = new Set<number>();
  for (let i = 0; i < 2000; i++) {
    const d = r.nextDouble();
    assert.ok(d >= 0 && d < 1);
    const n = r.nextInt(-2, 2);
    assert.ok(n >= -2 && n <= 2);
    ints.add(n);
    const big = r.nextBigint(-(10n ** 30n), 10n ** 30n);
    assert.ok(big >= -(10n ** 30n) && big <= 10n ** 30n);
    const small = r.nextBigint(5n, 6n);
    assert.ok(small === 5n || small === 6n);
  }
  assert.equal(ints.size, 5);
});

test('state and setState resume the same sequence', () => {
  const r = new SeededRandom(77);
  r.nextUint32();
  const s = r.state();
  const next = [r.nextUint32(), r.nextUint32()];
  const q = new SeededRandom(1);
  q.setState(s);
  assert.deepEqual([q.nextUint32(), q.nextUint32()], next);
});
