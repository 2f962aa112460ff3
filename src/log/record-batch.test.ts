import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { crc32c } from '../core/crc32c.js';
import { batchCrcOk, buildRecordBatch, decodeBatchRecords, decodeRecords, readBatchHeader, splitBatches, type ProducerRecord } from './record-batch.js';

const b = (s: string): Buffer => Buffer.from(s, 'utf8');

describe('crc32c', () => {
  test('matches the standard check value and slicing agrees with byte-at-a-time', () => {
    assert.equal(crc32c(b('123456789')), 0xe3069283);
    assert.equal(crc32c(Buffer.alloc(0)), 0);
    assert.equal(crc32c(Buffer.alloc(32)), 0x8a9136aa);
    // sub-ranges: the same bytes at any alignment give the same CRC
    const data = Buffer.from(Array.from({ length: 100 }, (_, i) => (i * 37) & 0xff));
    const padded = Buffer.concat([Buffer.from([1, 2, 3]), data]);
    assert.equal(crc32c(padded, 3), crc32c(data));
  });
});

describe('record batch v2', () => {
  test('round-trips keys, null values, headers and timestamps (also before the base timestamp)', () => {
    const records: ProducerRecord[] = [
      { key: b('k1'), value: b('hello'), timestamp: 1_700_000_000_000 },
      { key: null, value: b(''), timestamp: 1_699_999_999_000, headers: [{ key: 'h', value: b('v') }, { key: 'ü', value: null }] },
      { key: b('k3'), value: null, timestamp: 1_700_000_005_000 },
    ];
    const batch = buildRecordBatch(records, { baseOffset: 42, producerId: 7, producerEpoch: 1, baseSequence: 3 });
    const h = readBatchHeader(batch, 0);
    assert.equal(h.baseOffset, 42);
    assert.equal(h.size, batch.length);
    assert.equal(h.magic, 2);
    assert.equal(h.recordCount, 3);
    assert.equal(h.lastOffsetDelta, 2);
    assert.equal(h.baseTimestamp, 1_700_000_000_000);
    assert.equal(h.maxTimestamp, 1_700_000_005_000);
    assert.equal(h.producerId, 7);
    assert.equal(h.baseSequence, 3);
    assert.ok(batchCrcOk(batch, 0, batch.length));
    const out = decodeBatchRecords(batch, 0, batch.length);
    assert.deepEqual(
      out.map((r) => [r.offset, r.timestamp, r.key === null ? null : Buffer.from(r.key).toString(), r.value === null ? null : Buffer.from(r.value).toString()]),
      [
        [42, 1_700_000_000_000, 'k1', 'hello'],
        [43, 1_699_999_999_000, null, ''],
        [44, 1_700_000_005_000, 'k3', null],
      ],
    );
    assert.deepEqual(
      out[1]!.headers.map((x) => [x.key, x.value === null ? null : Buffer.from(x.value).toString()]),
      [
        ['h', 'v'],
        ['ü', null],
      ],
    );
  });

  test('a changed byte fails the CRC; baseOffset is outside the CRC', () => {
    const batch = buildRecordBatch([{ key: b('a'), value: b('b') }]);
    batch.writeInt32BE(1000, 4); // baseOffset low word
    assert.ok(batchCrcOk(batch, 0, batch.length));
    batch[batch.length - 2]! ^= 0x01;
    assert.equal(batchCrcOk(batch, 0, batch.length), false);
  });

  test('gzip batches decode', () => {
    const batch = buildRecordBatch([{ key: b('x'), value: Buffer.alloc(1000, 0x61) }], { compression: 'gzip' });
    assert.equal(readBatchHeader(batch, 0).attributes & 7, 1);
    assert.ok(batch.length < 200);
    const [r] = decodeBatchRecords(batch, 0, batch.length);
    assert.equal(Buffer.from(r!.value!).toString(), 'a'.repeat(1000));
  });

  test('splitBatches leaves out a partial batch at the end', () => {
    const a = buildRecordBatch([{ key: null, value: b('1') }]);
    const c = buildRecordBatch([{ key: null, value: b('2') }, { key: null, value: b('3') }], { baseOffset: 1 });
    const joined = Buffer.concat([a, c, c.subarray(0, 20)]);
    assert.deepEqual(
      splitBatches(joined).map((x) => x.size),
      [a.length, c.length],
    );
    assert.deepEqual(
      decodeRecords(joined).map((r) => [r.offset, Buffer.from(r.value!).toString()]),
      [
        [0, '1'],
        [1, '2'],
        [2, '3'],
      ],
    );
  });

  test('property: any records round-trip', () => {
    const bytes = fc.option(fc.uint8Array({ maxLength: 300 }), { nil: null });
    const rec = fc.record({
      key: bytes,
      value: bytes,
      timestamp: fc.integer({ min: 0, max: 2 ** 45 }),
      headers: fc.array(fc.record({ key: fc.string({ maxLength: 10 }), value: bytes }), { maxLength: 3 }),
    });
    fc.assert(
      fc.property(fc.array(rec, { minLength: 1, maxLength: 20 }), fc.integer({ min: 0, max: 2 ** 40 }), fc.boolean(), (records, base, gzip) => {
        const batch = buildRecordBatch(records, { baseOffset: base, compression: gzip ? 'gzip' : 'none' });
        assert.ok(batchCrcOk(batch, 0, batch.length));
        const out = decodeBatchRecords(batch, 0, batch.length);
        assert.equal(out.length, records.length);
        for (let i = 0; i < records.length; i++) {
          const r = records[i]!;
          const o = out[i]!;
          assert.equal(o.offset, base + i);
          assert.equal(o.timestamp, r.timestamp);
          assert.deepEqual(o.key === null ? null : Buffer.from(o.key), r.key === null ? null : Buffer.from(r.key));
          assert.deepEqual(o.value === null ? null : Buffer.from(o.value), r.value === null ? null : Buffer.from(r.value));
          assert.deepEqual(
            o.headers.map((h) => [h.key, h.value === null ? null : Buffer.from(h.value)]),
            r.headers.map((h) => [h.key, h.value === null ? null : Buffer.from(h.value)]),
          );
        }
      }),
      { numRuns: 200 },
    );
  });
});
