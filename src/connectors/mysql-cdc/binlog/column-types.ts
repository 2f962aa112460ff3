import { T, type SqlType, MAX_LENGTH } from '../../../core/types.js';
import { ColumnType } from './constants.js';
import { charsetOfCollation, maxBytesPerChar } from './charsets.js';

/**
 * MySQL / MariaDB columns as Strata sees them, and the one mapping from a MySQL column
 * type to a Strata type (docs/types.md, "MySQL" column). Both the binlog decoder and the
 * snapshot reader (text-values.ts) type values through `strataTypeOf`, so a column has the
 * same Strata type and the same values whichever phase read it.
 */

export type MysqlDataType =
  | 'tinyint'
  | 'smallint'
  | 'mediumint'
  | 'int'
  | 'bigint'
  | 'decimal'
  | 'float'
  | 'double'
  | 'bit'
  | 'year'
  | 'date'
  | 'time'
  | 'datetime'
  | 'timestamp'
  | 'char'
  | 'varchar'
  | 'binary'
  | 'varbinary'
  | 'tinytext'
  | 'text'
  | 'mediumtext'
  | 'longtext'
  | 'tinyblob'
  | 'blob'
  | 'mediumblob'
  | 'longblob'
  | 'enum'
  | 'set'
  | 'json'
  | 'geometry'
  // MariaDB 10.5+ / 10.7+ / 11.3+ data types, stored as BINARY(16) / BINARY(16) / BINARY(4):
  | 'uuid'
  | 'inet6'
  | 'inet4';

/** One column, with what typing and decoding need. Absent facts are null. */
export interface MysqlColumn {
  /** Column name; `@1`, `@2`, … when neither the binlog nor the schema gave one. */
  readonly name: string;
  readonly dataType: MysqlDataType;
  readonly unsigned: boolean;
  readonly nullable: boolean;
  /** Integer display width from the schema (`tinyint(1)` → 1); null when unknown. */
  readonly displayWidth: number | null;
  /** CHAR/VARCHAR: characters; BINARY/VARBINARY: bytes; BIT: bits. */
  readonly length: number | null;
  /** DECIMAL precision and scale. */
  readonly precision: number | null;
  readonly scale: number | null;
  /** TIME / DATETIME / TIMESTAMP fractional digits. */
  readonly fsp: number | null;
  /** Character set of a character, ENUM or SET column (`utf8mb4`, `latin1`, `binary`); null when unknown. */
  readonly charset: string | null;
  readonly enumValues: readonly string[] | null;
  readonly setValues: readonly string[] | null;
}

const KNOWN = new Set<string>([
  'tinyint', 'smallint', 'mediumint', 'int', 'bigint', 'decimal', 'float', 'double', 'bit', 'year', 'date', 'time', 'datetime', 'timestamp',
  'char', 'varchar', 'binary', 'varbinary', 'tinytext', 'text', 'mediumtext', 'longtext', 'tinyblob', 'blob', 'mediumblob', 'longblob',
  'enum', 'set', 'json', 'geometry', 'uuid', 'inet6', 'inet4',
]);

const SPATIAL = new Set(['geometry', 'point', 'linestring', 'polygon', 'multipoint', 'multilinestring', 'multipolygon', 'geometrycollection', 'geomcollection']);

/**
 * The Strata type of a MySQL column (Flink CDC's mapping where it has one):
 * TINYINT → TINYINT (TINYINT(1) → BOOLEAN when the schema says so), TINYINT UNSIGNED →
 * SMALLINT, SMALLINT UNSIGNED → INT, MEDIUMINT → INT, INT UNSIGNED → BIGINT, BIGINT UNSIGNED
 * → DECIMAL(20, 0), DECIMAL(p, s) → DECIMAL(p, s) (p ≤ 65), FLOAT, DOUBLE, BIT(1) → BOOLEAN,
 * BIT(n) → BYTES, YEAR → INT, DATE, TIME(p), DATETIME(p) → TIMESTAMP(p), TIMESTAMP(p) →
 * TIMESTAMP_LTZ(p), CHAR(n), VARCHAR(n), TEXT → STRING, BINARY(n), VARBINARY(n), BLOB →
 * BYTES, ENUM / SET / JSON → STRING, spatial → BYTES. DATE, DATETIME and TIMESTAMP are
 * always nullable: zero dates become NULL.
 */
