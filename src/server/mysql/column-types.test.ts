import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { Decimal } from '../../core/decimal.js';
import { T } from '../../core/types.js';
import type { SqlType } from '../../core/types.js';
import { daysFromCivil } from '../../core/values.js';
import {
  formatMySqlDouble,
  formatMySqlFloat,
  mysqlColumnMeta,
  textOf,
  writeBinaryValue,
  writeColumnDefinition,
  writeTextValue,
} from './column-types.js';
import { Charset, ColumnFlag, ColumnType } from './constants.js';
import { PacketWriter, PayloadReader } from './packets.js';
import { micros, timeMicros } from './test-backend.js';

function meta(t: SqlType): [number, number, number, number] {
  const m = mysqlColumnMeta(t);
  return [m.type, m.charset, m.length, m.decimals];
}

describe('SqlType → MySQL column metadata', () => {
  test('numbers', () => {
    assert.deepEqual(meta(T.boolean()), [ColumnType.TINY, Charset.BINARY, 1, 0]);
    assert.deepEqual(meta(T.tinyint()), [ColumnType.TINY, Charset.BINARY, 4, 0]);
    assert.deepEqual(meta(T.smallint()), [ColumnType.SHORT, Charset.BINARY, 6, 0]);
    assert.deepEqual(meta(T.int()), [ColumnType.LONG, Charset.BINARY, 11, 0]);
    assert.deepEqual(meta(T.bigint()), [ColumnType.LONGLONG, Charset.BINARY, 20, 0]);
    assert.deepEqual(meta(T.float()), [ColumnType.FLOAT, Charset.BINARY, 12, 31]);
    assert.deepEqual(meta(T.double()), [ColumnType.DOUBLE, Charset.BINARY, 22, 31]);
    assert.deepEqual(meta(T.decimal(10, 2)), [ColumnType.NEWDECIMAL, Charset.BINARY, 12, 2]);
    assert.deepEqual(meta(T.decimal(5, 0)), [ColumnType.NEWDECIMAL, Charset.BINARY, 6, 0]);
  });

  test('strings and bytes', () => {
    assert.deepEqual(meta(T.varchar(40)), [ColumnType.VAR_STRING, Charset.UTF8MB4_GENERAL_CI, 160, 0]);
    assert.deepEqual(meta(T.string()), [ColumnType.VAR_STRING, Charset.UTF8MB4_GENERAL_CI, 65533 * 4, 0]);
    assert.deepEqual(meta(T.char(3)), [ColumnType.STRING, Charset.UTF8MB4_GENERAL_CI, 12, 0]);
    assert.deepEqual(meta(T.bytes()), [ColumnType.BLOB, Charset.BINARY, 0xffffffff, 0]);
    assert.deepEqual(meta(T.varbinary(16)), [ColumnType.VAR_STRING, Charset.BINARY, 16, 0]);
    assert.deepEqual(meta(T.binary(4)), [ColumnType.STRING, Charset.BINARY, 4, 0]);
    assert.ok(mysqlColumnMeta(T.bytes()).flags & ColumnFlag.BLOB);
    assert.ok(mysqlColumnMeta(T.bytes()).flags & ColumnFlag.BINARY);
    assert.equal(mysqlColumnMeta(T.string()).flags & ColumnFlag.BINARY, 0);
  });

  test('temporals carry their fraction digits in decimals', () => {
    assert.deepEqual(meta(T.date()), [ColumnType.DATE, Charset.BINARY, 10, 0]);
    assert.deepEqual(meta(T.time(0)), [ColumnType.TIME, Charset.BINARY, 10, 0]);
    assert.deepEqual(meta(T.time(3)), [ColumnType.TIME, Charset.BINARY, 14, 3]);
    assert.deepEqual(meta(T.timestamp(6)), [ColumnType.DATETIME, Charset.BINARY, 26, 6]);
    assert.deepEqual(meta(T.timestamp(0)), [ColumnType.DATETIME, Charset.BINARY, 19, 0]);
    assert.deepEqual(meta(T.timestampLtz(3)), [ColumnType.TIMESTAMP, Charset.BINARY, 23, 3]);
    assert.deepEqual(meta(T.null()), [ColumnType.NULL, Charset.BINARY, 0, 0]);
  });

  test('NOT NULL flag follows nullability', () => {
    assert.equal(mysqlColumnMeta(T.int(false)).flags & ColumnFlag.NOT_NULL, ColumnFlag.NOT_NULL);
    assert.equal(mysqlColumnMeta(T.int(true)).flags & ColumnFlag.NOT_NULL, 0);
  });

  test('column definition 41 layout', () => {
    const w = new PacketWriter();
    writeColumnDefinition(w, { name: 'amount', type: T.decimal(10, 2, false), database: 'shop', table: 'orders' });
    const r = new PayloadReader(w.take(), 4);
    assert.equal(r.lenencString(), 'def');
    assert.equal(r.lenencString(), 'shop');
    assert.equal(r.lenencString(), 'orders');
    assert.equal(r.lenencString(), 'orders');
    assert.equal(r.lenencString(), 'amount');
    assert.equal(r.lenencString(), 'amount');
    assert.equal(r.lenencInt(), 0x0c);
    assert.equal(r.u16(), Charset.BINARY);
    assert.equal(r.u32(), 12);
    assert.equal(r.u8(), ColumnType.NEWDECIMAL);
    assert.equal(r.u16(), ColumnFlag.BINARY | ColumnFlag.NOT_NULL);
    assert.equal(r.u8(), 2);
    assert.equal(r.u16(), 0);
    assert.equal(r.remaining, 0);
  });
});

