import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { StrataServer } from '../../src/server/strata-server.js';
import { startMariaDb, type MariaDbServer } from '../../src/testing/mariadb.js';
import type { Row } from '../../src/core/values.js';

// CREATE DATABASE ... AS DATABASE (seed 001): one statement syncs a MariaDB database of
// 20 tables with mixed types into the warehouse; snapshot, binlog changes, SHOW CREATE
// TABLE on the MySQL port, CTAS in the seed's exact syntax, and rows written during an
// ADD COLUMN landing with the right columns.

let db: MariaDbServer;
let strata: StrataServer;
const dir = mkdtempSync(join(tmpdir(), 'strata-cdas-'));

/** Column definitions of the 20 tables: every table has `id` plus a few typed columns. */
const KINDS: readonly (readonly [string, string])[] = [
  ['c_tinyint1', 'TINYINT(1)'],
  ['c_tinyint', 'TINYINT'],
  ['c_utinyint', 'TINYINT UNSIGNED'],
  ['c_smallint', 'SMALLINT'],
  ['c_mediumint', 'MEDIUMINT'],
  ['c_int', 'INT'],
  ['c_uint', 'INT UNSIGNED'],
  ['c_bigint', 'BIGINT'],
  ['c_decimal', 'DECIMAL(10,2)'],
  ['c_bigdecimal', 'DECIMAL(50,10)'],
  ['c_float', 'FLOAT'],
  ['c_double', 'DOUBLE'],
  ['c_char', 'CHAR(5)'],
  ['c_varchar', 'VARCHAR(20)'],
  ['c_text', 'TEXT'],
  ['c_date', 'DATE'],
  ['c_datetime', 'DATETIME(3)'],
  ['c_timestamp', 'TIMESTAMP(6) NULL'],
  ['c_time', 'TIME'],
  ['c_json', 'JSON'],
  ['c_enum', "ENUM('a','b','c')"],
  ['c_set', "SET('x','y','z')"],
  ['c_bit', 'BIT(12)'],
  ['c_bit1', 'BIT(1)'],
  ['c_blob', 'BLOB'],
  ['c_year', 'YEAR'],
];

const VALUES: Record<string, string> = {
  c_tinyint1: '1',
  c_tinyint: '-5',
  c_utinyint: '250',
  c_smallint: '-30000',
  c_mediumint: '8000000',
  c_int: '-2000000000',
  c_uint: '4000000000',
  c_bigint: '-9000000000000000000',
  c_decimal: '12345678.91',
  c_bigdecimal: '1234567890123456789012345678901234567890.0123456789',
  c_float: '1.5',
  c_double: '2.25',
  c_char: "'abc'",
  c_varchar: "'héllo'",
  c_text: "'some text'",
  c_date: "'2024-01-15'",
  c_datetime: "'2024-01-15 12:34:56.789'",
  c_timestamp: "'2024-01-15 12:34:56.123456'",
  c_time: "'-12:30:00'",
  c_json: `'{"a": 1}'`,
  c_enum: "'b'",
  c_set: "'x,z'",
  c_bit: "b'101010101010'",
  c_bit1: "b'1'",
  c_blob: "X'00FF'",
  c_year: '2024',
};

/** Table i: id (BIGINT UNSIGNED for table 0, INT for the others) + 5 kinds, rotating. */
function tableColumns(i: number): (readonly [string, string])[] {
  const out: (readonly [string, string])[] = [];
  for (let k = 0; k < 5; k++) out.push(KINDS[(i * 5 + k) % KINDS.length]!);
  return out;
}

async function q(sql: string): Promise<Record<string, unknown>[]> {
  return db.query(sql);
}

async function warehouse(sql: string): Promise<readonly Row[]> {
  return (await strata.warehouse.query(sql)).rows;
}

