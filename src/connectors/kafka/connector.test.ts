import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ChangeBatch } from '../../core/batch.js';
import { Decimal } from '../../core/decimal.js';
import { StrataError } from '../../core/errors.js';
import { DELETE, INSERT, UPDATE_AFTER, UPDATE_BEFORE } from '../../core/row-kind.js';
import { parseTimestamp, type Row, type Value } from '../../core/values.js';
import type { Job } from '../../engine/job.js';
import { startBroker, kcat, type TestBroker } from '../../log/kafka-wire/test-support.js';
import { Session } from '../../runtime/session.js';
import { defaultRegistry } from '../registry.js';
import { getValuesSinkRows, registerValuesData, resetValuesConnector } from '../values/store.js';
import { isLocalBootstrap } from './common.js';
import { kafkaConnectors } from './connector.js';

let broker: TestBroker;
before(async () => {
  broker = await startBroker();
});
after(async () => {
  await broker?.close();
});

function session(): Session {
  const registry = defaultRegistry();
  for (const def of kafkaConnectors(broker.log, { kafkaPorts: [broker.port] })) registry.register(def);
  return new Session({ registry });
}

async function startJob(s: Session, sql: string): Promise<Job> {
  const results = await s.execute(sql);
  const r = results[results.length - 1];
  assert.ok(r !== undefined && r.kind === 'job');
  return r.job;
}

/** Lets every job process what its sources have, until `cond` holds (bounded by rounds, not time). */
async function settle(jobs: readonly Job[], cond: () => boolean, what: string, rounds = 500): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    for (const j of jobs) {
      if (j.state === 'FAILED') throw j.error!;
      await j.whenIdle();
    }
    if (cond()) return;
    await new Promise((r) => setImmediate(r));
  }
  assert.fail(`not reached: ${what}`);
}

function show(v: Value): string {
  return v === null ? 'NULL' : v instanceof Uint8Array ? Buffer.from(v).toString('hex') : String(v);
}
function lines(rows: readonly Row[]): string[] {
  return rows.map((r) => r.map(show).join(' | ')).sort();
}

const bootstrap = (): string => `127.0.0.1:${broker.port}`;

