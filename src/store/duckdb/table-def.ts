import { StrataError } from '../../core/errors.js';
import { isNumeric, withNullability, type SqlType } from '../../core/types.js';
import type { KeyModel, WarehouseColumn, WarehouseTableDef } from '../api.js';
import { columnList, qualifiedName, quoteIdent, quoteString } from './sql-text.js';
import { duckDbTypeText, isTextDecimal, unsupportedTypeReason } from './type-mapping.js';

/**
 * Table definitions: validation (what createTable and addColumn accept), and the DuckDB
 * DDL for a definition.
 */

/** Column names starting with this are the staging tables' bookkeeping columns. */
export const RESERVED_COLUMN_PREFIX = '__strata_';

/** Database names DuckDB or the warehouse already use. */
export const RESERVED_DATABASES: ReadonlySet<string> = new Set(['_strata', 'main', 'temp', 'information_schema', 'pg_catalog', 'system']);

const KEY_MODELS: ReadonlySet<string> = new Set<KeyModel>(['PRIMARY', 'DUPLICATE', 'UNIQUE', 'AGGREGATE']);

/** Aggregations the AGGREGATE KEY model can apply; null means REPLACE. */
export type Aggregation = 'SUM' | 'MAX' | 'MIN' | 'REPLACE' | 'REPLACE_IF_NOT_NULL';
const AGGREGATIONS: ReadonlySet<string> = new Set<Aggregation>(['SUM', 'MAX', 'MIN', 'REPLACE', 'REPLACE_IF_NOT_NULL']);
const UNSUPPORTED_AGGREGATIONS: ReadonlySet<string> = new Set(['HLL_UNION', 'BITMAP_UNION', 'PERCENTILE_UNION']);

/** Checks an object name (database, table or column); `what` names it in the error. */
export function validateName(name: string, what: string): void {
  if (typeof name !== 'string' || name.length === 0) throw new StrataError('SQL_VALIDATION', `${what} name must not be empty`);
  if (name.includes('\u0000')) throw new StrataError('SQL_VALIDATION', `${what} name ${JSON.stringify(name)} contains a NUL character`);
  if (name.length > 1024) throw new StrataError('SQL_VALIDATION', `${what} name is longer than 1024 characters`);
}

export function validateDatabaseName(name: string): void {
  validateName(name, 'database');
  if (RESERVED_DATABASES.has(name.toLowerCase())) {
    throw new StrataError('SQL_VALIDATION', `database name '${name}' is reserved by the embedded warehouse`, {
      hint: 'Choose another name.',
    });
  }
}

/** Whether keys are compared with `=` (NOT NULL key columns) or `IS NOT DISTINCT FROM`. */
export function keysAreNotNull(def: WarehouseTableDef): boolean {
  return def.keyModel === 'PRIMARY' || def.keyModel === 'UNIQUE';
}

/** The aggregation of an AGGREGATE-table value column (null → REPLACE). */
export function aggregationOf(column: WarehouseColumn): Aggregation {
  const a = (column.aggregation ?? 'REPLACE').toUpperCase();
  return AGGREGATIONS.has(a) ? (a as Aggregation) : 'REPLACE';
}

