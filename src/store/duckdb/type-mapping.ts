import {
  BIGINT,
  BLOB,
  BOOLEAN,
  DATE,
  DECIMAL,
  DOUBLE,
  DuckDBTypeId,
  FLOAT,
  INTEGER,
  INTERVAL,
  SMALLINT,
  TIMESTAMP,
  TIMESTAMPTZ,
  TINYINT,
  VARCHAR,
  type DuckDBType,
} from '@duckdb/node-api';
import { StrataError } from '../../core/errors.js';
import { MAX_DECIMAL_PRECISION, MAX_LENGTH, MAX_MYSQL_DECIMAL_PRECISION, T, type SqlType } from '../../core/types.js';

/**
 * How Strata's types are stored in DuckDB, and how DuckDB's result types come back.
 * docs/types.md is the user-facing version of this file (`TYPE_MAPPING` below is its
 * source; a test keeps the two in step).
 *
 * Decisions:
 * - DECIMAL(p ≤ 38, s) is DuckDB DECIMAL(p, s). DECIMAL(p > 38, s) (MySQL allows 65) is a
 *   VARCHAR holding the exact plain text with exactly s fraction digits (`-12.500`): the
 *   round trip is exact, but in SQL such a column compares and sorts as text and cannot
 *   be summed without a cast.
 * - TIME is DuckDB INTERVAL (months = days = 0, micros = the value): MySQL TIME runs from
 *   -838:59:59 to 838:59:59, DuckDB TIME only covers one day. INTERVAL keeps the sign and
 *   the hours, orders correctly, and adds to timestamps.
 * - TIMESTAMP(p) is DuckDB TIMESTAMP (microseconds, wall clock); TIMESTAMP_LTZ(p) is
 *   TIMESTAMPTZ (microseconds since the epoch, an instant). Both connections run with
 *   TimeZone = 'UTC'.
 * - CHAR(n) / VARCHAR(n) / STRING are VARCHAR (DuckDB does not enforce lengths);
 *   BINARY / VARBINARY / BYTES are BLOB.
 * - Query results: HUGEINT (SUM of BIGINT) and UHUGEINT become DECIMAL(38, 0), UBIGINT
 *   DECIMAL(20, 0), the smaller unsigned types the next wider signed type, INTERVAL TIME(6)
 *   (months count as 30 days), TIMESTAMP_S/MS/NS TIMESTAMP(0/3/6 — nanoseconds are cut
 *   to microseconds), TIME_NS TIME(6); LIST, STRUCT, MAP, ARRAY, UNION become VARCHAR
 *   holding JSON text; UUID, ENUM, BIT, BIGNUM, TIME WITH TIME ZONE, GEOMETRY, VARIANT
 *   become VARCHAR holding DuckDB's text.
 */

/** One row of the type table (docs/types.md). */
export interface TypeMappingRow {
  /** Strata / Flink SQL spelling. */
  readonly strata: string;
  readonly duckdb: string;
  readonly starrocks: string;
  /** MySQL source type; filled in by the CDC work. */
  readonly mysql: string;
  /** How a value looks in Strata's JSON (formats/json-value.ts). */
  readonly json: string;
  readonly notes: string;
}

