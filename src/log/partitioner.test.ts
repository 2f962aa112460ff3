import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import fc from 'fast-check';
import { murmur2, partitionForKey } from './partitioner.js';

const require = createRequire(import.meta.url);
const kafkajsMurmur2 = require('kafkajs/src/producer/partitioners/default/murmur2.js') as (key: Buffer) => number;

describe('partitioner', () => {
  test("murmur2 matches Kafka's published values and kafkajs's implementation", () => {
    // values from Kafka's UtilsTest.testMurmur2
    assert.equal(murmur2(Buffer.from('21')), -973932308);
    assert.equal(murmur2(Buffer.from('foobar')), -790332482);
    assert.equal(murmur2(Buffer.from('a-little-bit-long-string')), -985981536);
    assert.equal(murmur2(Buffer.from('a-little-bit-longer-string')), -1486304829);
    assert.equal(murmur2(Buffer.from('lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8')), -58897971);
    assert.equal(murmur2(Buffer.from([97, 98, 99])), 479470107);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        assert.equal(murmur2(bytes), kafkajsMurmur2(Buffer.from(bytes)));
      }),
      { numRuns: 500 },
    );
  });

  test('partitionForKey is stable and in range', () => {
    for (let i = 0; i < 200; i++) {
      const p = partitionForKey(Buffer.from(`key-${i}`), 7);
      assert.ok(p >= 0 && p < 7);
      assert.equal(p, partitionForKey(Buffer.from(`key-${i}`), 7));
    }
  });
});
