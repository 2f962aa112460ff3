import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import type { ColumnDef, Expr, TypeName } from '../ast.js';
import { parseStatements } from '../parser.js';
import { FLINK, STARROCKS, catchError, show, showQuery, stmt } from './test-support.js';

function props(ps: readonly { key: string; value: string }[]): [string, string][] {
  return ps.map((p) => [p.key, p.value]);
}

function typeOf(sqlType: string, options = FLINK): TypeName {
  const t = stmt(`CREATE TABLE t (c ${sqlType})`, 'create-table', options);
  const c = t.columns[0];
  assert.ok(c !== undefined);
  return c.type;
}

function showType(t: TypeName): string {
  const params = t.params.length > 0 ? `(${t.params.join(',')})` : '';
  const elements = t.elements.length > 0 ? `<${t.elements.map(showType).join(',')}>` : '';
  return `${t.name}${params}${elements}${t.unsigned ? ' UNSIGNED' : ''}`;
}

describe('DDL: CREATE CATALOG and DATABASE', () => {
  test('CREATE CATALOG with options', () => {
    const c = stmt("CREATE CATALOG IF NOT EXISTS my_cat WITH ('type' = 'jdbc', 'base-url' = 'jdbc:mysql://h:3306')", 'create-catalog');
    assert.equal(c.name, 'my_cat');
    assert.equal(c.ifNotExists, true);
    assert.deepEqual(props(c.options), [
      ['type', 'jdbc'],
      ['base-url', 'jdbc:mysql://h:3306'],
    ]);
  });

  test('CREATE DATABASE with a qualified name, COMMENT and WITH', () => {
    const d = stmt("create database `cat`.`db` COMMENT 'the db' with ('k' = 'v')", 'create-database');
    assert.deepEqual(d.name.parts, ['cat', 'db']);
    assert.equal(d.ifNotExists, false);
    assert.equal(d.comment, 'the db');
    assert.deepEqual(props(d.options), [['k', 'v']]);
    assert.equal(d.asDatabase, null);
  });

  test('CDAS: AS DATABASE src INCLUDING ALL TABLES with a hint', () => {
    const d = stmt(
      "CREATE DATABASE IF NOT EXISTS sr_db WITH ('connector' = 'starrocks') AS DATABASE mysql.tpcds INCLUDING ALL TABLES /*+ OPTIONS('server-id'='8001-8004') */",
      'create-database',
    );
    assert.ok(d.asDatabase !== null);
    assert.deepEqual(d.asDatabase.source.parts, ['mysql', 'tpcds']);
    assert.equal(d.asDatabase.including, 'ALL');
    assert.deepEqual(d.asDatabase.excluding, []);
    assert.deepEqual(props(d.asDatabase.hints), [['server-id', '8001-8004']]);
  });

  test('CDAS as in the EMR article: AS TABLE src INCLUDING TABLE list, then the source hint', () => {
    const d = stmt(
      `CREATE DATABASE IF NOT EXISTS sr_db WITH (
        'starrocks.create.table.properties'='buckets 8',
        'starrocks.create.table.mode'='simple',
        'database-name'='test_cdc',
        'jdbc-url'='jdbc:mysql://172.16.xx.xx:9030',
        'load-url'='172.16.xx.xx:8030',
        'username'='test',
        'password'='123456',
        'sink.buffer-flush.interval-ms'='5000'
      ) AS TABLE mysql.test_cdc.runoob_tbl INCLUDING TABLE 'tbl1','tbl2','tbl3' EXCLUDING TABLE 'tmp_.*'
      /*+ OPTIONS ( 'connector'='mysql-cdc', 'hostname'='rm-xxxx.mysql.rds.aliyuncs.com', 'port'='3306' )*/;`,
      'create-database',
    );
    assert.equal(d.options.length, 8);
    assert.ok(d.asDatabase !== null);
    assert.deepEqual(d.asDatabase.source.parts, ['mysql', 'test_cdc', 'runoob_tbl']);
    assert.deepEqual(d.asDatabase.including, ['tbl1', 'tbl2', 'tbl3']);
    assert.deepEqual(d.asDatabase.excluding, ['tmp_.*']);
    assert.deepEqual(
      d.asDatabase.hints.map((h) => h.key),
      ['connector', 'hostname', 'port'],
    );
  });

  test('CREATE SCHEMA is CREATE DATABASE; starrocks PROPERTIES are its options', () => {
    const d = stmt('CREATE SCHEMA IF NOT EXISTS `flink_cdc` PROPERTIES ("replication_num" = "1")', 'create-database', STARROCKS);
    assert.deepEqual(d.name.parts, ['flink_cdc']);
    assert.deepEqual(props(d.options), [['replication_num', '1']]);
  });
});

