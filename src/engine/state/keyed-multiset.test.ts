import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { Decimal } from '../../core/decimal.js';
import { StrataError } from '../../core/errors.js';
import { decodeState, encodeState } from './codec.js';
import { KeyedMultiset } from './keyed-multiset.js';

describe('KeyedMultiset', () => {
  test('multiset mode counts equal rows in one entry', () => {
    const s = new KeyedMultiset(null);
    const row = [1, 'a', Decimal.parse('1.50')!];
    s.add('g', row);
    const e = s.add('g', [1, 'a', Decimal.parse('1.5')!]);
    assert.equal(s.find('g', row), e, 'equal SQL values, same entry');
    s.add('g', [2, 'b', null]);
    assert.equal(e.count, 2);
    assert.equal(s.size, 3);
    assert.equal(s.group('g')?.size, 2);
    s.removeOne('g', e);
    assert.equal(s.find('g', row)?.count, 1);
    s.removeOne('g', e);
    assert.equal(s.find('g', row), undefined);
    s.removeOne('g', s.find('g', [2, 'b', null])!);
    assert.equal(s.group('g'), undefined, 'an empty group is dropped');
    assert.equal(s.groupCount, 0);
    assert.equal(s.size, 0);
    s.removeOne('nope', e);
    assert.equal(s.size, 0, 'removing from an absent group is a no-op');
  });

  test('unique-key mode keys entries by the unique key and refuses a second row', () => {
    const s = new KeyedMultiset([0]);
    assert.ok(s.isUnique);
    s.add(1, [7, 'a']);
    assert.deepEqual(s.find(1, [7, 'zzz'])?.row, [7, 'a'], 'found by its unique key');
    assert.throws(() => s.add(1, [7, 'b']), (e: unknown) => e instanceof StrataError && e.code === 'INTERNAL');
    assert.deepEqual(s.find(1, [7, 'c'])?.row, [7, 'a']);
    assert.equal(s.find(2, [7, 'a']), undefined, 'only within its group');
  });

  test('group keys behave as Map keys: 5 and 5n apart, 0 and -0 together, NaN, huge bigints; creation order', () => {
    const s = new KeyedMultiset(null);
    const ref = new Map<unknown, number>();
    const keys = [5, 5n, 0, -0, NaN, 2n ** 80n, -(2n ** 80n), 2n ** 53n, 2n ** 53n + 1n, 9007199254740991n, 9007199254740991, 'k', '5', null, true, -3n];
    keys.forEach((k, i) => {
      s.add(k, [i]);
      ref.set(k, (ref.get(k) ?? 0) + 1);
    });
    assert.equal(s.groupCount, ref.size);
    for (const [k, n] of ref) assert.equal(s.group(k as never)?.size, n, `group ${String(k)}`);
    assert.equal(s.group(6), undefined);
    assert.equal(s.group(6n), undefined);
    assert.equal(s.group(2n ** 80n + 1n), undefined);
    // Drop the number 5 (its map slot), then look up 5n (filed aside), and re-create 5: it goes last.
    s.removeOne(5, s.find(5, [0])!);
    assert.equal(s.group(5), undefined);
    assert.deepEqual(s.find(5n, [1])?.row, [1]);
    s.add(5, [99]);
    const order = [...(s.snapshot() as Map<unknown, unknown>).keys()];
    ref.delete(5);
    ref.set(5, 1);
    assert.deepEqual(order, [...ref.keys()]);
    const z = new KeyedMultiset(null);
    z.add(-0, [1]);
    assert.ok(Object.is([...(z.snapshot() as Map<unknown, unknown>).keys()][0], 0), '-0 is kept as 0, as in a Map');
    // And the other way round: 5n first, then 5.
    const t = new KeyedMultiset(null);
    t.add(5n, ['a']);
    t.add(5, ['b']);
    t.removeOne(5n, t.find(5n, ['a'])!);
    assert.equal(t.group(5n), undefined);
    assert.deepEqual(t.find(5, ['b'])?.row, ['b']);
    assert.equal(t.groupCount, 1);
  });

  test('snapshot is a copy and survives encode/decode', () => {
    const s = new KeyedMultiset(null);
    const r1 = [1, 2n, new Uint8Array([1]), null];
    const r2 = [1, 3n, new Uint8Array([]), 'x'];
    s.add(null, r1).matches = 4;
    s.add(null, [1, 2n, new Uint8Array([1]), null]);
    s.add(5, r2);
    const snap = s.snapshot();
    const bytes = encodeState(snap);
    s.removeOne(5, s.find(5, r2)!);
    assert.deepEqual(encodeState(snap), bytes);

    const t = new KeyedMultiset(null);
    t.restore(decodeState(bytes), 'test state');
    assert.equal(t.size, 3);
    const e = t.find(null, r1);
    assert.equal(e?.count, 2);
    assert.equal(e?.matches, 4);
    assert.deepEqual(t.find(5, r2)?.row, r2);
  });

  test('restore rejects malformed state with a STATE error', () => {
    const t = new KeyedMultiset(null);
    const isState = (e: unknown): boolean => e instanceof StrataError && e.code === 'STATE' && /test state/.test(e.message);
    assert.throws(() => t.restore([], 'test state'), isState);
    assert.throws(() => t.restore(new Map([[1, 'x']]), 'test state'), isState);
    assert.throws(() => t.restore(new Map([[1, [[[1], 0, 0]]]]), 'test state'), isState);
    assert.throws(() => t.restore(new Map([[1, [[[1], 1]]]]), 'test state'), isState);
  });
});
