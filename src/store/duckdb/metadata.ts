import { BIGINT, VARCHAR, type DuckDBConnection, type DuckDBPreparedStatement } from '@duckdb/node-api';
import { StrataError } from '../../core/errors.js';
import type { SqlType, TypeKind } from '../../core/types.js';
import type { KeyModel, TablePosition, WarehouseColumn, WarehouseTableDef } from '../api.js';

/**
 * The warehouse's own catalog, in the DuckDB schema `_strata` of the same file, so that
 * it commits in the same transactions as the data:
 *
 * - `_strata.meta(key, value)`: `format` = METADATA_FORMAT.
 * - `_strata.databases(name)`: one row per warehouse database (a DuckDB schema).
 * - `_strata.tables(database, name, def_json)`: the full WarehouseTableDef as JSON
 *   (typeText, comments, properties, distribution: what SHOW CREATE TABLE needs). JSON is
 *   written at DDL time only, never on the data path.
 * - `_strata.positions(database, name, writer, position, committed_at, seq)`: the source
 *   position each table reflects, written by `apply` in the data's transaction. An
 *   append-only log (the row with the highest `seq` per table is current): a plain INSERT
 *   per apply instead of an in-place upsert, which cost about 1 ms per apply more.
 *   Superseded rows are removed at open and every COMPACT_EVERY writes.
 *
 * Names are stored in the case they were created with; lookups compare lower case.
 */
export const METADATA_SCHEMA = '_strata';
export const METADATA_FORMAT = '1';

const BOOTSTRAP = [
  `CREATE SCHEMA IF NOT EXISTS ${METADATA_SCHEMA}`,
  `CREATE TABLE IF NOT EXISTS ${METADATA_SCHEMA}.meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS ${METADATA_SCHEMA}.databases (name VARCHAR PRIMARY KEY)`,
  `CREATE TABLE IF NOT EXISTS ${METADATA_SCHEMA}.tables (database VARCHAR NOT NULL, name VARCHAR NOT NULL, def_json VARCHAR NOT NULL, PRIMARY KEY (database, name))`,
  `CREATE TABLE IF NOT EXISTS ${METADATA_SCHEMA}.positions (database VARCHAR NOT NULL, name VARCHAR NOT NULL, writer VARCHAR NOT NULL, position VARCHAR NOT NULL, committed_at BIGINT NOT NULL, seq BIGINT NOT NULL)`,
];

export interface LoadedMetadata {
  readonly databases: readonly string[];
  readonly tables: readonly WarehouseTableDef[];
  readonly positions: readonly { readonly database: string; readonly table: string; readonly position: TablePosition }[];
  /** The highest position sequence number written so far (0 when none). */
  readonly positionSeq: number;
}

/** Creates the `_strata` schema and its tables when missing; checks the format. One transaction. */
export async function bootstrapMetadata(conn: DuckDBConnection): Promise<void> {
  await conn.run('BEGIN TRANSACTION');
  try {
    for (const sql of BOOTSTRAP) await conn.run(sql);
    const r = await conn.runAndReadAll(`SELECT value FROM ${METADATA_SCHEMA}.meta WHERE key = 'format'`);
    const rows = r.getRows();
    if (rows.length === 0) {
      await conn.run(`INSERT INTO ${METADATA_SCHEMA}.meta VALUES ('format', $1)`, [METADATA_FORMAT], [VARCHAR]);
    } else if (rows[0]![0] !== METADATA_FORMAT) {
      throw new StrataError('STATE', `the warehouse metadata has format ${String(rows[0]![0])}, this Strata reads format ${METADATA_FORMAT}`, {
        hint: 'Open the data directory with the Strata version that wrote it.',
      });
    }
    await conn.run('COMMIT');
  } catch (e) {
    await conn.run('ROLLBACK').catch(() => undefined);
    throw e;
  }
}

/** Reads every database, table definition and position. */
export async function loadMetadata(conn: DuckDBConnection): Promise<LoadedMetadata> {
  const dbs = (await conn.runAndReadAll(`SELECT name FROM ${METADATA_SCHEMA}.databases ORDER BY name`)).getRows();
  const tables = (await conn.runAndReadAll(`SELECT database, name, def_json FROM ${METADATA_SCHEMA}.tables ORDER BY database, name`)).getRows();
  const positions = (
    await conn.runAndReadAll(
      `SELECT database, name, arg_max(writer, seq), arg_max(position, seq), arg_max(committed_at, seq) FROM ${METADATA_SCHEMA}.positions GROUP BY database, name`,
    )
  ).getRows();
  const maxSeq = (await conn.runAndReadAll(`SELECT coalesce(max(seq), 0) FROM ${METADATA_SCHEMA}.positions`)).getRows()[0]![0];
  return {
    databases: dbs.map((r) => String(r[0])),
    tables: tables.map((r) => decodeTableDef(String(r[2]), `${String(r[0])}.${String(r[1])}`)),
    positions: positions.map((r) => ({
      database: String(r[0]),
      table: String(r[1]),
      position: { writer: String(r[2]), position: String(r[3]), committedAt: Number(r[4] as bigint) },
    })),
    positionSeq: Number(maxSeq as bigint),
  };
}

