import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { StrataError } from '../../core/errors.js';
import { T } from '../../core/types.js';
import { createTableSql, defaultExpression, validateTableDef } from './table-def.js';
import { column, tableDef } from './test-support.js';

function code(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof StrataError);
    return e.code;
  }
  return 'none';
}

describe('table definitions', () => {
  test('validation normalizes names and makes PRIMARY / UNIQUE keys NOT NULL', () => {
    const def = validateTableDef(
      tableDef('SHOP', 'T', [column('Id', T.bigint()), column('v', T.int())], 'UNIQUE', ['ID'], { distribution: { columns: ['id'], buckets: 3, random: false } }),
      'Shop',
    );
    assert.equal(def.database, 'Shop');
    assert.deepEqual(def.keyColumns, ['Id']);
    assert.deepEqual(def.distribution, { columns: ['Id'], buckets: 3, random: false });
    assert.equal(def.columns[0]!.type.nullable, false);
    const agg = validateTableDef(tableDef('s', 't', [column('k', T.int()), column('v', T.int(), { aggregation: 'max' })], 'AGGREGATE', ['k']), 's');
    assert.equal(agg.columns[0]!.type.nullable, true, 'AGGREGATE keys may be NULL');
  });

  test('bad definitions are refused with stable codes', () => {
    const t = (cols: ReturnType<typeof column>[], model: 'PRIMARY' | 'DUPLICATE' | 'AGGREGATE' = 'PRIMARY', keys = ['k']) => () =>
      validateTableDef(tableDef('s', 't', cols, model, keys), 's');
    assert.equal(code(t([])), 'SQL_VALIDATION');
    assert.equal(code(t([column('k', T.int()), column('v', T.varchar(0))])), 'SQL_VALIDATION');
    assert.equal(code(t([column('k', T.int()), column('v', T.timestamp(12))])), 'SQL_VALIDATION');
    assert.equal(code(t([column('k', T.int()), column('v', T.string(), { aggregation: 'SUM' })], 'AGGREGATE')), 'SQL_VALIDATION');
    assert.equal(code(t([column('k', T.int()), column('v', T.int(), { aggregation: 'BITMAP_UNION' })], 'AGGREGATE')), 'SQL_UNSUPPORTED');
    assert.equal(code(t([column('k', T.int(), { aggregation: 'SUM' })], 'AGGREGATE')), 'SQL_VALIDATION');
    assert.equal(code(t([column('k', T.int()), column('k', T.int())], 'DUPLICATE', [])), 'SQL_VALIDATION');
    assert.equal(code(t([column('k', T.int()), column('v', T.int())], 'PRIMARY', ['k', 'K'])), 'SQL_VALIDATION');
    assert.equal(code(t([column('k', T.int()), column('v', T.decimal(65, 30))])), 'none');
    assert.equal(code(t([column('k', T.int()), column('RowId', T.int())], 'DUPLICATE', [])), 'SQL_VALIDATION');
    assert.equal(code(t([column('k', T.int()), column('rowid', T.int())])), 'none');
  });

  test('DDL quotes identifiers and maps types', () => {
    const def = validateTableDef(tableDef('my db', 'a"b', [column('k', T.int()), column('t', T.time(0)), column('d', T.decimal(50, 2))], 'PRIMARY', ['k']), 'my db');
    assert.equal(createTableSql(def), 'CREATE TABLE "my db"."a""b" ("k" INTEGER NOT NULL, "t" INTERVAL, "d" VARCHAR)');
  });

  test('DEFAULT expressions', () => {
    assert.equal(defaultExpression("'it''s'", T.string(), 'c'), "CAST('it''s' AS VARCHAR)");
    assert.equal(defaultExpression('"0"', T.int(), 'c'), "CAST('0' AS INTEGER)");
    assert.equal(defaultExpression('-1.5e3', T.double(), 'c'), "CAST('-1.5e3' AS DOUBLE)");
    assert.equal(defaultExpression('NULL', T.int(), 'c'), 'NULL');
    assert.equal(defaultExpression(null, T.int(), 'c'), 'NULL');
    assert.equal(defaultExpression('CURRENT_TIMESTAMP', T.timestamp(), 'c'), 'CAST(current_timestamp AS TIMESTAMP)');
    assert.equal(defaultExpression('now()', T.timestamp(), 'c'), 'CAST(current_timestamp AS TIMESTAMP)');
    assert.equal(code(() => defaultExpression('1; DROP TABLE x', T.int(), 'c')), 'SQL_UNSUPPORTED');
  });
});