export function strataTypeOf(col: MysqlColumn): SqlType {
  const n = col.nullable;
  switch (col.dataType) {
    case 'tinyint':
      if (col.displayWidth === 1 && !col.unsigned) return T.boolean(n);
      return col.unsigned ? T.smallint(n) : T.tinyint(n);
    case 'smallint':
      return col.unsigned ? T.int(n) : T.smallint(n);
    case 'mediumint':
      return T.int(n);
    case 'int':
      return col.unsigned ? T.bigint(n) : T.int(n);
    case 'bigint':
      return col.unsigned ? T.decimal(20, 0, n) : T.bigint(n);
    case 'decimal':
      return T.decimal(col.precision ?? 10, col.scale ?? 0, n);
    case 'float':
      return T.float(n);
    case 'double':
      return T.double(n);
    case 'bit':
      return (col.length ?? 1) === 1 ? T.boolean(n) : T.bytes(n);
    case 'year':
      return T.int(n);
    case 'date':
      return T.date(true);
    case 'time':
      return T.time(col.fsp ?? 0, n);
    case 'datetime':
      return T.timestamp(col.fsp ?? 0, true);
    case 'timestamp':
      return T.timestampLtz(col.fsp ?? 0, true);
    case 'char':
      return col.charset === 'binary' ? T.binary(Math.max(1, col.length ?? 1), n) : T.char(Math.max(1, col.length ?? 1), n);
    case 'varchar':
      return col.charset === 'binary' ? T.varbinary(Math.max(1, col.length ?? MAX_LENGTH), n) : T.varchar(Math.max(1, col.length ?? MAX_LENGTH), n);
    case 'binary':
      return T.binary(Math.max(1, col.length ?? 1), n);
    case 'varbinary':
      return T.varbinary(Math.max(1, col.length ?? MAX_LENGTH), n);
    case 'tinytext':
    case 'text':
    case 'mediumtext':
    case 'longtext':
      return col.charset === 'binary' ? T.bytes(n) : T.string(n);
    case 'tinyblob':
    case 'blob':
    case 'mediumblob':
    case 'longblob':
    case 'geometry':
      return T.bytes(n);
    case 'enum':
    case 'set':
    case 'json':
    case 'uuid':
    case 'inet6':
    case 'inet4':
      return T.string(n);
  }
}

/** Is this column's value bytes (not text)? */
export function isBinaryColumn(col: MysqlColumn): boolean {
  switch (col.dataType) {
    case 'binary':
    case 'varbinary':
    case 'tinyblob':
    case 'blob':
    case 'mediumblob':
    case 'longblob':
    case 'geometry':
      return true;
    case 'char':
    case 'varchar':
    case 'tinytext':
    case 'text':
    case 'mediumtext':
    case 'longtext':
      return col.charset === 'binary';
    case 'bit':
      return (col.length ?? 1) > 1;
    default:
      return false;
  }
}

// ---------------------------------------------------------------------------
// From information_schema.COLUMNS (the snapshot's schema)
// ---------------------------------------------------------------------------

/** The fields of an `information_schema.COLUMNS` row that typing needs (names as MySQL returns them). */
export interface InformationSchemaColumn {
  readonly COLUMN_NAME: string;
  readonly DATA_TYPE: string;
  readonly COLUMN_TYPE: string;
  readonly IS_NULLABLE: string;
  readonly CHARACTER_SET_NAME?: string | null;
  readonly CHARACTER_MAXIMUM_LENGTH?: number | string | null;
  readonly NUMERIC_PRECISION?: number | string | null;
  readonly NUMERIC_SCALE?: number | string | null;
  readonly DATETIME_PRECISION?: number | string | null;
}

