import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Decimal } from '../../../core/decimal.js';
import { mulberry32 } from '../../../testing/changelog.js';
import { decimalBinarySize, decodeDecimalBinary, encodeDecimalBinary } from './decimal-binary.js';

/** MySQL's packed DECIMAL. */
describe('binary DECIMAL', () => {
  test("MySQL's documented example: DECIMAL(14,4) 1234567890.1234 and its negation", () => {
    // strings/decimal.cc (decimal2bin): 81 0D FB 38 D2 04 D2 ; negative: 7E F2 04 C7 2D FB 2D
    const pos = Buffer.from([0x81, 0x0d, 0xfb, 0x38, 0xd2, 0x04, 0xd2]);
    const neg = Buffer.from([0x7e, 0xf2, 0x04, 0xc7, 0x2d, 0xfb, 0x2d]);
    assert.equal(decimalBinarySize(14, 4), 7);
    assert.equal(decodeDecimalBinary(pos, 0, 14, 4).toString(), '1234567890.1234');
    assert.equal(decodeDecimalBinary(neg, 0, 14, 4).toString(), '-1234567890.1234');
    assert.deepEqual(encodeDecimalBinary(Decimal.parse('1234567890.1234')!, 14, 4), pos);
    assert.deepEqual(encodeDecimalBinary(Decimal.parse('-1234567890.1234')!, 14, 4), neg);
  });

  test('sizes across digit groups', () => {
    assert.equal(decimalBinarySize(10, 2), 5);
    assert.equal(decimalBinarySize(65, 30), 30);
    assert.equal(decimalBinarySize(1, 0), 1);
    assert.equal(decimalBinarySize(9, 9), 4);
    assert.equal(decimalBinarySize(18, 0), 8);
  });

  test('decoding does not change the buffer', () => {
    const b = encodeDecimalBinary(Decimal.parse('-5.5')!, 5, 1);
    const copy = Buffer.from(b);
    decodeDecimalBinary(b, 0, 5, 1);
    assert.deepEqual(b, copy);
  });

  test('random values of random DECIMAL(p, s) round-trip exactly (seeded)', () => {
    const seed = 20241121;
    const rand = mulberry32(seed);
    for (let i = 0; i < 3000; i++) {
      const p = 1 + Math.floor(rand() * 65);
      const s = Math.floor(rand() * (Math.min(p, 30) + 1));
      let digits = '';
      for (let k = 0; k < p; k++) digits += String(Math.floor(rand() * 10));
      const u = BigInt(digits) * (rand() < 0.5 ? -1n : 1n);
      const v = new Decimal(u, s);
      const bytes = encodeDecimalBinary(v, p, s);
      assert.equal(bytes.length, decimalBinarySize(p, s));
      // At an offset inside a larger buffer, as in a row.
      const row = Buffer.concat([Buffer.from([7, 7]), bytes, Buffer.from([9])]);
      const back = decodeDecimalBinary(row, 2, p, s);
      assert.equal(back.unscaled, u, `seed ${seed}, DECIMAL(${p},${s}) ${v.toString()}`);
      assert.equal(back.scale, s);
    }
  });
});
