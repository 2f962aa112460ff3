/**
 * information_schema: MySQL's metadata tables, computed from the warehouse's catalog
 * when a query names them and inlined into the translated DuckDB SQL as constant rows
 * (`(SELECT CAST(c0 AS VARCHAR) AS "TABLE_SCHEMA", ... FROM (VALUES ...)) AS "tables"`).
 * So WHERE, ORDER BY, joins and LIKE run in DuckDB like on any table, and the answer is
 * always the catalog at the moment of the query (no second copy to keep in sync).
 *
 * Tables: SCHEMATA, TABLES, COLUMNS, VIEWS, STATISTICS, KEY_COLUMN_USAGE,
 * TABLE_CONSTRAINTS, REFERENTIAL_CONSTRAINTS, ROUTINES, TRIGGERS, PARTITIONS, EVENTS,
 * ENGINES, CHARACTER_SETS, COLLATIONS, SESSION_VARIABLES, GLOBAL_VARIABLES, PROCESSLIST
 * (the empty ones exist so BI tools' metadata queries succeed).
 */

import { T, type SqlType } from '../../core/types.js';
import type { Value } from '../../core/values.js';
import type { Warehouse, WarehouseTableDef } from '../api.js';
import { dataTypeName, defaultValueText, starrocksType } from './ddl.js';
import type { InfoTable } from './translate.js';

/** What information_schema needs besides the warehouse. */
export interface InfoContext {
  readonly warehouse: Warehouse;
  /** Variables as SHOW VARIABLES lists them (name, value text), session or global. */
  variables(scope: 'SESSION' | 'GLOBAL'): readonly (readonly [string, string])[];
  /** Open sessions: id, user, current database, seconds connected. */
  processes(): readonly { readonly id: number; readonly user: string; readonly database: string | null; readonly seconds: number }[];
}

type Kind = 'S' | 'I' | 'T';

const S = T.string();
const I = T.bigint();
const TS = T.timestamp(0);

function cols(spec: string): { name: string; type: SqlType }[] {
  return spec.split(/\s+/).filter((x) => x !== '').map((w) => {
    const [name, k] = w.split(':') as [string, Kind | undefined];
    return { name, type: k === 'I' ? I : k === 'T' ? TS : S };
  });
}

