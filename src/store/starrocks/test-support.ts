/**
 * Test helpers for the warehouse SQL front (not used by the front itself): a warehouse
 * in memory with a front and a session, and MySQL-client-like text for result rows.
 */

import assert from 'node:assert/strict';
import { Decimal } from '../../core/decimal.js';
import type { SqlType } from '../../core/types.js';
import { bytesToHex, formatDate, formatTime, formatTimestamp, type Value } from '../../core/values.js';
import type { StatementOutcome, WarehouseSessionState } from '../api.js';
import { DuckDbWarehouse } from '../duckdb/warehouse.js';
import { WarehouseSql } from './front.js';

export interface FrontFixture {
  readonly warehouse: DuckDbWarehouse;
  readonly front: WarehouseSql;
  readonly session: WarehouseSessionState;
  /** Runs a script; returns the last outcome. */
  run(sql: string): Promise<StatementOutcome>;
  /** Runs a query; returns its rows as text (`1 | beijing | NULL`). */
  rows(sql: string): Promise<string[]>;
  close(): Promise<void>;
}

/** A fresh in-memory warehouse, a front over it, and a session (time zone UTC). */
export async function frontFixture(setup = ''): Promise<FrontFixture> {
  const warehouse = await DuckDbWarehouse.open(':memory:');
  const front = new WarehouseSql(warehouse);
  const session = front.openSession(1, 'root', null);
  await front.query("SET time_zone = '+00:00'", session);
  const run = async (sql: string): Promise<StatementOutcome> => {
    const out = await front.query(sql, session);
    return out[out.length - 1]!;
  };
  if (setup !== '') await run(setup);
  return {
    warehouse,
    front,
    session,
    run,
    rows: async (sql) => rowsText(await run(sql)),
    close: () => warehouse.close(),
  };
}

/** A value as the mysql client prints it (booleans as 1/0, FLOAT 10 as 10, DATETIME without fraction when it has none). */
export function valueText(v: Value, type: SqlType): string {
  if (v === null) return 'NULL';
  switch (type.kind) {
    case 'BOOLEAN':
      return v ? '1' : '0';
    case 'DATE':
      return formatDate(v as number);
    case 'TIME':
      return formatTime(v as number, (v as number) % 1_000_000 === 0 ? 0 : 6);
    case 'TIMESTAMP':
    case 'TIMESTAMP_LTZ':
      return formatTimestamp(v as bigint, (v as bigint) % 1_000_000n === 0n ? 0 : 6);
    default:
      if (v instanceof Decimal) return v.toString();
      if (v instanceof Uint8Array) return 'x' + bytesToHex(v);
      return String(v);
  }
}

/** The rows of a `rows` outcome as text, one line per row, values separated by ` | `. */
export function rowsText(o: StatementOutcome): string[] {
  if (o.kind !== 'rows') assert.fail(`expected rows, got ${JSON.stringify(o)}`);
  return o.rows.map((r) => r.map((v, i) => valueText(v, o.columns[i]!.type)).join(' | '));
}

