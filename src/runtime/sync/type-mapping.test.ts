import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Decimal } from '../../core/decimal.js';
import type { MysqlColumn } from '../../connectors/mysql-cdc/binlog/column-types.js';
import { mapMysqlColumn, syncTypeTableMarkdown } from './type-mapping.js';

function col(dataType: MysqlColumn['dataType'], extra: Partial<MysqlColumn> = {}): MysqlColumn {
  return { name: 'c', dataType, unsigned: false, nullable: true, displayWidth: null, length: null, precision: null, scale: null, fsp: null, charset: null, enumValues: null, setValues: null, ...extra };
}

describe('sync type mapping (MySQL → Strata → warehouse → StarRocks)', () => {
  test('the hard cases', () => {
    const big = mapMysqlColumn(col('bigint', { unsigned: true }), true);
    assert.equal(big.starrocks, 'LARGEINT');
    assert.equal(big.column.type.kind, 'DECIMAL');
    assert.equal(big.column.type.nullable, false);
    const d65 = mapMysqlColumn(col('decimal', { precision: 65, scale: 30 }), false);
    assert.equal(d65.starrocks, 'VARCHAR(67)');
    assert.equal(d65.convert!(new Decimal(-12500n, 3)), '-12.500');
    assert.equal(mapMysqlColumn(col('decimal', { precision: 10, scale: 2 }), true).starrocks, 'VARCHAR(12)', 'DECIMAL keys are not allowed in StarRocks');
    assert.equal(mapMysqlColumn(col('decimal', { precision: 10, scale: 2 }), false).starrocks, 'DECIMAL(10, 2)');
    assert.equal(mapMysqlColumn(col('varchar', { length: 20, charset: 'utf8mb4' }), false).starrocks, 'VARCHAR(80)');
    assert.equal(mapMysqlColumn(col('varchar', { length: 20, charset: 'utf8mb3' }), false).starrocks, 'VARCHAR(60)');
    assert.equal(mapMysqlColumn(col('varchar', { length: 20, charset: 'latin1' }), false).starrocks, 'VARCHAR(20)');
    assert.equal(mapMysqlColumn(col('varchar', { length: 300000, charset: 'utf8mb4' }), false).starrocks, 'VARCHAR(1048576)');
    assert.equal(mapMysqlColumn(col('char', { length: 10, charset: 'utf8mb4' }), false).starrocks, 'CHAR(40)');
    assert.equal(mapMysqlColumn(col('char', { length: 100, charset: 'utf8mb4' }), false).starrocks, 'VARCHAR(400)', 'CHAR beyond 255 bytes');
    assert.equal(mapMysqlColumn(col('tinyint', { displayWidth: 1 }), false).starrocks, 'BOOLEAN');
    assert.equal(mapMysqlColumn(col('tinyint', { displayWidth: 4 }), false).starrocks, 'TINYINT');
    assert.equal(mapMysqlColumn(col('bit', { length: 1 }), false).starrocks, 'BOOLEAN');
    assert.equal(mapMysqlColumn(col('bit', { length: 12 }), false).starrocks, 'VARBINARY(2)');
    const zero = mapMysqlColumn(col('date', { nullable: false }), false);
    assert.equal(zero.column.type.nullable, true, 'zero dates read as NULL');
    assert.equal(mapMysqlColumn(col('datetime', { fsp: 3 }), false).column.type.kind, 'TIMESTAMP');
    assert.equal(mapMysqlColumn(col('timestamp', { fsp: 6 }), false).column.type.kind, 'TIMESTAMP_LTZ');
    assert.equal(mapMysqlColumn(col('json'), false).starrocks, 'JSON');
    assert.equal(mapMysqlColumn(col('enum', { enumValues: ['a'] }), false).starrocks, 'STRING');
    assert.equal(mapMysqlColumn(col('set', { setValues: ['a'] }), false).starrocks, 'STRING');
    const time = mapMysqlColumn(col('time', { fsp: 0 }), false);
    assert.equal(time.starrocks, 'VARCHAR(17)');
    assert.equal(time.convert!(-(12 * 3600 + 30 * 60) * 1_000_000), '-12:30:00');
  });

  test('docs/types.md has the table as generated', () => {
    const docs = readFileSync(fileURLToPath(new URL('../../../../docs/types.md', import.meta.url)), 'utf8');
    assert.ok(docs.includes(syncTypeTableMarkdown()), 'regenerate the "Database sync" table of docs/types.md from syncTypeTableMarkdown()');
  });
});
