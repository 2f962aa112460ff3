import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../../testing/changelog.js';
import { SortedMultiset } from './sorted-multiset.js';

test('matches a reference multiset under random adds and removes (many distinct values)', () => {
  for (const seed of [1, 2, 3]) {
    const rng = new Rng(seed);
    const s = new SortedMultiset();
    const ref = new Map<number, number>();
    const domain = seed === 1 ? 20 : 5000;
    for (let step = 0; step < 20000; step++) {
      const v = rng.int(domain);
      if (rng.chance(0.6)) {
        s.add(v);
        ref.set(v, (ref.get(v) ?? 0) + 1);
      } else {
        const had = ref.get(v) ?? 0;
        assert.equal(s.remove(v), had > 0, `seed ${seed} step ${step}`);
        if (had === 1) ref.delete(v);
        else if (had > 1) ref.set(v, had - 1);
      }
      if (step % 997 === 0 || step === 19999) {
        const keys = [...ref.keys()].sort((a, b) => a - b);
        assert.equal(s.distinctSize, keys.length);
        assert.equal(s.min(), keys.length === 0 ? null : keys[0]);
        assert.equal(s.max(), keys.length === 0 ? null : keys[keys.length - 1]);
        const [vals, cnts] = s.toArrays();
        assert.deepEqual(vals, keys);
        assert.deepEqual(cnts, keys.map((k) => ref.get(k)));
        const probe = rng.int(domain);
        assert.equal(s.count(probe), ref.get(probe) ?? 0);
        // Rebuilding from the arrays gives the same multiset.
        const r = SortedMultiset.fromArrays(vals, cnts);
        assert.deepEqual(r.toArrays(), [vals, cnts]);
        assert.equal(r.max(), s.max());
      }
    }
  }
});

test('removing an absent value changes nothing', () => {
  const s = new SortedMultiset();
  assert.equal(s.remove(1), false);
  s.add(2);
  assert.equal(s.remove(1), false);
  assert.equal(s.remove(3), false);
  assert.equal(s.min(), 2);
  assert.equal(s.remove(2), true);
  assert.equal(s.min(), null);
  assert.equal(s.max(), null);
});

test('a restored multiset keeps working (adds after fromArrays)', () => {
  const vals: number[] = [];
  const cnts: number[] = [];
  for (let i = 0; i < 1000; i++) {
    vals.push(i * 2);
    cnts.push(1);
  }
  const s = SortedMultiset.fromArrays(vals, cnts);
  s.add(-1);
  s.add(999);
  s.add(5000);
  assert.equal(s.min(), -1);
  assert.equal(s.max(), 5000);
  assert.equal(s.count(999), 1);
  assert.equal(s.distinctSize, 1003);
  const [v] = s.toArrays();
  for (let i = 1; i < v.length; i++) assert.ok((v[i - 1] as number) < (v[i] as number));
});
