import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { StrataError } from '../../core/errors.js';
import type { StatementOutcome, WarehouseSessionState } from '../api.js';
import { DuckDbWarehouse } from '../duckdb/warehouse.js';
import { WarehouseSql, type WarehouseExtension } from './front.js';
import { SEED_STEP3_DDL, SEED_STEP3_ROUTINE_LOADS, frontFixture, rowsText, type FrontFixture } from './test-support.js';

/** The error a promise rejects with (fails the test when it resolves). */
async function failure(p: Promise<unknown>): Promise<StrataError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof StrataError, `expected a StrataError, got ${String(e)}`);
    assert.ok(!/\n\s+at /.test(e.message), 'no stack trace in the message');
    return e;
  }
  assert.fail('expected the statement to fail');
}

function names(o: StatementOutcome): string[] {
  assert.equal(o.kind, 'rows');
  return o.kind === 'rows' ? o.columns.map((c) => c.name) : [];
}

describe('WarehouseSql: the seed tutorial (steps 3, 5, 6)', () => {
  let f: FrontFixture;
  before(async () => {
    f = await frontFixture();
  });
  after(async () => {
    await f.close();
  });

  test("step 3's DDL runs verbatim, statement by statement and again as one script (IF NOT EXISTS)", async () => {
    for (const sql of SEED_STEP3_DDL) {
      const out = await f.front.query(sql, f.session);
      assert.deepEqual(out, [{ kind: 'ok', affectedRows: 0 }]);
    }
    const again = await f.front.query(SEED_STEP3_DDL.join('\n'), f.session);
    assert.equal(again.length, 5);
    const def = f.warehouse.getTable('flink_cdc', 'customers');
    assert.ok(def !== undefined);
    assert.equal(def.keyModel, 'PRIMARY');
    assert.deepEqual(def.keyColumns, ['customer_id']);
    assert.deepEqual(
      def.columns.map((c) => [c.name, c.typeText, c.type.kind, c.type.nullable]),
      [
        ['customer_id', 'INT', 'INT', false],
        ['customer_age', 'FLOAT', 'FLOAT', false],
        ['customer_name', 'STRING', 'VARCHAR', false],
      ],
    );
    assert.deepEqual(def.distribution, { columns: ['customer_id'], buckets: 1, random: false });
    assert.deepEqual(def.properties, { replication_num: '1' });
    assert.equal(def.engine, 'olap');
  });

  test("step 5: 'use flink_cdc; show tables;' lists the four tables, sorted", async () => {
    const out = await f.front.query('use flink_cdc; show tables;', f.session);
    assert.equal(out.length, 2);
    assert.deepEqual(out[0], { kind: 'ok', affectedRows: 0 });
    assert.deepEqual(names(out[1]!), ['Tables_in_flink_cdc']);
    assert.deepEqual(rowsText(out[1]!), ['customers', 'dwd_order_customer_valid', 'dws_agg_by_region', 'orders']);
    assert.equal(f.session.database, 'flink_cdc');
  });

  test('step 6: INSERT VALUES and select * round-trip; FLOAT 10 stays FLOAT and prints 10', async () => {
    await f.run('INSERT INTO flink_cdc.orders(order_id,order_revenue,order_region,customer_id) VALUES(1,10,"beijing",1);');
    await f.run('INSERT INTO flink_cdc.orders(order_id,order_revenue,order_region,customer_id) VALUES(2,10,"beijing",1);');
    const ins = await f.run('INSERT INTO flink_cdc.customers(customer_id,customer_age,customer_name) VALUES(1, 22, "emr_test");');
    assert.deepEqual(ins, { kind: 'ok', affectedRows: 1 });
    const orders = await f.run('select * from orders;');
    assert.deepEqual(names(orders), ['order_id', 'order_revenue', 'order_region', 'customer_id']);
    assert.deepEqual(rowsText(orders), ['1 | 10 | beijing | 1', '2 | 10 | beijing | 1']);
    assert.ok(orders.kind === 'rows');
    assert.deepEqual(
      orders.columns.map((c) => [c.type.kind, c.type.nullable, c.database, c.table]),
      [
        ['INT', false, 'flink_cdc', 'orders'],
        ['FLOAT', false, 'flink_cdc', 'orders'],
        ['VARCHAR', false, 'flink_cdc', 'orders'],
        ['INT', false, 'flink_cdc', 'orders'],
      ],
    );
    assert.deepEqual(await f.rows('select * from customers'), ['1 | 22 | emr_test']);
    await f.run("insert into dws_agg_by_region values ('beijing', 2, 20)");
    assert.deepEqual(await f.rows('select * from dws_agg_by_region'), ['beijing | 2 | 20']);
  });

  test('SHOW CREATE TABLE prints StarRocks DDL', async () => {
    const o = await f.run('show create table customers');
    assert.deepEqual(names(o), ['Table', 'Create Table']);
    assert.ok(o.kind === 'rows');
    assert.equal(o.rows[0]![0], 'customers');
    assert.equal(
      o.rows[0]![1],
      'CREATE TABLE `customers` (\n' +
        '  `customer_id` int(11) NOT NULL COMMENT "",\n' +
        '  `customer_age` float NOT NULL COMMENT "",\n' +
        '  `customer_name` varchar(65533) NOT NULL COMMENT ""\n' +
        ') ENGINE=OLAP \n' +
        'PRIMARY KEY(`customer_id`)\n' +
        'COMMENT "OLAP"\n' +
        'DISTRIBUTED BY HASH(`customer_id`) BUCKETS 1 \n' +
        'PROPERTIES (\n' +
        '"replication_num" = "1"\n' +
        ');',
    );
  });

  test('DESC / DESCRIBE / SHOW [FULL] COLUMNS', async () => {
    const d = await f.run('desc orders');
    assert.deepEqual(names(d), ['Field', 'Type', 'Null', 'Key', 'Default', 'Extra']);
    assert.deepEqual(rowsText(d), [
      'order_id | int | NO | true | NULL | ',
      'order_revenue | float | NO | false | NULL | ',
      'order_region | varchar(65533) | NO | false | NULL | ',
      'customer_id | int | NO | false | NULL | ',
    ]);
    assert.deepEqual(rowsText(await f.run('DESCRIBE flink_cdc.orders')), rowsText(d));
    const c = await f.run('show columns from orders');
    assert.deepEqual(names(c), ['Field', 'Type', 'Null', 'Key', 'Default', 'Extra']);
    assert.deepEqual(rowsText(c)[0], 'order_id | int(11) | NO | PRI | NULL | ');
    const full = await f.run("show full columns from orders from flink_cdc like 'order_r%'");
    assert.deepEqual(names(full), ['Field', 'Type', 'Collation', 'Null', 'Key', 'Default', 'Extra', 'Privileges', 'Comment']);
    assert.deepEqual(rowsText(full), [
      'order_revenue | float | NULL | NO |  | NULL |  | select,insert,update,references | ',
      'order_region | varchar(65533) | utf8mb4_general_ci | NO |  | NULL |  | select,insert,update,references | ',
    ]);
  });

  test('CREATE ROUTINE LOAD (verbatim) reaches an extension, which is tried before the parser', async () => {
    const seen: string[] = [];
    const ext: WarehouseExtension = {
      handle: async (text, session) => {
        if (!/^CREATE ROUTINE LOAD/i.test(text)) return undefined;
        seen.push(`${session.database}:${text}`);
        return { kind: 'ok', affectedRows: 0 };
      },
    };
    const front = new WarehouseSql(f.warehouse, { extensions: [ext] });
    const s = front.openSession(7, 'root', 'flink_cdc');
    const out = await front.query(SEED_STEP3_ROUTINE_LOADS.join(' '), s);
    assert.equal(out.length, 4);
    assert.deepEqual(
      seen,
      SEED_STEP3_ROUTINE_LOADS.map((r) => `flink_cdc:${r.slice(0, -1)}`),
    );
    // Without the extension the statement is a located syntax error.
    const e = await failure(f.front.query(SEED_STEP3_ROUTINE_LOADS[0]!, f.session));
    assert.equal(e.code, 'SQL_SYNTAX');
    assert.deepEqual(e.location, { line: 1, column: 8 });
  });
});