describe('text values', () => {
  test('exact integers, decimals with the column scale, booleans', () => {
    assert.equal(textOf(T.bigint(), 9223372036854775807n), '9223372036854775807');
    assert.equal(textOf(T.bigint(), -9223372036854775808n), '-9223372036854775808');
    assert.equal(textOf(T.decimal(10, 2), new Decimal(5n, 0)), '5.00');
    assert.equal(textOf(T.decimal(10, 2), new Decimal(-12345n, 3)), '-12.35');
    assert.equal(textOf(T.decimal(38, 4), new Decimal(123456789012345678901234567890n, 4)), '12345678901234567890123456.7890');
    assert.equal(textOf(T.boolean(), true), '1');
    assert.equal(textOf(T.boolean(), false), '0');
    assert.equal(textOf(T.int(), null), null);
  });

  test('floats print the shortest text that reads back', () => {
    assert.equal(formatMySqlFloat(Math.fround(0.1)), '0.1');
    assert.equal(formatMySqlFloat(Math.fround(3.14159)), '3.14159');
    assert.equal(formatMySqlFloat(100), '100');
    assert.equal(formatMySqlFloat(Math.fround(1e20)), '100000000000000000000');
    assert.equal(formatMySqlDouble(0.1), '0.1');
    assert.equal(formatMySqlDouble(1e21), '1e21');
    assert.equal(formatMySqlDouble(-1.5e-7), '-1.5e-7');
    for (const v of [0.1, 1 / 3, 123.456, 7e-10, 2 ** 60]) {
      assert.equal(Math.fround(Number(formatMySqlFloat(Math.fround(v)))), Math.fround(v));
      assert.equal(Number(formatMySqlDouble(v)), v);
    }
  });

  test('temporals by precision', () => {
    assert.equal(textOf(T.date(), daysFromCivil(2024, 2, 29)), '2024-02-29');
    assert.equal(textOf(T.timestamp(6), micros(2024, 2, 29, 23, 59, 59, 123_456)), '2024-02-29 23:59:59.123456');
    assert.equal(textOf(T.timestamp(3), micros(2024, 2, 29, 23, 59, 59, 123_456)), '2024-02-29 23:59:59.123');
    assert.equal(textOf(T.timestamp(0), micros(2024, 2, 29, 1, 2, 3)), '2024-02-29 01:02:03');
    assert.equal(textOf(T.timestamp(6), micros(1969, 12, 31, 23, 59, 59, 500_000)), '1969-12-31 23:59:59.500000');
    assert.equal(textOf(T.time(0), timeMicros(838, 59, 59, 0, true)), '-838:59:59');
    assert.equal(textOf(T.time(2), timeMicros(1, 2, 3, 450_000)), '01:02:03.45');
  });

  test('NULL marker, UTF-8 strings and raw bytes', () => {
    const w = new PacketWriter();
    w.begin();
    writeTextValue(w, T.int(), null);
    writeTextValue(w, T.string(), 'é😀');
    writeTextValue(w, T.bytes(), new Uint8Array([0, 0xff]));
    writeTextValue(w, T.bigint(), 2n ** 62n);
    w.end();
    const r = new PayloadReader(w.take(), 4);
    assert.equal(r.lenencInt(), null);
    assert.equal(r.lenencString(), 'é😀');
    assert.deepEqual([...r.lenencBytes()], [0, 0xff]);
    assert.equal(r.lenencString(), (2n ** 62n).toString());
  });
});