before(async () => {
  db = await startMariaDb();
  await q('CREATE DATABASE src_db');
  for (let i = 0; i < 20; i++) {
    const cols = tableColumns(i);
    const idType = i === 0 ? 'BIGINT UNSIGNED' : 'INT';
    await q(`CREATE TABLE src_db.t${i} (id ${idType} NOT NULL PRIMARY KEY, ${cols.map(([n, t]) => `${n} ${t}`).join(', ')})`);
    const id0 = i === 0 ? '18446744073709551615' : '1';
    await q(`INSERT INTO src_db.t${i} VALUES (${id0}, ${cols.map(([n]) => VALUES[n]).join(', ')}), (2, ${cols.map(() => 'NULL').join(', ')})`);
  }
  await q('CREATE TABLE src_db.skipped (id INT PRIMARY KEY)');
  strata = await StrataServer.start({ dataDir: dir, mysqlPort: 0, httpPort: 0, kafkaPort: 0 });
  await strata.submit(
    `CREATE CATALOG mysql_catalog WITH ('hostname' = '127.0.0.1', 'port' = '${db.port}', 'username' = '${db.cdcUser}', 'password' = '${db.cdcPassword}');\n` +
      `CREATE DATABASE IF NOT EXISTS sr_db WITH (\n` +
      `  'connector' = 'starrocks',\n` +
      `  'jdbc-url' = 'jdbc:mysql://127.0.0.1:${strata.mysqlAddress.port}',\n` +
      `  'load-url' = '127.0.0.1:${strata.httpAddress.port}',\n` +
      `  'starrocks.create.table.properties' = 'buckets 8',\n` +
      `  'starrocks.create.table.mode' = 'simple',\n` +
      `  'username' = 'root', 'password' = '',\n` +
      `  'sink.buffer-flush.interval-ms' = '5000'\n` +
      `) AS DATABASE mysql_catalog.src_db INCLUDING TABLE 't[0-9]+' /*+ OPTIONS('server-id' = '8888-8890') */;`,
  );
});