/** Column lists of the information_schema tables (MySQL 8 names; `:I` BIGINT, `:T` DATETIME, else VARCHAR). */
const TABLES: Readonly<Record<string, { name: string; type: SqlType }[]>> = {
  SCHEMATA: cols('CATALOG_NAME SCHEMA_NAME DEFAULT_CHARACTER_SET_NAME DEFAULT_COLLATION_NAME SQL_PATH'),
  TABLES: cols(
    'TABLE_CATALOG TABLE_SCHEMA TABLE_NAME TABLE_TYPE ENGINE VERSION:I ROW_FORMAT TABLE_ROWS:I AVG_ROW_LENGTH:I DATA_LENGTH:I MAX_DATA_LENGTH:I ' +
      'INDEX_LENGTH:I DATA_FREE:I AUTO_INCREMENT:I CREATE_TIME:T UPDATE_TIME:T CHECK_TIME:T TABLE_COLLATION CHECKSUM:I CREATE_OPTIONS TABLE_COMMENT',
  ),
  COLUMNS: cols(
    'TABLE_CATALOG TABLE_SCHEMA TABLE_NAME COLUMN_NAME ORDINAL_POSITION:I COLUMN_DEFAULT IS_NULLABLE DATA_TYPE CHARACTER_MAXIMUM_LENGTH:I ' +
      'CHARACTER_OCTET_LENGTH:I NUMERIC_PRECISION:I NUMERIC_SCALE:I DATETIME_PRECISION:I CHARACTER_SET_NAME COLLATION_NAME COLUMN_TYPE COLUMN_KEY ' +
      'EXTRA PRIVILEGES COLUMN_COMMENT GENERATION_EXPRESSION',
  ),
  VIEWS: cols('TABLE_CATALOG TABLE_SCHEMA TABLE_NAME VIEW_DEFINITION CHECK_OPTION IS_UPDATABLE DEFINER SECURITY_TYPE CHARACTER_SET_CLIENT COLLATION_CONNECTION'),
  STATISTICS: cols(
    'TABLE_CATALOG TABLE_SCHEMA TABLE_NAME NON_UNIQUE:I INDEX_SCHEMA INDEX_NAME SEQ_IN_INDEX:I COLUMN_NAME COLLATION CARDINALITY:I SUB_PART:I PACKED NULLABLE INDEX_TYPE COMMENT INDEX_COMMENT',
  ),
  KEY_COLUMN_USAGE: cols(
    'CONSTRAINT_CATALOG CONSTRAINT_SCHEMA CONSTRAINT_NAME TABLE_CATALOG TABLE_SCHEMA TABLE_NAME COLUMN_NAME ORDINAL_POSITION:I ' +
      'POSITION_IN_UNIQUE_CONSTRAINT:I REFERENCED_TABLE_SCHEMA REFERENCED_TABLE_NAME REFERENCED_COLUMN_NAME',
  ),
  TABLE_CONSTRAINTS: cols('CONSTRAINT_CATALOG CONSTRAINT_SCHEMA CONSTRAINT_NAME TABLE_SCHEMA TABLE_NAME CONSTRAINT_TYPE ENFORCED'),
  REFERENTIAL_CONSTRAINTS: cols(
    'CONSTRAINT_CATALOG CONSTRAINT_SCHEMA CONSTRAINT_NAME UNIQUE_CONSTRAINT_CATALOG UNIQUE_CONSTRAINT_SCHEMA UNIQUE_CONSTRAINT_NAME MATCH_OPTION UPDATE_RULE DELETE_RULE TABLE_NAME REFERENCED_TABLE_NAME',
  ),
  ROUTINES: cols(
    'SPECIFIC_NAME ROUTINE_CATALOG ROUTINE_SCHEMA ROUTINE_NAME ROUTINE_TYPE DATA_TYPE ROUTINE_BODY ROUTINE_DEFINITION EXTERNAL_NAME EXTERNAL_LANGUAGE ' +
      'PARAMETER_STYLE IS_DETERMINISTIC SQL_DATA_ACCESS SQL_PATH SECURITY_TYPE CREATED:T LAST_ALTERED:T SQL_MODE ROUTINE_COMMENT DEFINER',
  ),
  TRIGGERS: cols(
    'TRIGGER_CATALOG TRIGGER_SCHEMA TRIGGER_NAME EVENT_MANIPULATION EVENT_OBJECT_CATALOG EVENT_OBJECT_SCHEMA EVENT_OBJECT_TABLE ACTION_ORDER:I ' +
      'ACTION_CONDITION ACTION_STATEMENT ACTION_ORIENTATION ACTION_TIMING CREATED:T SQL_MODE DEFINER',
  ),
  PARTITIONS: cols(
    'TABLE_CATALOG TABLE_SCHEMA TABLE_NAME PARTITION_NAME SUBPARTITION_NAME PARTITION_ORDINAL_POSITION:I PARTITION_METHOD PARTITION_EXPRESSION ' +
      'PARTITION_DESCRIPTION TABLE_ROWS:I CREATE_TIME:T UPDATE_TIME:T PARTITION_COMMENT',
  ),
  EVENTS: cols('EVENT_CATALOG EVENT_SCHEMA EVENT_NAME DEFINER EVENT_TYPE EXECUTE_AT:T STATUS CREATED:T LAST_ALTERED:T EVENT_COMMENT'),
  ENGINES: cols('ENGINE SUPPORT COMMENT TRANSACTIONS XA SAVEPOINTS'),
  CHARACTER_SETS: cols('CHARACTER_SET_NAME DEFAULT_COLLATE_NAME DESCRIPTION MAXLEN:I'),
  COLLATIONS: cols('COLLATION_NAME CHARACTER_SET_NAME ID:I IS_DEFAULT IS_COMPILED SORTLEN:I'),
  SESSION_VARIABLES: cols('VARIABLE_NAME VARIABLE_VALUE'),
  GLOBAL_VARIABLES: cols('VARIABLE_NAME VARIABLE_VALUE'),
  PROCESSLIST: cols('ID:I USER HOST DB COMMAND TIME:I STATE INFO'),
  /**
   * Strata's own: the source position each warehouse table reflects, written in the same
   * transaction as its rows (a pipeline's commit token, or a Routine Load job's offsets).
   */
  STRATA_POSITION: cols('TABLE_SCHEMA TABLE_NAME WRITER POSITION COMMITTED_AT:T'),
};

/** information_schema's tables, upper case, sorted. */
export const INFORMATION_SCHEMA_TABLES: readonly string[] = Object.keys(TABLES).sort();

export const CHARSETS: readonly (readonly [string, string, string, number])[] = [
  ['utf8mb4', 'utf8mb4_general_ci', 'UTF-8 Unicode', 4],
  ['utf8', 'utf8_general_ci', 'UTF-8 Unicode', 3],
  ['binary', 'binary', 'Binary pseudo charset', 1],
];

