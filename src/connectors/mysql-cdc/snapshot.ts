import { StrataError } from '../../core/errors.js';
import type { Row, Value } from '../../core/values.js';
import { columnFromInformationSchema, INFORMATION_SCHEMA_COLUMNS_SQL, type InformationSchemaColumn, type MysqlColumn } from './binlog/column-types.js';
import type { MysqlConnection } from './binlog/connection.js';
import type { BinlogPosition } from './binlog/events.js';
import { SNAPSHOT_SESSION_SQL, snapshotSelectExpr, TextRowDecoder, textToValue } from './binlog/text-values.js';

/**
 * The snapshot phase of `mysql-cdc` (docs/design/20261121_mysql-cdc.md):
 *
 * - `discoverTables`: the tables `database-name` / `table-name` (regular expressions, matched
 *   whole, `table-name` against `table` or `db.table`) select.
 * - `readTableSchema`: a table's columns (information_schema, typed by column-types.ts) and
 *   primary key.
 * - `beginConsistentSnapshot`: a `START TRANSACTION WITH CONSISTENT SNAPSHOT` and the binlog
 *   position exactly consistent with it (MariaDB: `Binlog_snapshot_file/position`; MySQL: taken
 *   under a brief `FLUSH TABLES WITH READ LOCK`).
 * - `readChunk`: one chunk of a table in chunk-key order, inside that transaction:
 *   `key > last AND key <= upper` where `upper` is the key `chunkSize` rows on; so a
 *   non-unique chunk key never splits rows with one key value between chunks.
 */

