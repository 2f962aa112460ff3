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
    const k = s.entryKeyOf(row);
    assert.equal(s.entryKeyOf([1, 'a', Decimal.parse('1.5')!]), k, 'equal SQL values, same entry');
    s.add('g', k, row);
    const e = s.add('g', k, row);
    s.add('g', s.entryKeyOf([2, 'b', null]), [2, 'b', null]);
    assert.equal(e.count, 2);
    assert.equal(s.size, 3);
    assert.equal(s.group('g')?.size, 2);
    s.removeOne('g', k);
    assert.equal(s.get('g', k)?.count, 1);
    s.removeOne('g', k);
    assert.equal(s.get('g', k), undefined);
    s.removeOne('g', s.entryKeyOf([2, 'b', null]));
    assert.equal(s.group('g'), undefined, 'an empty group is dropped');
    assert.equal(s.groupCount, 0);
    assert.equal(s.size, 0);
    s.removeOne('nope', 'x');
    assert.equal(s.size, 0, 'removing from an absent group is a no-op');
  });

  test('unique-key mode keys entries by the unique key and refuses a second row', () => {
    const s = new KeyedMultiset([0]);
    assert.ok(s.isUnique);
    const k = s.entryKeyOf([7, 'a']);
    assert.equal(s.entryKeyOf([7, 'zzz']), k);
    s.add(1, k, [7, 'a']);
    assert.throws(() => s.add(1, k, [7, 'b']), (e: unknown) => e instanceof StrataError && e.code === 'INTERNAL');
    assert.deepEqual(s.get(1, k)?.row, [7, 'a']);
  });

  test('snapshot is a copy and survives encode/decode', () => {
    const s = new KeyedMultiset(null);
    const r1 = [1, 2n, new Uint8Array([1]), null];
    const r2 = [1, 3n, new Uint8Array([]), 'x'];
    s.add(null, s.entryKeyOf(r1), r1).matches = 4;
    s.add(null, s.entryKeyOf(r1), r1);
    s.add(5, s.entryKeyOf(r2), r2);
    const snap = s.snapshot();
    const bytes = encodeState(snap);
    s.removeOne(5, s.entryKeyOf(r2));
    assert.deepEqual(encodeState(snap), bytes);

    const t = new KeyedMultiset(null);
    t.restore(decodeState(bytes), 'test state');
    assert.equal(t.size, 3);
    const e = t.get(null, t.entryKeyOf(r1));
    assert.equal(e?.count, 2);
    assert.equal(e?.matches, 4);
    assert.deepEqual(t.get(5, t.entryKeyOf(r2))?.row, r2);
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
