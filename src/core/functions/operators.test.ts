import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { Decimal } from '../decimal.js';
import { isStrataError } from '../errors.js';
import { formatType, T, type SqlType } from '../types.js';
import type { Value } from '../values.js';
import { call, resultType } from './test-helpers.js';

const I = T.int();
const BI = T.bigint();
const D = T.double();
const S = T.string();
const B = T.boolean();
const dec = (s: string): Decimal => Decimal.parse(s)!;

function show(v: Value): string {
  if (v === null) return 'NULL';
  if (v instanceof Decimal) return v.toString();
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'number' && Object.is(v, -0)) return '-0';
  return String(v);
}

function runtimeFails(f: () => unknown, re: RegExp): void {
  assert.throws(f, (e: unknown) => isStrataError(e) && e.code === 'RUNTIME' && re.test(e.message));
}

describe('arithmetic', () => {
  const cases: [string, [Value, SqlType], [Value, SqlType], string][] = [
    ['+', [1, I], [2, I], '3'],
    ['+', [2147483647, I], [1, I], '-2147483648'],
    ['-', [-2147483648, I], [1, I], '2147483647'],
    ['*', [65536, I], [65536, I], '0'],
    ['*', [46341, I], [46341, I], '-2147479015'],
    ['/', [7, I], [2, I], '3'],
    ['/', [-7, I], [2, I], '-3'],
    ['/', [-2147483648, I], [-1, I], '-2147483648'],
    ['%', [-7, I], [2, I], '-1'],
    ['%', [7, I], [-2, I], '1'],
    ['%', [-4, I], [2, I], '0'],
    ['+', [127, T.tinyint()], [1, T.tinyint()], '-128'],
    ['*', [200, T.smallint()], [200, T.smallint()], '-25536'],
    ['+', [9223372036854775807n, BI], [1n, BI], '-9223372036854775808n'],
    ['*', [9223372036854775807n, BI], [2n, BI], '-2n'],
    ['/', [-9223372036854775808n, BI], [-1n, BI], '-9223372036854775808n'],
    ['%', [-7n, BI], [3n, BI], '-1n'],
    ['/', [1, D], [0, D], 'Infinity'],
    ['/', [-1, D], [0, D], '-Infinity'],
    ['/', [0, D], [0, D], 'NaN'],
    ['%', [5.5, D], [2, D], '1.5'],
    ['-', [0, D], [0, D], '0'],
    ['+', [0.1, D], [0.2, D], '0.30000000000000004'],
    ['+', [null, I], [1, I], 'NULL'],
    ['*', [2, I], [null, I], 'NULL'],
  ];
  for (const [op, a, b, want] of cases) {
    test(`${show(a[0])} ${op} ${show(b[0])} (${formatType(a[1])}) = ${want}`, () => assert.equal(show(call(op, [a, b])), want));
  }

  test('FLOAT results are rounded to single precision', () => {
    assert.equal(call('+', [[Math.fround(0.1), T.float()], [Math.fround(0.2), T.float()]]), Math.fround(Math.fround(0.1) + Math.fround(0.2)));
  });

  test('integer division and modulo by zero are runtime errors', () => {
    runtimeFails(() => call('/', [[1, I], [0, I]]), /division by zero/);
    runtimeFails(() => call('%', [[1n, BI], [0n, BI]]), /division by zero/);
    runtimeFails(() => call('/', [[dec('1.0'), T.decimal(2, 1)], [dec('0'), T.decimal(1, 0)]]), /division by zero/);
  });

  test('result types follow Flink', () => {
    assert.equal(formatType(resultType('+', [I, BI])), 'BIGINT');
    assert.equal(formatType(resultType('+', [T.tinyint(false), T.smallint(false)])), 'SMALLINT NOT NULL');
    assert.equal(formatType(resultType('/', [I, I])), 'INT');
    assert.equal(formatType(resultType('+', [I, D])), 'DOUBLE');
    assert.equal(formatType(resultType('*', [T.decimal(10, 2), D])), 'DOUBLE');
    assert.equal(formatType(resultType('+', [T.decimal(10, 2), T.float()])), 'DOUBLE');
    assert.equal(formatType(resultType('+', [I, T.float()])), 'FLOAT');
    assert.equal(formatType(resultType('+', [T.decimal(10, 2), T.decimal(5, 4)])), 'DECIMAL(13, 4)');
    assert.equal(formatType(resultType('+', [T.decimal(10, 2), I])), 'DECIMAL(13, 2)');
    assert.equal(formatType(resultType('*', [T.decimal(10, 2), T.decimal(5, 4)])), 'DECIMAL(16, 6)');
    assert.equal(formatType(resultType('/', [T.decimal(10, 2), T.decimal(5, 4)])), 'DECIMAL(20, 8)');
    assert.equal(formatType(resultType('%', [T.decimal(10, 2), T.decimal(5, 4)])), 'DECIMAL(5, 4)');
    assert.equal(formatType(resultType('+', [T.decimal(38, 18), T.decimal(38, 18)])), 'DECIMAL(38, 17)');
    assert.equal(formatType(resultType('*', [T.decimal(38, 18), T.decimal(38, 18)])), 'DECIMAL(38, 6)');
    assert.equal(formatType(resultType('/', [T.decimal(38, 18), T.decimal(38, 18)])), 'DECIMAL(38, 6)');
    assert.equal(formatType(resultType('+', [T.null(), I])), 'INT');
  });

  test('DECIMAL(38, 18) arithmetic is exact', () => {
    const t = T.decimal(38, 18);
    const a = dec('12345678901234567890.123456789012345678');
    const b = dec('0.000000000000000001');
    assert.equal(show(call('+', [[a, t], [b, t]])), '12345678901234567890.12345678901234568');
    const c = dec('0.100000000000000000');
    assert.equal(show(call('+', [[c, t], [dec('0.200000000000000000'), t]])), '0.30000000000000000');
    assert.equal(show(call('-', [[b, t], [b, t]])), '0.00000000000000000');
  });

  test('DECIMAL multiplication, division and modulo', () => {
    assert.equal(show(call('*', [[dec('1.50'), T.decimal(5, 2)], [dec('2.5'), T.decimal(3, 1)]])), '3.750');
    assert.equal(show(call('/', [[dec('1.00'), T.decimal(5, 2)], [dec('3'), T.decimal(1, 0)]])), '0.333333');
    assert.equal(show(call('/', [[dec('2.00'), T.decimal(5, 2)], [dec('3'), T.decimal(1, 0)]])), '0.666667');
    assert.equal(show(call('%', [[dec('-7.5'), T.decimal(3, 1)], [dec('2'), T.decimal(1, 0)]])), '-1.5');
  });

  test('DECIMAL overflow gives NULL', () => {
    const t = T.decimal(38, 0);
    const big = dec('99999999999999999999999999999999999999');
    assert.equal(call('+', [[big, t], [dec('1'), t]]), null);
    assert.equal(call('*', [[big, t], [big, t]]), null);
  });

  test('NEGATE keeps the type and wraps', () => {
    assert.equal(call('NEGATE', [[-2147483648, I]]), -2147483648);
    assert.equal(call('NEGATE', [[5n, BI]]), -5n);
    assert.ok(Object.is(call('NEGATE', [[0, D]]), -0));
    assert.equal(show(call('NEGATE', [[dec('1.50'), T.decimal(3, 2)]])), '-1.50');
    assert.equal(call('NEGATE', [[null, I]]), null);
  });
});

