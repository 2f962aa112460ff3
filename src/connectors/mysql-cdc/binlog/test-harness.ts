import type { Connection } from 'mysql2/promise';
import { Decimal } from '../../../core/decimal.js';
import type { Row, Value } from '../../../core/values.js';
import type { MariaDbServer } from '../../../testing/mariadb.js';
import { BinlogClient, type BinlogClientOptions, type BinlogStart } from './binlog-client.js';
import { columnFromInformationSchema, INFORMATION_SCHEMA_COLUMNS_SQL, type InformationSchemaColumn, type MysqlColumn } from './column-types.js';
import type { SchemaLookup, TableSchema } from './event-parser.js';
import type { BinlogEvent } from './events.js';
import { SNAPSHOT_MYSQL2_OPTIONS, SNAPSHOT_SESSION_SQL, snapshotSelectExpr, textToValue, type RawValue } from './text-values.js';

/**
 * Test helpers shared by the tests that run the binlog client against a real MariaDB
 * (src/testing/mariadb.ts). Not used by library code.
 */

let nextServerId = 1000;

/** A client for `db` as the replication user, starting at `start` (each with its own server id). */
export function clientFor(db: MariaDbServer, start: BinlogStart, extra: Partial<BinlogClientOptions> = {}): BinlogClient {
  return new BinlogClient({
    host: db.host,
    port: db.port,
    user: db.cdcUser,
    password: db.cdcPassword,
    serverId: nextServerId++,
    start,
    ...extra,
  });
}

/** Every event from `start` to the current end of the binlog (non-blocking dump). */
export async function readAll(db: MariaDbServer, start: BinlogStart, extra: Partial<BinlogClientOptions> = {}): Promise<BinlogEvent[]> {
  const c = clientFor(db, start, { nonBlocking: true, ...extra });
  await c.connect();
  const out: BinlogEvent[] = [];
  for await (const batch of c.events()) for (const e of batch) out.push(e);
  await c.close();
  return out;
}

/**
 * Collects events from a blocking client until `until` says stop (checked after every
 * batch); the caller's writes happen meanwhile. Closes the client.
 */
export async function collectUntil(c: BinlogClient, until: (all: readonly BinlogEvent[]) => boolean): Promise<BinlogEvent[]> {
  const out: BinlogEvent[] = [];
  for await (const batch of c.events()) {
    for (const e of batch) out.push(e);
    if (until(out)) break;
  }
  await c.close();
  return out;
}

/** The columns of `database.table` from information_schema. */
export async function schemaOf(conn: Connection, database: string, table: string): Promise<MysqlColumn[]> {
  const [rows] = await conn.query(INFORMATION_SCHEMA_COLUMNS_SQL, [database, table]);
  return (rows as InformationSchemaColumn[]).map(columnFromInformationSchema);
}

/** A schema lookup over every table of `database`. */
export async function schemaLookup(conn: Connection, database: string): Promise<SchemaLookup> {
  const [tables] = await conn.query('SELECT TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?', [database]);
  const map = new Map<string, TableSchema>();
  for (const { t } of tables as { t: string }[]) map.set(`${database}.${t}`, { columns: await schemaOf(conn, database, t) });
  return (db, t) => map.get(`${db}.${t}`);
}

/** A mysql2 connection set up as the snapshot phase reads (text-values.ts rules). */
export async function snapshotConnection(db: MariaDbServer): Promise<Connection> {
  const conn = await db.connect({ ...(SNAPSHOT_MYSQL2_OPTIONS as object) });
  await conn.query(SNAPSHOT_SESSION_SQL);
  return conn;
}

/** `SELECT` of a whole table as Strata rows, through textToValue, ordered by its first column. */
export async function selectRows(conn: Connection, database: string, table: string, columns: readonly MysqlColumn[]): Promise<Row[]> {
  const list = columns.map(snapshotSelectExpr).join(', ');
  const [rows] = await conn.query({ sql: `SELECT ${list} FROM \`${database}\`.\`${table}\` ORDER BY 1`, rowsAsArray: true });
  return (rows as RawValue[][]).map((r) => r.map((v, i) => textToValue(v, columns[i]!)));
}

/** Exact equality of Strata values: same JS type, Decimal scale, bytes, -0 vs 0. */
export function sameValue(a: Value, b: Value): boolean {
  if (a === null || b === null) return a === b;
  if (typeof a !== typeof b) return false;
  if (typeof a === 'number') return Object.is(a, b);
  if (a instanceof Decimal) return b instanceof Decimal && a.unscaled === b.unscaled && a.scale === b.scale;
  if (a instanceof Uint8Array) {
    if (!(b instanceof Uint8Array) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }
  return a === b;
}

/** Printable form of a value for assertion messages. */
export function show(v: Value): string {
  if (v === null) return 'NULL';
  if (typeof v === 'bigint') return `${v}n`;
  if (v instanceof Decimal) return `Decimal(${v.toString()})`;
  if (v instanceof Uint8Array) return `x'${Buffer.from(v).toString('hex')}'`;
  return typeof v === 'string' ? JSON.stringify(v) : String(v);
}
