import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { Decimal } from '../decimal.js';
import { formatType, T, type SqlType } from '../types.js';
import type { Value } from '../values.js';
import { JavaRandom } from './math.js';
import { call, resultType } from './test-helpers.js';

const I = T.int();
const BI = T.bigint();
const D = T.double();
const S = T.string();
const dec = (s: string): Decimal => Decimal.parse(s)!;

function show(v: Value): string {
  if (v === null) return 'NULL';
  if (v instanceof Decimal) return v.toString();
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'number' && Object.is(v, -0)) return '-0';
  return String(v);
}

describe('ROUND and TRUNCATE', () => {
  const cases: [string, [Value, SqlType], number | null, string, string][] = [
    // fn, value, digits (null: one-argument form), result, result type
    ['ROUND', [dec('-2.5'), T.decimal(2, 1)], null, '-3', 'DECIMAL(2, 0)'],
    ['ROUND', [dec('2.5'), T.decimal(2, 1)], null, '3', 'DECIMAL(2, 0)'],
    ['ROUND', [dec('1.2345'), T.decimal(5, 4)], 2, '1.23', 'DECIMAL(4, 2)'],
    ['ROUND', [dec('9.995'), T.decimal(4, 3)], 2, '10.00', 'DECIMAL(4, 2)'],
    ['ROUND', [dec('1234.5'), T.decimal(5, 1)], -2, '1200', 'DECIMAL(5, 0)'],
    ['ROUND', [dec('1250'), T.decimal(4, 0)], -2, '1300', 'DECIMAL(5, 0)'],
    ['ROUND', [dec('1.5'), T.decimal(2, 1)], 3, '1.5', 'DECIMAL(2, 1)'],
    ['TRUNCATE', [dec('-2.59'), T.decimal(3, 2)], 1, '-2.5', 'DECIMAL(3, 1)'],
    ['TRUNCATE', [dec('1299'), T.decimal(4, 0)], -2, '1200', 'DECIMAL(5, 0)'],
    ['ROUND', [-2.5, D], null, '-3', 'DOUBLE'],
    ['ROUND', [2.675, D], 2, '2.68', 'DOUBLE'],
    ['ROUND', [1.005, D], 2, '1.01', 'DOUBLE'],
    ['ROUND', [-0.4, D], null, '0', 'DOUBLE'],
    ['ROUND', [Number.NaN, D], 2, 'NaN', 'DOUBLE'],
    ['TRUNCATE', [-1.99, D], null, '-1', 'DOUBLE'],
    ['ROUND', [125, I], -1, '130', 'INT'],
    ['ROUND', [-125, I], -1, '-130', 'INT'],
    ['ROUND', [125, I], 2, '125', 'INT'],
    ['TRUNCATE', [-129, I], -1, '-120', 'INT'],
    ['ROUND', [9223372036854775807n, BI], -1, '-9223372036854775806n', 'BIGINT'],
  ];
  for (const [fn, x, n, want, type] of cases) {
    test(`${fn}(${show(x[0])}${n === null ? '' : `, ${n}`}) = ${want} ${type}`, () => {
      const args: [Value, SqlType][] = [x];
      if (n !== null) args.push([n, I]);
      assert.equal(show(call(fn, args)), want);
      assert.equal(formatType(resultType(fn, args.map((a) => a[1]), args.map((a) => a[0]))), type);
    });
  }
  test('digits not known at bind time keep the DECIMAL scale', () => {
    assert.equal(formatType(resultType('ROUND', [T.decimal(5, 3), I])), 'DECIMAL(5, 3)');
  });
  test('NULL digits give NULL', () => {
    assert.equal(call('ROUND', [[1.5, D], [null, I]]), null);
  });
});