describe('WarehouseSql: DML on key models', () => {
  let f: FrontFixture;
  before(async () => {
    f = await frontFixture(`
      CREATE DATABASE d; USE d;
      CREATE TABLE pk (id INT NOT NULL, name VARCHAR(8), qty INT DEFAULT "5", at DATETIME) PRIMARY KEY(id) DISTRIBUTED BY HASH(id) BUCKETS 2;
      CREATE TABLE dup (k INT, v STRING) DUPLICATE KEY(k);
      CREATE TABLE plain (a INT, b DOUBLE);
    `);
  });
  after(async () => {
    await f.close();
  });

  test('INSERT into a PRIMARY KEY table upserts by key; a column list fills the others with their DEFAULT', async () => {
    assert.deepEqual(await f.run("insert into pk values (1, 'a', 1, '2024-01-01 00:00:00'), (2, 'b', 2, NULL)"), { kind: 'ok', affectedRows: 2 });
    await f.run("insert into pk (id, name) values (1, 'a2')");
    await f.run("insert into pk (name, id) values ('c', 3), (DEFAULT, 4)");
    assert.deepEqual(await f.rows('select * from pk order by id'), [
      '1 | a2 | 5 | NULL',
      '2 | b | 2 | NULL',
      '3 | c | 5 | NULL',
      '4 | NULL | 5 | NULL',
    ]);
  });

  test('INSERT into a DUPLICATE KEY table appends; INSERT ... SELECT and INSERT OVERWRITE', async () => {
    await f.run("insert into dup values (1, 'x'), (1, 'x')");
    await f.run("insert into dup select id, name from pk where id <= 2");
    assert.deepEqual(await f.rows('select k, v, count(*) from dup group by k, v order by k, v'), ['1 | a2 | 1', '1 | x | 2', '2 | b | 1']);
    assert.deepEqual(await f.run("insert overwrite dup select id, 'o' from pk where id = 3"), { kind: 'ok', affectedRows: 1 });
    assert.deepEqual(await f.rows('select * from dup'), ['3 | o']);
  });

  test('a table without a key clause is DUPLICATE KEY on its first column', async () => {
    const def = f.warehouse.getTable('d', 'plain');
    assert.equal(def?.keyModel, 'DUPLICATE');
    assert.deepEqual(def?.keyColumns, ['a']);
    await f.run('insert into plain values (1, 1.5), (1, 1.5)');
    assert.deepEqual(await f.rows('select count(*) from plain'), ['2']);
  });

  test('UPDATE on a PRIMARY KEY table: matched and changed rows, SET expressions over the old row', async () => {
    const o = await f.run('update pk set qty = qty * 10, name = concat(name, "!") where id in (1, 2)');
    assert.deepEqual(o, { kind: 'ok', affectedRows: 2, info: 'Rows matched: 2  Changed: 2  Warnings: 0' });
    const same = await f.run('update pk set qty = 50 where id = 1');
    assert.deepEqual(same, { kind: 'ok', affectedRows: 0, info: 'Rows matched: 1  Changed: 0  Warnings: 0' });
    assert.deepEqual(await f.rows('select id, name, qty from pk where id <= 2 order by id'), ['1 | a2! | 50', '2 | b! | 20']);
  });

  test('UPDATE ... FROM another table', async () => {
    await f.run("insert into plain values (3, 7)");
    // plain holds (1, 1.5) twice and (3, 7): id 1 matches two rows of plain and is updated once.
    const o = await f.run('update pk set qty = cast(plain.b as int) from plain where plain.a = pk.id');
    assert.deepEqual(o, { kind: 'ok', affectedRows: 2, info: 'Rows matched: 2  Changed: 2  Warnings: 0' });
    assert.deepEqual(await f.rows('select id, qty from pk order by id'), ['1 | 2', '2 | 20', '3 | 7', '4 | 5']);
  });

  test('DELETE on PRIMARY and DUPLICATE tables', async () => {
    assert.deepEqual(await f.run('delete from pk where id = 4'), { kind: 'ok', affectedRows: 1 });
    assert.deepEqual(await f.rows('select id from pk order by id'), ['1', '2', '3']);
    await f.run("insert into dup values (9, 'z'), (9, 'z'), (8, 'y')");
    assert.deepEqual(await f.run('delete from dup where k = 9'), { kind: 'ok', affectedRows: 2 });
    assert.deepEqual(await f.rows('select k from dup order by k'), ['3', '8']);
  });

  test('UPDATE rules: only PRIMARY KEY tables, never the key columns', async () => {
    let e = await failure(f.run("update dup set v = 'n'"));
    assert.equal(e.code, 'SQL_UNSUPPORTED');
    assert.match(e.message, /only supported on PRIMARY KEY tables/);
    e = await failure(f.run('update pk set id = 9 where id = 1'));
    assert.equal(e.code, 'SQL_VALIDATION');
    assert.match(e.message, /primary key column 'id' cannot be updated/);
    e = await failure(f.run('update pk set nope = 1'));
    assert.equal(e.code, 'SQL_VALIDATION');
    assert.deepEqual(e.location, { line: 1, column: 15 });
  });

  test('INSERT checks: NOT NULL, VARCHAR(n) in bytes, value count, bad values', async () => {
    let e = await failure(f.run("insert into pk (name) values ('x')"));
    assert.equal(e.code, 'SQL_VALIDATION');
    assert.match(e.message, /column 'id' of table 'd.pk' cannot be NULL/);
    e = await failure(f.run("insert into pk (id, name) values (10, 'ééééé')"));
    assert.equal(e.code, 'SQL_VALIDATION');
    assert.match(e.message, /value too long for column 'name' \(VARCHAR\(8\)\): 10 bytes/);
    e = await failure(f.run('insert into pk (id, name) values (10)'));
    assert.equal(e.code, 'SQL_VALIDATION');
    assert.match(e.message, /2 columns, 1 values/);
    e = await failure(f.run("insert into pk (id) values ('ten')"));
    assert.equal(e.code, 'SQL_VALIDATION');
    assert.deepEqual(await f.rows('select count(*) from pk where id = 10'), ['0']);
  });

  test('TRUNCATE, ALTER TABLE ADD / DROP COLUMN', async () => {
    await f.run('alter table plain add column c varchar(10) default "n" after a');
    assert.deepEqual(
      f.warehouse.getTable('d', 'plain')?.columns.map((c) => c.name),
      ['a', 'c', 'b'],
    );
    await f.run('alter table plain add column z int first');
    await f.run('alter table plain drop column z');
    const e = await failure(f.run('alter table pk drop column id'));
    assert.equal(e.code, 'SQL_VALIDATION');
    assert.match(e.message, /cannot drop key column 'id'/);
    await f.run('truncate table plain');
    assert.deepEqual(await f.rows('select count(*) from plain'), ['0']);
  });

  test('DROP TABLE / DATABASE [IF EXISTS] [FORCE]', async () => {
    await f.run('create database gone; create table gone.t (a int)');
    await f.run('drop table gone.t force');
    assert.equal(f.warehouse.getTable('gone', 't'), undefined);
    await f.run('drop table if exists gone.t');
    await f.run('drop database gone force; drop database if exists gone');
    assert.equal(f.warehouse.hasDatabase('gone'), false);
    const e = await failure(f.run('drop table gone.t'));
    assert.equal(e.code, 'CATALOG_OBJECT_NOT_FOUND');
    assert.match(e.message, /database/);
  });
});

