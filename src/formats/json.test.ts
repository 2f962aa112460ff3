import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Decimal } from '../core/decimal.js';
import { StrataError } from '../core/errors.js';
import { T, type SqlType } from '../core/types.js';
import { parseTimestamp, valueEquals, type Value } from '../core/values.js';
import { JsonNumber, JsonRowCodec, parseJson, type JsonColumn } from './json.js';

function cols(types: readonly [string, SqlType][]): JsonColumn[] {
  return types.map(([name, type], index) => ({ name, type, index }));
}

const ALL = cols([
  ['b', T.boolean()],
  ['ti', T.tinyint()],
  ['si', T.smallint()],
  ['i', T.int()],
  ['bi', T.bigint()],
  ['f', T.float()],
  ['d', T.double()],
  ['dec', T.decimal(38, 10)],
  ['s', T.string()],
  ['bytes', T.bytes()],
  ['dt', T.date()],
  ['tm', T.time(3)],
  ['ts', T.timestamp(6)],
  ['ltz', T.timestampLtz(3)],
]);

describe('json format', () => {
  test('round trips every type exactly, including BIGINT beyond 2^53 and 38-digit DECIMALs', () => {
    const row: Value[] = [
      true,
      -128,
      32767,
      -2147483648,
      9223372036854775807n,
      Math.fround(1.5),
      0.1 + 0.2,
      Decimal.parse('1234567890123456789012345678.0123456789')!,
      'quote " backslash \\ newline \n ünïcode 😀',
      new Uint8Array([0, 1, 254, 255]),
      19000,
      (13 * 3600 + 5 * 60 + 7) * 1_000_000 + 123_000,
      parseTimestamp('2024-02-29 23:59:58.123456')!,
      parseTimestamp('1969-12-31 23:59:59.5')!,
    ];
    const codec = new JsonRowCodec(ALL);
    const text = codec.encode(row);
    assert.match(text, /"bi":9223372036854775807,/);
    assert.match(text, /"dec":1234567890123456789012345678\.0123456789,/);
    assert.match(text, /"dt":"2022-01-08"/);
    assert.match(text, /"tm":"13:05:07.123"/);
    assert.match(text, /"ts":"2024-02-29 23:59:58.123456"/);
    assert.match(text, /"ltz":"1969-12-31 23:59:59.500Z"/);
    assert.match(text, /"bytes":"AAH\+\/w=="/);
    JSON.parse(text); // valid JSON
    const back = codec.decode(Buffer.from(text), row.length)!;
    for (let i = 0; i < row.length; i++) assert.ok(valueEquals(back[i]!, row[i]!), `column ${ALL[i]!.name}: ${String(back[i])} vs ${String(row[i])}`);
  });

  test('NULLs, negative BIGINTs and whole-second timestamps; ISO-8601 standard', () => {
    const c = cols([['a', T.bigint()], ['b', T.string()], ['ts', T.timestamp(3)]]);
    const sql = new JsonRowCodec(c);
    assert.equal(sql.encode([-9223372036854775808n, null, parseTimestamp('2020-01-01 00:00:00')!]), '{"a":-9223372036854775808,"b":null,"ts":"2020-01-01 00:00:00"}');
    const iso = new JsonRowCodec(c, { timestampStandard: 'ISO-8601' });
    const text = iso.encode([1n, 'x', parseTimestamp('2020-01-01 10:00:00.25')!]);
    assert.equal(text, '{"a":1,"b":"x","ts":"2020-01-01T10:00:00.250"}');
    assert.deepEqual(iso.decode(text, 3), [1n, 'x', parseTimestamp('2020-01-01 10:00:00.25')!]);
  });

  test('numbers as strings keep their digits; out-of-range and malformed fields fail naming the field, or are NULL with ignore-parse-errors', () => {
    const c = cols([['a', T.bigint()], ['i', T.int()]]);
    assert.throws(() => new JsonRowCodec(c).decode('{"a":"12345678901234567890","i":1}', 2), (e: unknown) => e instanceof StrataError && e.code === 'CONNECTOR_DATA' && /field 'a'/.test(e.message));
    assert.throws(() => new JsonRowCodec(c).decode('{"a":1,"i":2147483648}', 2), /field 'i'/);
    assert.deepEqual(new JsonRowCodec(c, { ignoreParseErrors: true }).decode('{"a":"x","i":7}', 2), [null, 7]);
    const ok = new JsonRowCodec(cols([['a', T.bigint()], ['d', T.decimal(20, 2)], ['i', T.int()], ['s', T.string()], ['f', T.double()]])).decode(
      '{"a":"9007199254740993","d":"0.5","i":"42","s":12.50,"f":"NaN"}',
      5,
    )!;
    assert.equal(ok[0], 9007199254740993n);
    assert.equal(String(ok[1]), '0.50');
    assert.equal(ok[2], 42);
    assert.equal(ok[3], '12.50');
    assert.ok(Number.isNaN(ok[4] as number));
  });

  test('a message that is not JSON fails, or is skipped with ignore-parse-errors', () => {
    const c = cols([['a', T.int()]]);
    assert.throws(() => new JsonRowCodec(c).decode('{"a":1', 1), (e: unknown) => e instanceof StrataError && e.code === 'CONNECTOR_DATA' && /malformed JSON/.test(e.message));
    assert.equal(new JsonRowCodec(c, { ignoreParseErrors: true }).decode('not json', 1), null);
    assert.equal(new JsonRowCodec(c, { ignoreParseErrors: true }).decode(new Uint8Array([0xff, 0xfe]), 1), null);
  });

  test('missing fields are NULL, or an error with fail-on-missing-field', () => {
    const c = cols([['a', T.int()], ['b', T.string()]]);
    assert.deepEqual(new JsonRowCodec(c).decode('{"a":1}', 2), [1, null]);
    assert.throws(() => new JsonRowCodec(c, { failOnMissingField: true }).decode('{"a":1}', 2), /field 'b' is missing/);
    assert.throws(() => new JsonRowCodec(c, { failOnMissingField: true, ignoreParseErrors: true }), (e: unknown) => e instanceof StrataError && e.code === 'CONNECTOR_OPTION');
  });

  test('the parser keeps number text exactly and handles escapes', () => {
    const n = parseJson('{"x":[1.000,-0,12345678901234567890123e-5],"s":"\\u00e9\\n\\"","t":true,"n":null}');
    assert.ok(n instanceof Map);
    const xs = n.get('x') as JsonNumber[];
    assert.deepEqual(xs.map((x) => x.text), ['1.000', '-0', '12345678901234567890123e-5']);
    assert.equal(n.get('s'), 'é\n"');
    assert.equal(n.get('t'), true);
    assert.equal(n.get('n'), null);
    assert.throws(() => parseJson('[1,]'));
    assert.throws(() => parseJson('{"a":1} x'));
  });

  test('a STRING column receiving an object keeps its JSON text', () => {
    const row = new JsonRowCodec(cols([['s', T.string()]])).decode('{"s":{"k":[1,"two"]}}', 1)!;
    assert.equal(row[0], '{"k":[1,"two"]}');
  });
});