/** Checks one column (type, name, aggregation for the model); returns it unchanged. */
export function validateColumn(column: WarehouseColumn, where: string, keyModel: KeyModel, isKey: boolean): WarehouseColumn {
  validateName(column.name, 'column');
  if (column.name.toLowerCase().startsWith(RESERVED_COLUMN_PREFIX)) {
    throw new StrataError('SQL_VALIDATION', `column name ${column.name} in ${where} starts with the reserved prefix ${RESERVED_COLUMN_PREFIX}`, {
      hint: 'Rename the column.',
    });
  }
  if (keyModel === 'DUPLICATE' && column.name.toLowerCase() === 'rowid') {
    throw new StrataError('SQL_VALIDATION', `column name rowid in ${where} is reserved: DUPLICATE KEY tables delete rows by DuckDB's rowid`, {
      hint: 'Rename the column.',
    });
  }
  const reason = unsupportedTypeReason(column.type);
  if (reason !== null) throw new StrataError('SQL_VALIDATION', `column ${column.name} of ${where}: ${reason}`);
  const agg = column.aggregation === null ? null : column.aggregation.toUpperCase();
  if (agg !== null) {
    if (keyModel !== 'AGGREGATE') {
      throw new StrataError('SQL_VALIDATION', `column ${column.name} of ${where} has the aggregation ${agg}, but the table uses the ${keyModel} KEY model`, {
        hint: 'Aggregations belong to AGGREGATE KEY tables only.',
      });
    }
    if (isKey) throw new StrataError('SQL_VALIDATION', `key column ${column.name} of ${where} cannot have an aggregation (${agg})`);
    if (UNSUPPORTED_AGGREGATIONS.has(agg)) {
      throw new StrataError('SQL_UNSUPPORTED', `the aggregation ${agg} of column ${column.name} in ${where} is not supported by the embedded warehouse`, {
        hint: 'Use SUM, MAX, MIN, REPLACE or REPLACE_IF_NOT_NULL.',
      });
    }
    if (!AGGREGATIONS.has(agg)) throw new StrataError('SQL_VALIDATION', `unknown aggregation ${agg} on column ${column.name} of ${where}`);
    if (agg === 'SUM' && (!isNumeric(column.type) || isTextDecimal(column.type))) {
      throw new StrataError('SQL_VALIDATION', `SUM needs a numeric column of at most 38 digits; column ${column.name} of ${where} is ${column.typeText}`);
    }
  }
  return column;
}

/**
 * Validates a definition for createTable and returns it normalized: the database name in
 * its stored case, key/distribution column names in the columns' case, PRIMARY and UNIQUE
 * key columns NOT NULL.
 */
export function validateTableDef(def: WarehouseTableDef, database: string): WarehouseTableDef {
  validateName(def.name, 'table');
  const where = `table ${database}.${def.name}`;
  if (!KEY_MODELS.has(def.keyModel)) throw new StrataError('SQL_VALIDATION', `unknown key model ${String(def.keyModel)} for ${where}`);
  if (def.columns.length === 0) throw new StrataError('SQL_VALIDATION', `${where} has no columns`);
  const byName = new Map<string, WarehouseColumn>();
  for (const c of def.columns) {
    const lower = typeof c.name === 'string' ? c.name.toLowerCase() : '';
    if (byName.has(lower)) throw new StrataError('SQL_VALIDATION', `column ${c.name} appears twice in ${where}`);
    byName.set(lower, c);
  }
  const resolve = (name: string, role: string): string => {
    const c = byName.get(name.toLowerCase());
    if (c === undefined) {
      throw new StrataError('SQL_VALIDATION', `${role} column ${name} of ${where} is not a column of the table`, {
        hint: `Columns: ${def.columns.map((x) => x.name).join(', ')}.`,
      });
    }
    return c.name;
  };
  const keyColumns = def.keyColumns.map((k) => resolve(k, 'key'));
  if (new Set(keyColumns.map((k) => k.toLowerCase())).size !== keyColumns.length) {
    throw new StrataError('SQL_VALIDATION', `a key column of ${where} is listed twice`);
  }
  if (def.keyModel !== 'DUPLICATE' && keyColumns.length === 0) {
    throw new StrataError('SQL_VALIDATION', `${where} uses the ${def.keyModel} KEY model but names no key column`, {
      hint: `Add ${def.keyModel} KEY (col, ...).`,
    });
  }
  const keySet = new Set(keyColumns.map((k) => k.toLowerCase()));
  const notNullKeys = def.keyModel === 'PRIMARY' || def.keyModel === 'UNIQUE';
  const columns = def.columns.map((c) => {
    const isKey = keySet.has(c.name.toLowerCase());
    validateColumn(c, where, def.keyModel, isKey);
    if (isKey && notNullKeys && c.type.nullable) return { ...c, type: withNullability(c.type, false) };
    return c;
  });
  let distribution = def.distribution;
  if (distribution !== null) {
    const b = distribution.buckets;
    if (b !== null && (!Number.isInteger(b) || b < 1)) throw new StrataError('SQL_VALIDATION', `BUCKETS of ${where} must be a positive integer, got ${b}`);
    distribution = { columns: distribution.columns.map((c) => resolve(c, 'distribution')), buckets: b, random: distribution.random };
  }
  const properties: Record<string, string> = {};
  for (const [k, v] of Object.entries(def.properties)) properties[k] = String(v);
  return {
    database,
    name: def.name,
    columns,
    keyModel: def.keyModel,
    keyColumns,
    comment: def.comment ?? '',
    engine: def.engine ?? 'olap',
    distribution,
    partitionText: def.partitionText ?? null,
    properties,
  };
}

