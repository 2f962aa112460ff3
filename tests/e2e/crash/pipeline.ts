import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SEED_STEP3_DDL, SEED_STEP3_ROUTINE_LOADS } from '../../../src/store/starrocks/test-support.js';
import { REPO_ROOT, type StrataPorts } from './strata-process.js';

/**
 * The seed tutorial's pipeline in its two writing modes, with host names, ports, users,
 * passwords and brokers pointed at the test's MariaDB and Strata process.
 *
 * - single-writing: the seed's demo.sql as written: mysql-cdc sources, four upsert-kafka
 *   topics (ODS orders and customers, the DWD join, the DWS aggregate that reads the DWD
 *   topic), and four Routine Load jobs that persist the topics into warehouse tables.
 * - double-writing: the same sources, each layer written straight into its warehouse
 *   table with the `starrocks` sink, in ONE statement set (one job): ODS copies, the DWD
 *   join, and the DWS aggregate over the same join.
 */

export type WritingMode = 'single-writing' | 'double-writing';

export interface SourceEndpoint {
  readonly port: number;
  readonly user: string;
  readonly password: string;
}

/** The topics of single-writing, each with the warehouse table Routine Load fills from it. */
export const TOPICS: readonly { readonly topic: string; readonly table: string }[] = [
  { topic: 'ods_order', table: 'orders' },
  { topic: 'ods_customers', table: 'customers' },
  { topic: 'dwd_order_customer_valid', table: 'dwd_order_customer_valid' },
  { topic: 'dws_agg_by_region', table: 'dws_agg_by_region' },
];

/** Step 3: the warehouse tables (StarRocks DDL) and, single-writing, the Routine Load jobs. */
export function warehouseStatements(mode: WritingMode, ports: StrataPorts): string[] {
  const broker = `127.0.0.1:${ports.kafka}`;
  const loads = mode === 'single-writing' ? SEED_STEP3_ROUTINE_LOADS.map((s) => s.replace('192.168.**.**:9092,192.168.**.**:9092,192.168.**.**:9092', broker)) : [];
  return [...SEED_STEP3_DDL, ...loads];
}

function seedDemo(source: SourceEndpoint, ports: StrataPorts): string {
  return readFileSync(join(REPO_ROOT, 'tests', 'planner', 'seed-demo.sql'), 'utf8')
    .replaceAll("'rm-2ze5h9qnki343****.mysql.rds.aliyuncs.com'", "'127.0.0.1'")
    .replaceAll("'port' = '3306'", `'port' = '${source.port}'`)
    .replaceAll("'username' = 'emr_test'", `'username' = '${source.user}'`)
    .replaceAll("'password' = 'Yz12****'", `'password' = '${source.password}'`)
    .replaceAll('192.168.**.**:9092,192.168.**.**:9092,192.168.**.**:9092', `127.0.0.1:${ports.kafka}`);
}

/** The Flink SQL submitted once (POST /api/v1/sql); the server journals and restores it. */
export function pipelineSql(mode: WritingMode, source: SourceEndpoint, ports: StrataPorts, checkpointInterval: string): string {
  const set = `SET 'execution.checkpointing.interval' = '${checkpointInterval}';\n`;
  const demo = seedDemo(source, ports);
  if (mode === 'single-writing') return set + demo;
  // Double-writing: keep the seed's two mysql-cdc sources (everything before the first
  // upsert-kafka table), then starrocks sinks and one statement set.
  const cut = demo.indexOf('-- Kafka sink tables');
  const sources = cut > 0 ? demo.slice(0, cut) : demo;
  const sr = (name: string, table: string, cols: string, pk: string): string =>
    `CREATE TABLE IF NOT EXISTS \`default_catalog\`.\`flink_cdc\`.\`${name}\` (${cols}, PRIMARY KEY (${pk}) NOT ENFORCED) WITH (` +
    `'connector' = 'starrocks', 'jdbc-url' = 'jdbc:mysql://127.0.0.1:${ports.mysql}', 'load-url' = '127.0.0.1:${ports.http}', ` +
    `'database-name' = 'flink_cdc', 'table-name' = '${table}', 'username' = 'root', 'password' = '');\n`;
  return (
    set +
    sources +
    sr('sr_orders', 'orders', '`order_id` INT, `order_revenue` FLOAT, `order_region` STRING, `customer_id` INT', 'order_id') +
    sr('sr_customers', 'customers', '`customer_id` INT, `customer_age` FLOAT, `customer_name` STRING', 'customer_id') +
    sr('sr_dwd', 'dwd_order_customer_valid', '`order_id` INT, `order_revenue` FLOAT, `order_region` STRING, `customer_id` INT, `customer_age` FLOAT, `customer_name` STRING', 'order_id') +
    sr('sr_dws', 'dws_agg_by_region', '`order_region` STRING, `order_cnt` BIGINT, `order_total_revenue` FLOAT', 'order_region') +
    `
USE flink_cdc;

BEGIN STATEMENT SET;
INSERT INTO sr_orders SELECT * FROM orders_src;
INSERT INTO sr_customers SELECT * FROM customers_src;
INSERT INTO sr_dwd
SELECT o.order_id, o.order_revenue, o.order_region, c.customer_id, c.customer_age, c.customer_name
FROM customers_src c JOIN orders_src o ON c.customer_id = o.customer_id
WHERE c.customer_id <> -1;
INSERT INTO sr_dws
SELECT o.order_region, count(*) AS order_cnt, sum(o.order_revenue) AS order_total_revenue
FROM customers_src c JOIN orders_src o ON c.customer_id = o.customer_id
WHERE c.customer_id <> -1
GROUP BY o.order_region;
END;
`
  );
}
