import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ChunkWindow } from './chunk-window.js';

/** Reconciling a chunk with the binlog between its watermarks (upserts by primary key, range by chunk key). */

describe('ChunkWindow', () => {
  const rows = [
    [11, 'a'],
    [12, 'b'],
    [15, 'c'],
  ];

  test('changes in range apply as upserts and deletes by identity; out of range ones are ignored', () => {
    const w = new ChunkWindow(0, 0, { value: 10 }, { value: 20 }, [0], rows);
    w.apply('insert', [[13, 'new'], [25, 'outside'], [10, 'at lower bound: outside']]);
    w.apply('insert', [[12, 'b']]); // already seen by the SELECT: idempotent
    w.apply('update', [[15, 'c'], [15, 'c2']]);
    w.apply('delete', [[11, 'a'], [30, 'x']]);
    w.apply('update', [[12, 'b'], [21, 'moved out'], [5, 'outside'], [20, 'moved in at the upper bound']]);
    assert.deepEqual(w.rows(), [
      [13, 'new'],
      [15, 'c2'],
      [20, 'moved in at the upper bound'],
    ]);
  });

  test('unbounded ends: the first chunk takes NULL keys, the last takes everything above', () => {
    const first = new ChunkWindow(0, 0, null, { value: 10 }, [1], []);
    assert.equal(first.inRange([null, 'k']), true);
    assert.equal(first.inRange([10, 'k']), true);
    assert.equal(first.inRange([11, 'k']), false);
    const last = new ChunkWindow(0, 0, { value: 10 }, null, [1], []);
    assert.equal(last.inRange([null, 'k']), false);
    assert.equal(last.inRange([1e9, 'k']), true);
  });

  test('without identity (no primary key) the rows stay as read', () => {
    const w = new ChunkWindow(0, 0, null, null, null, rows);
    w.apply('delete', [[11, 'a']]);
    assert.deepEqual(w.rows(), rows);
  });
});