export async function insertDatabase(conn: DuckDBConnection, name: string): Promise<void> {
  await conn.run(`INSERT INTO ${METADATA_SCHEMA}.databases VALUES ($1)`, [name], [VARCHAR]);
}

/** Removes a database with its tables and positions from the metadata. */
export async function deleteDatabase(conn: DuckDBConnection, name: string): Promise<void> {
  for (const t of ['positions', 'tables']) {
    await conn.run(`DELETE FROM ${METADATA_SCHEMA}.${t} WHERE lower(database) = lower($1)`, [name], [VARCHAR]);
  }
  await conn.run(`DELETE FROM ${METADATA_SCHEMA}.databases WHERE lower(name) = lower($1)`, [name], [VARCHAR]);
}

/** Inserts or replaces a table definition. */
export async function writeTableDef(conn: DuckDBConnection, def: WarehouseTableDef): Promise<void> {
  await conn.run(
    `DELETE FROM ${METADATA_SCHEMA}.tables WHERE lower(database) = lower($1) AND lower(name) = lower($2)`,
    [def.database, def.name],
    [VARCHAR, VARCHAR],
  );
  await conn.run(`INSERT INTO ${METADATA_SCHEMA}.tables VALUES ($1, $2, $3)`, [def.database, def.name, encodeTableDef(def)], [VARCHAR, VARCHAR, VARCHAR]);
}

/** Removes a table definition and its position. */
export async function deleteTableDef(conn: DuckDBConnection, database: string, table: string): Promise<void> {
  for (const t of ['positions', 'tables']) {
    await conn.run(
      `DELETE FROM ${METADATA_SCHEMA}.${t} WHERE lower(database) = lower($1) AND lower(name) = lower($2)`,
      [database, table],
      [VARCHAR, VARCHAR],
    );
  }
}

/** Appends position rows (inside `apply`'s transaction) and compacts the log now and then. */
export class PositionWriter {
  /** Writes between two compactions of the position log. */
  static readonly COMPACT_EVERY = 1000;
  readonly #insert: DuckDBPreparedStatement;
  #seq: number;
  #sinceCompaction = 0;

  private constructor(insert: DuckDBPreparedStatement, seq: number) {
    this.#insert = insert;
    this.#seq = seq;
  }

  /** `seq`: the highest sequence number already in the log. */
  static async prepare(conn: DuckDBConnection, seq: number): Promise<PositionWriter> {
    return new PositionWriter(await conn.prepare(`INSERT INTO ${METADATA_SCHEMA}.positions VALUES ($1, $2, $3, $4, $5, $6)`), seq);
  }

