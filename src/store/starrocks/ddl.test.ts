import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { StrataError } from '../../core/errors.js';
import type { CreateTable } from '../../sql/ast.js';
import { parseStatement } from '../../sql/parser.js';
import { defaultForShow, showCreateTable, starrocksType, tableDefFromAst } from './ddl.js';
import { SEED_STEP3_DDL } from './test-support.js';

function create(sql: string): CreateTable {
  const s = parseStatement(sql, { dialect: 'starrocks' });
  assert.equal(s.kind, 'create-table');
  return s as CreateTable;
}

function error(fn: () => unknown): StrataError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof StrataError);
    return e;
  }
  assert.fail('expected a StrataError');
}

describe('StarRocks CREATE TABLE → WarehouseTableDef', () => {
  test("the seed's DWD table", () => {
    const def = tableDefFromAst(create(SEED_STEP3_DDL[3]!), null);
    assert.equal(def.database, 'flink_cdc');
    assert.equal(def.name, 'dwd_order_customer_valid');
    assert.deepEqual(def.columns.map((c) => c.typeText), ['INT', 'FLOAT', 'STRING', 'INT', 'FLOAT', 'STRING']);
    assert.deepEqual(def.columns.map((c) => c.comment), ['', '', '', '', '', '']);
    assert.equal(def.comment, '');
    assert.equal(def.keyModel, 'PRIMARY');
    assert.deepEqual(def.keyColumns, ['order_id']);
  });

  test('types as written, defaults, aggregation, partition text, the current database', () => {
    const def = tableDefFromAst(
      create(
        "CREATE TABLE t (k DATE NOT NULL, r VARCHAR(40), big LARGEINT, d DECIMAL(12, 3) DEFAULT '1.5', j JSON, s BIGINT SUM DEFAULT \"0\", ts DATETIME REPLACE) " +
          'AGGREGATE KEY(k, r, big, d, j) PARTITION BY RANGE(k) (START ("2024-01-01") END ("2024-02-01") EVERY (INTERVAL 1 DAY)) DISTRIBUTED BY HASH(k) COMMENT "sums"',
      ),
      'mydb',
    );
    assert.equal(def.database, 'mydb');
    assert.deepEqual(def.columns.map((c) => c.typeText), ['DATE', 'VARCHAR(40)', 'LARGEINT', 'DECIMAL(12,3)', 'JSON', 'BIGINT', 'DATETIME']);
    assert.deepEqual(def.columns.map((c) => c.aggregation), [null, null, null, null, null, 'SUM', 'REPLACE']);
    assert.deepEqual(def.columns.map((c) => c.defaultValue), [null, null, null, "'1.5'", null, "'0'", null]);
    assert.equal(def.keyModel, 'AGGREGATE');
    assert.equal(def.comment, 'sums');
    assert.ok(def.partitionText?.startsWith('PARTITION BY RANGE(k) (START'));
    assert.deepEqual(def.distribution, { columns: ['k'], buckets: null, random: false });
    assert.deepEqual(def.columns.map((c) => starrocksType(c)), ['date', 'varchar(40)', 'largeint(40)', 'decimal(12, 3)', 'json', 'bigint(20)', 'datetime']);
  });

  test('no key clause: DUPLICATE KEY on the first column; a Flink-style PRIMARY KEY in the column list is PRIMARY KEY', () => {
    const dup = tableDefFromAst(create('CREATE TABLE db.t (a INT, b INT)'), null);
    assert.deepEqual([dup.keyModel, dup.keyColumns, dup.engine, dup.distribution], ['DUPLICATE', ['a'], 'olap', null]);
    const pk = tableDefFromAst(create('CREATE TABLE db.t (a INT, b INT, PRIMARY KEY (a))'), null);
    assert.deepEqual([pk.keyModel, pk.keyColumns], ['PRIMARY', ['a']]);
    assert.equal(pk.columns[0]!.type.nullable, false, 'primary key columns are NOT NULL');
    assert.equal(pk.columns[1]!.type.nullable, true);
  });

  test('key columns must come first, in order (StarRocks rule)', () => {
    const e = error(() => tableDefFromAst(create('CREATE TABLE db.t (a INT, b INT) PRIMARY KEY(b)'), null));
    assert.equal(e.code, 'SQL_VALIDATION');
    assert.match(e.message, /^1:34: the PRIMARY KEY columns must be the first columns of the table, in the same order \(StarRocks rule\)/);
    assert.equal(e.hint, "Move 'b' to the start of the column list.");
    assert.doesNotThrow(() => tableDefFromAst(create('CREATE TABLE db.t (a INT, b INT, c INT) DUPLICATE KEY(a, b)'), null));
    assert.equal(error(() => tableDefFromAst(create('CREATE TABLE db.t (a INT, b INT, c INT) UNIQUE KEY(b, a)'), null)).code, 'SQL_VALIDATION');
  });

  test('other definition errors', () => {
    assert.match(error(() => tableDefFromAst(create('CREATE TABLE t (a INT)'), null)).message, /no database selected/);
    assert.equal(error(() => tableDefFromAst(create('CREATE TABLE t (a INT)'), null)).code, 'CATALOG_OBJECT_NOT_FOUND');
    assert.match(error(() => tableDefFromAst(create('CREATE TABLE db.t (a INT) DISTRIBUTED BY HASH(z)'), null)).message, /DISTRIBUTED BY HASH column 'z'/);
    assert.match(error(() => tableDefFromAst(create('CREATE TABLE db.t (a INT NOT NULL) PRIMARY KEY(a) DISTRIBUTED BY RANDOM'), null)).message, /RANDOM/);
    assert.match(error(() => tableDefFromAst(create('CREATE TABLE db.t (a INT DEFAULT abs(1))'), null)).message, /DEFAULT must be a constant/);
    assert.match(error(() => tableDefFromAst(create('CREATE TABLE db.t (a ARRAY<INT>)'), null)).message, /ARRAY/);
    assert.match(error(() => tableDefFromAst(create('CREATE TABLE db.t (a WHATEVER)'), null)).message, /unknown or unsupported type 'WHATEVER'/);
    assert.equal(error(() => tableDefFromAst(create('CREATE TABLE other.db.t (a INT)'), null)).code, 'CATALOG_OBJECT_NOT_FOUND');
    assert.equal(tableDefFromAst(create('CREATE TABLE default_catalog.db.t (a INT)'), null).database, 'db');
  });
});

