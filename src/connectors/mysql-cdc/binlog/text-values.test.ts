import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Decimal } from '../../../core/decimal.js';
import { formatType } from '../../../core/types.js';
import { parseTimestamp } from '../../../core/values.js';
import { columnFromInformationSchema, parseEnumValues, strataTypeOf, type InformationSchemaColumn } from './column-types.js';
import { snapshotSelectExpr, TextRowDecoder, textToValue } from './text-values.js';

/** Schema rows → columns → Strata types, and snapshot text → Strata values (the MariaDB tests cover these end to end). */

const col = (COLUMN_TYPE: string, DATA_TYPE: string, extra: Partial<InformationSchemaColumn> = {}): ReturnType<typeof columnFromInformationSchema> =>
  columnFromInformationSchema({ COLUMN_NAME: 'c', DATA_TYPE, COLUMN_TYPE, IS_NULLABLE: 'YES', ...extra });

describe('column types from information_schema', () => {
  test('the MySQL → Strata type table', () => {
    const cases: [string, string, Partial<InformationSchemaColumn>, string][] = [
      ['tinyint(4)', 'tinyint', {}, 'TINYINT'],
      ['tinyint(1)', 'tinyint', {}, 'BOOLEAN'],
      ['tinyint(3) unsigned', 'tinyint', {}, 'SMALLINT'],
      ['smallint(5) unsigned', 'smallint', {}, 'INT'],
      ['mediumint(8) unsigned', 'mediumint', {}, 'INT'],
      ['int(10) unsigned', 'int', {}, 'BIGINT'],
      ['bigint(20) unsigned', 'bigint', {}, 'DECIMAL(20, 0)'],
      ['bigint', 'bigint', {}, 'BIGINT'],
      ['decimal(65,30)', 'decimal', { NUMERIC_PRECISION: 65, NUMERIC_SCALE: 30 }, 'DECIMAL(65, 30)'],
      ['float', 'float', {}, 'FLOAT'],
      ['double', 'double', {}, 'DOUBLE'],
      ['bit(1)', 'bit', {}, 'BOOLEAN'],
      ['bit(64)', 'bit', {}, 'BYTES'],
      ['year(4)', 'year', {}, 'INT'],
      ['date', 'date', {}, 'DATE'],
      ['time(3)', 'time', { DATETIME_PRECISION: 3 }, 'TIME(3)'],
      ['datetime(6)', 'datetime', { DATETIME_PRECISION: '6' }, 'TIMESTAMP(6)'],
      ['timestamp', 'timestamp', { DATETIME_PRECISION: 0 }, 'TIMESTAMP_LTZ(0)'],
      ['char(10)', 'char', { CHARACTER_MAXIMUM_LENGTH: 10, CHARACTER_SET_NAME: 'utf8mb4' }, 'CHAR(10)'],
      ['varchar(300)', 'varchar', { CHARACTER_MAXIMUM_LENGTH: 300, CHARACTER_SET_NAME: 'latin1' }, 'VARCHAR(300)'],
      ['longtext', 'longtext', { CHARACTER_SET_NAME: 'utf8mb4' }, 'STRING'],
      ['binary(4)', 'binary', { CHARACTER_MAXIMUM_LENGTH: 4 }, 'BINARY(4)'],
      ['varbinary(10)', 'varbinary', { CHARACTER_MAXIMUM_LENGTH: 10 }, 'VARBINARY(10)'],
      ['mediumblob', 'mediumblob', {}, 'BYTES'],
      ["enum('a','b')", 'enum', {}, 'STRING'],
      ["set('a','b')", 'set', {}, 'STRING'],
      ['json', 'json', {}, 'STRING'],
      ['point', 'point', {}, 'BYTES'],
    ];
    for (const [ct, dt, extra, want] of cases) assert.equal(formatType(strataTypeOf(col(ct, dt, extra))), want, ct);
  });

  test('ENUM and SET values with quotes and commas', () => {
    assert.deepEqual(parseEnumValues("enum('a','it''s','x,y','')"), ['a', "it's", 'x,y', '']);
    assert.deepEqual(col("set('p','q')", 'set').setValues, ['p', 'q']);
  });

  test('FLOAT is selected as a double; other columns as themselves', () => {
    assert.equal(snapshotSelectExpr({ ...col('float', 'float'), name: 'f`x' }), '(`f``x` + 0E0) AS `f``x`');
    assert.equal(snapshotSelectExpr({ ...col('int', 'int'), name: 'n' }), '`n`');
  });
});

