import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StrataError } from '../../core/errors.js';
import { Log } from '../../log/log.js';
import { waitFor } from '../../log/kafka-wire/test-support.js';
import type { StatementOutcome, WarehouseSessionState } from '../api.js';
import { DuckDbWarehouse } from '../duckdb/warehouse.js';
import { WarehouseSql } from '../starrocks/front.js';
import { rowsText, SEED_STEP3_DDL, SEED_STEP3_ROUTINE_LOADS } from '../starrocks/test-support.js';
import { RoutineLoadManager } from './manager.js';

const PORT = 9092;
const LOCAL = (s: string): string => s.replace('192.168.**.**:9092,192.168.**.**:9092,192.168.**.**:9092', `127.0.0.1:${PORT}`);

interface Fixture {
  dir: string;
  log: Log;
  warehouse: DuckDbWarehouse;
  front: WarehouseSql;
  session: WarehouseSessionState;
  manager: RoutineLoadManager;
  run(sql: string): Promise<StatementOutcome>;
  rows(sql: string): Promise<string[]>;
  show(job: string): Promise<Record<string, string>>;
  produce(topic: string, key: unknown, value: unknown): Promise<number>;
  reopen(): Promise<void>;
  close(): Promise<void>;
}

async function fixture(dir = mkdtempSync(join(tmpdir(), 'strata-rl-'))): Promise<Fixture> {
  const f = {} as Fixture;
  const open = async (): Promise<void> => {
    f.log = await Log.open(join(dir, 'log'));
    f.warehouse = await DuckDbWarehouse.open(join(dir, 'warehouse'));
    f.front = new WarehouseSql(f.warehouse);
    f.manager = new RoutineLoadManager(f.warehouse, f.log, { dataDir: dir, localKafkaPorts: () => [PORT] });
    f.front.addExtension(f.manager);
    f.manager.start();
    f.session = f.front.openSession(1, 'root', null);
    await f.front.query("SET time_zone = '+00:00'", f.session);
  };
  const shut = async (): Promise<void> => {
    await f.manager.stop();
    await f.warehouse.close();
    await f.log.close();
  };
  await open();
  f.dir = dir;
  f.run = async (sql) => {
    const out = await f.front.query(sql, f.session);
    return out[out.length - 1]!;
  };
  f.rows = async (sql) => rowsText(await f.run(sql));
  f.show = async (job) => {
    const o = await f.run(`SHOW ALL ROUTINE LOAD FOR ${job}`);
    assert.equal(o.kind, 'rows');
    if (o.kind !== 'rows') assert.fail('SHOW ROUTINE LOAD returns rows');
    const last = o.rows[o.rows.length - 1]!;
    return Object.fromEntries(o.columns.map((c, i) => [c.name, String(last[i])]));
  };
  f.produce = async (topic, key, value) => {
    const enc = (v: unknown): Uint8Array | null => (v === null ? null : Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)));
    const r = await f.log.produce(topic, 0, [{ key: enc(key), value: enc(value) }]);
    return r.baseOffset;
  };
  f.reopen = async () => {
    await shut();
    await open();
  };
  f.close = async () => {
    await shut();
    rmSync(dir, { recursive: true, force: true });
  };
  return f;
}

async function seedSetup(f: Fixture): Promise<void> {
  for (const ddl of SEED_STEP3_DDL) await f.run(ddl);
  for (const rl of SEED_STEP3_ROUTINE_LOADS) await f.run(LOCAL(rl));
}

async function waitRows(f: Fixture, sql: string, expected: string[]): Promise<void> {
  let last: string[] = [];
  try {
    await waitFor(async () => {
      last = await f.rows(sql);
      return JSON.stringify(last) === JSON.stringify(expected);
    }, `${sql} = ${JSON.stringify(expected)}`, 15_000);
  } catch (e) {
    assert.deepEqual(last, expected);
    throw e;
  }
}

