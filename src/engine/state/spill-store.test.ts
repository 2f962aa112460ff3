import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Key } from '../../core/values.js';
import { MAX_SPILL_KEY_BYTES, SpillStore } from './spill-store.js';

const parent = mkdtempSync(join(tmpdir(), 'strata-spill-test-'));
after(() => rmSync(parent, { recursive: true, force: true }));

describe('SpillStore', () => {
  test('opens nothing until used; makes its directory under `dir`; close removes it', async () => {
    const store = new SpillStore({ dir: parent });
    const space = store.space('t');
    assert.equal(store.path, null, 'no directory before the first use');
    store.write(() => space.put(1, Buffer.from([1, 2, 3])));
    const path = store.path as string | null;
    assert.ok(path !== null && path.startsWith(parent) && existsSync(path));
    assert.deepEqual([...space.get(1)!], [1, 2, 3]);
    await store.close();
    assert.equal(existsSync(path), false, 'the directory is removed');
    assert.deepEqual(readdirSync(parent), []);
  });

  test('keys are Map keys: 5 and 5n apart, 0 and -0 one key, NaN one key, strings exact (lone surrogates too)', async () => {
    const store = new SpillStore({ dir: parent });
    const a = store.space('a');
    const b = store.space('b');
    const keys: Key[] = [
      null, true, false, 0, 5, 5n, -5, 1.5, -1e300, 1e300, Number.MAX_SAFE_INTEGER, 2n ** 80n, -(2n ** 80n),
      '', 'abc', '5', 'ü€', '\ud800', '\udc00', 'a\u0000b', NaN, -Infinity, Infinity,
    ];
    const ref = new Map<Key, number>();
    store.write(() => {
      keys.forEach((k, i) => {
        a.put(k, Buffer.from([i]));
        ref.set(k, i);
      });
      // -0 overwrites 0; a second NaN overwrites the first.
      a.put(-0, Buffer.from([100]));
      ref.set(-0, 100);
      a.put(0 / 0, Buffer.from([101]));
      ref.set(NaN, 101);
      b.put(5, Buffer.from([200]));
    });
    for (const [k, i] of ref) assert.deepEqual([...a.get(k)!], [i], `key ${String(k)}`);
    assert.equal(a.get(6), undefined);
    assert.equal(a.get(6n), undefined);
    assert.equal(a.get('\ud801'), undefined);
    assert.deepEqual([...b.get(5)!], [200], 'spaces are apart');
    const back = new Map<Key, number>();
    for (const [k, v] of a.entries()) back.set(k, v[0]!);
    assert.deepEqual(back, ref, 'entries() decodes every key to itself');
    assert.deepEqual([...b.keys()], [5]);
    // Numbers come back in numeric order (keys that grow share pages).
    const nums = [...a.keys()].filter((k): k is number => typeof k === 'number' && k === k);
    assert.deepEqual(nums, [...nums].sort((x, y) => x - y));
    a.clear();
    assert.deepEqual([...a.keys()], []);
    assert.deepEqual([...b.keys()], [5], 'clear() leaves other spaces alone');
    await store.close();
  });

  test('a key longer than LMDB allows does not fit and is never found', async () => {
    const store = new SpillStore({ dir: parent });
    const s = store.space('long');
    const long = 'x'.repeat(MAX_SPILL_KEY_BYTES);
    assert.equal(s.fits(long), false);
    assert.equal(s.fits('x'.repeat(900)), true);
    assert.equal(s.get(long), undefined);
    assert.throws(() => store.write(() => s.put(long, Buffer.from([1]))), /key too long/);
    await store.close();
  });
});
