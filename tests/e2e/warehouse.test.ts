import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import mysql from 'mysql2/promise';
import { ChangeBatch } from '../../src/core/batch.js';
import { DELETE, INSERT, UPDATE_AFTER, UPDATE_BEFORE } from '../../src/core/row-kind.js';
import { appendValuesData, resetValuesConnector } from '../../src/connectors/values/store.js';
import { StrataServer } from '../../src/server/strata-server.js';

// The warehouse issue's acceptance path: the seed's step-3 StarRocks DDL typed into the
// stock `mariadb` client on Strata's MySQL port, a pipeline double-writing into those
// tables through 'connector' = 'starrocks', and the rows read back over :9030 (mysql2)
// and over POST /api/v1/query after POST /api/v1/flush; then a restart keeps everything.

const root = fileURLToPath(new URL('../../../', import.meta.url));
const bin = join(root, 'bin', 'strata.js');
const dataDir = mkdtempSync(join(tmpdir(), 'strata-wh-'));
let server: StrataServer;

/** Step 3 of the seed, exactly as written there (the CREATE ROUTINE LOAD jobs belong to the bus issue). */
function seedStep3(): string {
  const seed = readFileSync(join(root, '..', 'shared', 'seeds', '000_c226aa9d0890164a.txt'), 'utf8');
  const from = seed.indexOf('CREATE DATABASE IF NOT EXISTS `flink_cdc`;');
  const to = seed.indexOf('Create Routine Load jobs');
  assert.ok(from > 0 && to > from, 'the seed text has step 3');
  // The seed interleaves prose ("Create the ODS-layer tables. customers table:") between statements.
  return seed
    .slice(from, to)
    .split(/(?<=\);)|(?<=`flink_cdc`;)/)
    .map((s) => s.slice(s.search(/CREATE (DATABASE|TABLE)/)))
    .filter((s) => s.startsWith('CREATE'))
    .join('\n');
}

/** The stock client, asynchronously: the server runs in this process, so a blocking spawn would deadlock. */
function mariadb(port: number, sql: string, extra: string[] = []): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    const p = spawn('mariadb', ['-h127.0.0.1', `-P${port}`, '-uroot', ...extra], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.on('close', (code) => resolve({ code: code ?? -1, out, err }));
    p.stdin.end(sql);
  });
}

async function http(path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  const res = await fetch(`http://127.0.0.1:${server.httpAddress.port}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json' },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, json: await res.json() };
}

function strataCli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.on('close', (code) => resolve({ code: code ?? -1, out, err }));
  });
}

before(async () => {
  resetValuesConnector();
  server = await StrataServer.start({ dataDir, mysqlPort: 0, httpPort: 0, kafkaPort: 0 });
});

after(async () => {
  await server.stop();
});

test("the seed's step-3 StarRocks DDL runs in the stock mariadb client, and show tables lists the four tables", async () => {
  const ddl = await mariadb(server.mysqlAddress.port, seedStep3());
  assert.equal(ddl.code, 0, ddl.err);
  const shown = await mariadb(server.mysqlAddress.port, 'use flink_cdc; show tables;');
  assert.equal(shown.code, 0, shown.err);
  assert.equal(shown.out, 'Tables_in_flink_cdc\ncustomers\ndwd_order_customer_valid\ndws_agg_by_region\norders\n');
  const table = await mariadb(server.mysqlAddress.port, 'use flink_cdc; show tables;', ['--table']);
  assert.match(table.out, /\| Tables_in_flink_cdc\s+\|/);
});

test('a pipeline double-writes into warehouse tables; flush; read back over :9030 and the HTTP API', async () => {
  const port = server.mysqlAddress.port;
  const httpPort = server.httpAddress.port;
  const starrocks = (table: string): string =>
    `'connector' = 'starrocks', 'jdbc-url' = 'jdbc:mysql://127.0.0.1:${port}', 'load-url' = '127.0.0.1:${httpPort}', 'database-name' = 'flink_cdc', 'table-name' = '${table}', 'username' = 'root', 'password' = ''`;
  const pipeline = `
CREATE TABLE orders_src (order_id INT NOT NULL, order_revenue FLOAT NOT NULL, order_region STRING NOT NULL, customer_id INT NOT NULL, PRIMARY KEY (order_id) NOT ENFORCED)
  WITH ('connector' = 'values', 'data-id' = 'orders', 'bounded' = 'false', 'changelog-mode' = 'I,UB,UA,D');
CREATE TABLE customers_src (customer_id INT NOT NULL, customer_age FLOAT NOT NULL, customer_name STRING NOT NULL, PRIMARY KEY (customer_id) NOT ENFORCED)
  WITH ('connector' = 'values', 'data-id' = 'customers', 'bounded' = 'false', 'changelog-mode' = 'I,UB,UA,D');
CREATE TABLE ods_orders (order_id INT, order_revenue FLOAT, order_region STRING, customer_id INT, PRIMARY KEY (order_id) NOT ENFORCED) WITH (${starrocks('orders')});
CREATE TABLE dwd (order_id INT, order_revenue FLOAT, order_region STRING, customer_id INT, customer_age FLOAT, customer_name STRING, PRIMARY KEY (order_id) NOT ENFORCED) WITH (${starrocks('dwd_order_customer_valid')});
CREATE TABLE dws (order_region STRING, order_cnt BIGINT, order_total_revenue FLOAT, PRIMARY KEY (order_region) NOT ENFORCED) WITH (${starrocks('dws_agg_by_region')});
CREATE VIEW joined AS SELECT o.order_id, o.order_revenue, o.order_region, c.customer_id, c.customer_age, c.customer_name
  FROM customers_src c JOIN orders_src o ON c.customer_id = o.customer_id WHERE c.customer_id <> -1;
BEGIN STATEMENT SET;
INSERT INTO ods_orders SELECT * FROM orders_src;
INSERT INTO dwd SELECT * FROM joined;
INSERT INTO dws SELECT order_region, COUNT(*), SUM(order_revenue) FROM joined GROUP BY order_region;
END;
`;
  const file = join(dataDir, 'pipeline.sql');
  (await import('node:fs')).writeFileSync(file, pipeline);
  const submitted = await strataCli('sql', '-f', file, '--server', `http://127.0.0.1:${httpPort}`);
  assert.equal(submitted.code, 0, submitted.err);
  assert.match(submitted.out, /Job ID: /);

  // Step 6 of the tutorial, then changes beyond it.
  appendValuesData('orders', ChangeBatch.of([INSERT, [1, 10, 'beijing', 1]], [INSERT, [2, 10, 'beijing', 1]]));
  appendValuesData('customers', ChangeBatch.of([INSERT, [1, 22, 'emr_test']]));
  const flushed = await http('/api/v1/flush', {});
  assert.equal(flushed.status, 200);

  const conn = await mysql.createConnection({ host: '127.0.0.1', port, user: 'root', database: 'flink_cdc' });
  try {
    const [dws] = await conn.query('select * from dws_agg_by_region');
    assert.deepEqual(dws, [{ order_region: 'beijing', order_cnt: 2, order_total_revenue: 20 }]);
    const [dwd] = await conn.execute('select order_id, customer_name from dwd_order_customer_valid where customer_id = ? order by order_id', [1]);
    assert.deepEqual(dwd, [
      { order_id: 1, customer_name: 'emr_test' },
      { order_id: 2, customer_name: 'emr_test' },
    ]);

    appendValuesData('orders', ChangeBatch.of([UPDATE_BEFORE, [2, 10, 'beijing', 1]], [UPDATE_AFTER, [2, 10, 'shanghai', 1]], [DELETE, [1, 10, 'beijing', 1]]));
    await http('/api/v1/flush', {});
    const [after] = await conn.query('select order_region, order_cnt, order_total_revenue from dws_agg_by_region order by order_region');
    assert.deepEqual(after, [{ order_region: 'shanghai', order_cnt: 1, order_total_revenue: 10 }]);
  } finally {
    await conn.end();
  }

  const q = await http('/api/v1/query', { sql: 'select order_id, order_region from flink_cdc.orders order by order_id' });
  assert.equal(q.status, 200);
  assert.deepEqual(q.json, {
    columns: [
      { name: 'order_id', type: 'INT NOT NULL' },
      { name: 'order_region', type: 'STRING NOT NULL' },
    ],
    rows: [[2, 'shanghai']],
  });

  const jobs = (await http('/api/v1/jobs')).json as { jobs: { state: string; sources: unknown[] }[] };
  assert.equal(jobs.jobs.length, 1);
  assert.equal(jobs.jobs[0]!.state, 'RUNNING');
  assert.equal(jobs.jobs[0]!.sources.length, 2);

  const metrics = await fetch(`http://127.0.0.1:${httpPort}/metrics`).then((r) => r.text());
  assert.match(metrics, /strata_operator_rows_in_total\{job="job-1",node="\d+",operator="Sink",table="default_catalog\.default_database\.dws"\} [1-9]/);
});