describe('snapshot text → Strata values', () => {
  test('integers by their Strata type', () => {
    assert.equal(textToValue('-128', col('tinyint(4)', 'tinyint')), -128);
    assert.equal(textToValue(2, col('tinyint(1)', 'tinyint')), true);
    assert.equal(textToValue('4294967295', col('int(10) unsigned', 'int')), 4294967295n);
    assert.deepEqual(textToValue('18446744073709551615', col('bigint(20) unsigned', 'bigint')), new Decimal(18446744073709551615n, 0));
    assert.equal(textToValue('-9223372036854775808', col('bigint(20)', 'bigint')), -9223372036854775808n);
  });

  test('decimals keep the column scale; FLOAT rounds to float32', () => {
    const d = textToValue('12.5', col('decimal(10,2)', 'decimal', { NUMERIC_PRECISION: 10, NUMERIC_SCALE: 2 })) as Decimal;
    assert.deepEqual([d.unscaled, d.scale], [1250n, 2]);
    assert.equal(textToValue(1.2345677614212036, col('float', 'float')), Math.fround(1.2345678));
  });

  test('zero and invalid dates are NULL; TIME beyond a day; TIMESTAMP read as UTC', () => {
    assert.equal(textToValue('0000-00-00', col('date', 'date')), null);
    assert.equal(textToValue('2024-00-10', col('date', 'date')), null);
    assert.equal(textToValue('0000-00-00 00:00:00', col('datetime', 'datetime')), null);
    assert.equal(textToValue('-838:59:59.000000', col('time(6)', 'time')), -3_020_399_000_000);
    assert.equal(textToValue('1970-01-01 00:00:01.5', col('timestamp(1)', 'timestamp')), 1_500_000n);
    assert.equal(textToValue('2024-01-02 03:04:05', col('datetime', 'datetime')), parseTimestamp('2024-01-02 03:04:05'));
  });

  test('bytes and bits', () => {
    assert.deepEqual(textToValue(Buffer.from([0, 1]), col('binary(2)', 'binary')), Uint8Array.of(0, 1));
    assert.equal(textToValue(Buffer.from([1]), col('bit(1)', 'bit')), true);
    assert.deepEqual(textToValue(Buffer.from([1, 0]), col('bit(9)', 'bit')), Uint8Array.of(1, 0));
    assert.equal(textToValue(null, col('int', 'int')), null);
  });
});

/** A text-protocol row packet (Protocol::ResultsetRow) of `values` (null: SQL NULL). */
function rowPacket(values: readonly (Buffer | null)[]): Buffer {
  const parts: Buffer[] = [];
  for (const v of values) {
    if (v === null) {
      parts.push(Buffer.of(0xfb));
      continue;
    }
    const n = v.length;
    if (n < 0xfb) parts.push(Buffer.of(n));
    else if (n < 0x10000) parts.push(Buffer.of(0xfc, n & 0xff, n >> 8));
    else if (n < 0x1000000) parts.push(Buffer.of(0xfd, n & 0xff, (n >> 8) & 0xff, n >> 16));
    else {
      const h = Buffer.alloc(9);
      h[0] = 0xfe;
      h.writeUInt32LE(n, 1);
      parts.push(h);
    }
    parts.push(v);
  }
  return Buffer.concat(parts);
}

