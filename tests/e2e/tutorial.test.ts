import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel } from 'kafkajs';
import { StrataServer } from '../../src/server/strata-server.js';
import { SEED_STEP3_DDL, SEED_STEP3_ROUTINE_LOADS } from '../../src/store/starrocks/test-support.js';
import { startMariaDb, type MariaDbServer } from '../../src/testing/mariadb.js';

// The seed tutorial (seeds/000), end to end, in single-writing mode: MariaDB as the
// source, one `strata start` process as Kafka, Flink and StarRocks. Host names, ports,
// users and passwords are changed; nothing else.

const root = fileURLToPath(new URL('../../../', import.meta.url));
const bin = join(root, 'bin', 'strata.js');
const dir = mkdtempSync(join(tmpdir(), 'strata-tutorial-'));
let db: MariaDbServer;
let strata: StrataServer;

function run(cmd: string, args: string[], input = ''): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    const p = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.on('close', (code) => resolve({ code: code ?? -1, out, err }));
    p.stdin.end(input);
  });
}

const starrocks = (sql: string, extra: string[] = []): Promise<{ code: number; out: string; err: string }> =>
  run('mariadb', ['-h127.0.0.1', `-P${strata.mysqlAddress.port}`, '-uroot', ...extra], sql);

/** Polls `check` until it returns true; fails after `ms` with the last observation. */
async function eventually(what: string, check: () => Promise<string | true>, ms = 30_000): Promise<void> {
  const until = Date.now() + ms;
  let last = '';
  while (Date.now() < until) {
    const r = await check();
    if (r === true) return;
    last = r;
    await new Promise((res) => setTimeout(res, 100));
  }
  assert.fail(`${what} did not happen within ${ms} ms; last seen:\n${last}`);
}

async function tableText(sql: string): Promise<string> {
  const r = await starrocks(sql, ['--batch', '--skip-column-names']);
  return r.code === 0 ? r.out : `error: ${r.err}`;
}

before(async () => {
  db = await startMariaDb();
});

after(async () => {
  await db?.stop();
});

/**
 * Double-writing (the seed's other mode): each layer also goes straight into its
 * warehouse table through the StarRocks connector, in the same statement set.
 */
function doubleWriting(demo: string, mysqlPort: number, httpPort: number): string {
  const sr = (name: string, table: string, cols: string, pk: string): string =>
    `CREATE TABLE IF NOT EXISTS \`default_catalog\`.\`flink_cdc\`.\`${name}\` (${cols}, PRIMARY KEY (${pk}) NOT ENFORCED) WITH ('connector' = 'starrocks', 'jdbc-url' = 'jdbc:mysql://127.0.0.1:${mysqlPort}', 'load-url' = '127.0.0.1:${httpPort}', 'database-name' = 'flink_cdc', 'table-name' = '${table}', 'username' = 'root', 'password' = '');\n`;
  const tables =
    sr('sr_orders', 'orders', '`order_id` INT, `order_revenue` FLOAT, `order_region` STRING, `customer_id` INT', 'order_id') +
    sr('sr_customers', 'customers', '`customer_id` INT, `customer_age` FLOAT, `customer_name` STRING', 'customer_id') +
    sr('sr_dwd', 'dwd_order_customer_valid', '`order_id` INT, `order_revenue` FLOAT, `order_region` STRING, `customer_id` INT, `customer_age` FLOAT, `customer_name` STRING', 'order_id') +
    sr('sr_dws', 'dws_agg_by_region', '`order_region` STRING, `order_cnt` BIGINT, `order_total_revenue` FLOAT', 'order_region');
  const inserts = `
INSERT INTO sr_orders SELECT * FROM orders_src;
INSERT INTO sr_customers SELECT * FROM customers_src;
INSERT INTO sr_dwd SELECT o.order_id, o.order_revenue, o.order_region, c.customer_id, c.customer_age, c.customer_name FROM customers_src c JOIN orders_src o ON c.customer_id=o.customer_id WHERE c.customer_id <> -1;
INSERT INTO sr_dws SELECT order_region, count(*) as order_cnt, sum(order_revenue) as order_total_revenue FROM dwd_order_customer_valid GROUP BY order_region;
END;`;
  return demo.replace('USE flink_cdc;', `${tables}\nUSE flink_cdc;`).replace(/END;\s*$/, inserts + '\n');
}

