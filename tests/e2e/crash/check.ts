import type { Connection } from 'mysql2/promise';
import { Kafka, logLevel } from 'kafkajs';
import { StrataError } from '../../../src/core/errors.js';

/**
 * The final check of the crash tests: what the warehouse tables must hold, computed from
 * MariaDB's final rows, compared with what Strata's warehouse holds (over its MySQL port)
 * and with each topic's compacted content (last value per key, tombstones remove; read
 * with kafkajs from Strata's Kafka port).
 */

export interface TableSpec {
  readonly table: string;
  readonly columns: readonly string[];
  /** Which columns are numeric (compared as numbers). */
  readonly numeric: readonly boolean[];
  readonly key: string;
  /** The query on MariaDB that gives the rows the table must hold, in `columns` order. */
  readonly expectedSql: string;
}

const JOIN = 'FROM flink_cdc.customers c JOIN flink_cdc.orders o ON c.customer_id = o.customer_id WHERE c.customer_id <> -1';

export const TABLES: readonly TableSpec[] = [
  {
    table: 'orders',
    columns: ['order_id', 'order_revenue', 'order_region', 'customer_id'],
    numeric: [true, true, false, true],
    key: 'order_id',
    expectedSql: 'SELECT order_id, order_revenue, order_region, customer_id FROM flink_cdc.orders',
  },
  {
    table: 'customers',
    columns: ['customer_id', 'customer_age', 'customer_name'],
    numeric: [true, true, false],
    key: 'customer_id',
    expectedSql: 'SELECT customer_id, customer_age, customer_name FROM flink_cdc.customers',
  },
  {
    table: 'dwd_order_customer_valid',
    columns: ['order_id', 'order_revenue', 'order_region', 'customer_id', 'customer_age', 'customer_name'],
    numeric: [true, true, false, true, true, false],
    key: 'order_id',
    expectedSql: `SELECT o.order_id, o.order_revenue, o.order_region, c.customer_id, c.customer_age, c.customer_name ${JOIN}`,
  },
  {
    table: 'dws_agg_by_region',
    columns: ['order_region', 'order_cnt', 'order_total_revenue'],
    numeric: [false, true, true],
    key: 'order_region',
    expectedSql: `SELECT o.order_region, COUNT(*) AS order_cnt, SUM(o.order_revenue) AS order_total_revenue ${JOIN} GROUP BY o.order_region`,
  },
];

export function specOf(table: string): TableSpec {
  const s = TABLES.find((t) => t.table === table);
  if (s === undefined) throw new StrataError('INTERNAL', `no table spec for ${table}`);
  return s;
}

/** Rows by key, each row as normalized text values. */
export type TableRows = Map<string, string[]>;