describe('DDL: CREATE TABLE (flink)', () => {
  const sql = `CREATE TEMPORARY TABLE IF NOT EXISTS cat.db.orders (
    order_id BIGINT NOT NULL COMMENT 'the id',
    price DECIMAL(10, 2),
    name STRING NULL,
    total AS price * 2,
    ts TIMESTAMP(3),
    event_time TIMESTAMP_LTZ(3) METADATA FROM 'timestamp' VIRTUAL,
    part INT METADATA VIRTUAL,
    \`offset\` BIGINT METADATA,
    proc AS PROCTIME(),
    CONSTRAINT pk PRIMARY KEY (order_id) NOT ENFORCED,
    WATERMARK FOR ts AS ts - INTERVAL '5' SECOND
  ) COMMENT 'orders' PARTITIONED BY (name) WITH (
    'connector' = 'kafka',
    'topic' = 'orders'
  )`;

  test('columns, computed and metadata columns', () => {
    const t = stmt(sql, 'create-table');
    assert.equal(t.temporary, true);
    assert.equal(t.ifNotExists, true);
    assert.deepEqual(t.name.parts, ['cat', 'db', 'orders']);
    assert.deepEqual(
      t.columns.map((c) => c.name),
      ['order_id', 'price', 'name', 'total', 'ts', 'event_time', 'part', 'offset', 'proc'],
    );
    const col = (n: string): ColumnDef => t.columns.find((c) => c.name === n) as ColumnDef;
    assert.equal(col('order_id').nullable, false);
    assert.equal(col('order_id').comment, 'the id');
    assert.equal(col('price').nullable, null);
    assert.deepEqual(col('price').type.params, [10, 2]);
    assert.equal(col('name').nullable, true);
    assert.equal(show(col('total').computed as Expr), '(price * 2)');
    assert.equal(col('total').type.name, '');
    assert.deepEqual(col('event_time').metadata, { key: 'timestamp', virtual: true });
    assert.equal(col('event_time').type.name, 'TIMESTAMP_LTZ');
    assert.deepEqual(col('part').metadata, { key: null, virtual: true });
    assert.deepEqual(col('offset').metadata, { key: null, virtual: false });
    assert.equal(show(col('proc').computed as Expr), 'PROCTIME()');
  });

  test('primary key, watermark and table clauses', () => {
    const t = stmt(sql, 'create-table');
    assert.deepEqual(t.primaryKey?.columns, ['order_id']);
    assert.equal(t.primaryKey?.enforced, false);
    assert.equal(t.watermark?.column, 'ts');
    assert.equal(show(t.watermark?.expr as Expr), "(ts - INTERVAL '5' SECOND)");
    assert.equal(t.comment, 'orders');
    assert.deepEqual(t.partitionedBy, ['name']);
    assert.deepEqual(props(t.options), [
      ['connector', 'kafka'],
      ['topic', 'orders'],
    ]);
    assert.equal(t.engine, null);
    assert.equal(t.keyDesc, null);
    assert.equal(t.asQuery, null);
  });

  test('an inline PRIMARY KEY NOT ENFORCED on a column', () => {
    const t = stmt("CREATE TABLE t (id INT PRIMARY KEY NOT ENFORCED, v STRING) WITH ('connector' = 'print')", 'create-table');
    assert.deepEqual(t.primaryKey?.columns, ['id']);
    assert.equal(t.primaryKey?.enforced, false);
  });

  test('a primary key without NOT ENFORCED is reported as enforced (the binder rejects it in Flink)', () => {
    const t = stmt('CREATE TABLE t (id INT, PRIMARY KEY (id))', 'create-table');
    assert.equal(t.primaryKey?.enforced, true);
  });

  test('two primary keys are an error', () => {
    const e = catchError(() => stmt('CREATE TABLE t (id INT PRIMARY KEY NOT ENFORCED, PRIMARY KEY (id) NOT ENFORCED)', 'create-table'));
    assert.match(e.message, /only one PRIMARY KEY/);
  });

  test('columns named like keywords', () => {
    const t = stmt('CREATE TABLE t (name STRING, value INT, type INT, `timestamp` TIMESTAMP(3), date DATE, comment STRING, key STRING, watermark INT, primary INT)', 'create-table');
    assert.deepEqual(
      t.columns.map((c) => c.name),
      ['name', 'value', 'type', 'timestamp', 'date', 'comment', 'key', 'watermark', 'primary'],
    );
  });

  test('CTAS: AS TABLE src with the source OPTIONS hint (the EMR article)', () => {
    const t = stmt(
      `CREATE TABLE IF NOT EXISTS runoob_tbl1 WITH (
        'starrocks.create.table.properties'='engine=olap primary key(runoob_id) distributed by hash(runoob_id) buckets 8',
        'database-name'='test_cdc',
        'jdbc-url'='jdbc:mysql://172.16.xx.xx:9030',
        'load-url'='172.16.xx.xx:8030',
        'table-name'='runoob_tbl_sr',
        'username'='test',
        'password'='123456',
        'sink.buffer-flush.interval-ms'='5000'
      ) AS TABLE mysql.test_cdc.runoob_tbl /*+ OPTIONS ( 'connector'='mysql-cdc', 'hostname'='rm-xxxx.mysql.rds.aliyuncs.com', 'port'='3306', 'username'='test', 'password'='123456', 'database-name'='test_cdc', 'table-name'='runoob_tbl' )*/;`,
      'create-table',
    );
    assert.equal(t.columns.length, 0);
    assert.equal(t.options.length, 8);
    assert.deepEqual(t.asTable?.parts, ['mysql', 'test_cdc', 'runoob_tbl']);
    assert.equal(t.asTableHints.length, 7);
    assert.deepEqual(t.asTableHints[0], { key: 'connector', value: 'mysql-cdc', pos: t.asTableHints[0]?.pos });
  });

  test('CTAS: WITH (...) AS SELECT', () => {
    const t = stmt("CREATE TABLE agg WITH ('connector' = 'print') AS SELECT k, COUNT(*) AS n FROM src GROUP BY k", 'create-table');
    assert.equal(showQuery(t.asQuery as never), 'SELECT k, COUNT(*) AS n FROM src GROUP BY k');
    assert.equal(t.asTable, null);
  });

  test('CREATE TABLE ... LIKE is reported as unsupported', () => {
    const e = catchError(() => stmt("CREATE TABLE t2 WITH ('a' = 'b') LIKE t1", 'create-table'));
    assert.equal(e.code, 'SQL_UNSUPPORTED');
  });
});