describe('comparison', () => {
  const cases: [string, [Value, SqlType], [Value, SqlType], Value][] = [
    ['=', [1, I], [1, I], true],
    ['<>', [1, I], [1, I], false],
    ['<', ['a', S], ['b', S], true],
    ['>=', ['b', S], ['b', S], true],
    ['=', [null, I], [1, I], null],
    ['<', [1, I], [null, I], null],
    ['=', [Number.NaN, D], [Number.NaN, D], false],
    ['<>', [Number.NaN, D], [1, D], true],
    ['=', [0, D], [-0, D], true],
    ['=', [9223372036854775807n, BI], [9223372036854775807, D], false],
    ['<', [9223372036854775807n, BI], [9223372036854775807, D], true],
    ['=', [9007199254740993n, BI], [9007199254740992, D], false],
    ['=', [2n, BI], [2, D], true],
    ['=', [dec('1.50'), T.decimal(3, 2)], [dec('1.5'), T.decimal(3, 2)], true],
    ['<', [dec('0.1'), T.decimal(2, 1)], [0.2, D], true],
    ['=', [dec('0.1'), T.decimal(2, 1)], [0.1, D], true],
    ['>', [1.5, D], [dec('1.4'), T.decimal(2, 1)], true],
    ['<', [false, B], [true, B], true],
    ['<', [new Uint8Array([1, 2]), T.bytes()], [new Uint8Array([1, 3]), T.bytes()], true],
    ['=', [new Uint8Array([1, 2]), T.bytes()], [new Uint8Array([1, 2]), T.bytes()], true],
    ['<', [1704067200000000n, T.timestamp(6)], [1704067200000001n, T.timestamp(6)], true],
  ];
  for (const [op, a, b, want] of cases) {
    test(`${show(a[0])} ${op} ${show(b[0])} is ${show(want)}`, () => assert.equal(call(op, [a, b]), want));
  }

  test('IS [NOT] DISTINCT FROM treats NULLs as equal', () => {
    assert.equal(call('IS NOT DISTINCT FROM', [[null, I], [null, I]]), true);
    assert.equal(call('IS NOT DISTINCT FROM', [[null, I], [1, I]]), false);
    assert.equal(call('IS NOT DISTINCT FROM', [[1, I], [1, I]]), true);
    assert.equal(call('<=>', [[2, I], [1, I]]), false);
    assert.equal(call('IS DISTINCT FROM', [[null, I], [1, I]]), true);
    assert.equal(call('IS DISTINCT FROM', [[null, I], [null, I]]), false);
    assert.equal(formatType(resultType('IS NOT DISTINCT FROM', [I, I])), 'BOOLEAN NOT NULL');
  });

  test('result nullability', () => {
    assert.equal(formatType(resultType('=', [T.int(false), T.int(false)])), 'BOOLEAN NOT NULL');
    assert.equal(formatType(resultType('=', [T.int(false), T.int()])), 'BOOLEAN');
  });
});