/** The query that returns the InformationSchemaColumn rows of one table, in column order. */
export const INFORMATION_SCHEMA_COLUMNS_SQL =
  'SELECT COLUMN_NAME, DATA_TYPE, COLUMN_TYPE, IS_NULLABLE, CHARACTER_SET_NAME, CHARACTER_MAXIMUM_LENGTH, ' +
  'NUMERIC_PRECISION, NUMERIC_SCALE, DATETIME_PRECISION FROM information_schema.COLUMNS ' +
  'WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION';

function num(v: number | string | null | undefined): number | null {
  if (v === null || v === undefined || v === '') return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
}

/** Values of `enum('a','b''c')` / `set(...)` column types (quotes doubled or backslash-escaped). */
export function parseEnumValues(columnType: string): string[] {
  const open = columnType.indexOf('(');
  const out: string[] = [];
  let i = open + 1;
  while (i < columnType.length) {
    const c = columnType[i]!;
    if (c === "'") {
      let s = '';
      i++;
      while (i < columnType.length) {
        const ch = columnType[i]!;
        if (ch === "'" && columnType[i + 1] === "'") {
          s += "'";
          i += 2;
        } else if (ch === '\\' && i + 1 < columnType.length) {
          s += columnType[i + 1]!;
          i += 2;
        } else if (ch === "'") {
          i++;
          break;
        } else {
          s += ch;
          i++;
        }
      }
      out.push(s);
    } else if (c === ')') break;
    else i++;
  }
  return out;
}

/** A column from its information_schema.COLUMNS row. */
export function columnFromInformationSchema(row: InformationSchemaColumn): MysqlColumn {
  const ct = row.COLUMN_TYPE.toLowerCase();
  let dt = row.DATA_TYPE.toLowerCase();
  const paren = /^[a-z]+\((\d+)(?:,(\d+))?\)/.exec(ct);
  const first = paren?.[1] === undefined ? null : Number(paren[1]);
  const charset = row.CHARACTER_SET_NAME ?? null;
  let dataType: MysqlDataType;
  if (SPATIAL.has(dt)) dataType = 'geometry';
  else if (dt === 'integer') dataType = 'int';
  else if (dt === 'real') dataType = 'double';
  else if (dt === 'numeric' || dt === 'dec' || dt === 'fixed') dataType = 'decimal';
  else if (dt === 'bool' || dt === 'boolean') dataType = 'tinyint';
  else {
    if (dt === 'character') dt = 'char';
    dataType = KNOWN.has(dt) ? (dt as MysqlDataType) : 'varbinary';
  }
  const isInt = dataType === 'tinyint' || dataType === 'smallint' || dataType === 'mediumint' || dataType === 'int' || dataType === 'bigint';
  let length: number | null = null;
  if (dataType === 'char' || dataType === 'varchar') length = num(row.CHARACTER_MAXIMUM_LENGTH) ?? first;
  else if (dataType === 'binary' || dataType === 'varbinary') length = num(row.CHARACTER_MAXIMUM_LENGTH) ?? first;
  else if (dataType === 'bit') length = first ?? num(row.NUMERIC_PRECISION) ?? 1;
  const isTemporal = dataType === 'time' || dataType === 'datetime' || dataType === 'timestamp';
  return {
    name: row.COLUMN_NAME,
    dataType,
    unsigned: /\bunsigned\b/.test(ct),
    nullable: row.IS_NULLABLE.toUpperCase() === 'YES',
    displayWidth: isInt ? first : null,
    length,
    precision: dataType === 'decimal' ? num(row.NUMERIC_PRECISION) : null,
    scale: dataType === 'decimal' ? (num(row.NUMERIC_SCALE) ?? 0) : null,
    fsp: isTemporal ? (num(row.DATETIME_PRECISION) ?? first ?? 0) : null,
    charset: dataType === 'binary' || dataType === 'varbinary' || dataType.endsWith('blob') ? 'binary' : charset,
    enumValues: dataType === 'enum' ? parseEnumValues(row.COLUMN_TYPE) : null,
    setValues: dataType === 'set' ? parseEnumValues(row.COLUMN_TYPE) : null,
  };
}