export const COLLATIONS: readonly (readonly [string, string, number, string, string, number])[] = [
  ['utf8mb4_general_ci', 'utf8mb4', 45, 'Yes', 'Yes', 1],
  ['utf8mb4_bin', 'utf8mb4', 46, '', 'Yes', 1],
  ['utf8mb4_0900_ai_ci', 'utf8mb4', 255, '', 'Yes', 0],
  ['utf8_general_ci', 'utf8', 33, 'Yes', 'Yes', 1],
  ['utf8_bin', 'utf8', 83, '', 'Yes', 1],
  ['binary', 'binary', 63, 'Yes', 'Yes', 1],
];

export const ENGINES: readonly (readonly [string, string, string, string, string, string])[] = [
  ['OLAP', 'DEFAULT', 'Default storage engine of StarRocks (Strata: DuckDB tables)', 'YES', 'NO', 'NO'],
];

/** The user's databases (internal ones, whose names start with `_strata`, are hidden). */
export function userDatabases(w: Warehouse): string[] {
  return w.listDatabases().filter((d) => !d.toLowerCase().startsWith('_strata'));
}

function allTables(w: Warehouse): WarehouseTableDef[] {
  const out: WarehouseTableDef[] = [];
  for (const db of userDatabases(w).sort()) {
    for (const t of [...w.listTables(db)].sort()) {
      const def = w.getTable(db, t);
      if (def !== undefined) out.push(def);
    }
  }
  return out;
}

/** MySQL COLUMN_KEY, StarRocks-style: PRI / UNI / DUP / AGG for key columns of each model. */
export function columnKey(def: WarehouseTableDef, column: string): string {
  if (!def.keyColumns.some((k) => k.toLowerCase() === column.toLowerCase())) return '';
  return { PRIMARY: 'PRI', UNIQUE: 'UNI', DUPLICATE: 'DUP', AGGREGATE: 'AGG' }[def.keyModel];
}

function charLength(t: SqlType): number | null {
  if (t.kind === 'CHAR' || t.kind === 'VARCHAR' || t.kind === 'BINARY' || t.kind === 'VARBINARY') return Math.min(t.precision ?? 65533, 65533);
  return null;
}

function numericPrecision(t: SqlType): [number | null, number | null] {
  switch (t.kind) {
    case 'TINYINT':
      return [3, 0];
    case 'SMALLINT':
      return [5, 0];
    case 'INT':
      return [10, 0];
    case 'BIGINT':
      return [19, 0];
    case 'FLOAT':
      return [12, null];
    case 'DOUBLE':
      return [22, null];
    case 'DECIMAL':
      return [t.precision ?? 10, t.scale ?? 0];
    case 'BOOLEAN':
      return [1, 0];
    default:
      return [null, null];
  }
}

function ms(committedAt: number): bigint {
  return BigInt(committedAt) * 1000n;
}