describe('logic', () => {
  const V: Value[] = [true, false, null];
  const and = (a: Value, b: Value): Value => (a === false || b === false ? false : a === null || b === null ? null : true);
  const or = (a: Value, b: Value): Value => (a === true || b === true ? true : a === null || b === null ? null : false);
  for (const a of V) {
    for (const b of V) {
      test(`${show(a)} AND ${show(b)} = ${show(and(a, b))}; OR = ${show(or(a, b))}`, () => {
        assert.equal(call('AND', [[a, B], [b, B]]), and(a, b));
        assert.equal(call('OR', [[a, B], [b, B]]), or(a, b));
      });
    }
    test(`NOT ${show(a)} and the IS tests`, () => {
      assert.equal(call('NOT', [[a, B]]), a === null ? null : !a);
      assert.equal(call('IS TRUE', [[a, B]]), a === true);
      assert.equal(call('IS NOT TRUE', [[a, B]]), a !== true);
      assert.equal(call('IS FALSE', [[a, B]]), a === false);
      assert.equal(call('IS NOT FALSE', [[a, B]]), a !== false);
      assert.equal(call('IS NULL', [[a, B]]), a === null);
      assert.equal(call('IS NOT NULL', [[a, B]]), a !== null);
      assert.equal(call('IS UNKNOWN', [[a, B]]), a === null);
    });
  }
  test('n-ary AND and OR', () => {
    assert.equal(call('AND', [[true, B], [null, B], [false, B]]), false);
    assert.equal(call('AND', [[true, B], [null, B], [true, B]]), null);
    assert.equal(call('OR', [[false, B], [null, B], [true, B]]), true);
    assert.equal(call('OR', [[false, B], [null, B], [false, B]]), null);
  });
  test('IS NULL applies to any type and is NOT NULL', () => {
    assert.equal(call('IS NULL', [['x', S]]), false);
    assert.equal(formatType(resultType('IS NULL', [S])), 'BOOLEAN NOT NULL');
  });
});