// ---------------------------------------------------------------------------
// From the binlog (TABLE_MAP types and metadata)
// ---------------------------------------------------------------------------

/** The real type of a STRING column and its byte length (MySQL's bug #37426 encoding). */
export function stringRealType(meta: number): { realType: number; length: number } {
  const byte0 = meta >> 8;
  const byte1 = meta & 0xff;
  if ((byte0 & 0x30) !== 0x30) return { realType: byte0 | 0x30, length: byte1 | (((byte0 & 0x30) ^ 0x30) << 4) };
  return { realType: byte0, length: byte1 };
}

/** The binlog type code a column of `dataType` is logged with (ENUM/SET/CHAR: STRING). */
export function binlogFamily(binlogType: number, meta: number): string {
  switch (binlogType) {
    case ColumnType.TINY:
      return 'tinyint';
    case ColumnType.SHORT:
      return 'smallint';
    case ColumnType.INT24:
      return 'mediumint';
    case ColumnType.LONG:
      return 'int';
    case ColumnType.LONGLONG:
      return 'bigint';
    case ColumnType.NEWDECIMAL:
    case ColumnType.DECIMAL:
      return 'decimal';
    case ColumnType.FLOAT:
      return 'float';
    case ColumnType.DOUBLE:
      return 'double';
    case ColumnType.BIT:
      return 'bit';
    case ColumnType.YEAR:
      return 'year';
    case ColumnType.DATE:
    case ColumnType.NEWDATE:
      return 'date';
    case ColumnType.TIME:
    case ColumnType.TIME2:
      return 'time';
    case ColumnType.DATETIME:
    case ColumnType.DATETIME2:
      return 'datetime';
    case ColumnType.TIMESTAMP:
    case ColumnType.TIMESTAMP2:
      return 'timestamp';
    case ColumnType.VARCHAR:
    case ColumnType.VAR_STRING:
      return 'varchar';
    case ColumnType.STRING: {
      const rt = stringRealType(meta).realType;
      return rt === ColumnType.ENUM ? 'enum' : rt === ColumnType.SET ? 'set' : 'char';
    }
    case ColumnType.BLOB:
    case ColumnType.TINY_BLOB:
    case ColumnType.MEDIUM_BLOB:
    case ColumnType.LONG_BLOB:
      return 'blob';
    case ColumnType.JSON:
      return 'json';
    case ColumnType.GEOMETRY:
      return 'geometry';
    default:
      return `type${binlogType}`;
  }
}

/** The binlog family of a schema data type (see binlogFamily). */
export function schemaFamily(dataType: MysqlDataType): string {
  switch (dataType) {
    case 'binary':
    case 'uuid':
    case 'inet6':
    case 'inet4':
      return 'char';
    case 'varbinary':
      return 'varchar';
    case 'tinytext':
    case 'text':
    case 'mediumtext':
    case 'longtext':
    case 'tinyblob':
    case 'blob':
    case 'mediumblob':
    case 'longblob':
      return 'blob';
    default:
      return dataType;
  }
}

/** What the binlog says about one column (TABLE_MAP type, metadata and optional metadata). */
export interface BinlogColumnFacts {
  readonly type: number;
  readonly meta: number;
  readonly nullable: boolean;
  readonly name: string | null;
  /** From SIGNEDNESS; null when absent or not numeric. */
  readonly unsigned: boolean | null;
  /** From the charset fields (collation id); null when absent. */
  readonly collation: number | null;
  readonly enumValues: readonly string[] | null;
  readonly setValues: readonly string[] | null;
}