export const TYPE_MAPPING: readonly TypeMappingRow[] = [
  { strata: 'BOOLEAN', duckdb: 'BOOLEAN', starrocks: 'BOOLEAN', mysql: '(CDC issue)', json: 'true / false', notes: '' },
  { strata: 'TINYINT', duckdb: 'TINYINT', starrocks: 'TINYINT', mysql: '(CDC issue)', json: 'number', notes: '' },
  { strata: 'SMALLINT', duckdb: 'SMALLINT', starrocks: 'SMALLINT', mysql: '(CDC issue)', json: 'number', notes: '' },
  { strata: 'INT', duckdb: 'INTEGER', starrocks: 'INT', mysql: '(CDC issue)', json: 'number', notes: '' },
  {
    strata: 'BIGINT',
    duckdb: 'BIGINT',
    starrocks: 'BIGINT',
    mysql: '(CDC issue)',
    json: 'number; string beyond ±2^53',
    notes: 'JS bigint at run time',
  },
  { strata: 'FLOAT', duckdb: 'FLOAT', starrocks: 'FLOAT', mysql: '(CDC issue)', json: 'number (NaN/Infinity as string)', notes: '' },
  { strata: 'DOUBLE', duckdb: 'DOUBLE', starrocks: 'DOUBLE', mysql: '(CDC issue)', json: 'number (NaN/Infinity as string)', notes: '' },
  {
    strata: 'DECIMAL(p ≤ 38, s)',
    duckdb: 'DECIMAL(p, s)',
    starrocks: 'DECIMAL(p, s)',
    mysql: '(CDC issue)',
    json: 'string `"12.50"`',
    notes: 'exact; DuckDB stores p ≤ 18 in 64 bits, p ≤ 38 in 128 bits',
  },
  {
    strata: 'DECIMAL(p > 38, s)',
    duckdb: 'VARCHAR (exact text)',
    starrocks: 'VARCHAR(p + 2) (StarRocks DECIMAL stops at 38)',
    mysql: '(CDC issue)',
    json: 'string',
    notes: 'exact round trip; in SQL the column compares as text and needs a cast to add up',
  },
  { strata: 'CHAR(n)', duckdb: 'VARCHAR', starrocks: 'CHAR(n)', mysql: '(CDC issue)', json: 'string', notes: 'length not enforced by DuckDB' },
  {
    strata: 'VARCHAR(n)',
    duckdb: 'VARCHAR',
    starrocks: 'VARCHAR(n)',
    mysql: '(CDC issue)',
    json: 'string',
    notes: 'StarRocks counts bytes (×3 for utf8 text); DuckDB does not enforce n',
  },
  { strata: 'STRING', duckdb: 'VARCHAR', starrocks: 'STRING', mysql: '(CDC issue)', json: 'string', notes: 'VARCHAR(2147483647)' },
  { strata: 'BINARY(n)', duckdb: 'BLOB', starrocks: 'VARBINARY(n)', mysql: '(CDC issue)', json: 'string, base64', notes: 'Uint8Array at run time' },
  { strata: 'VARBINARY(n)', duckdb: 'BLOB', starrocks: 'VARBINARY(n)', mysql: '(CDC issue)', json: 'string, base64', notes: '' },
  { strata: 'BYTES', duckdb: 'BLOB', starrocks: 'VARBINARY', mysql: '(CDC issue)', json: 'string, base64', notes: 'VARBINARY(2147483647)' },
  {
    strata: 'DATE',
    duckdb: 'DATE',
    starrocks: 'DATE',
    mysql: '(CDC issue)',
    json: 'string `"2024-01-15"`',
    notes: 'days since 1970-01-01; 0001-01-01 … 9999-12-31 and beyond',
  },
  {
    strata: 'TIME(p)',
    duckdb: 'INTERVAL',
    starrocks: 'VARCHAR (StarRocks has no TIME column type)',
    mysql: '(CDC issue)',
    json: 'string `"-12:30:00"`',
    notes: 'µs as INTERVAL micros: negative and ≥ 24 h kept (MySQL TIME)',
  },
  {
    strata: 'TIMESTAMP(p)',
    duckdb: 'TIMESTAMP',
    starrocks: 'DATETIME',
    mysql: '(CDC issue)',
    json: 'string `"2024-01-15 12:34:56.123456"`',
    notes: 'wall clock, microseconds',
  },
  {
    strata: 'TIMESTAMP_LTZ(p)',
    duckdb: 'TIMESTAMPTZ',
    starrocks: 'DATETIME (shown in the session time zone)',
    mysql: '(CDC issue)',
    json: 'string, UTC',
    notes: 'an instant, microseconds since the epoch',
  },
];

