import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { Decimal } from '../../core/decimal.js';
import { isStrataError } from '../../core/errors.js';
import { formatType, T, type SqlType } from '../../core/types.js';
import { formatDate, formatTime, formatTimestamp, parseDate, parseTime, parseTimestamp, type Value } from '../../core/values.js';
import { castValue, compileCast } from './cast.js';

const S = T.string();
const dec = (s: string): Decimal => Decimal.parse(s)!;

function show(v: Value): string {
  if (v === null) return 'NULL';
  if (v instanceof Decimal) return v.toString();
  if (typeof v === 'bigint') return `${v}n`;
  if (v instanceof Uint8Array) return `x'${Buffer.from(v).toString('hex')}'`;
  if (typeof v === 'string') return `'${v}'`;
  if (typeof v === 'number' && Object.is(v, -0)) return '-0';
  return String(v);
}

function cases(title: string, rows: readonly [Value, SqlType, SqlType, string][], timeZone = 'UTC'): void {
  describe(title, () => {
    for (const [v, from, to, want] of rows) {
      test(`CAST(${show(v)} AS ${formatType(to)}) from ${formatType(from)} = ${want}`, () => {
        assert.equal(show(castValue(v, from, to, { timeZone })), want);
      });
    }
  });
}

function castFails(v: Value, from: SqlType, to: SqlType, message: RegExp): void {
  assert.throws(
    () => castValue(v, from, to),
    (e: unknown) => isStrataError(e) && e.code === 'RUNTIME' && message.test(e.message),
  );
  assert.equal(castValue(v, from, to, { timeZone: 'UTC' }, true), null, 'TRY_CAST gives NULL');
}

cases('numeric to numeric', [
  [300, T.int(), T.tinyint(), '44'],
  [-129, T.int(), T.tinyint(), '127'],
  [70000, T.int(), T.smallint(), '4464'],
  [4294967297n, T.bigint(), T.int(), '1'],
  [9223372036854775807n, T.bigint(), T.int(), '-1'],
  [5, T.tinyint(), T.bigint(), '5n'],
  [3.9e10, T.double(), T.int(), '2147483647'],
  [-3.9e10, T.double(), T.int(), '-2147483648'],
  [1e10, T.double(), T.smallint(), '-1'],
  [-129.7, T.double(), T.tinyint(), '127'],
  [-1.9, T.double(), T.int(), '-1'],
  [Number.NaN, T.double(), T.int(), '0'],
  [1e30, T.double(), T.bigint(), '9223372036854775807n'],
  [dec('-7.9'), T.decimal(2, 1), T.int(), '-7'],
  [dec('99999999999.5'), T.decimal(12, 1), T.int(), '1215752191'],
  [dec('1.25'), T.decimal(3, 2), T.decimal(2, 1), '1.3'],
  [dec('-1.25'), T.decimal(3, 2), T.decimal(2, 1), '-1.3'],
  [dec('1.24'), T.decimal(3, 2), T.decimal(2, 1), '1.2'],
  [dec('123.45'), T.decimal(5, 2), T.decimal(4, 2), 'NULL'],
  [dec('1.5'), T.decimal(2, 1), T.decimal(10, 4), '1.5000'],
  [123, T.int(), T.decimal(3, 1), 'NULL'],
  [12, T.int(), T.decimal(3, 1), '12.0'],
  [2.675, T.double(), T.decimal(10, 2), '2.68'],
  [Number.NaN, T.double(), T.decimal(10, 2), 'NULL'],
  [9007199254740993n, T.bigint(), T.double(), '9007199254740992'],
  [16777217, T.int(), T.float(), '16777216'],
  [0.1, T.double(), T.float(), String(Math.fround(0.1))],
  [dec('0.1'), T.decimal(2, 1), T.double(), '0.1'],
  [7, T.int(), T.double(), '7'],
]);

cases('boolean', [
  [true, T.boolean(), T.int(), '1'],
  [false, T.boolean(), T.bigint(), '0n'],
  [true, T.boolean(), T.decimal(3, 2), '1.00'],
  [true, T.boolean(), T.double(), '1'],
  [0, T.int(), T.boolean(), 'false'],
  [-5n, T.bigint(), T.boolean(), 'true'],
  [' TRUE ', S, T.boolean(), 'true'],
  ['y', S, T.boolean(), 'true'],
  ['0', S, T.boolean(), 'false'],
  ['No', S, T.boolean(), 'false'],
  [true, T.boolean(), S, "'TRUE'"],
]);

