import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Decimal } from '../../../core/decimal.js';
import { formatType } from '../../../core/types.js';
import { parseTimestamp } from '../../../core/values.js';
import { columnFromInformationSchema, parseEnumValues, strataTypeOf, type InformationSchemaColumn } from './column-types.js';
import { snapshotSelectExpr, textToValue } from './text-values.js';

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