/** `"name" TYPE [NOT NULL]`. */
export function columnDdl(column: WarehouseColumn): string {
  return `${quoteIdent(column.name)} ${duckDbTypeText(column.type)}${column.type.nullable ? '' : ' NOT NULL'}`;
}

/**
 * The DuckDB table for a definition. No PRIMARY KEY constraint: DuckDB maintains a
 * unique ART index for it, which made staged upserts 2–10× slower (see README.md); apply
 * keeps keys unique itself (consolidate, delete staged keys, insert).
 */
export function createTableSql(def: WarehouseTableDef, name: string = def.name): string {
  return `CREATE TABLE ${qualifiedName(def.database, name)} (${def.columns.map(columnDdl).join(', ')})`;
}

/**
 * A DuckDB expression for a column DEFAULT written in the StarRocks/MySQL dialect: a
 * quoted literal ('x' or "x"), a number, NULL, or CURRENT_TIMESTAMP / NOW(), cast to the
 * column's DuckDB type. Anything else is SQL_UNSUPPORTED.
 */
export function defaultExpression(text: string | null, type: SqlType, where: string): string {
  if (text === null) return 'NULL';
  const t = text.trim();
  const duckType = duckDbTypeText(type);
  const quoted = /^'((?:[^']|'')*)'$/s.exec(t) ?? /^"((?:[^"]|"")*)"$/s.exec(t);
  if (quoted !== null) {
    const inner = t.startsWith("'") ? quoted[1]!.replace(/''/g, "'") : quoted[1]!.replace(/""/g, '"');
    return `CAST(${quoteString(inner)} AS ${duckType})`;
  }
  if (/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(t)) return `CAST(${quoteString(t)} AS ${duckType})`;
  if (/^null$/i.test(t)) return 'NULL';
  if (/^(current_timestamp|now)(\s*\(\s*\d*\s*\))?$/i.test(t)) return `CAST(current_timestamp AS ${duckType})`;
  throw new StrataError('SQL_UNSUPPORTED', `DEFAULT ${t} of ${where} is not supported by the embedded warehouse`, {
    hint: 'Use a literal, NULL or CURRENT_TIMESTAMP.',
  });
}

/**
 * Statements that rebuild a table with a new column list in one transaction: create the
 * new table beside it, copy the rows (`sources[i]` is the expression for new column i),
 * drop the old one, rename. Used when ALTER TABLE cannot do it in place (a column added
 * FIRST / AFTER, or NOT NULL).
 */
export function rebuildTableSql(def: WarehouseTableDef, sources: readonly string[]): string[] {
  const tmp = `${RESERVED_COLUMN_PREFIX}rebuild_${def.name}`;
  return [
    createTableSql(def, tmp),
    `INSERT INTO ${qualifiedName(def.database, tmp)} (${columnList(def.columns.map((c) => c.name))}) SELECT ${sources.join(', ')} FROM ${qualifiedName(def.database, def.name)}`,
    `DROP TABLE ${qualifiedName(def.database, def.name)}`,
    `ALTER TABLE ${qualifiedName(def.database, tmp)} RENAME TO ${quoteIdent(def.name)}`,
  ];
}