function valueText(v: unknown, numeric: boolean): string {
  if (v === null || v === undefined) return 'NULL';
  if (numeric) {
    const n = typeof v === 'bigint' ? Number(v) : Number(v as string | number);
    return Number.isFinite(n) ? String(n) : `NaN(${String(v)})`;
  }
  if (Buffer.isBuffer(v)) return v.toString('utf8');
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** Rows of a query, keyed by the spec's key; duplicate keys are reported in `problems`. */
export async function queryRows(conn: Connection, spec: TableSpec, sql: string, problems: string[], where: string): Promise<TableRows> {
  const [rows] = await conn.query({ sql, rowsAsArray: true });
  const out: TableRows = new Map();
  const k = spec.columns.indexOf(spec.key);
  for (const r of rows as unknown[][]) {
    const row = spec.columns.map((_, i) => valueText(r[i], spec.numeric[i]!));
    const key = row[k]!;
    if (out.has(key)) problems.push(`${where} ${spec.table}: key ${spec.key}=${key} appears more than once`);
    out.set(key, row);
  }
  return out;
}

/** The differences between two keyed row sets, at most `limit` lines. */
export function diffRows(spec: TableSpec, expected: TableRows, actual: TableRows, what: string, limit = 8): string[] {
  const out: string[] = [];
  let more = 0;
  const add = (s: string): void => {
    if (out.length < limit) out.push(s);
    else more++;
  };
  for (const [k, e] of expected) {
    const a = actual.get(k);
    if (a === undefined) add(`${what} ${spec.table}: missing ${spec.key}=${k}: expected [${e.join(', ')}]`);
    else if (a.join('\u0001') !== e.join('\u0001')) add(`${what} ${spec.table}: ${spec.key}=${k}: expected [${e.join(', ')}], got [${a.join(', ')}]`);
  }
  for (const [k, a] of actual) if (!expected.has(k)) add(`${what} ${spec.table}: unexpected ${spec.key}=${k}: [${a.join(', ')}]`);
  if (more > 0) out.push(`${what} ${spec.table}: … and ${more} more differences (expected ${expected.size} rows, got ${actual.size})`);
  return out;
}

/** What MariaDB's rows imply for every warehouse table. */
export async function expectedTables(source: Connection, problems: string[]): Promise<Map<string, TableRows>> {
  const m = new Map<string, TableRows>();
  for (const t of TABLES) m.set(t.table, await queryRows(source, t, t.expectedSql, problems, 'MariaDB'));
  return m;
}

/** What Strata's warehouse holds, over its MySQL port. */
export async function warehouseTables(strata: Connection, problems: string[]): Promise<Map<string, TableRows>> {
  const m = new Map<string, TableRows>();
  for (const t of TABLES) m.set(t.table, await queryRows(strata, t, `SELECT ${t.columns.join(', ')} FROM flink_cdc.${t.table}`, problems, 'warehouse'));
  return m;
}

export interface TopicContent {
  /** Records read, tombstones included. */
  readonly records: number;
  /** Compacted: key → row (last value per key; tombstones removed). */
  readonly rows: TableRows;
}

/**
 * Reads each topic from the beginning to its end offset (as of the call) with kafkajs,
 * and compacts it: last value per key, tombstones remove.
 */
export async function readTopics(broker: string, topics: readonly { topic: string; table: string }[], problems: string[], ms = 60_000): Promise<Map<string, TopicContent>> {
  const kafka = new Kafka({ brokers: [broker], clientId: 'strata-crash-check', logLevel: logLevel.NOTHING, retry: { retries: 3 } });
  const admin = kafka.admin();
  await admin.connect();
  const ends = new Map<string, bigint>();
  try {
    for (const { topic } of topics) {
      for (const p of await admin.fetchTopicOffsets(topic)) {
        if (BigInt(p.high) > BigInt(p.low)) ends.set(`${topic}/${p.partition}`, BigInt(p.high));
      }
    }
  } finally {
    await admin.disconnect();
  }
  const seen = new Map<string, Map<string, Record<string, unknown> | null>>();
  const counts = new Map<string, number>();
  for (const { topic } of topics) {
    seen.set(topic, new Map());
    counts.set(topic, 0);
  }
  const pending = new Set(ends.keys());
  const reached = new Map<string, bigint>();
  if (pending.size > 0) {
    const consumer = kafka.consumer({ groupId: `strata-crash-check-${process.pid}-${Date.now()}`, allowAutoTopicCreation: false });
    await consumer.connect();
    try {
      await consumer.subscribe({ topics: topics.map((t) => t.topic), fromBeginning: true });
      let done: () => void = () => {};
      const allRead = new Promise<void>((resolve) => (done = resolve));
      await consumer.run({
        eachMessage: async ({ topic, partition, message }) => {
          const tp = `${topic}/${partition}`;
          const end = ends.get(tp);
          const off = BigInt(message.offset);
          if (end === undefined || off >= end) return;
          reached.set(tp, off);
          counts.set(topic, (counts.get(topic) ?? 0) + 1);
          const keyText = message.key === null ? '' : message.key.toString('utf8');
          const value = message.value === null ? null : (JSON.parse(message.value.toString('utf8')) as Record<string, unknown>);
          seen.get(topic)!.set(keyText, value);
          if (off + 1n >= end) {
            pending.delete(tp);
            if (pending.size === 0) done();
          }
        },
      });
      let timer: NodeJS.Timeout | undefined;
      const timedOut = await Promise.race([
        allRead.then(() => false),
        new Promise<boolean>((resolve) => {
          timer = setTimeout(() => resolve(true), ms);
        }),
      ]);
      clearTimeout(timer);
      if (timedOut) {
        const where = [...pending].map((tp) => `${tp}: read up to ${reached.get(tp)?.toString() ?? 'nothing'} of end offset ${ends.get(tp)?.toString()}`).join('; ');
        throw new StrataError('RUNTIME', `reading the topics with kafkajs did not reach their end offsets within ${ms} ms: ${where}`);
      }
    } finally {
      await consumer.disconnect();
    }
  }
  const out = new Map<string, TopicContent>();
  for (const { topic, table } of topics) {
    const spec = specOf(table);
    const rows: TableRows = new Map();
    for (const [keyText, value] of seen.get(topic)!) {
      let key: Record<string, unknown>;
      try {
        key = JSON.parse(keyText) as Record<string, unknown>;
      } catch {
        problems.push(`topic ${topic}: a record key is not JSON: ${JSON.stringify(keyText)}`);
        continue;
      }
      if (value === null) continue;
      const row = spec.columns.map((c, i) => (c in value ? valueText(value[c], spec.numeric[i]!) : 'MISSING'));
      const k = valueText(key[spec.key], spec.numeric[spec.columns.indexOf(spec.key)]!);
      if (row[spec.columns.indexOf(spec.key)] !== k) problems.push(`topic ${topic}: key ${keyText} carries a value for ${spec.key}=${row[spec.columns.indexOf(spec.key)]}`);
      rows.set(k, row);
    }
    out.set(topic, { records: counts.get(topic) ?? 0, rows });
  }
  return out;
}