/** Step 3 of seeds/000, verbatim: the StarRocks DDL typed into the mysql client. */
export const SEED_STEP3_DDL: readonly string[] = [
  "CREATE DATABASE IF NOT EXISTS `flink_cdc`;",
  "CREATE TABLE IF NOT EXISTS `flink_cdc`.`customers` ( `customer_id` INT NOT NULL COMMENT \"\", `customer_age` FLOAT NOT NULL COMMENT \"\", `customer_name` STRING NOT NULL COMMENT \"\" ) ENGINE=olap PRIMARY KEY(`customer_id`) COMMENT \"\" DISTRIBUTED BY HASH(`customer_id`) BUCKETS 1 PROPERTIES ( \"replication_num\" = \"1\" );",
  "CREATE TABLE IF NOT EXISTS `flink_cdc`.`orders` ( `order_id` INT NOT NULL COMMENT \"\", `order_revenue` FLOAT NOT NULL COMMENT \"\", `order_region` STRING NOT NULL COMMENT \"\", `customer_id` INT NOT NULL COMMENT \"\" ) ENGINE=olap PRIMARY KEY(`order_id`) COMMENT \"\" DISTRIBUTED BY HASH(`order_id`) BUCKETS 1 PROPERTIES ( \"replication_num\" = \"1\" );",
  "CREATE TABLE IF NOT EXISTS `flink_cdc`.`dwd_order_customer_valid`( `order_id` INT NOT NULL COMMENT \"\", `order_revenue` FLOAT NOT NULL COMMENT \"\", `order_region` STRING NOT NULL COMMENT \"\", `customer_id` INT NOT NULL COMMENT \"\", `customer_age` FLOAT NOT NULL COMMENT \"\", `customer_name` STRING NOT NULL COMMENT \"\" ) ENGINE=olap PRIMARY KEY(`order_id`) COMMENT \"\" DISTRIBUTED BY HASH(`order_id`) BUCKETS 1 PROPERTIES ( \"replication_num\" = \"1\" );",
  "CREATE TABLE IF NOT EXISTS `flink_cdc`.`dws_agg_by_region` ( `order_region` STRING NOT NULL COMMENT \"\", `order_cnt` INT NOT NULL COMMENT \"\", `order_total_revenue` INT NOT NULL COMMENT \"\" ) ENGINE=olap PRIMARY KEY(`order_region`) COMMENT \"\" DISTRIBUTED BY HASH(`order_region`) BUCKETS 1 PROPERTIES ( \"replication_num\" = \"1\" );",
];

/** Step 3's four CREATE ROUTINE LOAD statements, verbatim (handled by a later layer's extension). */
export const SEED_STEP3_ROUTINE_LOADS: readonly string[] = [
  "CREATE ROUTINE LOAD flink_cdc.routine_load_orders ON orders COLUMNS (order_id, order_revenue, order_region, customer_id) PROPERTIES ( \"format\" = \"json\", \"jsonpaths\" = \"[\\\"$.order_id\\\",\\\"$.order_revenue\\\",\\\"$.order_region\\\",\\\"$.customer_id\\\"]\" ) FROM KAFKA ( \"kafka_broker_list\" = \"192.168.**.**:9092,192.168.**.**:9092,192.168.**.**:9092\", \"kafka_topic\" = \"ods_order\" );",
  "CREATE ROUTINE LOAD flink_cdc.routine_load_customers ON customers COLUMNS (customer_id, customer_age, customer_name) PROPERTIES ( \"format\" = \"json\", \"jsonpaths\" = \"[\\\"$.customer_id\\\",\\\"$.customer_age\\\",\\\"$.customer_name\\\"]\" ) FROM KAFKA ( \"kafka_broker_list\" = \"192.168.**.**:9092,192.168.**.**:9092,192.168.**.**:9092\", \"kafka_topic\" = \"ods_customers\" );",
  "CREATE ROUTINE LOAD flink_cdc.routine_load_dwd_order_customer_valid ON dwd_order_customer_valid COLUMNS (order_id, order_revenue, order_region, customer_id, customer_age, customer_name) PROPERTIES ( \"format\" = \"json\", \"jsonpaths\" = \"[\\\"$.order_id\\\",\\\"$.order_revenue\\\",\\\"$.order_region\\\",\\\"$.customer_id\\\",\\\"$.customer_age\\\",\\\"$.customer_name\\\"]\" ) FROM KAFKA ( \"kafka_broker_list\" = \"192.168.**.**:9092,192.168.**.**:9092,192.168.**.**:9092\", \"kafka_topic\" = \"dwd_order_customer_valid\" );",
  "CREATE ROUTINE LOAD flink_cdc.routine_load_dws_agg_by_region ON dws_agg_by_region COLUMNS (order_region, order_cnt, order_total_revenue) PROPERTIES ( \"format\" = \"json\", \"jsonpaths\" = \"[\\\"$.order_region\\\",\\\"$.order_cnt\\\",\\\"$.order_total_revenue\\\"]\" ) FROM KAFKA ( \"kafka_broker_list\" = \"192.168.**.**:9092,192.168.**.**:9092,192.168.**.**:9092\", \"kafka_topic\" = \"dws_agg_by_region\" );",
];