for (const mode of ['single-writing', 'double-writing'] as const) {
test(`the seed tutorial runs as written against Strata and MariaDB, then beyond it (${mode})`, async () => {
  await db.query('DROP DATABASE IF EXISTS flink_cdc');
  strata = await StrataServer.start({ dataDir: join(dir, mode), mysqlPort: 0, httpPort: 0, kafkaPort: 0 });
  try {
    await tutorial(mode);
  } finally {
    await strata.stop();
  }
});
}

async function tutorial(mode: 'single-writing' | 'double-writing'): Promise<void> {
  const seed = readFileSync(join(root, '..', 'shared', 'seeds', '000_c226aa9d0890164a.txt'), 'utf8');

  // Step 1: the source tables on MariaDB.
  const step1 = [...seed.matchAll(/CREATE TABLE flink_cdc\.\w+ \([^;]*?\) \);|CREATE TABLE flink_cdc\.\w+ \(.*?PRIMARY KEY \( \w+ \) \);/g)].map((m) => m[0]);
  assert.equal(step1.length, 2, 'step 1 has two CREATE TABLE statements');
  await db.query('CREATE DATABASE flink_cdc');
  for (const s of step1) await db.query(s);

  // Step 2: the four topics, with a Kafka admin client.
  const kafka = new Kafka({ brokers: [`127.0.0.1:${strata.kafkaAddress.port}`], clientId: 'tutorial', logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    topics: ['ods_order', 'ods_customers', 'dwd_order_customer_valid', 'dws_agg_by_region'].map((topic) => ({ topic, numPartitions: 1, replicationFactor: 1 })),
  });
  await admin.disconnect();

  // Step 3: StarRocks DDL and (single-writing) the Routine Load jobs in the stock client (broker list changed).
  const broker = `127.0.0.1:${strata.kafkaAddress.port}`;
  const loads = mode === 'single-writing' ? SEED_STEP3_ROUTINE_LOADS.map((s) => s.replace('192.168.**.**:9092,192.168.**.**:9092,192.168.**.**:9092', broker)) : [];
  const step3 = [...SEED_STEP3_DDL, ...loads].join('\n');
  const ddl = await starrocks(step3);
  assert.equal(ddl.code, 0, ddl.err);

  // Step 4: demo.sql through `strata sql -f`, host, port, user, password and brokers changed.
  const seedDemo = readFileSync(join(root, 'tests', 'planner', 'seed-demo.sql'), 'utf8')
    .replaceAll("'rm-2ze5h9qnki343****.mysql.rds.aliyuncs.com'", "'127.0.0.1'")
    .replaceAll("'port' = '3306'", `'port' = '${db.port}'`)
    .replaceAll("'username' = 'emr_test'", `'username' = '${db.cdcUser}'`)
    .replaceAll("'password' = 'Yz12****'", `'password' = '${db.cdcPassword}'`)
    .replaceAll('192.168.**.**:9092,192.168.**.**:9092,192.168.**.**:9092', broker);
  const demo = mode === 'double-writing' ? doubleWriting(seedDemo, strata.mysqlAddress.port, strata.httpAddress.port) : seedDemo;
  const file = join(dir, `demo-${mode}.sql`);
  writeFileSync(file, demo);
  const submitted = await run(process.execPath, [bin, 'sql', '-f', file, '--server', `http://127.0.0.1:${strata.httpAddress.port}`]);
  assert.equal(submitted.code, 0, submitted.err);
  assert.doesNotMatch(submitted.out + submitted.err, /cdcpass/, 'the password never appears');

  // Step 5: show tables.
  const shown = await starrocks('use flink_cdc; show tables;', ['--table']);
  assert.equal(shown.code, 0, shown.err);
  for (const t of ['customers', 'dwd_order_customer_valid', 'dws_agg_by_region', 'orders']) assert.match(shown.out, new RegExp(`\\| ${t}\\s+\\|`));

  // Step 6: the three inserts on MariaDB, then the tutorial's four results.
  await db.query('INSERT INTO flink_cdc.orders(order_id,order_revenue,order_region,customer_id) VALUES(1,10,"beijing",1)');
  await db.query('INSERT INTO flink_cdc.orders(order_id,order_revenue,order_region,customer_id) VALUES(2,10,"beijing",1)');
  await db.query('INSERT INTO flink_cdc.customers(customer_id,customer_age,customer_name) VALUES(1, 22, "emr_test")');
  const expect = async (sql: string, want: string): Promise<void> =>
    eventually(`${sql} → ${JSON.stringify(want)}`, async () => {
      const got = await tableText(sql);
      return got === want ? true : got;
    });
  // POST /api/v1/flush is read-your-writes: after it, every layer already shows the inserts.
  const flush = async (): Promise<void> => {
    const r = await fetch(`http://127.0.0.1:${strata.httpAddress.port}/api/v1/flush`, { method: 'POST', body: '{}' });
    assert.equal(r.status, 200, await r.text());
  };
  await flush();
  assert.equal(await tableText('select * from flink_cdc.dws_agg_by_region'), 'beijing\t2\t20\n');
  assert.equal(await tableText('select customer_name from flink_cdc.customers'), 'emr_test\n');
  await expect('select * from flink_cdc.orders order by order_id', '1\t10\tbeijing\t1\n2\t10\tbeijing\t1\n');
  await expect('select * from flink_cdc.customers', '1\t22\temr_test\n');
  await expect('select * from flink_cdc.dwd_order_customer_valid order by order_id', '1\t10\tbeijing\t1\t22\temr_test\n2\t10\tbeijing\t1\t22\temr_test\n');
  await expect('select * from flink_cdc.dws_agg_by_region', 'beijing\t2\t20\n');

  // Beyond the tutorial: rename the customer, move an order, delete an order: every
  // layer follows, deletes included (tombstones delete through Routine Load).
  await db.query('UPDATE flink_cdc.customers SET customer_name = "renamed" WHERE customer_id = 1');
  await db.query('UPDATE flink_cdc.orders SET order_region = "shanghai" WHERE order_id = 2');
  await db.query('DELETE FROM flink_cdc.orders WHERE order_id = 1');
  await flush();
  assert.equal(await tableText('select * from flink_cdc.dws_agg_by_region order by order_region'), 'shanghai\t1\t10\n');
  await expect('select * from flink_cdc.orders order by order_id', '2\t10\tshanghai\t1\n');
  await expect('select * from flink_cdc.customers', '1\t22\trenamed\n');
  await expect('select * from flink_cdc.dwd_order_customer_valid order by order_id', '2\t10\tshanghai\t1\t22\trenamed\n');
  await expect('select * from flink_cdc.dws_agg_by_region order by order_region', 'shanghai\t1\t10\n');

  // The DWS topic holds the layer's upserts and tombstones, as kcat shows them.
  const topic = await run('kcat', ['-b', broker, '-C', '-t', 'dws_agg_by_region', '-o', 'beginning', '-e', '-q', '-Z', '-f', '%k %s\\n']);
  assert.equal(topic.code, 0, topic.err);
  assert.match(topic.out, /\{"order_region":"beijing"\} \{"order_region":"beijing","order_cnt":2,"order_total_revenue":20\.0\}\n/);
  assert.match(topic.out, /\{"order_region":"beijing"\} NULL\n/);
}
