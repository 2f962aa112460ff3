import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { getValuesSinkRows, resetValuesConnector } from '../values/store.js';
import { defaultRegistry } from '../registry.js';
import { Session } from '../../runtime/session.js';
import type { Job } from '../../engine/job.js';
import { startMariaDb, type MariaDbServer } from '../../testing/mariadb.js';
import { lines, waitForJob } from './test-support.js';

/**
 * The seed demo's two mysql-cdc tables (step 1's `flink_cdc.orders` and `flink_cdc.customers`),
 * declared as in its demo.sql with only host, port, user and password changed; the upsert-kafka
 * sinks are `values` sinks here. After step 6's inserts the DWS result is `beijing 2 20`.
 */

let db: MariaDbServer;
before(async () => {
  db = await startMariaDb();
  await db.query('CREATE DATABASE flink_cdc');
  await db.query(
    'CREATE TABLE flink_cdc.orders ( order_id INT NOT NULL AUTO_INCREMENT, order_revenue FLOAT NOT NULL, order_region VARCHAR(40) NOT NULL, customer_id INT NOT NULL, PRIMARY KEY ( order_id ) )',
  );
  await db.query('CREATE TABLE flink_cdc.customers ( customer_id INT NOT NULL, customer_age INT NOT NULL, customer_name VARCHAR(40) NOT NULL, PRIMARY KEY ( customer_id ) )');
});
after(async () => {
  await db?.stop();
});

test('the seed demo: orders and customers joined and aggregated by region give beijing 2 20', async () => {
  resetValuesConnector();
  const s = new Session({ registry: defaultRegistry() });
  const conn = `'connector' = 'mysql-cdc', 'hostname' = '${db.host}', 'port' = '${db.port}', 'username' = '${db.cdcUser}', 'password' = '${db.cdcPassword}', 'database-name' = 'flink_cdc'`;
  await s.execute(`
    CREATE DATABASE IF NOT EXISTS \`default_catalog\`.\`flink_cdc\`;
    CREATE TABLE IF NOT EXISTS \`default_catalog\`.\`flink_cdc\`.\`orders_src\`( \`order_id\` INT NOT NULL, \`order_revenue\` FLOAT NOT NULL, \`order_region\` STRING NOT NULL, \`customer_id\` INT NOT NULL, PRIMARY KEY(\`order_id\`) NOT ENFORCED ) with ( ${conn}, 'table-name' = 'orders' );
    CREATE TABLE IF NOT EXISTS \`default_catalog\`.\`flink_cdc\`.\`customers_src\` ( \`customer_id\` INT NOT NULL, \`customer_age\` FLOAT NOT NULL, \`customer_name\` STRING NOT NULL, PRIMARY KEY(\`customer_id\`) NOT ENFORCED ) with ( ${conn}, 'table-name' = 'customers' );
    CREATE TABLE \`default_catalog\`.\`flink_cdc\`.\`dwd_order_customer_valid\` ( \`order_id\` INT, \`order_revenue\` FLOAT, \`order_region\` STRING, \`customer_id\` INT, \`customer_age\` FLOAT, \`customer_name\` STRING, PRIMARY KEY (order_id) NOT ENFORCED ) WITH ( 'connector' = 'values', 'sink-id' = 'dwd' );
    CREATE TABLE \`default_catalog\`.\`flink_cdc\`.\`dws_agg_by_region\` ( \`order_region\` VARCHAR(40), \`order_cnt\` BIGINT, \`order_total_revenue\` FLOAT, PRIMARY KEY (order_region) NOT ENFORCED ) WITH ( 'connector' = 'values', 'sink-id' = 'dws' );
    USE flink_cdc;
  `);
  const jobs: Job[] = [];
  for (const sql of [
    'INSERT INTO dwd_order_customer_valid SELECT o.order_id, o.order_revenue, o.order_region, c.customer_id, c.customer_age, c.customer_name FROM customers_src c JOIN orders_src o ON c.customer_id=o.customer_id WHERE c.customer_id <> -1',
    'INSERT INTO dws_agg_by_region SELECT order_region, count(*) as order_cnt, sum(order_revenue) as order_total_revenue FROM (SELECT o.order_region, o.order_revenue FROM customers_src c JOIN orders_src o ON c.customer_id=o.customer_id WHERE c.customer_id <> -1) GROUP BY order_region',
  ]) {
    const [r] = await s.execute(sql);
    assert.ok(r !== undefined && r.kind === 'job');
    jobs.push(r.job);
  }
  try {
    await db.query(`INSERT INTO flink_cdc.orders(order_id,order_revenue,order_region,customer_id) VALUES(1,10,"beijing",1)`);
    await db.query(`INSERT INTO flink_cdc.orders(order_id,order_revenue,order_region,customer_id) VALUES(2,10,"beijing",1)`);
    await db.query(`INSERT INTO flink_cdc.customers(customer_id,customer_age,customer_name) VALUES(1, 22, "emr_test")`);
    await waitForJob(jobs[1]!, () => JSON.stringify(lines(getValuesSinkRows('dws'))) === JSON.stringify(['"beijing" | 2n | 20']), 'beijing 2 20');
    await waitForJob(jobs[0]!, () => getValuesSinkRows('dwd').length === 2, 'the two DWD rows');
    assert.deepEqual(lines(getValuesSinkRows('dwd')), ['1 | 10 | "beijing" | 1 | 22 | "emr_test"', '2 | 10 | "beijing" | 1 | 22 | "emr_test"']);
  } finally {
    for (const j of jobs) await j.cancel();
  }
  for (const j of jobs) assert.equal(j.error, null);
});