describe('DDL: data types', () => {
  const cases: [string, string][] = [
    ['BOOLEAN', 'BOOLEAN'],
    ['TINYINT', 'TINYINT'],
    ['SMALLINT', 'SMALLINT'],
    ['INT', 'INT'],
    ['INTEGER', 'INTEGER'],
    ['BIGINT', 'BIGINT'],
    ['FLOAT', 'FLOAT'],
    ['REAL', 'REAL'],
    ['DOUBLE', 'DOUBLE'],
    ['DOUBLE PRECISION', 'DOUBLE PRECISION'],
    ['DECIMAL', 'DECIMAL'],
    ['DECIMAL(10)', 'DECIMAL(10)'],
    ['decimal(38, 18)', 'DECIMAL(38,18)'],
    ['DEC(5,2)', 'DEC(5,2)'],
    ['NUMERIC(5,2)', 'NUMERIC(5,2)'],
    ['CHAR', 'CHAR'],
    ['CHAR(3)', 'CHAR(3)'],
    ['CHARACTER(3)', 'CHARACTER(3)'],
    ['VARCHAR(40)', 'VARCHAR(40)'],
    ['CHARACTER VARYING(40)', 'CHARACTER VARYING(40)'],
    ['STRING', 'STRING'],
    ['BINARY', 'BINARY'],
    ['BINARY(16)', 'BINARY(16)'],
    ['VARBINARY(100)', 'VARBINARY(100)'],
    ['BYTES', 'BYTES'],
    ['DATE', 'DATE'],
    ['TIME', 'TIME'],
    ['TIME(3)', 'TIME(3)'],
    ['TIMESTAMP', 'TIMESTAMP'],
    ['TIMESTAMP(3)', 'TIMESTAMP(3)'],
    ['TIMESTAMP(6) WITHOUT TIME ZONE', 'TIMESTAMP(6)'],
    ['TIMESTAMP(3) WITH LOCAL TIME ZONE', 'TIMESTAMP_LTZ(3)'],
    ['TIMESTAMP WITH LOCAL TIME ZONE', 'TIMESTAMP_LTZ'],
    ['TIMESTAMP_LTZ(3)', 'TIMESTAMP_LTZ(3)'],
    ['ARRAY<INT>', 'ARRAY<INT>'],
    ['ARRAY<ARRAY<STRING NOT NULL>>', 'ARRAY<ARRAY<STRING>>'],
    ['MAP<STRING, BIGINT>', 'MAP<STRING,BIGINT>'],
    ['ROW<a INT, b STRING>', 'ROW<INT,STRING>'],
    ["ROW(a INT, b DECIMAL(5, 1) COMMENT 'x')", 'ROW<INT,DECIMAL(5,1)>'],
  ];
  for (const [sqlType, want] of cases) {
    test(`${sqlType} → ${want}`, () => assert.equal(showType(typeOf(sqlType)), want));
  }

  const starrocks: [string, string][] = [
    ['LARGEINT', 'LARGEINT'],
    ['DATETIME', 'DATETIME'],
    ['DATETIME(6)', 'DATETIME(6)'],
    ['JSON', 'JSON'],
    ['TEXT', 'TEXT'],
    ['INT(11)', 'INT(11)'],
    ['BIGINT(20) UNSIGNED', 'BIGINT(20) UNSIGNED'],
    ['TINYINT(1)', 'TINYINT(1)'],
    ['INT UNSIGNED ZEROFILL', 'INT UNSIGNED'],
    ['VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci', 'VARCHAR(255)'],
    ['TEXT CHARSET utf8', 'TEXT'],
  ];
  for (const [sqlType, want] of starrocks) {
    test(`starrocks ${sqlType} → ${want}`, () => assert.equal(showType(typeOf(sqlType, STARROCKS)), want));
  }
});

