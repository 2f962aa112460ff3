import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { StrataError } from '../core/errors.js';
import type { ConnectorSpec } from '../core/options.js';
import type { TableDescriptor } from '../core/plan.js';
import { ALL_CHANGES, formatChangelogMode, INSERT_ONLY, UPSERT } from '../core/row-kind.js';
import { schemaOf, type Field } from '../core/schema.js';
import { T } from '../core/types.js';
import type { ConnectorContext } from '../engine/connector.js';
import { ConnectorRegistry, defaultRegistry, renderConnectorDocs } from './registry.js';

const FIELDS: Field[] = [
  { name: 'id', type: T.int(false) },
  { name: 'name', type: T.string() },
];

function table(options: Record<string, string>, primaryKey: number[] | null = null, fields: Field[] = FIELDS): TableDescriptor {
  return { path: ['cat', 'db', 't'], schema: schemaOf(fields), primaryKey, options };
}

function ctx(): ConnectorContext {
  return { jobName: 'test', signal: new AbortController().signal, log: () => {} };
}

function errorOf(fn: () => unknown): StrataError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof StrataError, `expected a StrataError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected an error');
}

const MYSQL = {
  connector: 'mysql-cdc',
  hostname: 'localhost',
  username: 'root',
  password: 'hunter2',
  'database-name': 'flink_cdc',
  'table-name': 'orders',
};

const UPSERT_KAFKA = {
  connector: 'upsert-kafka',
  topic: 'ods_order',
  'properties.bootstrap.servers': 'localhost:9092',
  'key.format': 'json',
  'value.format': 'json',
};

describe('ConnectorRegistry', () => {
  const r = defaultRegistry();

  test('knows the first connectors and the planned ones', () => {
    assert.deepEqual(r.names(), ['blackhole', 'datagen', 'kafka', 'mysql-cdc', 'print', 'starrocks', 'upsert-kafka', 'values']);
    assert.equal(r.isRunnable('datagen'), true);
    assert.equal(r.isRunnable('mysql-cdc'), true);
    assert.equal(r.isRunnable('upsert-kafka'), false);
  });

  test('unknown connector: CONNECTOR_NOT_FOUND with a suggestion and the list', () => {
    const e = errorOf(() => r.validate(table({ connector: 'kafkaa' }), 'source'));
    assert.equal(e.code, 'CONNECTOR_NOT_FOUND');
    assert.equal(
      e.message,
      "unknown connector 'kafkaa' in table `cat`.`db`.`t`; did you mean 'kafka'? available: blackhole, datagen, kafka, mysql-cdc, print, starrocks, upsert-kafka, values",
    );
    assert.equal(errorOf(() => r.get('nothing-like-it')).message, "unknown connector 'nothing-like-it'; available: blackhole, datagen, kafka, mysql-cdc, print, starrocks, upsert-kafka, values");
  });

  test("a table without 'connector' is an option error", () => {
    const e = errorOf(() => r.validate(table({}), 'sink'));
    assert.equal(e.code, 'CONNECTOR_OPTION');
    assert.match(e.message, /^table `cat`\.`db`\.`t` has no 'connector' option; add 'connector' = '\.\.\.'/);
  });

  test('a connector used in a role it lacks', () => {
    const e = errorOf(() => r.validate(table({ connector: 'print' }), 'source'));
    assert.equal(e.code, 'CONNECTOR_OPTION');
    assert.match(e.message, /connector 'print' of table `cat`\.`db`\.`t` cannot be used as a source: it is sink-only/);
    assert.match(errorOf(() => r.sinkAccepts(table({ connector: 'datagen' }))).message, /cannot be used as a sink: it is source-only/);
  });

  test('option errors surface through validate, sourceMode and createSource alike', () => {
    const t = table({ connector: 'datagen', 'rows-per-secnd': '1' });
    for (const fn of [() => r.validate(t, 'source'), () => r.sourceMode(t), () => r.createSource(t, ctx())]) {
      const e = errorOf(fn);
      assert.equal(e.code, 'CONNECTOR_OPTION');
      assert.match(e.message, /did you mean 'rows-per-second'\?/);
    }
  });

  test('traits of the runnable connectors', () => {
    assert.deepEqual(r.sourceMode(table({ connector: 'datagen' })), INSERT_ONLY);
    assert.equal(r.sinkAccepts(table({ connector: 'print' })), 'all');
    assert.equal(r.sinkAccepts(table({ connector: 'blackhole' })), 'all');
    assert.equal(formatChangelogMode(r.sourceMode(table({ connector: 'values', 'data-id': 'x', 'changelog-mode': 'I,UB,UA,D' }))), 'I,UB,UA,D');
    assert.equal(r.sinkAccepts(table({ connector: 'values', 'sink-changelog-mode': 'insert-only' })), 'insert-only');
  });

  test('creates readers and writers of runnable connectors', () => {
    const source = r.createSource(table({ connector: 'datagen', 'number-of-rows': '3' }), ctx());
    assert.equal(typeof source.poll, 'function');
    const sink = r.createSink(table({ connector: 'blackhole' }), ctx());
    assert.equal(typeof sink.write, 'function');
  });

  test('upsert modes need a PRIMARY KEY', () => {
    const e = errorOf(() => r.sourceMode(table({ connector: 'values', 'data-id': 'x', 'changelog-mode': 'I,UA,D' })));
    assert.equal(e.code, 'CONNECTOR_OPTION');
    assert.match(e.message, /connector 'values' reads table `cat`\.`db`\.`t` as an upsert stream keyed by its PRIMARY KEY, but the table has none/);
    assert.deepEqual(r.sourceMode(table({ connector: 'values', 'data-id': 'x', 'changelog-mode': 'I,UA,D' }, [0])), UPSERT);
    assert.match(errorOf(() => r.sinkAccepts(table({ connector: 'values', 'sink-changelog-mode': 'upsert' }))).message, /writes .* as an upsert stream/);
  });

  test('redact hides secrets of known and unknown connectors', () => {
    assert.equal(r.redact(table(MYSQL, [0]))['password'], '******');
    assert.equal(r.redact(table(MYSQL, [0]))['hostname'], 'localhost');
    assert.equal(r.redact(table({ connector: 'unknown', 'my.password': 'x' }))['my.password'], '******');
  });

  test('register rejects a duplicate runnable connector and replaces a plan-only one', () => {
    const reg = new ConnectorRegistry();
    const spec: ConnectorSpec = { name: 'x', doc: '', options: [], sink: { doc: '' } };
    reg.registerPlanOnly(spec);
    assert.equal(reg.isRunnable('x'), false);
    reg.register({ spec, runtime: { createSink: () => ({ open: async () => {}, write: () => {}, commit: async () => {}, close: async () => {} }) }, sinkAccepts: () => 'all' });
    assert.equal(reg.isRunnable('x'), true);
    assert.equal(reg.sinkAccepts(table({ connector: 'x' })), 'all');
    assert.equal(errorOf(() => reg.register({ spec, runtime: {} })).code, 'INTERNAL');
  });
});

describe('plan-only connectors', () => {
  const r = defaultRegistry();

  test('mysql-cdc validates and plans as a full changelog source', () => {
    const t = table(MYSQL, [0]);
    r.validate(t, 'source');
    assert.deepEqual(r.sourceMode(t), ALL_CHANGES);
  });

  test('upsert-kafka validates and plans, but does not run yet', () => {
    const t = table({ connector: 'upsert-kafka', topic: 'x', 'properties.bootstrap.servers': 'localhost:9092', 'key.format': 'json', 'value.format': 'json' }, [0]);
    r.validate(t, 'sink');
    const e = errorOf(() => r.createSink(t, ctx()));
    assert.equal(e.code, 'SQL_UNSUPPORTED');
    assert.match(e.message, /connector 'upsert-kafka' \(table `cat`\.`db`\.`t`\) is not available to run yet/);
  });

  test('mysql-cdc option checks', () => {
    const noPassword: Record<string, string> = { ...MYSQL };
    delete noPassword['password'];
    assert.match(errorOf(() => r.validate(table(noPassword, [0]), 'source')).message, /missing required option 'password' for connector 'mysql-cdc'/);
    assert.match(errorOf(() => r.validate(table({ ...MYSQL, port: 'x' }, [0]), 'source')).message, /invalid value 'x' for option 'port'/);
    assert.match(
      errorOf(() => r.validate(table({ ...MYSQL, 'scan.startup.mode': 'latest' }, [0]), 'source')).message,
      /expected one of 'initial', 'snapshot', 'latest-offset', 'earliest-offset', 'specific-offset', 'timestamp'/,
    );
    assert.match(
      errorOf(() => r.validate(table({ ...MYSQL, 'scan.startup.mode': 'timestamp' }, [0]), 'source')).message,
      /missing required option 'scan.startup.timestamp-millis'/,
    );
    r.validate(table({ ...MYSQL, 'scan.startup.mode': 'specific-offset', 'scan.startup.specific-offset.gtid-set': 'abc:1-5' }, [0]), 'source');
    assert.match(
      errorOf(() => r.validate(table({ ...MYSQL, 'scan.startup.mode': 'specific-offset', 'scan.startup.specific-offset.file': 'mysql-bin.000003' }, [0]), 'source')).message,
      /missing required option 'scan.startup.specific-offset.pos'/,
    );
    assert.match(errorOf(() => r.validate(table({ ...MYSQL, 'server-id': '5404-5400' }, [0]), 'source')).message, /not a server id or range/);
    assert.match(errorOf(() => r.validate(table(MYSQL), 'source')).message, /scan\.incremental\.snapshot\.chunk\.key-column/);
    r.validate(table({ ...MYSQL, 'scan.incremental.snapshot.chunk.key-column': 'id' }), 'source');
    r.validate(table({ ...MYSQL, 'debezium.snapshot.mode': 'never', 'jdbc.properties.useSSL': 'false', 'connect.timeout': '1min' }, [0]), 'source');
    assert.match(errorOf(() => r.validate(table(MYSQL, [0]), 'sink')).message, /source-only/);
  });

  test('upsert-kafka needs a primary key and insert-only formats', () => {
    assert.deepEqual(r.sourceMode(table(UPSERT_KAFKA, [0])), UPSERT);
    assert.equal(r.sinkAccepts(table(UPSERT_KAFKA, [0])), 'upsert');
    const e = errorOf(() => r.validate(table(UPSERT_KAFKA), 'sink'));
    assert.match(e.message, /'upsert-kafka' tables require a PRIMARY KEY/);
    assert.match(errorOf(() => r.validate(table({ ...UPSERT_KAFKA, 'value.format': 'debezium-json' }, [0]), 'source')).message, /does not support 'debezium-json' as value format/);
    assert.match(errorOf(() => r.validate(table({ ...UPSERT_KAFKA, 'value.format': 'jsn' }, [0]), 'source')).message, /unknown format 'jsn'.*Did you mean 'json'\?/);
    assert.match(errorOf(() => r.validate(table({ ...UPSERT_KAFKA, 'sink.buffer-flush.max-rows': '10' }, [0]), 'sink')).message, /must both be greater than zero/);
    r.validate(table({ ...UPSERT_KAFKA, 'properties.group.id': 'g', 'value.json.ignore-parse-errors': 'true', 'value.fields-include': 'except_key' }, [0]), 'source');
    const e2 = errorOf(() => r.createSink(table(UPSERT_KAFKA, [0]), ctx()));
    assert.equal(e2.code, 'SQL_UNSUPPORTED');
  });

  test('kafka: changelog mode follows the format', () => {
    const base = { connector: 'kafka', topic: 't1', 'properties.bootstrap.servers': 'localhost:9092' };
    assert.deepEqual(r.sourceMode(table({ ...base, format: 'json' })), INSERT_ONLY);
    assert.equal(r.sinkAccepts(table({ ...base, format: 'json' })), 'insert-only');
    assert.deepEqual(r.sourceMode(table({ ...base, 'value.format': 'debezium-json' })), ALL_CHANGES);
    assert.deepEqual(r.sourceMode(table({ ...base, format: 'canal-json', 'canal-json.database.include': 'db' })), ALL_CHANGES);
    assert.match(errorOf(() => r.validate(table(base), 'source')).message, /missing required option 'format'/);
    assert.match(errorOf(() => r.validate(table({ ...base, format: 'json', 'value.format': 'json' }), 'source')).message, /both set/);
    assert.match(errorOf(() => r.validate(table({ ...base, format: 'json' }, [0]), 'source')).message, /cannot have a PRIMARY KEY/);
    assert.match(errorOf(() => r.validate(table({ ...base, format: 'json', 'key.format': 'json' }), 'source')).message, /missing required option 'key.fields'/);
    assert.match(errorOf(() => r.validate(table({ ...base, format: 'json', 'key.format': 'json', 'key.fields': 'nope' }), 'source')).message, /no column `nope`/);
    assert.match(errorOf(() => r.validate(table({ ...base, format: 'json', 'scan.startup.mode': 'timestamp' }), 'source')).message, /scan\.startup\.timestamp-millis/);
    assert.match(errorOf(() => r.validate(table({ ...base, topic: 'a;b', format: 'json' }), 'sink')).message, /exactly one topic/);
    r.validate(table({ ...base, format: 'json', 'json.ignore-parse-errors': 'true', 'scan.startup.mode': 'earliest-offset' }), 'source');
  });

  test('starrocks: upsert with a primary key, append without', () => {
    const sr = {
      connector: 'starrocks',
      'jdbc-url': 'jdbc:mysql://127.0.0.1:9030',
      'load-url': '127.0.0.1:8030',
      'database-name': 'd',
      'table-name': 't',
      username: 'root',
      password: '',
      'sink.properties.format': 'json',
    };
    assert.equal(r.sinkAccepts(table(sr, [0])), 'upsert');
    assert.equal(r.sinkAccepts(table(sr)), 'insert-only');
    assert.match(errorOf(() => r.validate(table({ ...sr, 'sink.semantic': 'twice' }), 'sink')).message, /expected one of 'at-least-once', 'exactly-once'/);
  });
});

describe('renderConnectorDocs', () => {
  test('renders a table row per option with type, default, required and notes', () => {
    const md = renderConnectorDocs(
      {
        name: 'demo',
        doc: 'Demo | connector.',
        source: { doc: 'insert-only.' },
        options: [
          { name: 'password', type: 'string', required: true, secret: true, doc: 'Password.' },
          { name: 'mode', type: 'enum', choices: ['a', 'b'], default: 'a', doc: 'Mode.' },
          { name: 'seed', type: 'long', extension: true, min: 0, doc: 'Seed.' },
        ],
      },
      { planOnly: true },
    );
    assert.match(md, /^## `demo`\n/);
    assert.ok(md.includes('> **Runs inside a server.**'));
    assert.ok(md.includes("| `connector` | string | | yes | Must be `'demo'`. |"));
    assert.ok(md.includes('| `password` | string |  | yes | Password. Secret: never shown'), md);
    assert.ok(md.includes('| `mode` | enum: `a`, `b` | `a` | no | Mode. |'), md);
    assert.ok(md.includes('| `seed` | long (≥ 0) |  | no | Seed. *(Strata extension, not in Flink.)* |'), md);
    assert.ok(md.includes('- **Sink:** no.'));
  });
});