export function quoteIdent(name: string): string {
  return '`' + name.replace(/`/g, '``') + '`';
}

/** A string literal (for identifiers and names in information_schema queries). */
export function sqlString(s: string): string {
  return "_utf8mb4 X'" + Buffer.from(s, 'utf8').toString('hex') + "'";
}

const NUMERIC = new Set(['tinyint', 'smallint', 'mediumint', 'int', 'bigint', 'decimal', 'float', 'double', 'year']);
const BINARY = new Set(['bit', 'binary', 'varbinary', 'tinyblob', 'blob', 'mediumblob', 'longblob', 'geometry']);

/** A SQL literal for a raw (text protocol) value of `col`, to compare the column with. */
export function keyLiteral(raw: Buffer, col: MysqlColumn): string {
  if (NUMERIC.has(col.dataType)) {
    const t = raw.toString('latin1');
    if (/^[-+]?[0-9]*\.?[0-9]*(?:[eE][-+]?[0-9]+)?$/.test(t) && t !== '') return t;
  }
  if (BINARY.has(col.dataType) || col.charset === 'binary') return "X'" + raw.toString('hex') + "'";
  return "_utf8mb4 X'" + raw.toString('hex') + "'";
}

export interface CapturedTable {
  readonly database: string;
  readonly table: string;
  readonly columns: readonly MysqlColumn[];
  /** Primary key column names, in key order ([] when none). */
  readonly primaryKey: readonly string[];
}

function fullMatch(pattern: string, option: string): RegExp {
  try {
    return new RegExp(`^(?:${pattern})$`);
  } catch (e) {
    throw new StrataError('CONNECTOR_OPTION', `'${option}' = '${pattern}' is not a valid regular expression: ${e instanceof Error ? e.message : String(e)}`, {
      hint: `Write '${option}' as a regular expression (Flink CDC's syntax), e.g. 'orders' or 'orders_[0-9]+'.`,
    });
  }
}

/** A predicate over (database, table) from `database-name` and `table-name`. */
export function tableMatcher(databaseName: string, tableName: string): (database: string, table: string) => boolean {
  const db = fullMatch(databaseName, 'database-name');
  const tb = fullMatch(tableName, 'table-name');
  const cache = new Map<string, boolean>();
  return (database, table) => {
    const k = `${database}.${table}`;
    let m = cache.get(k);
    if (m === undefined) {
      m = db.test(database) && (tb.test(table) || tb.test(k));
      cache.set(k, m);
    }
    return m;
  };
}

/** The base tables the options select, sorted by database then table. */
export async function discoverTables(conn: MysqlConnection, match: (database: string, table: string) => boolean): Promise<{ database: string; table: string }[]> {
  const r = await conn.query(
    "SELECT TABLE_SCHEMA, TABLE_NAME FROM information_schema.TABLES WHERE TABLE_TYPE = 'BASE TABLE' AND TABLE_SCHEMA NOT IN ('mysql', 'information_schema', 'performance_schema', 'sys') ORDER BY TABLE_SCHEMA, TABLE_NAME",
  );
  const out: { database: string; table: string }[] = [];
  for (const row of r.rows) {
    const database = row[0] ?? '';
    const table = row[1] ?? '';
    if (match(database, table)) out.push({ database, table });
  }
  return out;
}

/** Columns and primary key of one table. */
export async function readTableSchema(conn: MysqlConnection, database: string, table: string): Promise<CapturedTable> {
  const sql = INFORMATION_SCHEMA_COLUMNS_SQL.replace('?', sqlString(database)).replace('?', sqlString(table));
  const r = await conn.query(sql);
  const columns: MysqlColumn[] = [];
  for (const row of r.rows) {
    const rec: Record<string, string | null> = {};
    for (let i = 0; i < r.columns.length; i++) rec[r.columns[i]!.toUpperCase()] = row[i] ?? null;
    columns.push(columnFromInformationSchema(rec as unknown as InformationSchemaColumn));
  }
  const pk = await conn.query(
    `SELECT COLUMN_NAME FROM information_schema.KEY_COLUMN_USAGE WHERE TABLE_SCHEMA = ${sqlString(database)} AND TABLE_NAME = ${sqlString(table)} ` +
      "AND CONSTRAINT_NAME = 'PRIMARY' ORDER BY ORDINAL_POSITION",
  );
  return { database, table, columns, primaryKey: pk.rows.map((x) => x[0] ?? '') };
}

/** The server's current binlog end (SHOW MASTER STATUS) and, on MariaDB, its GTID there. */
export async function currentPosition(conn: MysqlConnection): Promise<BinlogPosition> {
  const r = await conn.query('SHOW MASTER STATUS');
  const row = r.rows[0];
  if (row === undefined) {
    throw new StrataError('CONNECTOR_OPTION', `MySQL ${conn.place.server} has no binary log (SHOW MASTER STATUS is empty): binlog-based CDC needs it`, {
      hint: 'Start the server with log_bin enabled, binlog_format = ROW and binlog_row_image = FULL.',
    });
  }
  const file = row[0] ?? '';
  const pos = Number(row[1] ?? 4);
  return { file, pos, gtid: await gtidAt(conn, file, pos, row[4] ?? null) };
}

async function gtidAt(conn: MysqlConnection, file: string, pos: number, mysqlExecuted: string | null): Promise<string | null> {
  if (conn.isMariaDb) {
    const g = await conn.query(`SELECT BINLOG_GTID_POS(${sqlString(file)}, ${pos})`);
    const v = g.rows[0]?.[0] ?? null;
    return v === null ? null : v;
  }
  const v = (mysqlExecuted ?? '').replace(/\s+/g, '');
  return v === '' ? null : v;
}

/** The oldest binlog on the server (earliest-offset), at its start. */
export async function earliestPosition(conn: MysqlConnection): Promise<BinlogPosition> {
  const r = await conn.query('SHOW BINARY LOGS');
  const file = r.rows[0]?.[0];
  if (file === undefined || file === null) return currentPosition(conn);
  return { file, pos: 4, gtid: null };
}

/**
 * Starts the snapshot transaction on `conn` (a connection of its own) and returns the binlog
 * position consistent with it: every transaction committed before it is in the snapshot, every
 * one after it is in the binlog after the position.
 */
export async function beginConsistentSnapshot(conn: MysqlConnection): Promise<BinlogPosition> {
  await conn.query(SNAPSHOT_SESSION_SQL);
  await conn.query('SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ');
  if (conn.isMariaDb) {
    await conn.query('START TRANSACTION WITH CONSISTENT SNAPSHOT');
    const r = await conn.query("SHOW STATUS LIKE 'binlog_snapshot_%'");
    let file = '';
    let pos = -1;
    for (const row of r.rows) {
      const name = (row[0] ?? '').toLowerCase();
      if (name === 'binlog_snapshot_file') file = row[1] ?? '';
      else if (name === 'binlog_snapshot_position') pos = Number(row[1] ?? -1);
    }
    if (file === '' || pos < 0) {
      throw new StrataError('CONNECTOR_OPTION', `MySQL ${conn.place.server} gives no binlog position for the snapshot (Binlog_snapshot_file is empty)`, {
        hint: 'Start the server with log_bin enabled, binlog_format = ROW and binlog_row_image = FULL.',
      });
    }
    return { file, pos, gtid: await gtidAt(conn, file, pos, null) };
  }
  // MySQL: the position is only consistent under a global read lock, held for an instant.
  await conn.query('FLUSH TABLES WITH READ LOCK');
  try {
    await conn.query('START TRANSACTION WITH CONSISTENT SNAPSHOT');
    return await currentPosition(conn);
  } finally {
    await conn.query('UNLOCK TABLES');
  }
}

export interface ChunkResult {
  /** Rows in MySQL column order, as Strata values (text-values.ts). */
  readonly rows: Row[];
  /** The chunk's upper key as a SQL literal and as a value; null when this was the last chunk. */
  readonly upper: ChunkBound | null;
}

/** A chunk boundary: a chunk key value as a SQL literal and as a Strata value. */
export interface ChunkBound {
  readonly literal: string;
  readonly value: Value;
}

/**
 * Reads the chunk after `lower` (a SQL literal; null for the first chunk): at most about
 * `chunkSize` rows (more only when the chunk key repeats at the chunk's end).
 */
export async function readChunk(conn: MysqlConnection, t: CapturedTable, keyIndex: number, lower: string | null, chunkSize: number): Promise<ChunkResult> {
  const upper = await chunkUpperBound(conn, t, keyIndex, lower, chunkSize);
  const rows = await readChunkRange(conn, t, keyIndex, lower, upper);
  return { rows, upper };
}

/**
 * The upper bound of the chunk after `lower`: the chunk key `chunkSize` rows on (null: the
 * chunk reaches the end of the table). A chunk is the key range `(lower, upper]`, so rows with
 * one key value never straddle two chunks.
 */
export async function chunkUpperBound(conn: MysqlConnection, t: CapturedTable, keyIndex: number, lower: string | null, chunkSize: number): Promise<ChunkBound | null> {
  const keyCol = t.columns[keyIndex]!;
  const key = quoteIdent(keyCol.name);
  const b = await conn.queryRaw(
    `SELECT ${key} FROM ${tableRef(t)}${lower === null ? '' : ` WHERE ${key} > ${lower}`} ORDER BY ${key} LIMIT 1 OFFSET ${chunkSize - 1}`,
  );
  const raw = b.rows[0]?.[0];
  return raw === undefined ? null : raw === null ? { literal: 'NULL', value: null } : { literal: keyLiteral(raw, keyCol), value: textToValue(raw, keyCol) };
}

/** Row decoders per captured table (text protocol → Strata values, from the packet bytes). */
const decoders = new WeakMap<CapturedTable, TextRowDecoder>();

function rowDecoder(t: CapturedTable): TextRowDecoder {
  let d = decoders.get(t);
  if (d === undefined) {
    d = new TextRowDecoder(t.columns);
    decoders.set(t, d);
  }
  return d;
}

/**
 * The rows of the key range `(lower, upper]` (null bounds: unbounded; the first chunk includes
 * NULL keys), in key order. Rows are decoded from the packets as they arrive (`queryRows`), so
 * decoding overlaps with the server reading the rest of the range.
 */
export async function readChunkRange(conn: MysqlConnection, t: CapturedTable, keyIndex: number, lower: string | null, upper: ChunkBound | null): Promise<Row[]> {
  const key = quoteIdent(t.columns[keyIndex]!.name);
  const conds: string[] = [];
  if (lower !== null) conds.push(`${key} > ${lower}`);
  if (upper !== null) conds.push(upper.value === null ? `${key} IS NULL` : lower === null ? `(${key} IS NULL OR ${key} <= ${upper.literal})` : `${key} <= ${upper.literal}`);
  const list = t.columns.map(snapshotSelectExpr).join(', ');
  const decoder = rowDecoder(t);
  const rows: Row[] = [];
  await conn.queryRows(`SELECT ${list} FROM ${tableRef(t)}${conds.length > 0 ? ` WHERE ${conds.join(' AND ')}` : ''} ORDER BY ${key}`, (columns) => {
    if (columns.length !== t.columns.length) {
      throw new StrataError('CONNECTOR_DATA', `MySQL ${conn.place.server} returned ${columns.length} columns for \`${t.database}\`.\`${t.table}\`, which has ${t.columns.length}`, {
        hint: 'The table changed during the snapshot; restart the source.',
      });
    }
    return {
      row(buf: Buffer, start: number, end: number): void {
        rows.push(decoder.decode(buf, start, end));
      },
    };
  });
  return rows;
}

function tableRef(t: { readonly database: string; readonly table: string }): string {
  return `${quoteIdent(t.database)}.${quoteIdent(t.table)}`;
}

/** One chunk read between a low and a high binlog watermark (the incremental snapshot's step). */
export interface WatermarkedChunk {
  /** Every transaction committed at or before `low` is in `rows`. */
  readonly low: BinlogPosition;
  /** No transaction committed after `high` is in `rows`. */
  readonly high: BinlogPosition;
  /** Rows in MySQL column order. */
  readonly rows: Row[];
}

/**
 * Reads the chunk `(lower, upper]` between two binlog watermarks (DBLog / Flink CDC 2.x):
 * `rows` reflect every transaction up to `low` and possibly some of `(low, high]`; replaying the
 * binlog's changes to the chunk's keys in `(low, high]` over them (upserts by identity) gives
 * the chunk exactly as of `high`.
 *
 * - MariaDB: `low` is exact: `START TRANSACTION WITH CONSISTENT SNAPSHOT` and
 *   `Binlog_snapshot_file/position` (every transaction before it is visible to the reads that
 *   follow). With `inside` the SELECT runs in that transaction and `high` = `low` (the chunk is
 *   exactly as of `low`, nothing to reconcile: used for tables without a primary key, whose rows
 *   cannot be reconciled by identity); otherwise the transaction ends at once, the SELECT runs
 *   on its own and `high` is `SHOW MASTER STATUS` after it.
 * - MySQL: `low` and `high` are `SHOW MASTER STATUS` before and after the SELECT (Flink CDC's
 *   way; a transaction in the binlog before `low` but not yet visible to InnoDB when the SELECT
 *   starts is the known narrow race of that scheme).
 *
 * Positions carry a GTID only for `low` with `lowGtid` on MariaDB (a `BINLOG_GTID_POS` lookup,
 * which reads the binlog file: asked for the first chunk only; later positions get their GTID
 * from the binlog events read up to them). MySQL's come with `SHOW MASTER STATUS`.
 *
 * The session must be prepared with `SNAPSHOT_SESSION_SQL` (see `prepareSnapshotSession`).
 */
export async function readChunkWithWatermarks(
  conn: MysqlConnection,
  t: CapturedTable,
  keyIndex: number,
  lower: string | null,
  upper: ChunkBound | null,
  inside: boolean,
  lowGtid: boolean,
): Promise<WatermarkedChunk> {
  if (conn.isMariaDb) {
    await conn.query('START TRANSACTION WITH CONSISTENT SNAPSHOT');
    let low: BinlogPosition;
    let rows: Row[] | null = null;
    try {
      low = await mariaDbSnapshotPosition(conn, lowGtid);
      if (inside) rows = await readChunkRange(conn, t, keyIndex, lower, upper);
    } finally {
      await conn.query('COMMIT');
    }
    if (rows !== null) return { low, high: low, rows };
    rows = await readChunkRange(conn, t, keyIndex, lower, upper);
    return { low, high: await binlogEnd(conn), rows };
  }
  const low = await binlogEnd(conn);
  const rows = await readChunkRange(conn, t, keyIndex, lower, upper);
  return { low, high: await binlogEnd(conn), rows };
}

/**
 * `SHOW MASTER STATUS` without MariaDB's GTID lookup (`BINLOG_GTID_POS` reads the binlog file
 * from its start, too slow per chunk): `gtid` is MySQL's executed set, null on MariaDB.
 */
async function binlogEnd(conn: MysqlConnection): Promise<BinlogPosition> {
  const r = await conn.query('SHOW MASTER STATUS');
  const row = r.rows[0];
  if (row === undefined) return currentPosition(conn);
  const v = conn.isMariaDb ? '' : (row[4] ?? '').replace(/\s+/g, '');
  return { file: row[0] ?? '', pos: Number(row[1] ?? 4), gtid: v === '' ? null : v };
}

/** Sets the session the snapshot reads need (UTC, text values as text-values.ts expects, REPEATABLE READ). */
export async function prepareSnapshotSession(conn: MysqlConnection): Promise<void> {
  await conn.query(SNAPSHOT_SESSION_SQL);
  await conn.query('SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ');
}

async function mariaDbSnapshotPosition(conn: MysqlConnection, withGtid: boolean): Promise<BinlogPosition> {
  const r = await conn.query("SHOW STATUS LIKE 'binlog_snapshot_%'");
  let file = '';
  let pos = -1;
  for (const row of r.rows) {
    const name = (row[0] ?? '').toLowerCase();
    if (name === 'binlog_snapshot_file') file = row[1] ?? '';
    else if (name === 'binlog_snapshot_position') pos = Number(row[1] ?? -1);
  }
  if (file === '' || pos < 0) {
    throw new StrataError('CONNECTOR_OPTION', `MySQL ${conn.place.server} gives no binlog position for the snapshot (Binlog_snapshot_file is empty)`, {
      hint: 'Start the server with log_bin enabled, binlog_format = ROW and binlog_row_image = FULL.',
    });
  }
  return { file, pos, gtid: withGtid ? await gtidAt(conn, file, pos, null) : null };
}

/** information_schema.TABLES.TABLE_ROWS summed over `tables` (an estimate; null when unknown). */
export async function estimateRows(conn: MysqlConnection, tables: readonly { readonly database: string; readonly table: string }[]): Promise<number | null> {
  if (tables.length === 0) return 0;
  const conds = tables.map((t) => `(TABLE_SCHEMA = ${sqlString(t.database)} AND TABLE_NAME = ${sqlString(t.table)})`).join(' OR ');
  const r = await conn.query(`SELECT SUM(TABLE_ROWS) FROM information_schema.TABLES WHERE ${conds}`);
  const v = r.rows[0]?.[0];
  if (v === null || v === undefined) return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
}

/** MariaDB GTIDs `domain-server-seq[,…]` as domain → `server-seq`; null when not that form. */
function mariaDbDomains(text: string): Map<string, string> | null {
  const m = new Map<string, string>();
  for (const part of text.split(',')) {
    const t = part.trim();
    if (t === '') continue;
    const g = /^(\d+)-(\d+)-(\d+)$/.exec(t);
    if (g === null) return null;
    m.set(g[1]!, `${g[2]!}-${g[3]!}`);
  }
  return m;
}

/**
 * Checks, before resuming from a saved binlog position, that the server's binlog still has
 * that position with the same history: on MariaDB `BINLOG_GTID_POS(file, pos)` must give the
 * saved GTID for every domain the saved GTID names. A binlog reset (`RESET MASTER`) or replaced
 * since the offsets were taken gives a different answer (or none), and reading from there would
 * decode another history: a definite `CONNECTOR_DATA` error naming the position and the remedy.
 * MySQL and positions without a GTID are left to the dump (server error 1236 when purged).
 */
export async function verifyResumePosition(conn: MysqlConnection, where: string, at: BinlogPosition): Promise<void> {
  if (!conn.isMariaDb || at.file === '' || at.gtid === null) return;
  const saved = mariaDbDomains(at.gtid);
  if (saved === null || saved.size === 0) return;
  let now: string | null = null;
  try {
    const g = await conn.query(`SELECT BINLOG_GTID_POS(${sqlString(at.file)}, ${at.pos})`);
    now = g.rows[0]?.[0] ?? null;
  } catch {
    now = null;
  }
  const have = now === null ? null : mariaDbDomains(now);
  let same = have !== null;
  if (have !== null) for (const [d, v] of saved) if (have.get(d) !== v) same = false;
  if (same) return;
  const files = await conn.query('SHOW BINARY LOGS').catch(() => null);
  const list = files === null ? '' : ` (the server has ${files.rows.map((r) => r[0] ?? '').join(', ') || 'no binlog'})`;
  throw new StrataError(
    'CONNECTOR_DATA',
    `${where} needs the binlog of MySQL ${conn.place.server} from ${at.file}:${at.pos} (GTID ${at.gtid}), but the server's binlog no longer has that position ` +
      `with that history: ${now === null ? 'the position is gone' : `it is at GTID ${now === '' ? '(none)' : now} there`}${list}. The binlog was reset (RESET MASTER) or purged`,
    {
      retryable: false,
      hint: "Changes after that position cannot be read any more: restart the source from a new snapshot ('scan.startup.mode' = 'initial') without the saved state.",
      details: { position: `${at.file}:${at.pos}`, gtid: at.gtid, serverGtid: now },
    },
  );
}
