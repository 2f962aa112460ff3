import { strataTypeOf, type MysqlColumn } from '../../connectors/mysql-cdc/binlog/column-types.js';
import { maxBytesPerChar } from '../../connectors/mysql-cdc/binlog/charsets.js';
import { Decimal } from '../../core/decimal.js';
import { MAX_DECIMAL_PRECISION, MAX_LENGTH, T, withNullability, type SqlType } from '../../core/types.js';
import { formatTime, type Value } from '../../core/values.js';
import type { WarehouseColumn } from '../../store/api.js';

/**
 * The one type mapping of a database sync (CTAS / CDAS): MySQL column → Strata type (what
 * the binlog decoder and the snapshot produce, `strataTypeOf`) → the warehouse column
 * (its Strata type, which decides the DuckDB storage, and its StarRocks type text, which
 * SHOW CREATE TABLE shows) → the StarRocks DDL type for an external cluster.
 *
 * `SYNC_TYPE_MAPPING` is the table; docs/types.md ("Database sync") is generated from it
 * by `syncTypeTableMarkdown` and a test keeps the two in step. The hard cases:
 *
 * - BIGINT UNSIGNED → DECIMAL(20, 0) → LARGEINT: StarRocks refuses DECIMAL key columns but
 *   takes LARGEINT, and 2^64 - 1 fits (Flink CDC's DECIMAL(20, 0) key is their #2925).
 * - DECIMAL(p > 38, s) → VARCHAR(p + 2) holding the exact plain text (`-12.500`): neither
 *   DuckDB nor StarRocks has more than 38 digits (Flink CDC maps it to STRING). A DECIMAL
 *   key column becomes VARCHAR(p + 2) too (StarRocks keys cannot be DECIMAL).
 * - CHAR(n) / VARCHAR(n) count bytes in StarRocks: n × the charset's bytes per character
 *   (4 for utf8mb4, 3 for utf8mb3, 1 for latin1); CHAR longer than 255 bytes becomes
 *   VARCHAR; VARCHAR is capped at StarRocks' 1 048 576 bytes.
 * - TINYINT(1) and BIT(1) → BOOLEAN (Flink CDC's `tinyInt1isBit`); other BIT(n) → VARBINARY(⌈n/8⌉).
 * - Zero dates ('0000-00-00', '0000-00-00 00:00:00') read as NULL, so DATE, DATETIME and
 *   TIMESTAMP columns are nullable in the target even when NOT NULL in MySQL.
 * - DATETIME(p) is a wall clock → TIMESTAMP(p) → DATETIME. TIMESTAMP(p) is an instant →
 *   TIMESTAMP_LTZ(p) (UTC) → DATETIME shown in the session time zone.
 * - TIME(p) → VARCHAR(17) text `[-]HHH:MM:SS[.ffffff]` (StarRocks has no TIME column).
 * - JSON → JSON (text in DuckDB); ENUM / SET → STRING (the value's text; SET as `a,b`).
 */

/** StarRocks' longest VARCHAR, in bytes. */
export const STARROCKS_MAX_VARCHAR = 1_048_576;
/** StarRocks' longest CHAR, in bytes. */
export const STARROCKS_MAX_CHAR = 255;

export interface SyncTypeRow {
  readonly mysql: string;
  readonly strata: string;
  readonly warehouse: string;
  readonly starrocks: string;
  readonly notes: string;
}

