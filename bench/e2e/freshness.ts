import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { StrataServer } from '../../src/server/strata-server.js';
import { SEED_STEP3_DDL, SEED_STEP3_ROUTINE_LOADS } from '../../src/store/starrocks/test-support.js';
import { startMariaDb } from '../../src/testing/mariadb.js';

// End-to-end freshness of the seed tutorial's pipeline through the topics: a steady
// stream of orders committed on MariaDB, and the time from each commit until the DWS
// table (dws_agg_by_region, loaded by Routine Load from the DWS topic) reflects it.
// Usage: node dist/bench/e2e/freshness.js [--rate 10000] [--seconds 10] [--batch 100] [--double]
// --double: the DWS layer is also written straight into its table (double-writing), and
// the Routine Load jobs are not created, to split the cost of the last hop.

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
}

const rate = arg('rate', 10_000);
const seconds = arg('seconds', 10);
const batch = arg('batch', 100);
const double = process.argv.includes('--double');
const root = fileURLToPath(new URL('../../../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'strata-fresh-'));
const db = await startMariaDb();
const strata = await StrataServer.start({ dataDir: join(dir, 'data'), mysqlPort: 0, httpPort: 0, kafkaPort: 0 });
try {
  await db.query('CREATE DATABASE flink_cdc');
  await db.query('CREATE TABLE flink_cdc.orders ( order_id INT NOT NULL AUTO_INCREMENT, order_revenue FLOAT NOT NULL, order_region VARCHAR(40) NOT NULL, customer_id INT NOT NULL, PRIMARY KEY ( order_id ) )');
  await db.query('CREATE TABLE flink_cdc.customers ( customer_id INT NOT NULL, customer_age INT NOT NULL, customer_name VARCHAR(40) NOT NULL, PRIMARY KEY ( customer_id ) )');
  await db.query('INSERT INTO flink_cdc.customers VALUES (1, 22, "emr_test")');
  const broker = `127.0.0.1:${strata.kafkaAddress.port}`;
  const loads = double ? [] : SEED_STEP3_ROUTINE_LOADS.map((x) => x.replace('192.168.**.**:9092,192.168.**.**:9092,192.168.**.**:9092', broker));
  for (const s of [...SEED_STEP3_DDL, ...loads]) {
    await strata.warehouseQuery(s);
  }
  const demo = readFileSync(join(root, 'tests', 'planner', 'seed-demo.sql'), 'utf8')
    .replaceAll("'rm-2ze5h9qnki343****.mysql.rds.aliyuncs.com'", "'127.0.0.1'")
    .replaceAll("'port' = '3306'", `'port' = '${db.port}'`)
    .replaceAll("'username' = 'emr_test'", `'username' = '${db.cdcUser}'`)
    .replaceAll("'password' = 'Yz12****'", `'password' = '${db.cdcPassword}'`)
    .replaceAll('192.168.**.**:9092,192.168.**.**:9092,192.168.**.**:9092', broker);
  const direct =
    `CREATE TABLE \`default_catalog\`.\`flink_cdc\`.\`sr_dws\` (\`order_region\` STRING, \`order_cnt\` BIGINT, \`order_total_revenue\` FLOAT, PRIMARY KEY (order_region) NOT ENFORCED) WITH ('connector' = 'starrocks', 'jdbc-url' = 'jdbc:mysql://127.0.0.1:${strata.mysqlAddress.port}', 'load-url' = '127.0.0.1:${strata.httpAddress.port}', 'database-name' = 'flink_cdc', 'table-name' = 'dws_agg_by_region', 'username' = 'root', 'password' = '');\n`;
  const insert = 'INSERT INTO sr_dws SELECT order_region, count(*), sum(order_revenue) FROM dwd_order_customer_valid GROUP BY order_region;\nEND;\n';
  await strata.submit(double ? demo.replace('USE flink_cdc;', `${direct}USE flink_cdc;`).replace(/END;\s*$/, insert) : demo);

  const conn = await db.connect();
  // Each commit is `batch` orders in one region of their own, so the DWS row of that
  // region appears exactly when the commit has flowed through every layer.
  const commits: { region: string; at: number }[] = [];
  const visible = new Map<string, number>();
  let stop = false;
  const poller = (async () => {
    while (!stop || visible.size < commits.length) {
      const r = await strata.warehouse.query('SELECT "order_region" FROM "flink_cdc"."dws_agg_by_region"');
      const now = performance.now();
      for (const row of r.rows) {
        const region = row[0] as string;
        if (!visible.has(region)) visible.set(region, now);
      }
      if (stop && performance.now() - (commits[commits.length - 1]?.at ?? 0) > 10_000) break;
    }
  })();
  const interval = (batch / rate) * 1000;
  const start = performance.now();
  let id = 1;
  for (let i = 0; performance.now() - start < seconds * 1000; i++) {
    const due = start + i * interval;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const region = `r${i}`;
    const values = Array.from({ length: batch }, () => `(${id++}, 1, '${region}', 1)`).join(',');
    await conn.query(`INSERT INTO flink_cdc.orders VALUES ${values}`);
    commits.push({ region, at: performance.now() });
  }
  const writeSeconds = (performance.now() - start) / 1000;
  stop = true;
  await poller;
  await conn.end();
  const lat = commits.filter((c) => visible.has(c.region)).map((c) => visible.get(c.region)! - c.at).sort((a, b) => a - b);
  const pct = (p: number): number => lat[Math.min(lat.length - 1, Math.floor((p / 100) * lat.length))]!;
  console.log(`Machine: ${cpus()[0]?.model ?? '?'}, ${cpus().length} cores, Node ${process.version}. Date: ${new Date().toISOString()}.`);
  console.log(
    `Freshness (${double ? 'double-writing: DWS straight into its table' : 'single-writing: DWS through its topic and Routine Load'}): ${commits.length} commits of ${batch} orders (${Math.round((commits.length * batch) / writeSeconds)} rows/s) on MariaDB -> mysql-cdc -> ODS/DWD topics -> ${double ? 'starrocks sink' : 'DWS topic -> Routine Load'} -> dws_agg_by_region; ${lat.length} seen.\n`,
  );
  console.log('| p50 | p99 | max |');
  console.log('|---:|---:|---:|');
  console.log(`| ${pct(50).toFixed(1)} ms | ${pct(99).toFixed(1)} ms | ${lat[lat.length - 1]!.toFixed(1)} ms |`);
} finally {
  await strata.stop();
  await db.stop();
  rmSync(dir, { recursive: true, force: true });
}