/** Extra rows of the result-type table: DuckDB types that appear only in query results. */
export const RESULT_ONLY_MAPPING: readonly { readonly duckdb: string; readonly strata: string; readonly notes: string }[] = [
  { duckdb: 'HUGEINT (e.g. SUM(BIGINT))', strata: 'DECIMAL(38, 0)', notes: 'exact Decimal value' },
  { duckdb: 'UHUGEINT', strata: 'DECIMAL(38, 0)', notes: 'exact Decimal value' },
  { duckdb: 'UBIGINT', strata: 'DECIMAL(20, 0)', notes: '' },
  { duckdb: 'UINTEGER', strata: 'BIGINT', notes: '' },
  { duckdb: 'USMALLINT', strata: 'INT', notes: '' },
  { duckdb: 'UTINYINT', strata: 'SMALLINT', notes: '' },
  { duckdb: 'TIME', strata: 'TIME(6)', notes: '' },
  { duckdb: 'TIME_NS', strata: 'TIME(6)', notes: 'cut to microseconds' },
  { duckdb: 'INTERVAL', strata: 'TIME(6)', notes: 'months count as 30 days, days as 24 h' },
  { duckdb: 'TIMESTAMP_S / _MS / _NS', strata: 'TIMESTAMP(0) / (3) / (6)', notes: 'nanoseconds cut to microseconds' },
  { duckdb: 'LIST, ARRAY, STRUCT, MAP, UNION', strata: 'STRING', notes: 'JSON text' },
  { duckdb: 'UUID, ENUM, BIT, BIGNUM, TIMETZ, GEOMETRY, VARIANT', strata: 'STRING', notes: "DuckDB's text" },
  { duckdb: 'NULL (untyped)', strata: 'NULL', notes: '' },
];

/** Whether a DECIMAL of this precision is stored as text (p > 38). */
export function isTextDecimal(type: SqlType): boolean {
  return type.kind === 'DECIMAL' && (type.precision ?? 10) > MAX_DECIMAL_PRECISION;
}

/** The DuckDB column type (DDL text) for a Strata type. */
export function duckDbTypeText(type: SqlType): string {
  switch (type.kind) {
    case 'BOOLEAN':
      return 'BOOLEAN';
    case 'TINYINT':
      return 'TINYINT';
    case 'SMALLINT':
      return 'SMALLINT';
    case 'INT':
      return 'INTEGER';
    case 'BIGINT':
      return 'BIGINT';
    case 'FLOAT':
      return 'FLOAT';
    case 'DOUBLE':
      return 'DOUBLE';
    case 'DECIMAL':
      return isTextDecimal(type) ? 'VARCHAR' : `DECIMAL(${type.precision ?? 10}, ${type.scale ?? 0})`;
    case 'CHAR':
    case 'VARCHAR':
      return 'VARCHAR';
    case 'BINARY':
    case 'VARBINARY':
      return 'BLOB';
    case 'DATE':
      return 'DATE';
    case 'TIME':
      return 'INTERVAL';
    case 'TIMESTAMP':
      return 'TIMESTAMP';
    case 'TIMESTAMP_LTZ':
      return 'TIMESTAMPTZ';
    case 'NULL':
      throw new StrataError('SQL_VALIDATION', 'a table column cannot have the type NULL', {
        hint: 'Give the column a concrete type.',
      });
  }
}

/** The node-api type used to build staging data chunks for a Strata type. */
export function duckDbVectorType(type: SqlType): DuckDBType {
  switch (type.kind) {
    case 'BOOLEAN':
      return BOOLEAN;
    case 'TINYINT':
      return TINYINT;
    case 'SMALLINT':
      return SMALLINT;
    case 'INT':
      return INTEGER;
    case 'BIGINT':
      return BIGINT;
    case 'FLOAT':
      return FLOAT;
    case 'DOUBLE':
      return DOUBLE;
    case 'DECIMAL':
      return isTextDecimal(type) ? VARCHAR : DECIMAL(type.precision ?? 10, type.scale ?? 0);
    case 'CHAR':
    case 'VARCHAR':
      return VARCHAR;
    case 'BINARY':
    case 'VARBINARY':
      return BLOB;
    case 'DATE':
      return DATE;
    case 'TIME':
      return INTERVAL;
    case 'TIMESTAMP':
      return TIMESTAMP;
    case 'TIMESTAMP_LTZ':
      return TIMESTAMPTZ;
    case 'NULL':
      return duckDbVectorType(T.int());
  }
}