export const SYNC_TYPE_MAPPING: readonly SyncTypeRow[] = [
  { mysql: 'TINYINT(1), BOOL, BIT(1)', strata: 'BOOLEAN', warehouse: 'BOOLEAN', starrocks: 'BOOLEAN', notes: "Flink CDC's tinyInt1isBit" },
  { mysql: 'TINYINT', strata: 'TINYINT', warehouse: 'TINYINT', starrocks: 'TINYINT', notes: '' },
  { mysql: 'TINYINT UNSIGNED, SMALLINT', strata: 'SMALLINT', warehouse: 'SMALLINT', starrocks: 'SMALLINT', notes: '' },
  { mysql: 'SMALLINT UNSIGNED, MEDIUMINT [UNSIGNED], INT, YEAR', strata: 'INT', warehouse: 'INTEGER', starrocks: 'INT', notes: '' },
  { mysql: 'INT UNSIGNED, BIGINT', strata: 'BIGINT', warehouse: 'BIGINT', starrocks: 'BIGINT', notes: '' },
  {
    mysql: 'BIGINT UNSIGNED',
    strata: 'DECIMAL(20, 0)',
    warehouse: 'DECIMAL(20, 0)',
    starrocks: 'LARGEINT',
    notes: 'LARGEINT is allowed as a StarRocks key, DECIMAL is not; 18446744073709551615 fits',
  },
  { mysql: 'FLOAT', strata: 'FLOAT', warehouse: 'FLOAT', starrocks: 'FLOAT', notes: '' },
  { mysql: 'DOUBLE, REAL', strata: 'DOUBLE', warehouse: 'DOUBLE', starrocks: 'DOUBLE', notes: '' },
  { mysql: 'DECIMAL(p ≤ 38, s)', strata: 'DECIMAL(p, s)', warehouse: 'DECIMAL(p, s)', starrocks: 'DECIMAL(p, s)', notes: 'as a key column: VARCHAR(p + 2) text' },
  {
    mysql: 'DECIMAL(39…65, s)',
    strata: 'DECIMAL(p, s)',
    warehouse: 'VARCHAR (exact text)',
    starrocks: 'VARCHAR(p + 2)',
    notes: 'exact plain text with s fraction digits; StarRocks and DuckDB stop at 38 digits',
  },
  {
    mysql: 'CHAR(n)',
    strata: 'CHAR(n)',
    warehouse: 'VARCHAR',
    starrocks: 'CHAR(n × b), VARCHAR(n × b) above 255 bytes',
    notes: 'b = bytes per character of the column charset: utf8mb4 4, utf8mb3 3, latin1 1',
  },
  { mysql: 'VARCHAR(n)', strata: 'VARCHAR(n)', warehouse: 'VARCHAR', starrocks: 'VARCHAR(min(n × b, 1048576))', notes: 'StarRocks counts bytes' },
  { mysql: 'TINYTEXT … LONGTEXT', strata: 'STRING', warehouse: 'VARCHAR', starrocks: 'STRING', notes: '' },
  { mysql: 'ENUM, SET', strata: 'STRING', warehouse: 'VARCHAR', starrocks: 'STRING', notes: "the value's text; SET as 'a,b'" },
  { mysql: 'JSON', strata: 'STRING', warehouse: 'VARCHAR', starrocks: 'JSON', notes: "MySQL's JSON text" },
  { mysql: 'BINARY(n), VARBINARY(n)', strata: 'BINARY(n), VARBINARY(n)', warehouse: 'BLOB', starrocks: 'VARBINARY(n)', notes: '' },
  { mysql: 'BIT(n > 1)', strata: 'BYTES', warehouse: 'BLOB', starrocks: 'VARBINARY(⌈n/8⌉)', notes: 'big-endian bytes, as MySQL stores them' },
  { mysql: 'TINYBLOB … LONGBLOB, GEOMETRY', strata: 'BYTES', warehouse: 'BLOB', starrocks: 'VARBINARY', notes: '' },
  { mysql: 'DATE', strata: 'DATE', warehouse: 'DATE', starrocks: 'DATE', notes: "'0000-00-00' reads as NULL: always nullable" },
  { mysql: 'TIME(p)', strata: 'TIME(p)', warehouse: 'VARCHAR', starrocks: 'VARCHAR(17)', notes: "text '-838:59:59.000000'; StarRocks has no TIME column" },
  { mysql: 'DATETIME(p)', strata: 'TIMESTAMP(p)', warehouse: 'TIMESTAMP', starrocks: 'DATETIME', notes: 'wall clock, no zone; zero datetime reads as NULL' },
  {
    mysql: 'TIMESTAMP(p)',
    strata: 'TIMESTAMP_LTZ(p)',
    warehouse: 'TIMESTAMPTZ',
    starrocks: 'DATETIME',
    notes: 'an instant (UTC); StarRocks shows it in the session time zone; zero timestamp reads as NULL',
  },
];

/** The docs/types.md table of the sync mapping (the section's body). */
export function syncTypeTableMarkdown(): string {
  const lines = ['| MySQL | Strata | warehouse (DuckDB) | StarRocks | notes |', '|---|---|---|---|---|'];
  for (const r of SYNC_TYPE_MAPPING) lines.push(`| ${r.mysql} | ${r.strata} | ${r.warehouse} | ${r.starrocks} | ${r.notes} |`);
  return lines.join('\n');
}