  async write(database: string, table: string, position: TablePosition): Promise<void> {
    this.#insert.bind(
      [database, table, position.writer, position.position, BigInt(position.committedAt), BigInt(++this.#seq)],
      [VARCHAR, VARCHAR, VARCHAR, VARCHAR, BIGINT, BIGINT],
    );
    await this.#insert.run();
    this.#sinceCompaction++;
  }

  /** Compacts when COMPACT_EVERY writes have accumulated (call inside the same transaction). */
  async maybeCompact(conn: DuckDBConnection): Promise<void> {
    if (this.#sinceCompaction < PositionWriter.COMPACT_EVERY) return;
    await compactPositions(conn);
    this.#sinceCompaction = 0;
  }
}

/** Removes superseded position rows (all but the newest per table). */
export async function compactPositions(conn: DuckDBConnection): Promise<void> {
  await conn.run(
    `DELETE FROM ${METADATA_SCHEMA}.positions AS p WHERE seq < (SELECT max(q.seq) FROM ${METADATA_SCHEMA}.positions AS q WHERE q.database = p.database AND q.name = p.name)`,
  );
}

// ---------------------------------------------------------------------------
// Table definitions as JSON
// ---------------------------------------------------------------------------

/** The JSON text of a table definition (stable key order: the def's own). */
export function encodeTableDef(def: WarehouseTableDef): string {
  return JSON.stringify({
    database: def.database,
    name: def.name,
    columns: def.columns.map((c) => ({
      name: c.name,
      type: encodeType(c.type),
      typeText: c.typeText,
      comment: c.comment,
      defaultValue: c.defaultValue,
      aggregation: c.aggregation,
    })),
    keyModel: def.keyModel,
    keyColumns: def.keyColumns,
    comment: def.comment,
    engine: def.engine,
    distribution: def.distribution,
    partitionText: def.partitionText,
    properties: def.properties,
  });
}

function encodeType(t: SqlType): Record<string, unknown> {
  const o: Record<string, unknown> = { kind: t.kind, nullable: t.nullable };
  if (t.precision !== undefined) o['precision'] = t.precision;
  if (t.scale !== undefined) o['scale'] = t.scale;
  return o;
}

const TYPE_KINDS: ReadonlySet<string> = new Set<TypeKind>([
  'BOOLEAN',
  'TINYINT',
  'SMALLINT',
  'INT',
  'BIGINT',
  'FLOAT',
  'DOUBLE',
  'DECIMAL',
  'CHAR',
  'VARCHAR',
  'BINARY',
  'VARBINARY',
  'DATE',
  'TIME',
  'TIMESTAMP',
  'TIMESTAMP_LTZ',
  'NULL',
]);
const KEY_MODELS: ReadonlySet<string> = new Set<KeyModel>(['PRIMARY', 'DUPLICATE', 'UNIQUE', 'AGGREGATE']);

/** Parses a stored definition; a damaged one is a STATE error naming the table. */
export function decodeTableDef(json: string, where: string): WarehouseTableDef {
  const damaged = (what: string): StrataError =>
    new StrataError('STATE', `the stored definition of table ${where} is damaged: ${what}`, {
      hint: 'Restore the data directory from a backup, or drop and recreate the table.',
    });
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw damaged('not JSON');
  }
  const o = asRecord(raw);
  if (o === null) throw damaged('not an object');
  const str = (v: unknown, what: string): string => {
    if (typeof v !== 'string') throw damaged(`${what} is not text`);
    return v;
  };
  const strOrNull = (v: unknown, what: string): string | null => (v === null || v === undefined ? null : str(v, what));
  const cols = o['columns'];
  if (!Array.isArray(cols)) throw damaged('no column list');
  const columns: WarehouseColumn[] = cols.map((c: unknown, i: number) => {
    const r = asRecord(c);
    if (r === null) throw damaged(`column ${i + 1} is not an object`);
    const t = asRecord(r['type']);
    if (t === null || typeof t['kind'] !== 'string' || !TYPE_KINDS.has(t['kind']) || typeof t['nullable'] !== 'boolean') {
      throw damaged(`column ${i + 1} has no valid type`);
    }
    const type: { kind: TypeKind; nullable: boolean; precision?: number; scale?: number } = { kind: t['kind'] as TypeKind, nullable: t['nullable'] };
    if (typeof t['precision'] === 'number') type.precision = t['precision'];
    if (typeof t['scale'] === 'number') type.scale = t['scale'];
    return {
      name: str(r['name'], `column ${i + 1} name`),
      type,
      typeText: str(r['typeText'], `column ${i + 1} typeText`),
      comment: str(r['comment'] ?? '', `column ${i + 1} comment`),
      defaultValue: strOrNull(r['defaultValue'], `column ${i + 1} default`),
      aggregation: strOrNull(r['aggregation'], `column ${i + 1} aggregation`),
    };
  });
  const keyModel = str(o['keyModel'], 'keyModel');
  if (!KEY_MODELS.has(keyModel)) throw damaged(`unknown key model ${keyModel}`);
  const keyColumns = o['keyColumns'];
  if (!Array.isArray(keyColumns) || keyColumns.some((k) => typeof k !== 'string')) throw damaged('bad key column list');
  const dist = o['distribution'];
  let distribution: WarehouseTableDef['distribution'] = null;
  if (dist !== null && dist !== undefined) {
    const d = asRecord(dist);
    if (d === null || !Array.isArray(d['columns']) || typeof d['random'] !== 'boolean') throw damaged('bad distribution');
    const buckets = d['buckets'];
    distribution = {
      columns: (d['columns'] as unknown[]).map((c) => str(c, 'distribution column')),
      buckets: typeof buckets === 'number' ? buckets : null,
      random: d['random'],
    };
  }
  const props = asRecord(o['properties'] ?? {});
  if (props === null) throw damaged('bad properties');
  const properties: Record<string, string> = {};
  for (const [k, v] of Object.entries(props)) properties[k] = str(v, `property ${k}`);
  return {
    database: str(o['database'], 'database'),
    name: str(o['name'], 'name'),
    columns,
    keyModel: keyModel as KeyModel,
    keyColumns: keyColumns as string[],
    comment: str(o['comment'] ?? '', 'comment'),
    engine: str(o['engine'] ?? 'olap', 'engine'),
    distribution,
    partitionText: strOrNull(o['partitionText'], 'partitionText'),
    properties,
  };
}

function asRecord(v: unknown): Record<string, unknown> | null {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
}