const STRING_RESULT: SqlType = T.string();

/**
 * The Strata type of a DuckDB query-result column (always nullable: DuckDB does not say).
 * Types with no Strata counterpart come back as STRING (see the header comment).
 */
export function strataTypeOfDuckDb(type: DuckDBType): SqlType {
  switch (type.typeId) {
    case DuckDBTypeId.BOOLEAN:
      return T.boolean();
    case DuckDBTypeId.TINYINT:
      return T.tinyint();
    case DuckDBTypeId.SMALLINT:
    case DuckDBTypeId.UTINYINT:
      return T.smallint();
    case DuckDBTypeId.INTEGER:
    case DuckDBTypeId.USMALLINT:
      return T.int();
    case DuckDBTypeId.BIGINT:
    case DuckDBTypeId.UINTEGER:
    case DuckDBTypeId.INTEGER_LITERAL:
      return T.bigint();
    case DuckDBTypeId.UBIGINT:
      return T.decimal(20, 0);
    case DuckDBTypeId.HUGEINT:
    case DuckDBTypeId.UHUGEINT:
      return T.decimal(MAX_DECIMAL_PRECISION, 0);
    case DuckDBTypeId.FLOAT:
      return T.float();
    case DuckDBTypeId.DOUBLE:
      return T.double();
    case DuckDBTypeId.DECIMAL:
      return T.decimal(type.width, type.scale);
    case DuckDBTypeId.VARCHAR:
    case DuckDBTypeId.STRING_LITERAL:
      return STRING_RESULT;
    case DuckDBTypeId.BLOB:
      return T.bytes();
    case DuckDBTypeId.DATE:
      return T.date();
    case DuckDBTypeId.TIME:
    case DuckDBTypeId.TIME_NS:
    case DuckDBTypeId.INTERVAL:
      return T.time(6);
    case DuckDBTypeId.TIMESTAMP:
    case DuckDBTypeId.TIMESTAMP_NS:
      return T.timestamp(6);
    case DuckDBTypeId.TIMESTAMP_MS:
      return T.timestamp(3);
    case DuckDBTypeId.TIMESTAMP_S:
      return T.timestamp(0);
    case DuckDBTypeId.TIMESTAMP_TZ:
      return T.timestampLtz(6);
    case DuckDBTypeId.SQLNULL:
      return T.null();
    default:
      return STRING_RESULT;
  }
}

/**
 * Checks a column type can be stored; returns the reason it cannot, or null.
 * DECIMAL precision 1..65 with 0 ≤ scale ≤ precision; lengths ≥ 1; fractional
 * precision 0..9.
 */
export function unsupportedTypeReason(type: SqlType): string | null {
  switch (type.kind) {
    case 'DECIMAL': {
      const p = type.precision ?? 10;
      const s = type.scale ?? 0;
      if (!Number.isInteger(p) || p < 1 || p > MAX_MYSQL_DECIMAL_PRECISION) {
        return `DECIMAL precision must be between 1 and ${MAX_MYSQL_DECIMAL_PRECISION}, got ${p}`;
      }
      if (!Number.isInteger(s) || s < 0 || s > p) return `DECIMAL scale must be between 0 and the precision ${p}, got ${s}`;
      return null;
    }
    case 'CHAR':
    case 'VARCHAR':
    case 'BINARY':
    case 'VARBINARY': {
      const n = type.precision ?? 1;
      if (!Number.isInteger(n) || n < 1 || n > MAX_LENGTH) return `${type.kind} length must be between 1 and ${MAX_LENGTH}, got ${n}`;
      return null;
    }
    case 'TIME':
    case 'TIMESTAMP':
    case 'TIMESTAMP_LTZ': {
      const p = type.precision ?? 0;
      if (!Number.isInteger(p) || p < 0 || p > 9) return `${type.kind} fractional precision must be between 0 and 9, got ${p}`;
      return null;
    }
    case 'NULL':
      return 'a column cannot have the type NULL';
    default:
      return null;
  }
}