/** An information_schema table by name (any case), computed now; undefined if there is none. */
export function informationSchemaTable(name: string, ctx: InfoContext): InfoTable | undefined {
  const key = name.toUpperCase();
  const columns = TABLES[key];
  if (columns === undefined) return undefined;
  const w = ctx.warehouse;
  const rows: Value[][] = [];
  switch (key) {
    case 'SCHEMATA':
      for (const db of ['information_schema', ...userDatabases(w)].sort()) rows.push(['def', db, 'utf8mb4', 'utf8mb4_general_ci', null]);
      break;
    case 'TABLES':
      for (const t of INFORMATION_SCHEMA_TABLES) {
        rows.push(['def', 'information_schema', t, 'SYSTEM VIEW', null, 10n, null, null, null, null, null, null, null, null, null, null, null, 'utf8mb4_general_ci', null, '', '']);
      }
      for (const def of allTables(w)) {
        const pos = w.position(def.database, def.name);
        rows.push([
          'def', def.database, def.name, 'BASE TABLE', 'StarRocks', 10n, 'Dynamic', null, null, null, null, null, null, null, null,
          pos === null ? null : ms(pos.committedAt), null, 'utf8mb4_general_ci', null, '', def.comment,
        ]);
      }
      break;
    case 'COLUMNS':
      for (const t of INFORMATION_SCHEMA_TABLES) {
        TABLES[t]!.forEach((c, i) => {
          const text = c.type.kind === 'BIGINT' ? 'bigint(20)' : c.type.kind === 'TIMESTAMP' ? 'datetime' : 'varchar(65533)';
          const dt = c.type.kind === 'BIGINT' ? 'bigint' : c.type.kind === 'TIMESTAMP' ? 'datetime' : 'varchar';
          const isStr = dt === 'varchar';
          rows.push([
            'def', 'information_schema', t, c.name, BigInt(i + 1), null, 'YES', dt, isStr ? 65533n : null, isStr ? 262132n : null,
            dt === 'bigint' ? 19n : null, dt === 'bigint' ? 0n : null, dt === 'datetime' ? 0n : null, isStr ? 'utf8mb4' : null,
            isStr ? 'utf8mb4_general_ci' : null, text, '', '', 'select', '', '',
          ]);
        });
      }
      for (const def of allTables(w)) {
        def.columns.forEach((c, i) => {
          const len = charLength(c.type);
          const [np, ns] = numericPrecision(c.type);
          const isStr = c.type.kind === 'CHAR' || c.type.kind === 'VARCHAR';
          const dtp = c.type.kind === 'TIMESTAMP' || c.type.kind === 'TIMESTAMP_LTZ' || c.type.kind === 'TIME' ? BigInt(c.type.precision ?? 0) : null;
          rows.push([
            'def', def.database, def.name, c.name, BigInt(i + 1), c.defaultValue === null ? null : defaultValueText(c.defaultValue),
            c.type.nullable ? 'YES' : 'NO', dataTypeName(c), len === null ? null : BigInt(len), len === null ? null : BigInt(isStr ? len * 4 : len),
            np === null ? null : BigInt(np), ns === null ? null : BigInt(ns), dtp, isStr ? 'utf8mb4' : null, isStr ? 'utf8mb4_general_ci' : null,
            starrocksType(c), columnKey(def, c.name), c.aggregation ?? '', 'select,insert,update,references', c.comment, '',
          ]);
        });
      }
      break;
    case 'STATISTICS':
      for (const def of allTables(w)) {
        if (def.keyModel !== 'PRIMARY' && def.keyModel !== 'UNIQUE') continue;
        def.keyColumns.forEach((k, i) => {
          rows.push(['def', def.database, def.name, 0n, def.database, 'PRIMARY', BigInt(i + 1), k, 'A', null, null, null, '', 'BTREE', '', '']);
        });
      }
      break;
    case 'KEY_COLUMN_USAGE':
      for (const def of allTables(w)) {
        if (def.keyModel !== 'PRIMARY' && def.keyModel !== 'UNIQUE') continue;
        def.keyColumns.forEach((k, i) => {
          rows.push(['def', def.database, 'PRIMARY', 'def', def.database, def.name, k, BigInt(i + 1), null, null, null, null]);
        });
      }
      break;
    case 'TABLE_CONSTRAINTS':
      for (const def of allTables(w)) {
        if (def.keyModel !== 'PRIMARY' && def.keyModel !== 'UNIQUE') continue;
        rows.push(['def', def.database, 'PRIMARY', def.database, def.name, 'PRIMARY KEY', 'YES']);
      }
      break;
    case 'ENGINES':
      for (const e of ENGINES) rows.push([...e]);
      break;
    case 'CHARACTER_SETS':
      for (const [cs, coll, desc, max] of CHARSETS) rows.push([cs, coll, desc, BigInt(max)]);
      break;
    case 'COLLATIONS':
      for (const [coll, cs, id, def, comp, sort] of COLLATIONS) rows.push([coll, cs, BigInt(id), def, comp, BigInt(sort)]);
      break;
    case 'SESSION_VARIABLES':
    case 'GLOBAL_VARIABLES':
      for (const [n, v] of ctx.variables(key === 'SESSION_VARIABLES' ? 'SESSION' : 'GLOBAL')) rows.push([n, v]);
      break;
    case 'PROCESSLIST':
      for (const p of ctx.processes()) rows.push([BigInt(p.id), p.user, '%', p.database, 'Sleep', BigInt(p.seconds), '', null]);
      break;
    case 'STRATA_POSITION':
      for (const def of allTables(w)) {
        const pos = w.position(def.database, def.name);
        if (pos !== null) rows.push([def.database, def.name, pos.writer, pos.position, ms(pos.committedAt)]);
      }
      break;
    default:
      // VIEWS, REFERENTIAL_CONSTRAINTS, ROUTINES, TRIGGERS, PARTITIONS, EVENTS: empty.
      break;
  }
  return { name: key, columns, rows };
}

/** The column list of an information_schema table (for DESC information_schema.x), or undefined. */
export function informationSchemaColumns(name: string): readonly { name: string; type: SqlType }[] | undefined {
  return TABLES[name.toUpperCase()];
}
