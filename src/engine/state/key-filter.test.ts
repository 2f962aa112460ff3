import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { hashKey, KeyFilter } from './key-filter.js';

describe('KeyFilter', () => {
  test('never forgets a key it was given; few false positives at its capacity', () => {
    const f = new KeyFilter(20_000);
    for (let i = 0; i < 20_000; i++) f.add(i % 2 === 0 ? i : `k${i}`);
    for (let i = 0; i < 20_000; i++) assert.ok(f.mayContain(i % 2 === 0 ? i : `k${i}`), `key ${i}`);
    let fp = 0;
    for (let i = 0; i < 20_000; i++) if (f.mayContain(i % 2 === 0 ? i + 0.5 : `z${i}`)) fp++;
    assert.ok(fp < 20_000 * 0.05, `${fp} false positives in 20,000`);
    assert.equal(f.full, false);
    f.add('one more');
    assert.equal(f.full, true, 'past its capacity it asks to be rebuilt');
    f.reset(10);
    assert.equal(f.added, 0);
    assert.equal(f.mayContain(2), false, 'reset empties it');
  });

  test('equal keys hash alike (SameValueZero), 5 and 5n too', () => {
    assert.equal(hashKey(0), hashKey(-0));
    assert.equal(hashKey(NaN), hashKey(0 / 0));
    assert.equal(hashKey(5), hashKey(5n));
    assert.notEqual(hashKey('ab'), hashKey('ba'));
    assert.notEqual(hashKey(true), hashKey(false));
    assert.notEqual(hashKey(null), hashKey(0));
  });
});