describe('RoutineLoadManager', () => {
  test("the seed's four jobs load upserts, a tombstone deletes, FLOAT and INT convert", async () => {
    const f = await fixture();
    try {
      await seedSetup(f);
      const list = await f.run('SHOW ROUTINE LOAD FROM flink_cdc');
      assert.equal(list.kind === 'rows' ? list.rows.length : -1, 4);
      await f.produce('ods_order', { order_id: 1 }, { order_id: 1, order_revenue: 10.0, order_region: 'beijing', customer_id: 1 });
      await f.produce('ods_order', { order_id: 2 }, { order_id: 2, order_revenue: 10.0, order_region: 'beijing', customer_id: 1 });
      await f.produce('ods_order', { order_id: 3 }, { order_id: 3, order_revenue: 7.5, order_region: 'shanghai', customer_id: 2 });
      await f.produce('ods_order', { order_id: 3 }, null); // tombstone: delete order 3
      await f.produce('ods_order', { order_id: 2 }, { order_id: 2, order_revenue: 12.5, order_region: 'beijing', customer_id: 1 }); // upsert
      await f.produce('ods_customers', { customer_id: 1 }, { customer_id: 1, customer_age: 22.0, customer_name: 'emr_test' });
      await f.produce('dwd_order_customer_valid', { order_id: 1 }, { order_id: 1, order_revenue: 10.0, order_region: 'beijing', customer_id: 1, customer_age: 22.0, customer_name: 'emr_test' });
      await f.produce('dws_agg_by_region', { order_region: 'beijing' }, { order_region: 'beijing', order_cnt: 1, order_total_revenue: 10.0 });
      await f.produce('dws_agg_by_region', { order_region: 'beijing' }, { order_region: 'beijing', order_cnt: 2, order_total_revenue: 20.0 });

      await waitRows(f, 'select * from flink_cdc.orders order by order_id', ['1 | 10 | beijing | 1', '2 | 12.5 | beijing | 1']);
      await waitRows(f, 'select * from flink_cdc.customers', ['1 | 22 | emr_test']);
      await waitRows(f, 'select * from flink_cdc.dwd_order_customer_valid', ['1 | 10 | beijing | 1 | 22 | emr_test']);
      await waitRows(f, 'select * from flink_cdc.dws_agg_by_region', ['beijing | 2 | 20']);

      const s = await f.show('flink_cdc.routine_load_orders');
      assert.equal(s['State'], 'RUNNING');
      assert.equal(s['DbName'], 'flink_cdc');
      assert.equal(s['TableName'], 'orders');
      assert.equal(s['DataSourceType'], 'KAFKA');
      assert.deepEqual(JSON.parse(s['Progress']!), { '0': '4' });
      const stat = JSON.parse(s['Statistic']!) as Record<string, number>;
      assert.equal(stat['totalRows'], 5);
      assert.equal(stat['loadedRows'], 4);
      assert.equal(stat['deletedRows'], 1);
      assert.equal(stat['errorRows'], 0);
      assert.equal(JSON.parse(s['DataSourceProperties']!).brokerList, '127.0.0.1:9092');
      // The position of the table is the job's, with the next offset.
      const pos = f.warehouse.position('flink_cdc', 'orders');
      assert.equal(pos?.writer, 'routine-load:flink_cdc.routine_load_orders');
      assert.deepEqual(JSON.parse(pos!.position).offsets, { '0': 5 });
    } finally {
      await f.close();
    }
  });

  test('bad messages are error rows with topic/partition/offset; the job pauses past max_error_number', async () => {
    const f = await fixture();
    try {
      await seedSetup(f);
      await f.produce('ods_order', { order_id: 1 }, { order_id: 1, order_revenue: 1, order_region: 'a', customer_id: 1 });
      const bad = await f.produce('ods_order', { order_id: 2 }, '{"order_id": 2, "order_revenue": '); // not JSON
      await f.produce('ods_order', { order_id: 3 }, { order_id: 3, order_revenue: 3, order_region: 'c', customer_id: 3 });
      await waitFor(async () => (await f.show('flink_cdc.routine_load_orders'))['State'] === 'PAUSED', 'the job pauses');
      const s = await f.show('flink_cdc.routine_load_orders');
      assert.match(s['ReasonOfStateChanged']!, /1 error row\(s\).*max_error_number 0/);
      assert.match(s['ReasonOfStateChanged']!, new RegExp(`topic ods_order partition 0 offset ${bad}`));
      assert.match(s['ErrorLogUrls']!, new RegExp(`topic ods_order partition 0 offset ${bad}: the value is not JSON`));
      assert.equal(JSON.parse(s['Statistic']!).errorRows, 1);
      assert.notEqual(s['PauseTime'], 'NULL');
      // The row before the bad message committed; the one after waits for RESUME.
      assert.deepEqual(await f.rows('select order_id from flink_cdc.orders order by order_id'), ['1']);
      await f.run('RESUME ROUTINE LOAD FOR flink_cdc.routine_load_orders');
      await waitRows(f, 'select order_id from flink_cdc.orders order by order_id', ['1', '3']);
      assert.equal((await f.show('flink_cdc.routine_load_orders'))['State'], 'RUNNING');

      // A job with max_error_number 2 keeps going over two bad messages and pauses at the third.
      await f.run(
        LOCAL(
          'CREATE ROUTINE LOAD flink_cdc.tolerant ON customers COLUMNS (customer_id, customer_age, customer_name) ' +
            'PROPERTIES ("format" = "json", "max_error_number" = "2", "strict_mode" = "true") ' +
            'FROM KAFKA ("kafka_broker_list" = "192.168.**.**:9092,192.168.**.**:9092,192.168.**.**:9092", "kafka_topic" = "cust2", "property.kafka_default_offsets" = "OFFSET_BEGINNING", "property.sasl.password" = "hunter2")',
        ),
      );
      await f.produce('cust2', { customer_id: 5 }, { customer_id: 5, customer_age: 'old', customer_name: 'x' }); // strict: not a number
      await f.produce('cust2', { customer_id: 6 }, { customer_age: 30, customer_name: 'no key' }); // missing key column
      await f.produce('cust2', { customer_id: 7 }, { customer_id: 7, customer_age: 40, customer_name: 'ok' });
      await waitRows(f, 'select * from flink_cdc.customers', ['7 | 40 | ok']);
      let t = await f.show('flink_cdc.tolerant');
      assert.equal(t['State'], 'RUNNING');
      assert.equal(JSON.parse(t['Statistic']!).errorRows, 2);
      assert.match(t['ErrorLogUrls']!, /offset 0: column customer_age: .*not a number.*strict_mode/);
      assert.match(t['ErrorLogUrls']!, /offset 1: column customer_id is a key column but the message has no value/);
      assert.equal(JSON.parse(t['CustomProperties']!)['sasl.password'], '******');
      assert.doesNotMatch(JSON.stringify(t), /hunter2/);
      await f.produce('cust2', { customer_id: 8 }, [1, 2]);
      await waitFor(async () => (await f.show('flink_cdc.tolerant'))['State'] === 'PAUSED', 'the tolerant job pauses at the third error');
      t = await f.show('flink_cdc.tolerant');
      assert.match(t['ReasonOfStateChanged']!, /3 error row\(s\).*max_error_number 2.*offset 3/);
    } finally {
      await f.close();
    }
  });

  test('PAUSE, RESUME and STOP', async () => {
    const f = await fixture();
    try {
      await seedSetup(f);
      await f.run('USE flink_cdc');
      await f.run('PAUSE ROUTINE LOAD FOR routine_load_customers');
      assert.equal((await f.show('flink_cdc.routine_load_customers'))['State'], 'PAUSED');
      await f.produce('ods_customers', { customer_id: 1 }, { customer_id: 1, customer_age: 22, customer_name: 'a' });
      // a sibling job keeps running, so this wait proves time passed while the paused job did not load
      await f.produce('ods_order', { order_id: 1 }, { order_id: 1, order_revenue: 1, order_region: 'a', customer_id: 1 });
      await waitRows(f, 'select order_id from orders', ['1']);
      assert.deepEqual(await f.rows('select * from customers'), []);
      await f.run('RESUME ROUTINE LOAD FOR flink_cdc.routine_load_customers');
      await waitRows(f, 'select * from customers', ['1 | 22 | a']);
      await f.run('STOP ROUTINE LOAD FOR flink_cdc.routine_load_customers');
      const s = await f.show('flink_cdc.routine_load_customers');
      assert.equal(s['State'], 'STOPPED');
      assert.notEqual(s['EndTime'], 'NULL');
      const live = await f.run('SHOW ROUTINE LOAD');
      assert.equal(live.kind === 'rows' ? live.rows.length : -1, 3, 'SHOW without ALL hides stopped jobs');
      await assert.rejects(f.run('RESUME ROUTINE LOAD FOR routine_load_customers'), (e: unknown) => e instanceof StrataError && /STOPPED/.test(e.message));
      await assert.rejects(f.run('PAUSE ROUTINE LOAD FOR nope'), (e: unknown) => e instanceof StrataError && e.code === 'CATALOG_OBJECT_NOT_FOUND');
      // a stopped job's name can be used again
      await f.run(LOCAL(SEED_STEP3_ROUTINE_LOADS[1]!));
      assert.equal((await f.show('flink_cdc.routine_load_customers'))['State'], 'RUNNING');
      await assert.rejects(f.run(LOCAL(SEED_STEP3_ROUTINE_LOADS[1]!)), (e: unknown) => e instanceof StrataError && e.code === 'CATALOG_OBJECT_EXISTS');
    } finally {
      await f.close();
    }
  });

  test('the broker list must be this process: the tutorial placeholder and external brokers are clear errors', async () => {
    const f = await fixture();
    try {
      for (const ddl of SEED_STEP3_DDL) await f.run(ddl);
      await assert.rejects(f.run(SEED_STEP3_ROUTINE_LOADS[0]!), (e: unknown) => e instanceof StrataError && e.code === 'SQL_VALIDATION' && /kafka_broker_list.*placeholder/.test(e.message) && /127\.0\.0\.1:9092/.test(e.hint ?? ''));
      await assert.rejects(
        f.run(SEED_STEP3_ROUTINE_LOADS[0]!.replace('192.168.**.**:9092,192.168.**.**:9092,192.168.**.**:9092', '10.255.1.2:9092')),
        (e: unknown) => e instanceof StrataError && e.code === 'SQL_UNSUPPORTED' && /external Kafka.*later feature/.test(e.message),
      );
      await assert.rejects(
        f.run(SEED_STEP3_ROUTINE_LOADS[0]!.replace('192.168.**.**:9092,192.168.**.**:9092,192.168.**.**:9092', '127.0.0.1:9999')),
        (e: unknown) => e instanceof StrataError && e.code === 'SQL_UNSUPPORTED' && /port 9092/.test(e.message),
      );
      await assert.rejects(f.run(LOCAL(SEED_STEP3_ROUTINE_LOADS[0]!.replace(' ON orders ', ' ON nope '))), (e: unknown) => e instanceof StrataError && e.code === 'CATALOG_OBJECT_NOT_FOUND');
    } finally {
      await f.close();
    }
  });

  test('restart: a new manager resumes from the offsets committed with the rows, nothing twice, nothing lost', async () => {
    const f = await fixture();
    try {
      await f.run('CREATE DATABASE d');
      await f.run('CREATE TABLE d.events (id INT NOT NULL, v STRING, day DATE, at DATETIME, amount DECIMAL(10,2)) DUPLICATE KEY(id) DISTRIBUTED BY HASH(id) BUCKETS 1');
      await f.run(
        LOCAL(
          'CREATE ROUTINE LOAD d.ev ON events PROPERTIES ("format" = "json") FROM KAFKA ("kafka_broker_list" = "192.168.**.**:9092,192.168.**.**:9092,192.168.**.**:9092", "kafka_topic" = "events")',
        ),
      );
      let n = 0;
      const produceSome = async (count: number): Promise<void> => {
        for (let i = 0; i < count; i++, n++) {
          await f.produce('events', null, { id: n, v: `e${n}`, day: '2024-03-01', at: '2024-03-01 12:34:56', amount: '12345678.25' });
        }
      };
      await produceSome(30);
      await waitFor(async () => Number((await f.rows('select count(*) from d.events'))[0]) >= 1, 'some rows loaded');
      await f.reopen(); // stop mid-stream (or after): warehouse, log and manager all restart
      await produceSome(20);
      await waitRows(f, 'select count(*), count(distinct id), min(id), max(id) from d.events', ['50 | 50 | 0 | 49']);
      assert.deepEqual(await f.rows('select * from d.events where id = 7'), ['7 | e7 | 2024-03-01 | 2024-03-01 12:34:56 | 12345678.25']);

      // A stale jobs file (as after a crash between the commit and the file write) does not
      // replay: the offsets come from the table's position.
      const { readFileSync, writeFileSync } = await import('node:fs');
      await f.manager.stop();
      const file = join(f.dir, 'routine-load', 'jobs.json');
      const saved = JSON.parse(readFileSync(file, 'utf8')) as { jobs: { offsets: Record<string, number> }[] };
      saved.jobs[0]!.offsets = { '0': 0 };
      writeFileSync(file, JSON.stringify(saved));
      await f.reopen();
      await produceSome(5);
      await waitRows(f, 'select count(*), count(distinct id), max(id) from d.events', ['55 | 55 | 54']);
      const s = await f.show('d.ev');
      assert.equal(s['State'], 'RUNNING');
      assert.deepEqual(JSON.parse(s['Progress']!), { '0': '54' });
    } finally {
      await f.close();
    }
  });
});