after(async () => {
  await strata?.stop();
  await db?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('CREATE DATABASE AS DATABASE', () => {
  test('creates every matched table and copies the snapshot', async () => {
    await strata.sync.flush();
    const tables = strata.warehouse.listTables('sr_db');
    assert.equal(tables.length, 20);
    assert.ok(!tables.includes('skipped'));
    for (let i = 0; i < 20; i++) {
      const rows = await warehouse(`SELECT count(*) FROM sr_db.t${i}`);
      assert.equal(rows[0]![0], 2n, `t${i}`);
    }
    const info = strata.sync.jobs()[0]!;
    assert.equal(info.state, 'RUNNING');
    assert.equal(info.policy, 'lenient');
    assert.ok(info.tables.every((t) => t.state === 'RUNNING' && t.position !== null));
  });

  test('values keep their exactness through the mapping', async () => {
    const r0 = await warehouse(`SELECT id FROM sr_db.t0 ORDER BY id DESC LIMIT 1`);
    assert.equal(String(r0[0]![0]), '18446744073709551615');
    // t1 has kinds 5..9: c_int, c_uint, c_bigint, c_decimal, c_bigdecimal.
    const r1 = await warehouse(`SELECT c_int, c_uint, c_bigint, c_decimal, c_bigdecimal FROM sr_db.t1 WHERE id = 1`);
    assert.deepEqual(r1[0]!.map(String), ['-2000000000', '4000000000', '-9000000000000000000', '12345678.91', '1234567890123456789012345678901234567890.0123456789']);
    // t3: kinds 15..19: c_date, c_datetime, c_timestamp, c_time, c_json.
    const r3 = await warehouse(`SELECT CAST(c_date AS VARCHAR), CAST(c_datetime AS VARCHAR), c_time, c_json FROM sr_db.t3 WHERE id = 1`);
    assert.deepEqual(r3[0]!.map(String), ['2024-01-15', '2024-01-15 12:34:56.789', '-12:30:00', '{"a": 1}']);
    // t4: kinds 20..24: c_enum, c_set, c_bit, c_bit1, c_blob.
    const r4 = await warehouse(`SELECT c_enum, c_set, hex(c_bit), c_bit1, hex(c_blob) FROM sr_db.t4 WHERE id = 1`);
    assert.deepEqual(r4[0]!.map(String), ['b', 'x,z', '0AAA', 'true', '00FF']);
  });

  test('binlog changes arrive: insert, update, delete', async () => {
    await q(`INSERT INTO src_db.t5 (id) VALUES (3)`);
    await q(`UPDATE src_db.t6 SET id = 10 WHERE id = 1`);
    await q(`DELETE FROM src_db.t7 WHERE id = 2`);
    await q(`INSERT INTO src_db.t0 (id) VALUES (18446744073709551614)`);
    await strata.sync.flush();
    assert.deepEqual((await warehouse('SELECT id FROM sr_db.t5 ORDER BY id')).map((r) => r[0]), [1, 2, 3]);
    assert.deepEqual((await warehouse('SELECT id FROM sr_db.t6 ORDER BY id')).map((r) => r[0]), [2, 10]);
    assert.deepEqual((await warehouse('SELECT id FROM sr_db.t7 ORDER BY id')).map((r) => r[0]), [1]);
    assert.equal((await warehouse('SELECT count(*) FROM sr_db.t0'))[0]![0], 3n);
  });

  test('SHOW CREATE TABLE on the MySQL port shows the StarRocks types', async () => {
    const c = await mysql.createConnection({ host: '127.0.0.1', port: strata.mysqlAddress.port, user: 'root' });
    try {
      const text = async (t: string): Promise<string> => {
        const [rows] = await c.query(`SHOW CREATE TABLE sr_db.${t}`);
        return String((rows as Record<string, unknown>[])[0]!['Create Table']);
      };
      const t0 = await text('t0');
      assert.match(t0, /`id` largeint\(40\) NOT NULL/);
      assert.match(t0, /`c_tinyint1` boolean/);
      assert.match(t0, /PRIMARY KEY\(`id`\)/);
      assert.match(t0, /DISTRIBUTED BY HASH\(`id`\) BUCKETS 8/);
      const t1 = await text('t1');
      assert.match(t1, /`c_uint` bigint\(20\)/);
      assert.match(t1, /`c_decimal` decimal\(10, 2\)/);
      assert.match(t1, /`c_bigdecimal` varchar\(52\)/);
      const t2 = await text('t2');
      assert.match(t2, /`c_char` char\(20\)/, 'CHAR(5) utf8mb4 is 20 bytes');
      assert.match(t2, /`c_varchar` varchar\(80\)/, 'VARCHAR(20) utf8mb4 is 80 bytes');
      assert.match(t2, /`c_text` varchar\(65533\)/);
      const t3 = await text('t3');
      assert.match(t3, /`c_datetime` datetime/);
      assert.match(t3, /`c_timestamp` datetime/);
      assert.match(t3, /`c_time` varchar\(17\)/);
      // MariaDB's JSON is LONGTEXT with a json_valid CHECK: information_schema says longtext.
      assert.match(t3, db.version.includes('MariaDB') ? /`c_json` varchar\(65533\)/ : /`c_json` json/);
      const t4 = await text('t4');
      assert.match(t4, /`c_bit` varbinary\(2\)/);
    } finally {
      await c.end();
    }
  });

  test('a new table in the source database is picked up when it matches', async () => {
    await q('CREATE TABLE src_db.t20 (id INT PRIMARY KEY, v VARCHAR(10))');
    await q("INSERT INTO src_db.t20 VALUES (1, 'new')");
    await q('CREATE TABLE src_db.other (id INT PRIMARY KEY)');
    await q('INSERT INTO src_db.other VALUES (1)');
    await strata.sync.flush();
    assert.deepEqual((await warehouse('SELECT id, v FROM sr_db.t20')).map((r) => r.map(String)), [['1', 'new']]);
    assert.equal(strata.warehouse.getTable('sr_db', 'other'), undefined);
  });

  test('rows written before and after an ADD COLUMN, also in concurrent sessions, land with the right columns', async () => {
    await q('CREATE TABLE src_db.t21 (id INT PRIMARY KEY, a INT)');
    const writers = await Promise.all([db.connect(), db.connect()]);
    try {
      let next = 0;
      const write = async (c: mysql.Connection, n: number): Promise<void> => {
        for (let i = 0; i < n; i++) {
          const id = ++next;
          try {
            await c.query(`INSERT INTO src_db.t21 (id, a, b) VALUES (${id}, ${id}, 'b${id}')`);
          } catch {
            await c.query(`INSERT INTO src_db.t21 (id, a) VALUES (${id}, ${id})`);
          }
        }
      };
      await Promise.all([write(writers[0]!, 60), write(writers[1]!, 60), q("ALTER TABLE src_db.t21 ADD COLUMN b VARCHAR(10) DEFAULT 'dflt' AFTER id")]);
    } finally {
      for (const c of writers) await c.end();
    }
    await strata.sync.flush();
    const t21 = strata.sync.jobs().find((j) => j.name === 'sync:sr_db')?.tables.find((t) => t.source === 't21');
    assert.equal(t21?.state, 'RUNNING', `t21 of sync:sr_db: ${JSON.stringify(t21)}`);
    assert.deepEqual(strata.warehouse.getTable('sr_db', 't21')?.columns.map((c) => c.name), ['id', 'a', 'b'], 'lenient appends the new column at the end');
    const src = (await q('SELECT id, a, b FROM src_db.t21 ORDER BY id')).map((r) => `${String(r['id'])}|${String(r['a'])}|${String(r['b'])}`);
    const dst = (await warehouse('SELECT id, a, b FROM sr_db.t21 ORDER BY id')).map((r) => r.map(String).join('|'));
    assert.equal(src.length, 120);
    assert.deepEqual(dst, src);
    const def = strata.warehouse.getTable('sr_db', 't21')!;
    assert.deepEqual(def.columns.map((c) => c.name), ['id', 'a', 'b'], 'lenient appends the new column at the end');
  });

  test('CTAS in the seed syntax syncs one table into a named target', async () => {
    await q('CREATE DATABASE test_cdc');
    await q('CREATE TABLE test_cdc.runoob_tbl (runoob_id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, runoob_title VARCHAR(100) NOT NULL, submission_date DATE)');
    await q("INSERT INTO test_cdc.runoob_tbl (runoob_title, submission_date) VALUES ('learn', '2024-01-01')");
    await strata.submit(
      `CREATE TABLE IF NOT EXISTS runoob_tbl1 WITH (\n` +
        `'starrocks.create.table.properties'='engine=olap primary key(runoob_id) distributed by hash(runoob_id) buckets 8',\n` +
        `'database-name'='test_cdc', 'jdbc-url'='jdbc:mysql://127.0.0.1:${strata.mysqlAddress.port}', 'load-url'='127.0.0.1:${strata.httpAddress.port}',\n` +
        `'table-name'='runoob_tbl_sr', 'username'='test', 'password'='123456', 'sink.buffer-flush.interval-ms'='5000'\n` +
        `) AS TABLE mysql.test_cdc.runoob_tbl /*+ OPTIONS ( 'connector'='mysql-cdc', 'hostname'='127.0.0.1', 'port'='${db.port}', ` +
        `'username'='${db.cdcUser}', 'password'='${db.cdcPassword}', 'database-name'='test_cdc', 'table-name'='runoob_tbl' )*/;`,
    );
    await q("INSERT INTO test_cdc.runoob_tbl (runoob_title) VALUES ('more')");
    await strata.sync.flush();
    const rows = await warehouse('SELECT runoob_id, runoob_title FROM test_cdc.runoob_tbl_sr ORDER BY 1');
    assert.deepEqual(rows.map((r) => r.map(String)), [['1', 'learn'], ['2', 'more']]);
    const def = strata.warehouse.getTable('test_cdc', 'runoob_tbl_sr')!;
    assert.equal(def.columns.find((c) => c.name === 'runoob_title')!.typeText, 'VARCHAR(400)');
  });

  test("SET 'schema.change.behavior' is the default policy of a sync whose statement names none", async () => {
    await q('CREATE DATABASE policy_src');
    await q('CREATE TABLE policy_src.p (id INT PRIMARY KEY, a INT)');
    await q('INSERT INTO policy_src.p VALUES (1, 10)');
    await strata.submit(
      `SET 'schema.change.behavior' = 'exception';\n` +
        `CREATE DATABASE IF NOT EXISTS policy_sr WITH ('jdbc-url' = 'jdbc:mysql://127.0.0.1:${strata.mysqlAddress.port}', 'load-url' = '127.0.0.1:${strata.httpAddress.port}') ` +
        `AS DATABASE mysql_catalog.policy_src INCLUDING ALL TABLES;\n` +
        `RESET 'schema.change.behavior';`,
    );
    await strata.sync.flush();
    await q('ALTER TABLE policy_src.p ADD COLUMN b INT');
    await q('INSERT INTO policy_src.p VALUES (2, 20, 200)');
    await strata.sync.flush();
    const job = strata.sync.jobs().find((j) => j.name === 'sync:policy_sr');
    assert.ok(job !== undefined, JSON.stringify(strata.sync.jobs().map((j) => j.name)));
    const t = job.tables.find((x) => x.source === 'p')!;
    assert.equal(t.state, 'FAILED', 'the exception policy stops the table at the first DDL');
    assert.match(t.error!, /policy 'exception'/);
  });

  test('a restart resumes from the positions the warehouse recorded, exactly once', async () => {
    await strata.stop();
    await q('INSERT INTO src_db.t8 (id) VALUES (100)');
    await q('UPDATE src_db.t9 SET id = 99 WHERE id = 2');
    strata = await StrataServer.start({ dataDir: dir, mysqlPort: 0, httpPort: 0, kafkaPort: 0 });
    if (strata.sync.jobs().length === 0) {
      // No session journal: submit the statement again, as `strata start -f` would.
      await strata.submit(
        `CREATE CATALOG IF NOT EXISTS mysql_catalog WITH ('hostname' = '127.0.0.1', 'port' = '${db.port}', 'username' = '${db.cdcUser}', 'password' = '${db.cdcPassword}');\n` +
          `CREATE DATABASE IF NOT EXISTS sr_db WITH ('starrocks.create.table.properties' = 'buckets 8') AS DATABASE mysql_catalog.src_db INCLUDING TABLE 't[0-9]+';`,
      );
    }
    await strata.sync.flush();
    assert.deepEqual((await warehouse('SELECT id FROM sr_db.t8 ORDER BY id')).map((r) => r[0]), [1, 2, 100]);
    assert.deepEqual((await warehouse('SELECT id FROM sr_db.t9 ORDER BY id')).map((r) => r[0]), [1, 99]);
    assert.equal((await warehouse('SELECT count(*) FROM sr_db.t21'))[0]![0], 120n);
  });
});