const BLOB_TYPES: Record<number, [MysqlDataType, MysqlDataType]> = {
  1: ['tinytext', 'tinyblob'],
  2: ['text', 'blob'],
  3: ['mediumtext', 'mediumblob'],
  4: ['longtext', 'longblob'],
};

/** A column from binlog facts alone (types without a schema; signedness and charset when the binlog has them). */
export function columnFromBinlog(index: number, f: BinlogColumnFacts): MysqlColumn {
  const charset = f.collation === null ? null : charsetOfCollation(f.collation);
  const base = {
    name: f.name ?? `@${index + 1}`,
    unsigned: f.unsigned ?? false,
    nullable: f.nullable,
    displayWidth: null,
    length: null as number | null,
    precision: null as number | null,
    scale: null as number | null,
    fsp: null as number | null,
    charset,
    enumValues: null as readonly string[] | null,
    setValues: null as readonly string[] | null,
  };
  const family = binlogFamily(f.type, f.meta);
  switch (family) {
    case 'decimal':
      return { ...base, dataType: 'decimal', precision: f.meta >> 8, scale: f.meta & 0xff };
    case 'bit':
      return { ...base, dataType: 'bit', length: (f.meta >> 8) * 8 + (f.meta & 0xff) };
    case 'time':
    case 'datetime':
    case 'timestamp':
      return { ...base, dataType: family, fsp: f.type === ColumnType.TIME2 || f.type === ColumnType.DATETIME2 || f.type === ColumnType.TIMESTAMP2 ? f.meta : 0 };
    case 'varchar': {
      const bin = charset === 'binary';
      return { ...base, dataType: bin ? 'varbinary' : 'varchar', length: bin ? f.meta : Math.max(1, Math.floor(f.meta / maxBytesPerChar(charset))) };
    }
    case 'char': {
      const bytes = stringRealType(f.meta).length;
      const bin = charset === 'binary';
      return { ...base, dataType: bin ? 'binary' : 'char', length: bin ? bytes : Math.max(1, Math.floor(bytes / maxBytesPerChar(charset))) };
    }
    case 'enum':
      return { ...base, dataType: 'enum', enumValues: f.enumValues };
    case 'set':
      return { ...base, dataType: 'set', setValues: f.setValues };
    case 'blob': {
      const names = BLOB_TYPES[f.meta] ?? BLOB_TYPES[4]!;
      return { ...base, dataType: charset === 'binary' ? names[1] : names[0] };
    }
    case 'tinyint':
    case 'smallint':
    case 'mediumint':
    case 'int':
    case 'bigint':
    case 'float':
    case 'double':
    case 'year':
    case 'date':
    case 'json':
    case 'geometry':
      return { ...base, dataType: family };
    default:
      return { ...base, dataType: 'blob' };
  }
}

/**
 * The column to type and decode with: the schema's when it matches the binlog's family
 * (the schema knows display widths, ENUM values, lengths in characters), with the
 * binlog's own signedness and charset preferred when it has them; the binlog's otherwise.
 */
export function mergeColumn(index: number, f: BinlogColumnFacts, schema: MysqlColumn | undefined): { column: MysqlColumn; matched: boolean } {
  const fromBinlog = columnFromBinlog(index, f);
  if (schema === undefined) return { column: fromBinlog, matched: false };
  if (schemaFamily(schema.dataType) !== binlogFamily(f.type, f.meta)) return { column: fromBinlog, matched: false };
  return {
    column: {
      ...schema,
      nullable: f.nullable,
      unsigned: f.unsigned ?? schema.unsigned,
      charset: fromBinlog.charset ?? schema.charset,
      enumValues: schema.enumValues ?? fromBinlog.enumValues,
      setValues: schema.setValues ?? fromBinlog.setValues,
      // Physical facts the decoder relies on come from the binlog.
      precision: fromBinlog.precision ?? schema.precision,
      scale: fromBinlog.scale ?? schema.scale,
      fsp: fromBinlog.fsp ?? schema.fsp,
    },
    matched: true,
  };
}