describe('DDL: StarRocks CREATE TABLE', () => {
  // Step 3 of the EMR walkthrough (seeds/000), exactly as written there.
  const step3 = [
    'CREATE DATABASE IF NOT EXISTS `flink_cdc`;',
    'CREATE TABLE IF NOT EXISTS `flink_cdc`.`customers` ( `customer_id` INT NOT NULL COMMENT "", `customer_age` FLOAT NOT NULL COMMENT "", `customer_name` STRING NOT NULL COMMENT "" ) ENGINE=olap PRIMARY KEY(`customer_id`) COMMENT "" DISTRIBUTED BY HASH(`customer_id`) BUCKETS 1 PROPERTIES ( "replication_num" = "1" );',
    'CREATE TABLE IF NOT EXISTS `flink_cdc`.`orders` ( `order_id` INT NOT NULL COMMENT "", `order_revenue` FLOAT NOT NULL COMMENT "", `order_region` STRING NOT NULL COMMENT "", `customer_id` INT NOT NULL COMMENT "" ) ENGINE=olap PRIMARY KEY(`order_id`) COMMENT "" DISTRIBUTED BY HASH(`order_id`) BUCKETS 1 PROPERTIES ( "replication_num" = "1" );',
    'CREATE TABLE IF NOT EXISTS `flink_cdc`.`dwd_order_customer_valid`( `order_id` INT NOT NULL COMMENT "", `order_revenue` FLOAT NOT NULL COMMENT "", `order_region` STRING NOT NULL COMMENT "", `customer_id` INT NOT NULL COMMENT "", `customer_age` FLOAT NOT NULL COMMENT "", `customer_name` STRING NOT NULL COMMENT "" ) ENGINE=olap PRIMARY KEY(`order_id`) COMMENT "" DISTRIBUTED BY HASH(`order_id`) BUCKETS 1 PROPERTIES ( "replication_num" = "1" );',
    'CREATE TABLE IF NOT EXISTS `flink_cdc`.`dws_agg_by_region` ( `order_region` STRING NOT NULL COMMENT "", `order_cnt` INT NOT NULL COMMENT "", `order_total_revenue` INT NOT NULL COMMENT "" ) ENGINE=olap PRIMARY KEY(`order_region`) COMMENT "" DISTRIBUTED BY HASH(`order_region`) BUCKETS 1 PROPERTIES ( "replication_num" = "1" );',
  ].join('\n');

  test('step 3 of the walkthrough parses in the starrocks dialect', () => {
    const all = parseStatements(step3, STARROCKS);
    assert.deepEqual(
      all.map((s) => s.statement.kind),
      ['create-database', 'create-table', 'create-table', 'create-table', 'create-table'],
    );
    const t = all[1]?.statement;
    assert.ok(t !== undefined && t.kind === 'create-table');
    assert.deepEqual(t.name.parts, ['flink_cdc', 'customers']);
    assert.deepEqual(
      t.columns.map((c) => [c.name, c.type.name, c.nullable, c.comment]),
      [
        ['customer_id', 'INT', false, ''],
        ['customer_age', 'FLOAT', false, ''],
        ['customer_name', 'STRING', false, ''],
      ],
    );
    assert.equal(t.engine, 'olap');
    assert.deepEqual(t.keyDesc && { type: t.keyDesc.type, columns: t.keyDesc.columns }, { type: 'PRIMARY', columns: ['customer_id'] });
    assert.equal(t.comment, '');
    assert.deepEqual(t.distribution && { columns: t.distribution.columns, buckets: t.distribution.buckets, random: t.distribution.random }, {
      columns: ['customer_id'],
      buckets: 1,
      random: false,
    });
    assert.deepEqual(props(t.properties), [['replication_num', '1']]);
    assert.equal(t.primaryKey, null);
  });

  test('the ROUTINE LOAD of step 3 is a clean syntax error naming the word', () => {
    const e = catchError(() =>
      parseStatements(
        'CREATE ROUTINE LOAD flink_cdc.routine_load_orders ON orders COLUMNS (order_id) PROPERTIES ("format" = "json") FROM KAFKA ("kafka_topic" = "ods_order");',
        STARROCKS,
      ),
    );
    assert.equal(e.code, 'SQL_SYNTAX');
    assert.match(e.message, /^1:8: expected CATALOG, DATABASE, TABLE or VIEW after CREATE, found 'ROUTINE'/);
  });

  test('DUPLICATE KEY, PARTITION BY (raw text), DISTRIBUTED BY RANDOM, DEFAULT', () => {
    const t = stmt(
      `CREATE TABLE IF NOT EXISTS d.events (
        dt DATE NOT NULL,
        id BIGINT(20) UNSIGNED NOT NULL DEFAULT "0",
        city VARCHAR(64) DEFAULT 'beijing' COMMENT "the city",
        created DATETIME DEFAULT CURRENT_TIMESTAMP
      ) ENGINE = OLAP
      DUPLICATE KEY(dt, id)
      PARTITION BY RANGE(dt) (
        PARTITION p1 VALUES LESS THAN ("2024-01-01"),
        PARTITION p2 VALUES LESS THAN ("2025-01-01")
      )
      DISTRIBUTED BY RANDOM BUCKETS 8
      ORDER BY (dt, id)
      PROPERTIES ("replication_num" = "1", "storage_medium" = "SSD")`,
      'create-table',
      STARROCKS,
    );
    assert.equal(t.keyDesc?.type, 'DUPLICATE');
    assert.deepEqual(t.keyDesc?.columns, ['dt', 'id']);
    assert.equal(
      t.partitionText,
      `PARTITION BY RANGE(dt) (
        PARTITION p1 VALUES LESS THAN ("2024-01-01"),
        PARTITION p2 VALUES LESS THAN ("2025-01-01")
      )`,
    );
    assert.deepEqual(t.distribution && [t.distribution.random, t.distribution.buckets, t.distribution.columns], [true, 8, []]);
    assert.equal(t.columns[1]?.type.unsigned, true);
    assert.equal(show(t.columns[1]?.defaultValue as Expr), "'0'");
    assert.equal(show(t.columns[2]?.defaultValue as Expr), "'beijing'");
    assert.equal(t.columns[2]?.comment, 'the city');
    assert.equal(show(t.columns[3]?.defaultValue as Expr), 'CURRENT_TIMESTAMP()');
    assert.equal(t.properties.length, 2);
  });

  test('AGGREGATE KEY with column aggregations, UNIQUE KEY, expression partitioning', () => {
    const a = stmt(
      'CREATE TABLE agg (k INT, v1 BIGINT SUM DEFAULT "0", v2 VARCHAR(10) REPLACE, v3 INT MAX NOT NULL) AGGREGATE KEY(k) DISTRIBUTED BY HASH(k)',
      'create-table',
      STARROCKS,
    );
    assert.deepEqual(
      a.columns.map((c) => c.aggregation),
      [null, 'SUM', 'REPLACE', 'MAX'],
    );
    assert.equal(a.columns[3]?.nullable, false);
    assert.equal(a.distribution?.buckets, null);
    const u = stmt("CREATE TABLE u (k INT, dt DATETIME) UNIQUE KEY(k) PARTITION BY date_trunc('day', dt) DISTRIBUTED BY HASH(k) BUCKETS 2", 'create-table', STARROCKS);
    assert.equal(u.keyDesc?.type, 'UNIQUE');
    assert.equal(u.partitionText, "PARTITION BY date_trunc('day', dt)");
  });

  test('in flink, an aggregation after a type is an error at that word', () => {
    const e = catchError(() => stmt('CREATE TABLE agg (k INT, v BIGINT SUM)', 'create-table'));
    assert.match(e.message, /expected ',' or '\)' after column definition, found 'SUM'/);
    assert.equal(e.location?.column, 35);
  });
});

