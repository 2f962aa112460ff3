import { Decimal } from '../../../core/decimal.js';
import { parseDate, parseTime, parseTimestamp, type Value } from '../../../core/values.js';
import { strataTypeOf, type MysqlColumn } from './column-types.js';

/**
 * The snapshot phase's values: what a `SELECT` returns for a column, turned into the Strata
 * value the binlog decoder (row-decoder.ts) gives for the same stored value. One function,
 * `textToValue`, used by the snapshot reader, so that a row read by the snapshot and the same
 * row read from the binlog are equal value for value. Tested against real MariaDB for every
 * type (binlog-types.test.ts).
 *
 * The rules a snapshot session must follow for the values to agree:
 *
 * 1. Run `SNAPSHOT_SESSION_SQL` first: `SET time_zone = '+00:00'`. TIMESTAMP is an instant
 *    (the binlog holds seconds since the epoch); in a UTC session its text is the UTC wall
 *    clock, which `textToValue` reads as µs since the epoch (TIMESTAMP_LTZ). The server's own
 *    time zone then never matters (the ±8 h class of bugs).
 * 2. Select each column with `snapshotSelectExpr(column)`: FLOAT as `(col + 0E0)`, because
 *    MySQL 5.7 and MariaDB print FLOAT with 6 significant digits (`1.23457`) while the binlog
 *    has the stored float (`1.2345678`); as a double the full value comes through and is
 *    rounded back to float32 here. Every other column is selected as itself.
 * 3. Read results as text (the text protocol; with mysql2: `SNAPSHOT_MYSQL2_OPTIONS`), binary
 *    columns as bytes.
 *
 * Zero and invalid dates (`0000-00-00`, `2024-00-10`) are NULL in both phases.
 */

/** The statement a snapshot connection runs before reading. */
export const SNAPSHOT_SESSION_SQL = "SET time_zone = '+00:00'";

/** mysql2 connection options under which its results are what `textToValue` expects. */
export const SNAPSHOT_MYSQL2_OPTIONS = {
  supportBigNumbers: true,
  bigNumberStrings: true,
  dateStrings: true,
  decimalNumbers: false,
  jsonStrings: true,
  charset: 'utf8mb4',
  /** Geometry as its stored bytes (mysql2 would parse it into objects). */
  typeCast(field: { type: string; buffer(): Buffer | null }, next: () => unknown): unknown {
    return field.type === 'GEOMETRY' ? field.buffer() : next();
  },
} as const;

function quoteIdent(name: string): string {
  return '`' + name.replace(/`/g, '``') + '`';
}

/** The select-list expression for `col` (aliased to its name). */
export function snapshotSelectExpr(col: MysqlColumn): string {
  const q = quoteIdent(col.name);
  return col.dataType === 'float' ? `(${q} + 0E0) AS ${q}` : q;
}

/** A raw result value: text (string or bytes), or what mysql2 already parsed (number, bigint). */
export type RawValue = string | number | bigint | Uint8Array | null | undefined;

function asText(raw: Exclude<RawValue, null | undefined>): string {
  if (typeof raw === 'string') return raw;
  if (raw instanceof Uint8Array) return Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('utf8');
  return String(raw);
}

function asBytes(raw: Exclude<RawValue, null | undefined>): Uint8Array {
  if (raw instanceof Uint8Array) return Uint8Array.from(raw);
  if (typeof raw === 'string') return Uint8Array.from(Buffer.from(raw, 'latin1'));
  return Uint8Array.from(Buffer.from(String(raw), 'latin1'));
}

/** Strata value of one result value of `col` (see the rules above). */
export function textToValue(raw: RawValue, col: MysqlColumn): Value {
  if (raw === null || raw === undefined) return null;
  const kind = strataTypeOf(col).kind;
  switch (col.dataType) {
    case 'tinyint':
    case 'smallint':
    case 'mediumint':
    case 'int':
    case 'bigint':
    case 'year': {
      const t = asText(raw).trim();
      switch (kind) {
        case 'BOOLEAN':
          return Number(t) !== 0;
        case 'BIGINT':
          return BigInt(t);
        case 'DECIMAL':
          return new Decimal(BigInt(t), 0);
        default:
          return Number(t);
      }
    }
    case 'decimal': {
      const d = Decimal.parse(asText(raw));
      return d === null ? null : d.rescale(col.scale ?? d.scale);
    }
    case 'float':
      return Math.fround(typeof raw === 'number' ? raw : Number(asText(raw)));
    case 'double':
      return typeof raw === 'number' ? raw : Number(asText(raw));
    case 'bit': {
      const b = asBytes(raw);
      if (kind === 'BOOLEAN') {
        for (let i = 0; i < b.length; i++) if (b[i] !== 0) return true;
        return false;
      }
      return b;
    }
    case 'date':
      return parseDate(asText(raw));
    case 'time':
      return parseTime(asText(raw));
    case 'datetime':
    case 'timestamp':
      // In the UTC session (rule 1) a TIMESTAMP's wall clock is UTC: µs since the epoch.
      return parseTimestamp(asText(raw));
    case 'binary':
    case 'varbinary':
    case 'tinyblob':
    case 'blob':
    case 'mediumblob':
    case 'longblob':
    case 'geometry':
      return asBytes(raw);
    case 'char':
    case 'varchar':
    case 'tinytext':
    case 'text':
    case 'mediumtext':
    case 'longtext':
      return col.charset === 'binary' ? asBytes(raw) : asText(raw);
    case 'enum':
    case 'set':
    case 'json':
    case 'uuid':
    case 'inet6':
    case 'inet4':
      return asText(raw);
  }
}