describe('upsert-kafka over the embedded log', () => {
  test('a changelog written to an upsert topic and read back gives the same final rows; kcat sees the tombstones', async () => {
    resetValuesConnector();
    const big = 9223372036854775807n;
    const ts = parseTimestamp('2024-05-06 07:08:09.123456')!;
    const d = (s: string): Decimal => Decimal.parse(s)!;
    registerValuesData('changes', [
      ChangeBatch.of([INSERT, [1, big, d('12345678901234567890.12'), 'a', ts]], [INSERT, [2, -big, d('0.01'), 'b', null]], [INSERT, [3, 0n, null, 'c', ts]]),
      ChangeBatch.of([UPDATE_BEFORE, [1, big, d('12345678901234567890.12'), 'a', ts]], [UPDATE_AFTER, [1, big - 1n, d('1.50'), 'a2', ts]], [DELETE, [2, -big, d('0.01'), 'b', null]]),
      ChangeBatch.of([INSERT, [4, 4n, d('4.00'), 'd', null]], [DELETE, [3, 0n, null, 'c', ts]]),
    ]);
    const s = session();
    const kafka = `'connector' = 'upsert-kafka', 'topic' = 'roundtrip', 'properties.bootstrap.servers' = '${bootstrap()}', 'key.format' = 'json', 'value.format' = 'json'`;
    await s.execute(`
      CREATE TABLE src (id INT NOT NULL, big BIGINT, amount DECIMAL(38, 2), name STRING, ts TIMESTAMP(6), PRIMARY KEY (id) NOT ENFORCED)
        WITH ('connector' = 'values', 'data-id' = 'changes', 'changelog-mode' = 'I,UB,UA,D');
      CREATE TABLE topic_t (id INT NOT NULL, big BIGINT, amount DECIMAL(38, 2), name STRING, ts TIMESTAMP(6), PRIMARY KEY (id) NOT ENFORCED) WITH (${kafka});
      CREATE TABLE out_t (id INT NOT NULL, big BIGINT, amount DECIMAL(38, 2), name STRING, ts TIMESTAMP(6), PRIMARY KEY (id) NOT ENFORCED)
        WITH ('connector' = 'values', 'sink-id' = 'out');
    `);
    const writer = await startJob(s, 'INSERT INTO topic_t SELECT * FROM src');
    const reader = await startJob(s, 'INSERT INTO out_t SELECT * FROM topic_t');
    const expected = ['1 | 9223372036854775806 | 1.50 | a2 | ' + String(ts), '4 | 4 | 4.00 | d | NULL'];
    try {
      await settle([writer, reader], () => JSON.stringify(lines(getValuesSinkRows('out'))) === JSON.stringify(expected), 'the final rows in the values sink');
      assert.deepEqual(lines(getValuesSinkRows('out')), expected);
      const info = broker.log.topic('roundtrip');
      assert.ok(info !== null);
      assert.equal(String(info.config.cleanupPolicy), 'compact');
      // What any Kafka client sees: the keys, the JSON values with every digit, tombstones as NULL.
      const r = await kcat(['-b', bootstrap(), '-C', '-t', 'roundtrip', '-o', 'beginning', '-e', '-Z', '-f', '%k %s\n']);
      assert.equal(r.code, 0, r.stderr);
      const got = r.stdout.trim().split('\n');
      assert.ok(got.includes('{"id":2} NULL'), r.stdout);
      assert.ok(got.includes('{"id":3} NULL'), r.stdout);
      assert.ok(got.includes(`{"id":1} {"id":1,"big":9223372036854775807,"amount":12345678901234567890.12,"name":"a","ts":"2024-05-06 07:08:09.123456"}`), r.stdout);
      assert.ok(got.includes('{"id":2} {"id":2,"big":-9223372036854775807,"amount":0.01,"name":"b","ts":null}'), r.stdout);
      assert.equal(got[got.length - 1], '{"id":3} NULL');
    } finally {
      await writer.cancel();
      await reader.cancel();
    }
    assert.equal(writer.error, null);
    assert.equal(reader.error, null);
  });

  test("the seed's demo.sql layering: ODS → DWD (join) → DWS read back from the DWD topic gives beijing 2 20", async () => {
    resetValuesConnector();
    registerValuesData('orders', [ChangeBatch.of([INSERT, [1, 10, 'beijing', 1]], [INSERT, [2, 10, 'beijing', 1]])]);
    registerValuesData('customers', [ChangeBatch.of([INSERT, [1, 22, 'emr_test']])]);
    const s = session();
    const servers = `'properties.bootstrap.servers' = '${bootstrap()}'`;
    const src = "'connector' = 'values', 'changelog-mode' = 'I,UB,UA,D'";
    const job = await startJob(
      s,
      `
      CREATE DATABASE IF NOT EXISTS \`default_catalog\`.\`flink_cdc\`;
      CREATE TABLE IF NOT EXISTS \`default_catalog\`.\`flink_cdc\`.\`orders_src\`( \`order_id\` INT NOT NULL, \`order_revenue\` FLOAT NOT NULL, \`order_region\` STRING NOT NULL, \`customer_id\` INT NOT NULL, PRIMARY KEY(\`order_id\`) NOT ENFORCED ) with ( ${src}, 'data-id' = 'orders' );
      CREATE TABLE IF NOT EXISTS \`default_catalog\`.\`flink_cdc\`.\`customers_src\` ( \`customer_id\` INT NOT NULL, \`customer_age\` FLOAT NOT NULL, \`customer_name\` STRING NOT NULL, PRIMARY KEY(\`customer_id\`) NOT ENFORCED ) with ( ${src}, 'data-id' = 'customers' );
      CREATE TABLE IF NOT EXISTS \`default_catalog\`.\`flink_cdc\`.\`ods_order_table\` ( \`order_id\` INT, \`order_revenue\` FLOAT, \`order_region\` VARCHAR(40), \`customer_id\` INT, PRIMARY KEY (order_id) NOT ENFORCED ) WITH ( 'connector' = 'upsert-kafka', 'topic' = 'ods_order', ${servers}, 'key.format' = 'json', 'value.format' = 'json' );
      CREATE TABLE IF NOT EXISTS \`default_catalog\`.\`flink_cdc\`.\`ods_customers_table\` ( \`customer_id\` INT, \`customer_age\` FLOAT, \`customer_name\` STRING, PRIMARY KEY (customer_id) NOT ENFORCED ) WITH ( 'connector' = 'upsert-kafka', 'topic' = 'ods_customers', ${servers}, 'key.format' = 'json', 'value.format' = 'json' );
      CREATE TABLE IF NOT EXISTS \`default_catalog\`.\`flink_cdc\`.\`dwd_order_customer_valid\` ( \`order_id\` INT, \`order_revenue\` FLOAT, \`order_region\` STRING, \`customer_id\` INT, \`customer_age\` FLOAT, \`customer_name\` STRING, PRIMARY KEY (order_id) NOT ENFORCED ) WITH ( 'connector' = 'upsert-kafka', 'topic' = 'dwd_order_customer_valid', ${servers}, 'key.format' = 'json', 'value.format' = 'json' );
      CREATE TABLE IF NOT EXISTS \`default_catalog\`.\`flink_cdc\`.\`dws_agg_by_region\` ( \`order_region\` VARCHAR(40), \`order_cnt\` BIGINT, \`order_total_revenue\` FLOAT, PRIMARY KEY (order_region) NOT ENFORCED ) WITH ( 'connector' = 'upsert-kafka', 'topic' = 'dws_agg_by_region', ${servers}, 'key.format' = 'json', 'value.format' = 'json' );
      USE flink_cdc;
      BEGIN STATEMENT SET;
      INSERT INTO ods_order_table SELECT * FROM orders_src;
      INSERT INTO ods_customers_table SELECT * FROM customers_src;
      INSERT INTO dwd_order_customer_valid SELECT o.order_id, o.order_revenue, o.order_region, c.customer_id, c.customer_age, c.customer_name FROM customers_src c JOIN orders_src o ON c.customer_id=o.customer_id WHERE c.customer_id <> -1;
      INSERT INTO dws_agg_by_region SELECT order_region, count(*) as order_cnt, sum(order_revenue) as order_total_revenue FROM dwd_order_customer_valid GROUP BY order_region;
      END;
    `,
    );
    // The latest value per key of a topic, as Routine Load (or a compacted read) sees it.
    const latest = (topic: string): string[] => {
      const m = new Map<string, string>();
      const hw = broker.log.topic(topic) === null ? 0 : broker.log.latestOffset(topic, 0);
      if (hw === 0) return [];
      for (const r of broker.log.consume(topic, 0, 0).records) {
        const k = Buffer.from(r.key!).toString();
        if (r.value === null) m.delete(k);
        else m.set(k, Buffer.from(r.value).toString());
      }
      return [...m.values()].sort();
    };
    try {
      await settle([job], () => latest('dws_agg_by_region').length === 1 && latest('dws_agg_by_region')[0]!.includes('"order_cnt":2'), 'beijing 2 20');
      assert.deepEqual(latest('dws_agg_by_region'), ['{"order_region":"beijing","order_cnt":2,"order_total_revenue":20.0}']);
      assert.deepEqual(latest('dwd_order_customer_valid'), [
        '{"order_id":1,"order_revenue":10.0,"order_region":"beijing","customer_id":1,"customer_age":22.0,"customer_name":"emr_test"}',
        '{"order_id":2,"order_revenue":10.0,"order_region":"beijing","customer_id":1,"customer_age":22.0,"customer_name":"emr_test"}',
      ]);
      assert.deepEqual(latest('ods_order'), [
        '{"order_id":1,"order_revenue":10.0,"order_region":"beijing","customer_id":1}',
        '{"order_id":2,"order_revenue":10.0,"order_region":"beijing","customer_id":1}',
      ]);
      assert.deepEqual(latest('ods_customers'), ['{"customer_id":1,"customer_age":22.0,"customer_name":"emr_test"}']);
    } finally {
      await job.cancel();
    }
    assert.equal(job.error, null);
  });

  test('an external bootstrap server is a clear SQL_UNSUPPORTED error naming the table and option', async () => {
    resetValuesConnector();
    registerValuesData('x', [ChangeBatch.of([INSERT, [1]])]);
    const s = session();
    await s.execute(`
      CREATE TABLE src (id INT NOT NULL, PRIMARY KEY (id) NOT ENFORCED) WITH ('connector' = 'values', 'data-id' = 'x');
      CREATE TABLE ext (id INT, PRIMARY KEY (id) NOT ENFORCED) WITH ('connector' = 'upsert-kafka', 'topic' = 't', 'properties.bootstrap.servers' = '192.168.1.2:9092,192.168.1.3:9092', 'key.format' = 'json', 'value.format' = 'json');
    `);
    await assert.rejects(
      () => s.execute('INSERT INTO ext SELECT * FROM src'),
      (e: unknown) =>
        e instanceof StrataError && e.code === 'SQL_UNSUPPORTED' && /scale-out/.test(e.message) && /properties\.bootstrap\.servers/.test(e.message) && /`?ext`?/.test(e.message) && e.hint !== undefined,
    );
    // EXPLAIN still works: the check is at run time.
    assert.match(s.explain('INSERT INTO ext SELECT * FROM src'), /ext/);
    assert.equal(isLocalBootstrap(`localhost:${broker.port}`, { kafkaPorts: [broker.port] }), true);
    assert.equal(isLocalBootstrap(`127.0.0.1:${broker.port},10.0.0.1:9092`, { kafkaPorts: [broker.port] }), false);
  });

  test('an unreadable message fails the reading job naming topic, partition and offset; ignore-parse-errors skips it', async () => {
    resetValuesConnector();
    await broker.log.produce('badtopic', 0, [
      { key: Buffer.from('{"id":1}'), value: Buffer.from('{"id":1,"v":"one"}') },
      { key: Buffer.from('{"id":2}'), value: Buffer.from('{not json') },
      { key: Buffer.from('{"id":3}'), value: Buffer.from('{"id":3,"v":"three"}') },
    ]);
    const s = session();
    const opts = `'connector' = 'upsert-kafka', 'topic' = 'badtopic', 'properties.bootstrap.servers' = '${bootstrap()}', 'key.format' = 'json', 'value.format' = 'json'`;
    await s.execute(`
      CREATE TABLE strict_t (id INT NOT NULL, v STRING, PRIMARY KEY (id) NOT ENFORCED) WITH (${opts});
      CREATE TABLE lenient_t (id INT NOT NULL, v STRING, PRIMARY KEY (id) NOT ENFORCED) WITH (${opts}, 'value.json.ignore-parse-errors' = 'true');
      CREATE TABLE out1 (id INT NOT NULL, v STRING, PRIMARY KEY (id) NOT ENFORCED) WITH ('connector' = 'values', 'sink-id' = 'strict');
      CREATE TABLE out2 (id INT NOT NULL, v STRING, PRIMARY KEY (id) NOT ENFORCED) WITH ('connector' = 'values', 'sink-id' = 'lenient');
    `);
    const strict = await startJob(s, 'INSERT INTO out1 SELECT * FROM strict_t');
    await strict.done();
    assert.equal(strict.state, 'FAILED');
    assert.equal(strict.error?.code, 'CONNECTOR_DATA');
    assert.match(strict.error!.message, /topic 'badtopic' partition 0 offset 1/);
    const lenient = await startJob(s, 'INSERT INTO out2 SELECT * FROM lenient_t');
    try {
      await settle([lenient], () => getValuesSinkRows('lenient').length === 2, 'two readable rows');
      assert.deepEqual(lines(getValuesSinkRows('lenient')), ['1 | one', '3 | three']);
    } finally {
      await lenient.cancel();
    }
  });
});