describe('TextRowDecoder: row packets → the values textToValue gives', () => {
  const dec = (scale: number): Partial<InformationSchemaColumn> => ({ NUMERIC_PRECISION: 65, NUMERIC_SCALE: scale });
  const cases: [ReturnType<typeof col>, string[]][] = [
    [col('tinyint(4)', 'tinyint'), ['0', '-128', '127', '007', '-0']],
    [col('tinyint(1)', 'tinyint'), ['0', '1', '2', '-1']],
    [col('int(11)', 'int'), ['-2147483648', '2147483647', '0']],
    [col('int(10) unsigned', 'int'), ['4294967295', '0']],
    [col('bigint(20)', 'bigint'), ['-9223372036854775808', '9223372036854775807', '999999999999999', '1000000000000000', '-1', '0']],
    [col('bigint(20) unsigned', 'bigint'), ['18446744073709551615', '0', '18446744073708551614']],
    [col('year(4)', 'year'), ['2024', '0']],
    [col('decimal(12,2)', 'decimal', dec(2)), ['0.00', '-0.50', '1234567890.12', '-9999999999.99', '5']],
    [col('decimal(65,30)', 'decimal', dec(30)), ['12345678901234567890123456789012345.123456789012345678901234567890', '-0.000000000000000000000000000001']],
    [col('decimal(10,0)', 'decimal', dec(0)), ['-1234567890', '0']],
    [col('decimal(10,3)', 'decimal', dec(3)), ['1.5', '2.12345']],
    [col('float', 'float'), ['1.2345677614212036', '-3.4028234663852886e38', '0', '1e-45']],
    [col('double', 'double'), ['142857.14285714287', '-1.7976931348623157e308', '5e-324', '0']],
    [col('date', 'date'), ['2024-02-29', '2023-02-29', '0000-00-00', '2024-00-10', '0001-01-01', '9999-12-31', '1969-12-31']],
    [
      col('datetime(6)', 'datetime', { DATETIME_PRECISION: 6 }),
      [
        '2024-01-02 03:04:05.123456',
        '2024-01-02 03:04:05',
        '2024-01-02 03:04:05.1',
        '1969-12-31 23:59:59.999999',
        '0000-00-00 00:00:00',
        '0001-01-01 00:00:00.000001',
        '9999-12-31 23:59:59.999999',
        '2024-02-30 00:00:00',
      ],
    ],
    [col('timestamp(3)', 'timestamp', { DATETIME_PRECISION: 3 }), ['1970-01-01 00:00:01.500', '2038-01-19 03:14:07.999']],
    [col('time(6)', 'time', { DATETIME_PRECISION: 6 }), ['-838:59:59.000000', '838:59:59', '00:00:00.5', '-00:00:01', '12:34:56.789']],
    [col('varchar(64)', 'varchar', { CHARACTER_SET_NAME: 'utf8mb4' }), ['', 'plain', 'note ü 1', '𝄞 music', 'x'.repeat(300), 'y'.repeat(70_000)]],
    [col('varchar(10)', 'varchar', { CHARACTER_SET_NAME: 'latin1' }), ['café']],
    [col("enum('a','b')", 'enum'), ['a']],
    [col('json', 'json'), ['{"k": [1, 2]}']],
  ];

  test('every type, edge values and NULL, one column at a time', () => {
    for (const [c, texts] of cases) {
      const d = new TextRowDecoder([c]);
      for (const t of [...texts, null]) {
        const raw = t === null ? null : Buffer.from(t, 'utf8');
        const p = rowPacket([raw]);
        assert.deepEqual(d.decode(p, 0, p.length), [textToValue(raw, c)], `${c.dataType} ${t === null ? 'NULL' : t.slice(0, 40)}`);
      }
    }
  });

  test('bytes come out as plain copies (not views of the packet)', () => {
    const cols = [col('varbinary(10)', 'varbinary', { CHARACTER_MAXIMUM_LENGTH: 10 }), col('bit(9)', 'bit'), col('bit(1)', 'bit'), col('blob', 'blob')];
    const d = new TextRowDecoder(cols);
    const values = [Buffer.of(0, 1, 255), Buffer.of(1, 0), Buffer.of(0), Buffer.alloc(40, 7)];
    const p = rowPacket(values);
    const row = d.decode(p, 0, p.length);
    assert.deepEqual(row, values.map((v, i) => textToValue(v, cols[i]!)));
    p.fill(0);
    assert.deepEqual(row[0], Uint8Array.of(0, 1, 255), 'a copy');
    assert.equal(Object.getPrototypeOf(row[0]), Uint8Array.prototype);
  });

  test('a whole row inside a larger buffer; a row cut short is an error', () => {
    const cols = [col('bigint(20)', 'bigint'), col('varchar(5)', 'varchar', { CHARACTER_SET_NAME: 'utf8mb4' }), col('date', 'date')];
    const d = new TextRowDecoder(cols);
    const p = rowPacket([Buffer.from('42'), null, Buffer.from('2000-01-01')]);
    const framed = Buffer.concat([Buffer.from('junk'), p, Buffer.from('tail')]);
    assert.deepEqual(d.decode(framed, 4, 4 + p.length), [42n, null, 10957]);
    assert.throws(() => d.decode(p, 0, p.length - 1), /malformed/);
    assert.throws(() => d.decode(p, 0, 3), /malformed/);
  });

  test('seeded random integers and decimals agree with textToValue', () => {
    let s = 12345;
    const rnd = (n: number): number => {
      s = (Math.imul(s, 1103515245) + 12345) >>> 0;
      return s % n;
    };
    const big = col('bigint(20)', 'bigint');
    const d2 = col('decimal(30,4)', 'decimal', dec(4));
    const d = new TextRowDecoder([big, d2]);
    for (let i = 0; i < 2000; i++) {
      let digits = String(1 + rnd(9));
      const len = rnd(19);
      for (let k = 0; k < len; k++) digits += String(rnd(10));
      const n = (rnd(2) === 0 ? '-' : '') + digits;
      const intText = BigInt(n) > 9223372036854775807n || BigInt(n) < -9223372036854775808n ? '1' : n;
      const frac = rnd(5);
      let f = '';
      for (let k = 0; k < frac; k++) f += String(rnd(10));
      const decText = digits.slice(0, 26) + (frac > 0 ? '.' + f : '');
      const raws = [Buffer.from(intText), Buffer.from(decText)];
      const p = rowPacket(raws);
      assert.deepEqual(d.decode(p, 0, p.length), [textToValue(raws[0]!, big), textToValue(raws[1]!, d2)], `seed 12345, case ${i}: ${intText} ${decText}`);
    }
  });
});