cases('string to numeric', [
  [' 42 ', S, T.int(), '42'],
  ['-1.9', S, T.int(), '-1'],
  ['127', S, T.tinyint(), '127'],
  ['9223372036854775807', S, T.bigint(), '9223372036854775807n'],
  ['1.5e3', S, T.double(), '1500'],
  ['NaN', S, T.double(), 'NaN'],
  ['1.235', S, T.decimal(4, 2), '1.24'],
  ['-1.235', S, T.decimal(4, 2), '-1.24'],
  ['1e2', S, T.decimal(5, 1), '100.0'],
  ['123456', S, T.decimal(4, 2), 'NULL'],
]);

describe('malformed strings fail CAST and give NULL in TRY_CAST', () => {
  test('numbers', () => {
    castFails('abc', S, T.int(), /cannot cast 'abc' to INT/);
    castFails('128', S, T.tinyint(), /cannot cast '128' to TINYINT/);
    castFails('9223372036854775808', S, T.bigint(), /to BIGINT/);
    castFails('1e3', S, T.int(), /to INT/);
    castFails('1,5', S, T.double(), /to DOUBLE/);
    castFails('x', S, T.decimal(5, 2), /to DECIMAL\(5, 2\)/);
  });
  test('booleans and date-times', () => {
    castFails('maybe', S, T.boolean(), /to BOOLEAN/);
    castFails('2024-13-01', S, T.date(), /to DATE/);
    castFails('25:00:00', S, T.time(0), /to TIME\(0\)/);
    castFails('yesterday', S, T.timestamp(3), /to TIMESTAMP\(3\)/);
  });
  test('the error hints at TRY_CAST', () => {
    assert.throws(() => castValue('abc', S, T.int()), /TRY_CAST/);
  });
});

cases('numeric to string (Java text)', [
  [42, T.int(), S, "'42'"],
  [-9223372036854775808n, T.bigint(), S, "'-9223372036854775808'"],
  [1e10, T.double(), S, "'1.0E10'"],
  [10, T.double(), S, "'10.0'"],
  [0.1, T.double(), S, "'0.1'"],
  [1e-4, T.double(), S, "'1.0E-4'"],
  [-0, T.double(), S, "'-0.0'"],
  [Math.fround(1.1), T.float(), S, "'1.1'"],
  [dec('1.50'), T.decimal(3, 2), S, "'1.50'"],
  [dec('-0.05'), T.decimal(3, 2), S, "'-0.05'"],
]);

cases('character lengths', [
  ['ab', S, T.char(4), "'ab  '"],
  ['abcdef', S, T.char(4), "'abcd'"],
  ['abcdef', S, T.varchar(3), "'abc'"],
  ['ab', T.char(2), T.varchar(10), "'ab'"],
  [12345, T.int(), T.varchar(3), "'123'"],
  [true, T.boolean(), T.char(5), "'TRUE '"],
]);

cases('binary', [
  ['hé', S, T.bytes(), "x'68c3a9'"],
  ['ab', S, T.binary(4), "x'61620000'"],
  ['abcdef', S, T.varbinary(2), "x'6162'"],
  [new Uint8Array([0x68, 0xc3, 0xa9]), T.bytes(), S, "'hé'"],
  [new Uint8Array([1, 2, 3]), T.varbinary(3), T.binary(2), "x'0102'"],
]);