describe('SHOW CREATE TABLE', () => {
  test('a DUPLICATE KEY table with nullable columns, defaults, partitions and no properties', () => {
    const def = tableDefFromAst(
      create(
        'CREATE TABLE db.events (ts DATETIME NOT NULL COMMENT "event \\"time\\"", kind VARCHAR(10) DEFAULT "click", n INT) ' +
          'DUPLICATE KEY(ts) PARTITION BY date_trunc(\'day\', ts) DISTRIBUTED BY RANDOM BUCKETS 4',
      ),
      null,
    );
    assert.equal(
      showCreateTable(def),
      'CREATE TABLE `events` (\n' +
        '  `ts` datetime NOT NULL COMMENT "event \\"time\\"",\n' +
        '  `kind` varchar(10) NULL DEFAULT "click" COMMENT "",\n' +
        '  `n` int(11) NULL COMMENT ""\n' +
        ') ENGINE=OLAP \n' +
        'DUPLICATE KEY(`ts`)\n' +
        'COMMENT "OLAP"\n' +
        "PARTITION BY date_trunc('day', ts)\n" +
        'DISTRIBUTED BY RANDOM BUCKETS 4 \n' +
        'PROPERTIES (\n' +
        '"replication_num" = "1"\n' +
        ');',
    );
  });

  test('an AGGREGATE KEY table prints the aggregations', () => {
    const def = tableDefFromAst(create('CREATE TABLE db.a (k INT, v BIGINT SUM) AGGREGATE KEY(k) PROPERTIES ("replication_num" = "3", "x" = "y")'), null);
    const text = showCreateTable(def);
    assert.ok(text.includes('  `v` bigint(20) SUM NULL COMMENT ""\n'), text);
    assert.ok(text.includes('AGGREGATE KEY(`k`)\n'), text);
    assert.ok(text.endsWith('PROPERTIES (\n"replication_num" = "3",\n"x" = "y"\n);'), text);
  });

  test('defaults as StarRocks prints them', () => {
    assert.equal(defaultForShow("'a''b'"), '"a\'b"');
    assert.equal(defaultForShow('0'), '"0"');
    assert.equal(defaultForShow('CURRENT_TIMESTAMP'), 'CURRENT_TIMESTAMP');
  });
});