describe('IN', () => {
  test('found, not found, and NULL semantics', () => {
    assert.equal(call('IN', [[2, I], [1, I], [2, I]]), true);
    assert.equal(call('IN', [[3, I], [1, I], [2, I]]), false);
    assert.equal(call('IN', [[3, I], [1, I], [null, I]]), null);
    assert.equal(call('IN', [[1, I], [1, I], [null, I]]), true);
    assert.equal(call('IN', [[null, I], [1, I]]), null);
  });
  test('works for decimals, strings and bigints', () => {
    assert.equal(call('IN', [[dec('1.50'), T.decimal(3, 2)], [dec('1.5'), T.decimal(3, 2)], [dec('2'), T.decimal(3, 2)]]), true);
    assert.equal(call('IN', [['b', S], ['a', S], ['b', S]]), true);
    assert.equal(call('IN', [[5n, BI], [4n, BI], [6n, BI]]), false);
  });
  test('NaN is never IN', () => {
    assert.equal(call('IN', [[Number.NaN, D], [Number.NaN, D]]), false);
  });
});

describe('LIKE and SIMILAR TO', () => {
  const cases: [string, string, string | null, Value][] = [
    ['abc', 'abc', null, true],
    ['abc', 'ab', null, false],
    ['abc', 'a%', null, true],
    ['abc', '%c', null, true],
    ['abc', '%b%', null, true],
    ['abc', 'a_c', null, true],
    ['abbc', 'a_c', null, false],
    ['a%c', 'a\\%c', '\\', true],
    ['abc', 'a\\%c', '\\', false],
    ['a_c', 'a!_c', '!', true],
    ['axc', 'a!_c', '!', false],
    ['a\\c', 'a\\c', null, true],
    ['a%c', 'a%c', '', true],
    ['', '%', null, true],
    ['line1\nline2', 'line1%', null, true],
    ['ABC', 'abc', null, false],
    ['a.c', 'a.c', null, true],
    ['abc', 'a.c', null, false],
    ['x(y)', 'x(_)', null, true],
    ['héllo', 'h_llo', null, true],
    ['😀x', '_x', null, true],
  ];
  for (const [s, p, e, want] of cases) {
    test(`'${s}' LIKE '${p}'${e === null ? '' : ` ESCAPE '${e}'`} = ${show(want)}`, () => {
      const args: [Value, SqlType][] = [
        [s, S],
        [p, S],
      ];
      if (e !== null) args.push([e, S]);
      assert.equal(call('LIKE', args), want);
    });
  }
  test('NULL operands give NULL', () => {
    assert.equal(call('LIKE', [[null, S], ['a', S]]), null);
    assert.equal(call('LIKE', [['a', S], [null, S]]), null);
  });
  test('a dangling escape is an error', () => {
    runtimeFails(() => call('LIKE', [['a', S], ['a\\', S], ['\\', S]]), /invalid escape/);
    runtimeFails(() => call('LIKE', [['a', S], ['a', S], ['ab', S]]), /escape character/);
  });
  test('SIMILAR TO', () => {
    assert.equal(call('SIMILAR TO', [['abc', S], ['(a|b)%', S]]), true);
    assert.equal(call('SIMILAR TO', [['cab', S], ['(a|b)%', S]]), false);
    assert.equal(call('SIMILAR TO', [['aaa', S], ['a+', S]]), true);
    assert.equal(call('SIMILAR TO', [['a.c', S], ['a.c', S]]), true);
    assert.equal(call('SIMILAR TO', [['abc', S], ['a.c', S]]), false);
    assert.equal(call('SIMILAR TO', [['b1', S], ['[a-c][0-9]', S]]), true);
  });
});

describe('||', () => {
  test('concatenates strings and bytes; NULL when either is NULL', () => {
    assert.equal(call('||', [['ab', S], ['cd', S]]), 'abcd');
    assert.equal(call('||', [['ab', S], [null, S]]), null);
    assert.deepEqual(call('||', [[new Uint8Array([1]), T.bytes()], [new Uint8Array([2, 3]), T.bytes()]]), new Uint8Array([1, 2, 3]));
    assert.equal(formatType(resultType('||', [T.char(2, false), T.char(3, false)])), 'CHAR(5) NOT NULL');
    assert.equal(formatType(resultType('||', [T.varchar(2), T.char(3)])), 'VARCHAR(5)');
  });
});
