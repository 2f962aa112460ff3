import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { StrataError } from '../../../core/errors.js';
import { Decimal } from '../../../core/decimal.js';
import { encodeDecimalBinary } from './decimal-binary.js';
import { decodeJsonBinary, encodeJsonBinary, formatJsonDouble, quoteJsonString, type JsonInput } from './json-binary.js';

/** MySQL binary JSON → MySQL's JSON text. */

const text = (b: Buffer): string => decodeJsonBinary(b, 0, b.length);

describe('MySQL binary JSON', () => {
  test('a document written byte by byte from the format description: [1, "a"]', () => {
    // small array | count 2 | size 12 | int16 1 inlined | string at offset 10 | length 1, "a"
    const doc = Buffer.from([0x02, 0x02, 0x00, 0x0c, 0x00, 0x05, 0x01, 0x00, 0x0c, 0x0a, 0x00, 0x01, 0x61]);
    assert.equal(text(doc), '[1, "a"]');
  });

  test('an object with a key table: {"k": true, "long": 70000}', () => {
    // small object | count 2 | size | key entries (offset, length) | values (literal inline, int32 at offset) | keys | int32
    const doc = Buffer.from([
      0x00, 0x02, 0x00, 0x1b, 0x00, // 27 bytes
      0x12, 0x00, 0x01, 0x00, 0x13, 0x00, 0x04, 0x00, // keys at 18 (1 byte) and 19 (4 bytes)
      0x04, 0x01, 0x00, 0x07, 0x17, 0x00, // true inline; int32 at offset 23
      0x6b, 0x6c, 0x6f, 0x6e, 0x67, // "k", "long"
      0x70, 0x11, 0x01, 0x00, // 70000
    ]);
    assert.equal(text(doc), '{"k": true, "long": 70000}');
  });

  test('scalars of every width', () => {
    const cases: [JsonInput, string][] = [
      [null, 'null'],
      [true, 'true'],
      [false, 'false'],
      [0, '0'],
      [-32768, '-32768'],
      [70000, '70000'],
      [-2147483648, '-2147483648'],
      [9223372036854775807n, '9223372036854775807'],
      [-9223372036854775808n, '-9223372036854775808'],
      [3.5, '3.5'],
      [1e300, '1e300'],
      [-0.000001, '-0.000001'],
      ['', '""'],
      ['😀 "q" \\ \n\t\u0001', '"😀 \\"q\\" \\\\ \\n\\t\\u0001"'],
    ];
    for (const [v, want] of cases) assert.equal(text(encodeJsonBinary(v)), want, JSON.stringify(String(v)));
    // uint16/uint32/uint64 (the encoder writes signed types; these are written directly).
    assert.equal(text(Buffer.from([0x06, 0xff, 0xff])), '65535');
    assert.equal(text(Buffer.from([0x08, 0xff, 0xff, 0xff, 0xff])), '4294967295');
    assert.equal(text(Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff])), '18446744073709551615');
  });

  test('doubles print as MySQL does: integral values with .0', () => {
    assert.equal(formatJsonDouble(1), '1.0');
    assert.equal(formatJsonDouble(-2), '-2.0');
    assert.equal(formatJsonDouble(0.1), '0.1');
    assert.equal(formatJsonDouble(1e21), '1e21');
    assert.equal(formatJsonDouble(1.5e-7), '1.5e-7');
  });

  test('nesting, empty containers, small and large formats give the same text', () => {
    const v: JsonInput = { a: [1, [2, [3, {}]], []], b: { c: { d: 'deep' } }, e: 'x'.repeat(300), f: 100000, g: [null, false, -1.25] };
    const want = '{"a": [1, [2, [3, {}]], []], "b": {"c": {"d": "deep"}}, "e": "' + 'x'.repeat(300) + '", "f": 100000, "g": [null, false, -1.25]}';
    assert.equal(text(encodeJsonBinary(v)), want);
    assert.equal(text(encodeJsonBinary(v, true)), want);
    assert.equal(text(encodeJsonBinary([])), '[]');
    assert.equal(text(encodeJsonBinary({})), '{}');
  });

  test('strings longer than 127 bytes use a multi-byte length', () => {
    const s = 'é'.repeat(5000);
    assert.equal(text(encodeJsonBinary([s])), `["${s}"]`);
  });

  test('opaque values: DECIMAL as a number, dates and times as quoted text, others as base64', () => {
    const dec = encodeDecimalBinary(Decimal.parse('-1234.50')!, 10, 2);
    const opaque = (fieldType: number, data: Buffer): Buffer => Buffer.concat([Buffer.from([0x0f, fieldType, data.length]), data]);
    assert.equal(text(opaque(246, Buffer.concat([Buffer.from([10, 2]), dec]))), '-1234.50');
    // Packed DATETIME: ((year*13+month) << 22 | day << 17 | h << 12 | m << 6 | s) << 24 | µs
    const packed = (y: number, mo: number, d: number, h: number, mi: number, s: number, us: number): Buffer => {
      const ymdhms = (BigInt(y * 13 + mo) << 22n) | (BigInt(d) << 17n) | BigInt((h << 12) | (mi << 6) | s);
      const b = Buffer.alloc(8);
      b.writeBigInt64LE((ymdhms << 24n) | BigInt(us));
      return b;
    };
    assert.equal(text(opaque(12, packed(2024, 2, 29, 13, 45, 7, 123456))), '"2024-02-29 13:45:07.123456"');
    assert.equal(text(opaque(7, packed(1970, 1, 1, 0, 0, 1, 0))), '"1970-01-01 00:00:01.000000"');
    assert.equal(text(opaque(10, packed(2024, 2, 29, 0, 0, 0, 0))), '"2024-02-29"');
    const time = Buffer.alloc(8);
    time.writeBigInt64LE(-((BigInt((12 << 12) | (34 << 6) | 56) << 24n) | 500000n));
    assert.equal(text(opaque(11, time)), '"-12:34:56.500000"');
    assert.equal(text(opaque(252, Buffer.from('hi'))), '"base64:type252:aGk="');
  });

  test('an empty document is null; a malformed one is a definite error', () => {
    assert.equal(decodeJsonBinary(Buffer.alloc(0), 0, 0), 'null');
    assert.throws(() => text(Buffer.from([0x0e, 1])), (e: unknown) => e instanceof StrataError && e.code === 'CONNECTOR_DATA');
    assert.throws(() => text(Buffer.from([0x02, 0x05, 0x00, 0xff, 0x00])), (e: unknown) => e instanceof StrataError && /past the end/.test(e.message));
  });

  test('quoteJsonString escapes only what MySQL escapes', () => {
    assert.equal(quoteJsonString('a/b é'), '"a/b é"');
    assert.equal(quoteJsonString('\u001f\r\b\f'), '"\\u001f\\r\\b\\f"');
  });
});