describe('DDL: CREATE VIEW, DROP, ALTER', () => {
  test('CREATE VIEW keeps the query text as written', () => {
    const v = stmt('CREATE TEMPORARY VIEW IF NOT EXISTS v (a, n) AS SELECT a, count(*)  FROM t GROUP BY a;', 'create-view');
    assert.equal(v.temporary, true);
    assert.equal(v.ifNotExists, true);
    assert.deepEqual(v.columns, ['a', 'n']);
    assert.equal(v.queryText, 'SELECT a, count(*)  FROM t GROUP BY a');
    assert.equal(v.query.kind, 'select');
  });

  test('DROP of each object kind', () => {
    const cases: [string, string, boolean, boolean, boolean][] = [
      ['DROP CATALOG c', 'CATALOG', false, false, false],
      ['DROP DATABASE IF EXISTS cat.db CASCADE', 'DATABASE', true, true, false],
      ['drop schema db', 'DATABASE', false, false, false],
      ['DROP TABLE IF EXISTS db.t', 'TABLE', true, false, false],
      ['DROP TEMPORARY VIEW v', 'VIEW', false, false, true],
    ];
    for (const [sql, object, ifExists, cascade, temporary] of cases) {
      const d = stmt(sql, 'drop');
      assert.deepEqual([d.object, d.ifExists, d.cascade, d.temporary], [object, ifExists, cascade, temporary], sql);
    }
  });

  test('ALTER TABLE actions', () => {
    const a = stmt(
      "ALTER TABLE db.t ADD COLUMN c INT NOT NULL COMMENT 'x' FIRST, ADD d STRING AFTER c, ADD (e INT, f DOUBLE AFTER e), DROP COLUMN g, DROP (h, i), RENAME COLUMN j TO k, RENAME l TO m, MODIFY n BIGINT, MODIFY COLUMN o VARCHAR(10), SET ('k' = 'v')",
      'alter-table',
    );
    assert.deepEqual(a.name.parts, ['db', 't']);
    const summary = a.actions.map((x) => {
      switch (x.kind) {
        case 'add-column':
          return `add ${x.column.name} ${x.column.type.name}${x.first ? ' FIRST' : ''}${x.after !== null ? ` AFTER ${x.after}` : ''}`;
        case 'drop-column':
          return `drop ${x.column}`;
        case 'rename-column':
          return `rename ${x.from}->${x.to}`;
        case 'modify-column':
          return `modify ${x.column.name} ${x.column.type.name}`;
        case 'rename-table':
          return `rename-table ${x.to.parts.join('.')}`;
        case 'set-options':
          return `set ${x.options.map((o) => o.key).join(',')}`;
      }
    });
    assert.deepEqual(summary, [
      'add c INT FIRST',
      'add d STRING AFTER c',
      'add e INT',
      'add f DOUBLE AFTER e',
      'drop g',
      'drop h',
      'drop i',
      'rename j->k',
      'rename l->m',
      'modify n BIGINT',
      'modify o VARCHAR',
      'set k',
    ]);
  });

  test('ALTER TABLE RENAME TO', () => {
    const a = stmt('ALTER TABLE t RENAME TO db.t2', 'alter-table');
    assert.deepEqual(a.actions, [{ kind: 'rename-table', to: { parts: ['db', 't2'], pos: { line: 1, column: 25, offset: 24 } } }]);
  });

  test('a column called `to` can be renamed', () => {
    const a = stmt('ALTER TABLE t RENAME to TO too', 'alter-table');
    assert.deepEqual(a.actions, [{ kind: 'rename-column', from: 'to', to: 'too' }]);
  });
});