describe('kafka over the embedded log', () => {
  for (const format of ['debezium-json', 'canal-json'] as const) {
    test(`a changelog through a ${format} topic keeps every change`, async () => {
      resetValuesConnector();
      registerValuesData(`cdc-${format}`, [
        ChangeBatch.of([INSERT, [1, 'a']], [INSERT, [2, 'b']]),
        ChangeBatch.of([UPDATE_BEFORE, [1, 'a']], [UPDATE_AFTER, [1, 'A']], [DELETE, [2, 'b']], [INSERT, [3, 'c']]),
      ]);
      const s = session();
      const topic = `cdc_${format.replace('-', '_')}`;
      await s.execute(`
        CREATE TABLE src (id INT NOT NULL, name STRING, PRIMARY KEY (id) NOT ENFORCED) WITH ('connector' = 'values', 'data-id' = 'cdc-${format}', 'changelog-mode' = 'I,UB,UA,D');
        CREATE TABLE k (id INT NOT NULL, name STRING, PRIMARY KEY (id) NOT ENFORCED) WITH ('connector' = 'kafka', 'topic' = '${topic}', 'properties.bootstrap.servers' = '${bootstrap()}', 'format' = '${format}', 'scan.startup.mode' = 'earliest-offset');
        CREATE TABLE out_t (id INT NOT NULL, name STRING, PRIMARY KEY (id) NOT ENFORCED) WITH ('connector' = 'values', 'sink-id' = 'out');
      `);
      const w = await startJob(s, 'INSERT INTO k SELECT * FROM src');
      const r = await startJob(s, 'INSERT INTO out_t SELECT * FROM k');
      try {
        await settle([w, r], () => JSON.stringify(lines(getValuesSinkRows('out'))) === JSON.stringify(['1 | A', '3 | c']), 'final rows');
        assert.deepEqual(lines(getValuesSinkRows('out')), ['1 | A', '3 | c']);
      } finally {
        await w.cancel();
        await r.cancel();
      }
      assert.equal(w.error, null);
      assert.equal(r.error, null);
    });
  }

  test('json topics: every message is an insert; startup modes earliest, latest and specific offsets; bounded latest-offset finishes', async () => {
    resetValuesConnector();
    const enc = (id: number): { key: null; value: Buffer } => ({ key: null, value: Buffer.from(JSON.stringify({ id, name: `n${id}` })) });
    await broker.log.produce('plain', 0, [enc(1), enc(2), enc(3)]);
    const s = session();
    const base = `'connector' = 'kafka', 'topic' = 'plain', 'properties.bootstrap.servers' = '${bootstrap()}', 'format' = 'json'`;
    await s.execute(`
      CREATE TABLE early (id INT, name STRING) WITH (${base}, 'scan.startup.mode' = 'earliest-offset', 'scan.bounded.mode' = 'latest-offset');
      CREATE TABLE spec (id INT, name STRING) WITH (${base}, 'scan.startup.mode' = 'specific-offsets', 'scan.startup.specific-offsets' = 'partition:0,offset:2', 'scan.bounded.mode' = 'latest-offset');
      CREATE TABLE late (id INT, name STRING) WITH (${base}, 'scan.startup.mode' = 'latest-offset');
      CREATE TABLE o1 (id INT, name STRING) WITH ('connector' = 'values', 'sink-id' = 'early');
      CREATE TABLE o2 (id INT, name STRING) WITH ('connector' = 'values', 'sink-id' = 'spec');
      CREATE TABLE o3 (id INT, name STRING) WITH ('connector' = 'values', 'sink-id' = 'late');
    `);
    const j1 = await startJob(s, 'INSERT INTO o1 SELECT * FROM early');
    const j2 = await startJob(s, 'INSERT INTO o2 SELECT * FROM spec');
    const j3 = await startJob(s, 'INSERT INTO o3 SELECT * FROM late');
    await j1.done();
    await j2.done();
    assert.equal(j1.state, 'FINISHED');
    assert.deepEqual(lines(getValuesSinkRows('early')), ['1 | n1', '2 | n2', '3 | n3']);
    assert.deepEqual(lines(getValuesSinkRows('spec')), ['3 | n3']);
    try {
      await j3.whenIdle();
      assert.deepEqual(getValuesSinkRows('late'), []);
      await broker.log.produce('plain', 0, [enc(4)]);
      await settle([j3], () => getValuesSinkRows('late').length === 1, 'the message written after the start');
      assert.deepEqual(lines(getValuesSinkRows('late')), ['4 | n4']);
    } finally {
      await j3.cancel();
    }
  });
});