describe('CEIL, FLOOR, ABS, SIGN', () => {
  const cases: [string, [Value, SqlType], string][] = [
    ['CEIL', [dec('1.2'), T.decimal(2, 1)], '2'],
    ['CEIL', [dec('-1.2'), T.decimal(2, 1)], '-1'],
    ['FLOOR', [dec('-1.2'), T.decimal(2, 1)], '-2'],
    ['FLOOR', [dec('1.0'), T.decimal(2, 1)], '1'],
    ['CEILING', [1.2, D], '2'],
    ['FLOOR', [-1.5, D], '-2'],
    ['FLOOR', [7, I], '7'],
    ['ABS', [-5, I], '5'],
    ['ABS', [-2147483648, I], '-2147483648'],
    ['ABS', [-9223372036854775807n, BI], '9223372036854775807n'],
    ['ABS', [dec('-1.50'), T.decimal(3, 2)], '1.50'],
    ['ABS', [-0, D], '0'],
    ['SIGN', [-7, I], '-1'],
    ['SIGN', [0n, BI], '0n'],
    ['SIGN', [dec('-0.5'), T.decimal(2, 1)], '-1.0'],
    ['SIGN', [-0, D], '-0'],
  ];
  for (const [fn, x, want] of cases) {
    test(`${fn}(${show(x[0])}) = ${want}`, () => assert.equal(show(call(fn, [x])), want));
  }
  test('types', () => {
    assert.equal(formatType(resultType('CEIL', [T.decimal(10, 2)])), 'DECIMAL(10, 0)');
    assert.equal(formatType(resultType('ABS', [T.smallint(false)])), 'SMALLINT NOT NULL');
    assert.throws(() => resultType('ABS', [S]), /cannot apply ABS to STRING; expected ABS\(NUMERIC\)/);
  });
});

describe('approximate functions', () => {
  const cases: [string, number[], number][] = [
    ['SQRT', [16], 4],
    ['POWER', [2, 10], 1024],
    ['POW', [2, 0.5], Math.SQRT2],
    ['EXP', [0], 1],
    ['LN', [Math.E], 1],
    ['LOG10', [1000], 3],
    ['LOG2', [8], 3],
    ['LOG', [Math.E], 1],
    ['LOG', [2, 1024], 10],
    ['SIN', [0], 0],
    ['COS', [0], 1],
    ['TAN', [0], 0],
    ['ATAN2', [1, 1], Math.PI / 4],
    ['DEGREES', [Math.PI], 180],
    ['RADIANS', [180], Math.PI],
    ['COSH', [0], 1],
  ];
  for (const [fn, args, want] of cases) {
    test(`${fn}(${args.join(', ')}) ≈ ${want}`, () => {
      const v = call(fn, args.map((a) => [a, D] as [Value, SqlType])) as number;
      assert.ok(Math.abs(v - want) < 1e-12, `${v}`);
    });
  }
  test('Java edge semantics', () => {
    assert.ok(Number.isNaN(call('SQRT', [[-1, D]]) as number));
    assert.equal(call('LN', [[0, D]]), -Infinity);
    assert.equal(call('SQRT', [[null, D]]), null);
    assert.equal(formatType(resultType('SQRT', [T.int(false)])), 'DOUBLE NOT NULL');
  });
  test('PI and E are constants', () => {
    assert.equal(call('PI', []), Math.PI);
    assert.equal(call('E', []), Math.E);
  });
});

describe('RAND', () => {
  test('RAND() is in [0, 1) and not deterministic', () => {
    const v = call('RAND', []) as number;
    assert.ok(v >= 0 && v < 1);
  });
  test('java.util.Random sequence for a seed', () => {
    // Values printed by a JDK for the same calls.
    const r = new JavaRandom(42n);
    assert.equal(r.nextInt(100), 30);
    assert.equal(r.nextInt(100), 63);
    assert.equal(new JavaRandom(0n).nextDouble(), 0.730967787376657);
    const r7 = new JavaRandom(7n);
    assert.equal(r7.nextInt(7), 3);
    assert.equal(r7.nextInt(1000000), 249164);
    assert.equal(r7.nextDouble(), 0.7491696031336331);
  });
  test('RAND_INTEGER bounds', () => {
    for (let i = 0; i < 50; i++) {
      const v = call('RAND_INTEGER', [[10, I]]) as number;
      assert.ok(Number.isInteger(v) && v >= 0 && v < 10);
    }
    assert.throws(() => call('RAND_INTEGER', [[0, I]]), /must be positive/);
    const seeded = call('RAND_INTEGER', [[42n, BI], [100, I]]);
    assert.equal(seeded, 30);
  });
});

describe('HEX, BIN', () => {
  test('two’s complement of BIGINT, UTF-8 bytes of strings', () => {
    assert.equal(call('HEX', [[255n, BI]]), 'FF');
    assert.equal(call('HEX', [[-1n, BI]]), 'FFFFFFFFFFFFFFFF');
    assert.equal(call('HEX', [['Hi', S]]), '4869');
    assert.equal(call('BIN', [[12n, BI]]), '1100');
    assert.equal(call('BIN', [[-1n, BI]]), '1'.repeat(64));
  });
});
