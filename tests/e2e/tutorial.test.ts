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
  strata = await StrataServer.start({ dataDir: join(dir, 'data'), mysqlPort: 0, httpPort: 0, kafkaPort: 0 });
});

after(async () => {
  await strata?.stop();
  await db?.stop();
});

test('the seed tutorial runs as written against Strata and MariaDB, then beyond it', async () => {
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

  // Step 3: StarRocks DDL and the Routine Load jobs in the stock client (broker list changed).
  const broker = `127.0.0.1:${strata.kafkaAddress.port}`;
  const step3 = [...SEED_STEP3_DDL, ...SEED_STEP3_ROUTINE_LOADS.map((s) => s.replace('192.168.**.**:9092,192.168.**.**:9092,192.168.**.**:9092', broker))].join('\n');
  const ddl = await starrocks(step3);
  assert.equal(ddl.code, 0, ddl.err);

  // Step 4: demo.sql through `strata sql -f`, host, port, user, password and brokers changed.
  const demo = readFileSync(join(root, 'tests', 'planner', 'seed-demo.sql'), 'utf8')
    .replaceAll("'rm-2ze5h9qnki343****.mysql.rds.aliyuncs.com'", "'127.0.0.1'")
    .replaceAll("'port' = '3306'", `'port' = '${db.port}'`)
    .replaceAll("'username' = 'emr_test'", `'username' = '${db.cdcUser}'`)
    .replaceAll("'password' = 'Yz12****'", `'password' = '${db.cdcPassword}'`)
    .replaceAll('192.168.**.**:9092,192.168.**.**:9092,192.168.**.**:9092', broker);
  const file = join(dir, 'demo.sql');
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
  await expect('select * from flink_cdc.orders order by order_id', '1\t10\tbeijing\t1\n2\t10\tbeijing\t1\n');
  await expect('select * from flink_cdc.customers', '1\t22\temr_test\n');
  await expect('select * from flink_cdc.dwd_order_customer_valid order by order_id', '1\t10\tbeijing\t1\t22\temr_test\n2\t10\tbeijing\t1\t22\temr_test\n');
  await expect('select * from flink_cdc.dws_agg_by_region', 'beijing\t2\t20\n');

  // Beyond the tutorial: rename the customer, move an order, delete an order: every
  // layer follows, deletes included (tombstones delete through Routine Load).
  await db.query('UPDATE flink_cdc.customers SET customer_name = "renamed" WHERE customer_id = 1');
  await db.query('UPDATE flink_cdc.orders SET order_region = "shanghai" WHERE order_id = 2');
  await db.query('DELETE FROM flink_cdc.orders WHERE order_id = 1');
  await expect('select * from flink_cdc.orders order by order_id', '2\t10\tshanghai\t1\n');
  await expect('select * from flink_cdc.customers', '1\t22\trenamed\n');
  await expect('select * from flink_cdc.dwd_order_customer_valid order by order_id', '2\t10\tshanghai\t1\t22\trenamed\n');
  await expect('select * from flink_cdc.dws_agg_by_region order by order_region', 'shanghai\t1\t10\n');

  // The DWS topic holds the layer's upserts and tombstones, as kcat shows them.
  const topic = await run('kcat', ['-b', broker, '-C', '-t', 'dws_agg_by_region', '-o', 'beginning', '-e', '-q', '-Z', '-f', '%k %s\\n']);
  assert.equal(topic.code, 0, topic.err);
  assert.match(topic.out, /\{"order_region":"beijing"\} \{"order_region":"beijing","order_cnt":2,"order_total_revenue":20\.0\}\n/);
  assert.match(topic.out, /\{"order_region":"beijing"\} NULL\n/);
});