describe('WarehouseSql: sessions, variables, SHOW and information_schema', () => {
  let f: FrontFixture;
  before(async () => {
    f = await frontFixture(`
      CREATE DATABASE shop; USE shop;
      CREATE TABLE orders (order_id INT NOT NULL COMMENT "id", amount DECIMAL(10, 2), region VARCHAR(20) DEFAULT "none") PRIMARY KEY(order_id) COMMENT "all orders";
      CREATE TABLE logs (ts DATETIME, msg STRING) DUPLICATE KEY(ts);
    `);
  });
  after(async () => {
    await f.close();
  });

  test("what the stock mysql client sends on connect: SELECT @@version_comment LIMIT 1", async () => {
    const o = await f.run('select @@version_comment limit 1');
    assert.deepEqual(names(o), ['@@version_comment']);
    assert.deepEqual(rowsText(o), ['Strata (StarRocks-compatible)']);
  });

  test("what Connector/J sends on connect: one row, the selected names as labels", async () => {
    const sql =
      '/* mysql-connector-java-8.0.33 */SELECT  @@session.auto_increment_increment AS auto_increment_increment, @@character_set_client AS character_set_client, ' +
      '@@character_set_connection AS character_set_connection, @@character_set_results AS character_set_results, @@character_set_server AS character_set_server, ' +
      '@@collation_server AS collation_server, @@collation_connection AS collation_connection, @@init_connect AS init_connect, @@interactive_timeout AS interactive_timeout, ' +
      '@@license AS license, @@lower_case_table_names AS lower_case_table_names, @@max_allowed_packet AS max_allowed_packet, @@net_buffer_length AS net_buffer_length, ' +
      '@@net_write_timeout AS net_write_timeout, @@performance_schema AS performance_schema, @@query_cache_size AS query_cache_size, @@query_cache_type AS query_cache_type, ' +
      '@@sql_mode AS sql_mode, @@system_time_zone AS system_time_zone, @@time_zone AS time_zone, @@transaction_isolation AS transaction_isolation, ' +
      '@@tx_isolation AS tx_isolation, @@wait_timeout AS wait_timeout';
    const o = await f.run(sql);
    assert.deepEqual(names(o), [
      'auto_increment_increment', 'character_set_client', 'character_set_connection', 'character_set_results', 'character_set_server', 'collation_server',
      'collation_connection', 'init_connect', 'interactive_timeout', 'license', 'lower_case_table_names', 'max_allowed_packet', 'net_buffer_length',
      'net_write_timeout', 'performance_schema', 'query_cache_size', 'query_cache_type', 'sql_mode', 'system_time_zone', 'time_zone',
      'transaction_isolation', 'tx_isolation', 'wait_timeout',
    ]);
    const row = rowsText(o)[0]!.split(' | ');
    assert.equal(row.length, 23);
    assert.equal(row[0], '1');
    assert.equal(row[1], 'utf8mb4');
    assert.equal(row[11], '67108864');
    assert.equal(row[19], '+00:00'); // the fixture's SET time_zone = '+00:00'
    assert.equal(row[20], 'REPEATABLE-READ');
    assert.ok(o.kind === 'rows');
    assert.equal(o.columns[0]!.type.kind, 'BIGINT');
  });

  test('the session functions and the other connect-time @@ variables', async () => {
    const o = await f.run(
      'select database(), connection_id(), user(), current_user(), version(), @@version, @@session.transaction_read_only, @@tx_read_only, @@autocommit, now() is not null',
    );
    assert.deepEqual(rowsText(o), ['shop | 1 | root@% | root@% | 5.1.0 | 5.1.0 | 0 | 0 | 1 | 1']);
    const e = await failure(f.run('select @@no_such_variable'));
    assert.equal(e.code, 'SQL_VALIDATION');
    assert.deepEqual(e.location, { line: 1, column: 8 });
  });

  test('SET: NAMES, autocommit, sql_mode, @@session.x, user variables, DEFAULT; SHOW VARIABLES LIKE / WHERE', async () => {
    const out = await f.front.query(
      "SET NAMES utf8mb4 COLLATE utf8mb4_general_ci; SET autocommit = 0; SET sql_mode = 'STRICT_TRANS_TABLES'; SET @@session.query_timeout = 600; SET @n = 40 + 2, @s = 'x'",
      f.session,
    );
    assert.equal(out.length, 5);
    assert.deepEqual(await f.rows('select @@autocommit, @@sql_mode, @@query_timeout, @n, @s, @unset'), ['0 | STRICT_TRANS_TABLES | 600 | 42 | x | NULL']);
    assert.deepEqual(await f.rows("show variables like 'query_timeout'"), ['query_timeout | 600']);
    await f.run('SET autocommit = ON, query_timeout = DEFAULT');
    assert.deepEqual(await f.rows("show session variables where Variable_name in ('autocommit', 'query_timeout')"), ['autocommit | 1', 'query_timeout | 300']);
    await f.run('SET GLOBAL wait_timeout = 100');
    const other = f.front.openSession(2, 'bob', null);
    const o = await f.front.query('select @@wait_timeout, @@global.wait_timeout, database()', other);
    assert.deepEqual(rowsText(o[0]!), ['100 | 100 | NULL']);
    f.front.closeSession(other);
    const e = await failure(f.run("set time_zone = 'Nowhere/Special'"));
    assert.equal(e.code, 'SQL_VALIDATION');
  });

  test('SHOW DATABASES, FULL TABLES, TABLE STATUS, ENGINES, CHARSET, COLLATION, WARNINGS, PROCESSLIST', async () => {
    const dbs = await f.run('show databases');
    assert.deepEqual(names(dbs), ['Database']);
    assert.deepEqual(rowsText(dbs), ['information_schema', 'shop']);
    assert.deepEqual(rowsText(await f.run('show full tables')), ['logs | BASE TABLE', 'orders | BASE TABLE']);
    await f.run("insert into orders values (1, 2.50, 'north')");
    const status = await f.run("show table status like 'ord%'");
    assert.deepEqual(names(status).slice(0, 5), ['Name', 'Engine', 'Version', 'Row_format', 'Rows']);
    assert.deepEqual(rowsText(status)[0]!.split(' | ').slice(0, 5), ['orders', 'StarRocks', '10', 'Dynamic', '1']);
    assert.deepEqual(rowsText(await f.run('show engines'))[0]!.split(' | ').slice(0, 2), ['OLAP', 'DEFAULT']);
    assert.ok(rowsText(await f.run('show charset')).some((r) => r.startsWith('utf8mb4 | ')));
    assert.deepEqual(rowsText(await f.run("show collation where Charset = 'utf8mb4' and Collation = 'utf8mb4_bin'")), ['utf8mb4_bin | utf8mb4 | 46 |  | Yes | 1']);
    const w = await f.run('show warnings');
    assert.deepEqual(names(w), ['Level', 'Code', 'Message']);
    assert.deepEqual(rowsText(w), []);
    const p = await f.run('show processlist');
    assert.deepEqual(names(p), ['Id', 'User', 'Host', 'db', 'Command', 'Time', 'State', 'Info']);
    assert.ok(rowsText(p).some((r) => r.startsWith('1 | root | % | shop | ')));
    const e = await failure(f.run('show frontends'));
    assert.equal(e.code, 'SQL_UNSUPPORTED');
  });

  test('information_schema: SCHEMATA, TABLES, COLUMNS with WHERE / ORDER BY / joins, as BI tools query them', async () => {
    assert.deepEqual(await f.rows('SELECT SCHEMA_NAME FROM information_schema.SCHEMATA ORDER BY SCHEMA_NAME'), ['information_schema', 'shop']);
    assert.deepEqual(
      await f.rows("select TABLE_NAME, TABLE_TYPE, ENGINE, TABLE_COMMENT from information_schema.tables where table_schema = 'shop' order by table_name"),
      ['logs | BASE TABLE | StarRocks | ', 'orders | BASE TABLE | StarRocks | all orders'],
    );
    // DBeaver: SELECT * FROM information_schema.COLUMNS WHERE TABLE_SCHEMA=? AND TABLE_NAME=? ORDER BY ORDINAL_POSITION
    const cols = await f.run("SELECT * FROM information_schema.COLUMNS WHERE TABLE_SCHEMA='shop' AND TABLE_NAME='orders' ORDER BY ORDINAL_POSITION");
    const header = names(cols);
    const pick = (r: string, c: string): string => r.split(' | ')[header.indexOf(c)]!;
    const rows = rowsText(cols);
    assert.deepEqual(rows.map((r) => pick(r, 'COLUMN_NAME')), ['order_id', 'amount', 'region']);
    assert.deepEqual(rows.map((r) => pick(r, 'COLUMN_TYPE')), ['int(11)', 'decimal(10, 2)', 'varchar(20)']);
    assert.deepEqual(rows.map((r) => pick(r, 'DATA_TYPE')), ['int', 'decimal', 'varchar']);
    assert.deepEqual(rows.map((r) => pick(r, 'IS_NULLABLE')), ['NO', 'YES', 'YES']);
    assert.deepEqual(rows.map((r) => pick(r, 'COLUMN_KEY')), ['PRI', '', '']);
    assert.deepEqual(rows.map((r) => pick(r, 'COLUMN_DEFAULT')), ['NULL', 'NULL', 'none']);
    assert.deepEqual(rows.map((r) => pick(r, 'COLUMN_COMMENT')), ['id', '', '']);
    assert.deepEqual(
      await f.rows(
        "select t.table_name, count(c.column_name) from information_schema.tables t join information_schema.columns c on c.table_schema = t.table_schema and c.table_name = t.table_name where t.table_schema = 'shop' group by t.table_name order by 1",
      ),
      ['logs | 2', 'orders | 3'],
    );
    assert.deepEqual(await f.rows("select constraint_type from information_schema.table_constraints where table_name = 'orders'"), ['PRIMARY KEY']);
    assert.deepEqual(await f.rows('select count(*) from information_schema.views'), ['0']);
    await f.run('use information_schema');
    assert.ok((await f.rows('show tables')).includes('COLUMNS'));
    assert.deepEqual(await f.rows("select schema_name from schemata where schema_name = 'shop'"), ['shop']);
    await f.run('use shop');
    const e = await failure(f.run('select * from information_schema.nope'));
    assert.equal(e.code, 'CATALOG_OBJECT_NOT_FOUND');
    assert.match(e.message, /table 'information_schema.nope'/);
  });

  test('prepared statements: ? count, result columns, typed values, wrong counts', async () => {
    const p = await f.front.prepare('select order_id, amount from orders where order_id = ? and region <> ?', f.session);
    assert.equal(p.paramCount, 2);
    assert.deepEqual(
      p.columns?.map((c) => [c.name, c.type.kind, c.table]),
      [
        ['order_id', 'INT', 'orders'],
        ['amount', 'DECIMAL', 'orders'],
      ],
    );
    const o = await f.front.executePrepared('select order_id, amount from orders where order_id = ? and region <> ?', [1n, "it's"], f.session);
    assert.deepEqual(rowsText(o), ['1 | 2.50']);
    const ins = await f.front.executePrepared('insert into orders values (?, ?, ?)', [2, 9.75, null], f.session);
    assert.deepEqual(ins, { kind: 'ok', affectedRows: 1 });
    assert.deepEqual(await f.rows('select * from orders where order_id = 2'), ['2 | 9.75 | NULL']);
    assert.deepEqual(await f.front.prepare('insert into orders values (?, ?, ?)', f.session), { paramCount: 3, columns: null });
    const e = await failure(f.front.executePrepared('select ?', [], f.session));
    assert.equal(e.code, 'SQL_VALIDATION');
    const e2 = await failure(f.front.prepare('select 1; select 2', f.session));
    assert.equal(e2.code, 'SQL_SYNTAX');
    const e3 = await failure(f.run('select ?'));
    assert.equal(e3.code, 'SQL_VALIDATION');
    assert.deepEqual(e3.location, { line: 1, column: 8 });
  });

  test('COM_FIELD_LIST', async () => {
    const cols = await f.front.fieldList('orders', f.session);
    assert.deepEqual(
      cols.map((c) => [c.name, c.type.kind, c.database, c.table]),
      [
        ['order_id', 'INT', 'shop', 'orders'],
        ['amount', 'DECIMAL', 'shop', 'orders'],
        ['region', 'VARCHAR', 'shop', 'orders'],
      ],
    );
  });

  test('BEGIN / COMMIT / ROLLBACK / START TRANSACTION / KILL are accepted', async () => {
    const out = await f.front.query('begin; start transaction read only; commit; rollback; begin work; kill 12; kill query 12', f.session);
    assert.equal(out.length, 7);
    assert.ok(out.every((o) => o.kind === 'ok'));
  });

  test('EXPLAIN shows the DuckDB SQL', async () => {
    const o = await f.run('explain select order_id from orders limit 1, 2');
    assert.ok(o.kind === 'rows');
    assert.equal(o.rows[1]![0], 'SELECT "order_id" FROM "shop"."orders" AS "orders" LIMIT 2 OFFSET 1');
  });
});

