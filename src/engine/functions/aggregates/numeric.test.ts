import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { Decimal } from '../../../core/decimal.js';
import { StrataError } from '../../../core/errors.js';
import { T } from '../../../core/types.js';
import { Rng } from '../../../testing/changelog.js';
import {
  decomposeDouble,
  decomposed,
  divHalfUp,
  dyadicToBigint,
  dyadicToDecimal,
  dyadicToNumber,
  numericOutOf,
  outFromBigint,
  outFromDecimal,
  outFromNumber,
  outFromSafeInteger,
  pow10,
} from './numeric.js';

describe('decomposeDouble', () => {
  test('splits doubles into an odd mantissa and an exponent, exactly', () => {
    const rng = new Rng(7);
    const samples = [1, -1, 0.1, 0.5, 3, 1e300, -1e-300, Number.MIN_VALUE, Number.MAX_VALUE, 2 ** -1022, 2 ** 52 + 1, 123.456];
    for (let i = 0; i < 2000; i++) samples.push((rng.next() - 0.5) * 10 ** rng.range(-320, 300));
    for (const x of samples) {
      if (x === 0) continue;
      decomposeDouble(x);
      const m = decomposed.mantissa;
      const e = decomposed.exponent;
      assert.ok(Number.isSafeInteger(m), `mantissa of ${x}`);
      assert.equal(Math.abs(m) % 2, 1, `odd mantissa of ${x}`);
      assert.equal(dyadicToNumber(BigInt(m), e), x, `round trip of ${x}`);
    }
  });
});

describe('dyadic conversions', () => {
  test('dyadicToNumber rounds the exact value once', () => {
    // 2^53 + 1 is not a double: nearest-even gives 2^53.
    assert.equal(dyadicToNumber(2n ** 53n + 1n, 0), 2 ** 53);
    // 2^53 + 3 rounds up to 2^53 + 4.
    assert.equal(dyadicToNumber(2n ** 53n + 3n, 0), 2 ** 53 + 4);
    // A huge mantissa with a very negative exponent (beyond Number(m)).
    assert.equal(dyadicToNumber(3n << 1100n, -1100), 3);
    assert.equal(dyadicToNumber(-(3n << 1100n) - 1n, -1100), -3);
    assert.equal(dyadicToNumber(1n, -1074), Number.MIN_VALUE);
    assert.equal(dyadicToNumber(1n, 1024), Infinity);
    assert.equal(dyadicToNumber(0n, 5), 0);
  });

  test('dyadicToDecimal is exact and dyadicToBigint truncates toward zero', () => {
    assert.equal(dyadicToDecimal(1n, -1).toString(), '0.5');
    assert.equal(dyadicToDecimal(-3n, -2).toString(), '-0.75');
    assert.equal(dyadicToDecimal(5n, 3).toString(), '40');
    assert.equal(dyadicToBigint(-7n, -1), -3n);
    assert.equal(dyadicToBigint(7n, -1), 3n);
    assert.equal(dyadicToBigint(3n, 2), 12n);
  });
});

describe('result representations', () => {
  test('integer results wrap like Java', () => {
    assert.equal(outFromBigint(2n ** 31n, numericOutOf(T.int(), 't')), -(2 ** 31));
    assert.equal(outFromBigint(2n ** 63n + 5n, numericOutOf(T.bigint(), 't')), -(2n ** 63n) + 5n);
    assert.equal(outFromBigint(128n, numericOutOf(T.tinyint(), 't')), -128);
    assert.equal(outFromBigint(32768n, numericOutOf(T.smallint(), 't')), -32768);
    assert.equal(outFromSafeInteger(2 ** 32 + 7, numericOutOf(T.int(), 't')), 7);
    assert.equal(outFromSafeInteger(2 ** 40, numericOutOf(T.bigint(), 't')), 2n ** 40n);
    assert.equal(outFromSafeInteger(-129, numericOutOf(T.tinyint(), 't')), 127);
  });

  test('DECIMAL results round HALF_UP to the scale and are NULL beyond the precision', () => {
    const out = numericOutOf(T.decimal(5, 2), 't');
    assert.deepEqual(outFromDecimal(new Decimal(12345n, 3), out), new Decimal(1235n, 2));
    assert.deepEqual(outFromDecimal(new Decimal(-99999n, 2), out), new Decimal(-99999n, 2));
    assert.equal(outFromDecimal(new Decimal(100000n, 2), out), null);
    assert.deepEqual(outFromSafeInteger(0, out), new Decimal(0n, 2));
  });

  test('doubles into other types', () => {
    assert.equal(outFromNumber(2.9, numericOutOf(T.int(), 't')), 2);
    assert.equal(outFromNumber(-2.9, numericOutOf(T.bigint(), 't')), -2n);
    assert.equal(outFromNumber(NaN, numericOutOf(T.int(), 't')), null);
    assert.equal(outFromNumber(0.1, numericOutOf(T.float(), 't')), Math.fround(0.1));
    assert.deepEqual(outFromNumber(0.125, numericOutOf(T.decimal(10, 2), 't')), new Decimal(13n, 2));
  });

  test('a non-numeric result type is refused', () => {
    assert.throws(() => numericOutOf(T.string(), 'SUM'), (e: unknown) => e instanceof StrataError && e.code === 'INTERNAL');
  });

  test('divHalfUp and pow10', () => {
    assert.equal(divHalfUp(5n, 2n), 3n);
    assert.equal(divHalfUp(-5n, 2n), -3n);
    assert.equal(divHalfUp(7n, 3n), 2n);
    assert.equal(divHalfUp(-8n, 3n), -3n);
    assert.equal(divHalfUp(6n, 3n), 2n);
    assert.equal(pow10(0), 1n);
    assert.equal(pow10(40), 10n ** 40n);
    assert.equal(pow10(3), 1000n);
  });
});