/** How one MySQL column lands in a sync target. */
export interface SyncColumnMapping {
  /** The Strata type values arrive in (binlog decoder and snapshot alike). */
  readonly strata: SqlType;
  /** The warehouse column: its type decides DuckDB storage, its typeText is the StarRocks type. */
  readonly column: WarehouseColumn;
  /** StarRocks DDL type text (same as column.typeText). */
  readonly starrocks: string;
  /** Value conversion from `strata` to `column.type`; null when values pass unchanged. */
  readonly convert: ((v: Value) => Value) | null;
}

const decimalText = (v: Value): Value => (v instanceof Decimal ? v.toString() : v === null ? null : String(v));
const timeText = (fsp: number) => (v: Value): Value => (typeof v === 'number' ? formatTime(v, fsp) : v);

function bytesPerChar(col: MysqlColumn): number {
  return Math.max(1, maxBytesPerChar(col.charset ?? 'utf8mb4'));
}

/**
 * The target column of a MySQL column. `isKey`: the column is (part of) the primary key,
 * so its target type must be one StarRocks allows in a key and it is NOT NULL.
 */
export function mapMysqlColumn(col: MysqlColumn, isKey: boolean): SyncColumnMapping {
  const strata = strataTypeOf(col);
  const nullable = isKey ? false : strata.nullable;
  let type: SqlType = withNullability(strata, nullable);
  let text: string;
  let convert: ((v: Value) => Value) | null = null;
  switch (strata.kind) {
    case 'BOOLEAN':
      text = 'BOOLEAN';
      break;
    case 'TINYINT':
    case 'SMALLINT':
    case 'INT':
    case 'BIGINT':
    case 'FLOAT':
    case 'DOUBLE':
      text = strata.kind;
      break;
    case 'DECIMAL': {
      const p = strata.precision ?? 10;
      const s = strata.scale ?? 0;
      if (col.dataType === 'bigint' && col.unsigned) {
        text = 'LARGEINT';
      } else if (p > MAX_DECIMAL_PRECISION || isKey) {
        type = T.varchar(p + 2, nullable);
        text = `VARCHAR(${p + 2})`;
        convert = decimalText;
      } else {
        text = `DECIMAL(${p}, ${s})`;
      }
      break;
    }
    case 'CHAR': {
      const bytes = (strata.precision ?? 1) * bytesPerChar(col);
      if (bytes <= STARROCKS_MAX_CHAR) {
        type = T.char(bytes, nullable);
        text = `CHAR(${bytes})`;
      } else {
        type = T.varchar(Math.min(bytes, STARROCKS_MAX_VARCHAR), nullable);
        text = `VARCHAR(${Math.min(bytes, STARROCKS_MAX_VARCHAR)})`;
      }
      break;
    }
    case 'VARCHAR': {
      if (col.dataType === 'json') {
        text = 'JSON';
        type = T.string(nullable);
      } else if (strata.precision === MAX_LENGTH || strata.precision === undefined) {
        text = 'STRING';
      } else {
        const bytes = Math.min(strata.precision * bytesPerChar(col), STARROCKS_MAX_VARCHAR);
        type = T.varchar(bytes, nullable);
        text = `VARCHAR(${bytes})`;
      }
      break;
    }
    case 'BINARY':
    case 'VARBINARY': {
      if (col.dataType === 'bit') {
        const n = Math.ceil((col.length ?? 8) / 8);
        type = T.varbinary(n, nullable);
        text = `VARBINARY(${n})`;
      } else if (strata.precision === MAX_LENGTH || strata.precision === undefined) {
        text = 'VARBINARY';
      } else {
        type = T.varbinary(strata.precision, nullable);
        text = `VARBINARY(${strata.precision})`;
      }
      break;
    }
    case 'DATE':
      text = 'DATE';
      break;
    case 'TIME':
      type = T.varchar(17, nullable);
      text = 'VARCHAR(17)';
      convert = timeText(strata.precision ?? 0);
      break;
    case 'TIMESTAMP':
    case 'TIMESTAMP_LTZ':
      text = 'DATETIME';
      break;
    case 'NULL':
      text = 'STRING';
      type = T.string(true);
      break;
  }
  return {
    strata,
    column: { name: col.name, type, typeText: text, comment: '', defaultValue: null, aggregation: null },
    starrocks: text,
    convert,
  };
}