describe('binary values', () => {
  function bin(t: SqlType, v: Parameters<typeof writeBinaryValue>[2]): number[] {
    const w = new PacketWriter();
    w.begin();
    writeBinaryValue(w, t, v);
    w.end();
    return [...w.take().subarray(4)];
  }

  test('integers and floats are little-endian fixed width', () => {
    assert.deepEqual(bin(T.tinyint(), -1), [0xff]);
    assert.deepEqual(bin(T.smallint(), 258), [2, 1]);
    assert.deepEqual(bin(T.int(), -2), [0xfe, 0xff, 0xff, 0xff]);
    assert.deepEqual(bin(T.bigint(), 2n ** 63n - 1n), [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]);
    assert.deepEqual(bin(T.boolean(), true), [1]);
    const f = Buffer.from(bin(T.float(), 1.5));
    assert.equal(f.readFloatLE(0), 1.5);
    const d = Buffer.from(bin(T.double(), 0.1));
    assert.equal(d.readDoubleLE(0), 0.1);
  });

  test('DATE, DATETIME and TIME use the length-prefixed forms', () => {
    assert.deepEqual(bin(T.date(), daysFromCivil(2024, 2, 29)), [4, 2024 & 0xff, 2024 >> 8, 2, 29]);
    assert.deepEqual(bin(T.timestamp(0), micros(2024, 1, 2)), [4, 2024 & 0xff, 2024 >> 8, 1, 2]);
    assert.deepEqual(bin(T.timestamp(0), micros(2024, 1, 2, 3, 4, 5)), [7, 2024 & 0xff, 2024 >> 8, 1, 2, 3, 4, 5]);
    assert.deepEqual(bin(T.timestamp(6), micros(2024, 1, 2, 3, 4, 5, 6)), [11, 2024 & 0xff, 2024 >> 8, 1, 2, 3, 4, 5, 6, 0, 0, 0]);
    assert.deepEqual(bin(T.time(0), 0), [0]);
    assert.deepEqual(bin(T.time(0), timeMicros(25, 1, 2, 0, true)), [8, 1, 1, 0, 0, 0, 1, 1, 2]);
    assert.deepEqual(bin(T.time(3), timeMicros(1, 2, 3, 4000)), [12, 0, 0, 0, 0, 0, 1, 2, 3, 0xa0, 0x0f, 0, 0]);
  });

  test('values of an unexpected JS type or range never throw (the backend is not trusted)', () => {
    assert.deepEqual(bin(T.tinyint(), 300), [300 & 0xff]);
    assert.deepEqual(bin(T.int(), 'abc'), [0, 0, 0, 0]);
    assert.deepEqual(bin(T.bigint(), 'not a number'), [0, 0, 0, 0, 0, 0, 0, 0]);
    assert.deepEqual(bin(T.bigint(), 2n ** 64n + 5n), [5, 0, 0, 0, 0, 0, 0, 0]);
    assert.deepEqual(bin(T.date(), 'garbage'), [0]);
    assert.deepEqual(bin(T.date(), '2024-02-29'), [4, 2024 & 0xff, 2024 >> 8, 2, 29]);
    assert.deepEqual(bin(T.timestamp(0), '2024-01-02 03:04:05'), [7, 2024 & 0xff, 2024 >> 8, 1, 2, 3, 4, 5]);
  });

  test('DECIMAL is length-encoded text with the column scale', () => {
    assert.deepEqual(Buffer.from(bin(T.decimal(10, 3), new Decimal(15n, 1))).toString('latin1'), '\u00051.500');
  });
});