describe('date and time', () => {
  const date = (s: string): number => parseDate(s)!;
  const ts = (s: string): bigint => parseTimestamp(s)!;
  test('string to DATE, TIME, TIMESTAMP', () => {
    assert.equal(formatDate(castValue(' 2024-02-29 ', S, T.date()) as number), '2024-02-29');
    assert.equal(formatDate(castValue('2024-02-29 10:00:00', S, T.date()) as number), '2024-02-29');
    assert.equal(formatTime(castValue('10:20:30.123456', S, T.time(3)) as number, 6), '10:20:30.123000');
    assert.equal(formatTimestamp(castValue('2024-02-29T10:20:30.5', S, T.timestamp(3)) as bigint, 3), '2024-02-29 10:20:30.500');
    assert.equal(formatTimestamp(castValue('2024-02-29', S, T.timestamp(0)) as bigint, 0), '2024-02-29 00:00:00');
  });
  test('DATE, TIME, TIMESTAMP to string', () => {
    assert.equal(castValue(date('2024-01-05'), T.date(), S), '2024-01-05');
    assert.equal(castValue(parseTime('01:02:03.5')!, T.time(1), S), '01:02:03.5');
    assert.equal(castValue(ts('2024-01-05 01:02:03'), T.timestamp(3), S), '2024-01-05 01:02:03.000');
    assert.equal(castValue(ts('2024-01-05 01:02:03'), T.timestampLtz(0), S, { timeZone: 'Asia/Shanghai' }), '2024-01-05 09:02:03');
  });
  test('TIMESTAMP ↔ DATE and TIME', () => {
    assert.equal(formatDate(castValue(ts('1969-12-31 23:00:00'), T.timestamp(0), T.date()) as number), '1969-12-31');
    assert.equal(formatTimestamp(castValue(date('2024-01-05'), T.date(), T.timestamp(3)) as bigint, 0), '2024-01-05 00:00:00');
    assert.equal(formatTime(castValue(ts('2024-01-05 13:14:15.678'), T.timestamp(3), T.time(0)) as number, 3), '13:14:15.000');
  });
  test('TIMESTAMP ↔ TIMESTAMP_LTZ use the session zone', () => {
    const z = { timeZone: 'Asia/Shanghai' };
    assert.equal(castValue(ts('2024-01-05 08:00:00'), T.timestamp(3), T.timestampLtz(3), z), ts('2024-01-05 00:00:00'));
    assert.equal(castValue(ts('2024-01-05 00:00:00'), T.timestampLtz(3), T.timestamp(3), z), ts('2024-01-05 08:00:00'));
    assert.equal(castValue(date('2024-01-05'), T.date(), T.timestampLtz(3), z), ts('2024-01-04 16:00:00'));
    assert.equal(castValue('2024-01-05 08:00:00', S, T.timestampLtz(3), z), ts('2024-01-05 00:00:00'));
    assert.equal(castValue('2024-01-05 08:00:00Z', S, T.timestampLtz(3), z), ts('2024-01-05 08:00:00'));
    assert.equal(castValue('2024-01-05 08:00:00+01:00', S, T.timestampLtz(3), z), ts('2024-01-05 07:00:00'));
  });
  test('lowering precision truncates', () => {
    assert.equal(castValue(ts('2024-01-05 00:00:00.999999'), T.timestamp(6), T.timestamp(3)), ts('2024-01-05 00:00:00.999'));
    assert.equal(castValue(ts('1969-12-31 23:59:59.9999'), T.timestamp(6), T.timestamp(0)), ts('1969-12-31 23:59:59'));
    assert.equal(castValue(parseTime('10:00:00.987')!, T.time(3), T.time(1)), parseTime('10:00:00.9')!);
  });
  test('numbers ↔ timestamps are epoch seconds', () => {
    assert.equal(castValue(ts('2024-01-01 00:00:00'), T.timestampLtz(3), T.bigint()), 1704067200n);
    assert.equal(castValue(ts('2024-01-01 00:00:00.5'), T.timestamp(3), T.double()), 1704067200.5);
    assert.equal(show(castValue(ts('2024-01-01 00:00:00.5'), T.timestamp(3), T.decimal(14, 3))), '1704067200.500');
    assert.equal(castValue(1704067200n, T.bigint(), T.timestampLtz(3)), ts('2024-01-01 00:00:00'));
    assert.equal(castValue(1.5, T.double(), T.timestamp(3)), ts('1970-01-01 00:00:01.5'));
  });
});

describe('compileCast', () => {
  test('casts that change nothing return the argument evaluator itself', () => {
    const f = (): Value => 1;
    assert.equal(compileCast(f, T.int(), T.bigint(false), false, { timeZone: 'UTC' }) === f, false);
    assert.equal(compileCast(f, T.smallint(), T.int(), false, { timeZone: 'UTC' }), f);
    assert.equal(compileCast(f, T.char(3), T.string(), false, { timeZone: 'UTC' }), f);
    assert.equal(compileCast(f, T.timestamp(3), T.timestamp(6), false, { timeZone: 'UTC' }), f);
    assert.equal(compileCast(f, T.decimal(5, 2), T.decimal(10, 2), false, { timeZone: 'UTC' }), f);
  });
  test('NULL stays NULL; the NULL type casts to anything', () => {
    assert.equal(castValue(null, T.int(), S), null);
    assert.equal(castValue(null, T.null(), T.date()), null);
  });
  test('casts that are not allowed are validation errors', () => {
    assert.throws(
      () => compileCast(() => 1, T.date(), T.int(), false, { timeZone: 'UTC' }),
      (e: unknown) => isStrataError(e) && e.code === 'SQL_VALIDATION' && /cannot cast DATE to INT/.test(e.message),
    );
  });
});
