import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { kafkaErrorOf } from './errors.js';
import { lastSequenceOf, ProducerStateTable } from './producer-state.js';

function errName(f: () => unknown): string | null {
  try {
    f();
  } catch (e) {
    return kafkaErrorOf(e);
  }
  return 'no error';
}

describe('ProducerStateTable', () => {
  test('in-sequence batches append, a retry of any of the last five is a duplicate', () => {
    const t = new ProducerStateTable();
    assert.deepEqual(t.check(5, 0, 0, 9, 'p'), { kind: 'append' });
    t.record(5, 0, { firstSeq: 0, lastSeq: 9, firstOffset: 100, lastOffset: 109, timestamp: 1 });
    for (let i = 1; i <= 6; i++) {
      assert.deepEqual(t.check(5, 0, i * 10, i * 10 + 9, 'p'), { kind: 'append' });
      t.record(5, 0, { firstSeq: i * 10, lastSeq: i * 10 + 9, firstOffset: 100 + i * 10, lastOffset: 109 + i * 10, timestamp: 1 });
    }
    assert.deepEqual(t.check(5, 0, 60, 69, 'p'), { kind: 'duplicate', firstOffset: 160, lastOffset: 169 });
    assert.deepEqual(t.check(5, 0, 20, 29, 'p'), { kind: 'duplicate', firstOffset: 120, lastOffset: 129 });
    // batch 0..9 fell out of the five kept: not a known duplicate, and out of order
    assert.equal(errName(() => t.check(5, 0, 0, 9, 'p')), 'OUT_OF_ORDER_SEQUENCE_NUMBER');
    assert.equal(errName(() => t.check(5, 0, 75, 80, 'p')), 'OUT_OF_ORDER_SEQUENCE_NUMBER');
  });

  test('epochs: older is fenced, newer must start at 0; unknown producers must start at 0', () => {
    const t = new ProducerStateTable();
    t.record(1, 3, { firstSeq: 0, lastSeq: 0, firstOffset: 0, lastOffset: 0, timestamp: 1 });
    assert.equal(errName(() => t.check(1, 2, 1, 1, 'p')), 'INVALID_PRODUCER_EPOCH');
    assert.equal(errName(() => t.check(1, 4, 5, 5, 'p')), 'OUT_OF_ORDER_SEQUENCE_NUMBER');
    assert.deepEqual(t.check(1, 4, 0, 0, 'p'), { kind: 'append' });
    assert.equal(errName(() => t.check(2, 0, 3, 3, 'p')), 'UNKNOWN_PRODUCER_ID');
    assert.deepEqual(t.check(-1, -1, -1, -1, 'p'), { kind: 'append' });
  });

  test('sequences wrap at Int32 max', () => {
    assert.equal(lastSequenceOf(2147483646, 3), 1);
    const t = new ProducerStateTable();
    t.record(1, 0, { firstSeq: 2147483640, lastSeq: 2147483647, firstOffset: 0, lastOffset: 7, timestamp: 1 });
    assert.deepEqual(t.check(1, 0, 0, 4, 'p'), { kind: 'append' });
  });

  test('snapshots round-trip; a damaged snapshot is refused', () => {
    const t = new ProducerStateTable();
    t.record(9, 2, { firstSeq: 0, lastSeq: 4, firstOffset: 10, lastOffset: 14, timestamp: 1_700_000_000_000 });
    t.record(11, 0, { firstSeq: 0, lastSeq: 0, firstOffset: 15, lastOffset: 15, timestamp: 5 });
    const bytes = t.serialize();
    const u = ProducerStateTable.deserialize(bytes);
    assert.ok(u !== null);
    assert.equal(u.size, 2);
    assert.deepEqual(u.check(9, 2, 0, 4, 'p'), { kind: 'duplicate', firstOffset: 10, lastOffset: 14 });
    bytes[bytes.length - 1]! ^= 1;
    assert.equal(ProducerStateTable.deserialize(bytes), null);
    assert.equal(ProducerStateTable.deserialize(bytes.subarray(0, 10)), null);
  });
});