test('strata query prints a warehouse query as TSV when piped; errors are JSON with a code', async () => {
  const r = await strataCli('query', '--server', `http://127.0.0.1:${server.httpAddress.port}`, 'select order_id, order_region from flink_cdc.orders');
  assert.equal(r.code, 0, r.err);
  assert.equal(r.out, 'order_id\torder_region\n2\tshanghai\n');
  const bad = await strataCli('query', '--server', `http://127.0.0.1:${server.httpAddress.port}`, 'select nope from flink_cdc.orders');
  assert.equal(bad.code, 2);
  assert.match(bad.err, /nope/);
  const e = await http('/api/v1/query', { sql: 'select * from no_such_db.t' });
  assert.equal(e.status, 400);
  assert.equal((e.json as { errorCode: string }).errorCode, 'CATALOG_OBJECT_NOT_FOUND');
});

test('the same process serves the Kafka protocol: kcat sees a topic produced in-process', async () => {
  await server.log.produce('ods_order', 0, [{ key: Buffer.from('{"order_id":1}'), value: Buffer.from('{"order_id":1,"order_region":"beijing"}'), headers: [], timestamp: Date.now() }]);
  const out = await new Promise<string>((resolve) => {
    const p = spawn('kcat', ['-b', `127.0.0.1:${server.kafkaAddress.port}`, '-C', '-t', 'ods_order', '-o', 'beginning', '-e', '-q', '-f', '%k %s\\n'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let s = '';
    p.stdout.on('data', (d: Buffer) => (s += d.toString()));
    p.on('close', () => resolve(s));
  });
  assert.equal(out, '{"order_id":1} {"order_id":1,"order_region":"beijing"}\n');
});

test('a restart with the same data directory keeps every table and its rows', async () => {
  await server.stop();
  server = await StrataServer.start({ dataDir, mysqlPort: 0, httpPort: 0, kafkaPort: 0 });
  const shown = await mariadb(server.mysqlAddress.port, 'select order_region, order_cnt from flink_cdc.dws_agg_by_region;');
  assert.equal(shown.code, 0, shown.err);
  assert.equal(shown.out, 'order_region\torder_cnt\nshanghai\t1\n');
  const created = await mariadb(server.mysqlAddress.port, 'show create table flink_cdc.orders;', ['--raw']);
  assert.match(created.out, /PRIMARY KEY\(`order_id`\)/);
  assert.match(created.out, /"replication_num" = "1"/);
});