describe('WarehouseSql: errors', () => {
  let f: FrontFixture;
  before(async () => {
    f = await frontFixture('CREATE DATABASE db1; CREATE TABLE db1.t (a INT NOT NULL, b STRING) PRIMARY KEY(a)');
  });
  after(async () => {
    await f.close();
  });

  async function expectError(sql: string, code: string, message: RegExp, location?: { line: number; column: number }, session?: WarehouseSessionState): Promise<void> {
    const e = await failure(f.front.query(sql, session ?? f.session));
    assert.equal(e.code, code, e.message);
    assert.match(e.message, message);
    if (location !== undefined) assert.deepEqual(e.location, location);
  }

  test('unknown database (USE, openSession, SELECT, CREATE TABLE)', async () => {
    await expectError('use nope', 'CATALOG_OBJECT_NOT_FOUND', /unknown database 'nope'/, { line: 1, column: 5 });
    assert.throws(() => f.front.openSession(3, 'root', 'nope'), (e: unknown) => e instanceof StrataError && e.code === 'CATALOG_OBJECT_NOT_FOUND' && /database/.test(e.message));
    await expectError('select * from nope.t', 'CATALOG_OBJECT_NOT_FOUND', /unknown database 'nope'/, { line: 1, column: 15 });
    await expectError('create table nope.t (a int)', 'CATALOG_OBJECT_NOT_FOUND', /database/);
  });

  test('no database selected, unknown table, unknown column', async () => {
    await expectError('select * from t', 'CATALOG_OBJECT_NOT_FOUND', /no database selected/, { line: 1, column: 15 });
    await expectError('select 1;\nselect *\n  from db1.missing', 'CATALOG_OBJECT_NOT_FOUND', /table 'db1.missing' does not exist/, { line: 3, column: 8 });
    await expectError('select nope from db1.t', 'SQL_VALIDATION', /nope/);
  });

  test('exists: database and table', async () => {
    await expectError('create database db1', 'CATALOG_OBJECT_EXISTS', /db1/);
    await expectError('create table db1.t (a int)', 'CATALOG_OBJECT_EXISTS', /t/);
    assert.deepEqual(await f.front.query('create table if not exists db1.t (a int)', f.session), [{ kind: 'ok', affectedRows: 0 }]);
  });

  test('syntax errors are located', async () => {
    await expectError('select 1;\nselect a frm db1.t', 'SQL_SYNTAX', /unexpected 'db1'/, { line: 2, column: 14 });
    await expectError("select 'abc", 'SQL_SYNTAX', /unterminated string/, { line: 1, column: 8 });
    await expectError('  ;  ', 'SQL_SYNTAX', /query was empty/);
  });

  test('StarRocks DDL rules', async () => {
    await expectError(
      'create table db1.k (a int, b int not null) primary key(b)',
      'SQL_VALIDATION',
      /PRIMARY KEY columns must be the first columns of the table, in the same order \(StarRocks rule\)/,
      { line: 1, column: 44 },
    );
    await expectError('create table db1.k (a int, b int) duplicate key(b, a)', 'SQL_VALIDATION', /StarRocks rule/);
    await expectError('create table db1.k (a int, a int)', 'SQL_VALIDATION', /duplicate column name 'a'/);
    await expectError('create table db1.k (a int) primary key(z)', 'SQL_VALIDATION', /'z' is not a column/);
    await expectError('create table db1.k (a int null) primary key(a)', 'SQL_VALIDATION', /cannot be NULL/);
    await expectError('create table db1.k (a int, v bigint) aggregate key(a)', 'SQL_VALIDATION', /needs an aggregation/);
    await expectError('create table db1.k (a int, v bigint sum) primary key(a)', 'SQL_VALIDATION', /only allowed on the value columns of an AGGREGATE KEY table/);
    await expectError('create table db1.k (a bitmap)', 'SQL_UNSUPPORTED', /BITMAP/);
    await expectError("create table db1.k (a int) with ('connector' = 'kafka')", 'SQL_UNSUPPORTED', /Flink syntax/);
    await expectError('create table db1.k (a int) engine=mysql', 'SQL_UNSUPPORTED', /ENGINE=mysql/);
    assert.equal(f.warehouse.getTable('db1', 'k'), undefined);
  });

  test('unsupported statements and functions', async () => {
    await expectError('create view db1.v as select 1', 'SQL_UNSUPPORTED', /CREATE VIEW/);
    await expectError("select date_format(now(), '%D')", 'SQL_UNSUPPORTED', /%D/, { line: 1, column: 27 });
    await expectError('select cast(1 as decimal(50, 2))', 'SQL_UNSUPPORTED', /precision/);
    await expectError('select no_such_function(1)', 'SQL_VALIDATION', /no_such_function/);
    await expectError('select if(1, 2)', 'SQL_VALIDATION', /parameter count.*IF/, { line: 1, column: 8 });
  });

  test('a failing statement of a script reports the outcomes of the statements before it', async () => {
    const e = await failure(f.front.query('use db1; insert into t values (1, "x"); select * from missing; select 1', f.session));
    assert.equal(e.code, 'CATALOG_OBJECT_NOT_FOUND');
    assert.deepEqual(e.details?.['completed'], [
      { kind: 'ok', affectedRows: 0 },
      { kind: 'ok', affectedRows: 1 },
    ]);
    assert.deepEqual(await f.rows('select * from t'), ['1 | x']);
  });

  test('the server version is configurable', async () => {
    const w = await DuckDbWarehouse.open(':memory:');
    const front = new WarehouseSql(w, { version: '8.0.33' });
    const s = front.openSession(1, 'u', null);
    assert.deepEqual(rowsText((await front.query('select version(), @@version', s))[0]!), ['8.0.33 | 8.0.33']);
    await w.close();
  });
});
