import { Decimal } from '../../core/decimal.js';
import type { SqlType } from '../../core/types.js';
import { MAX_LENGTH } from '../../core/types.js';
import { civilFromDays, formatDate, formatTime, formatTimestamp, parseDate, parseTime, parseTimestamp } from '../../core/values.js';
import type { Value } from '../../core/values.js';
import type { ResultColumn } from '../../store/api.js';
import { Charset, ColumnFlag, ColumnType, NULL_MARKER } from './constants.js';
import type { PacketWriter } from './packets.js';

/**
 * Strata SqlType → MySQL column metadata, and the text and binary encodings of values.
 *
 * | Strata type        | MySQL type (ColumnDefinition41)    | charset | text value                     |
 * |--------------------|------------------------------------|---------|--------------------------------|
 * | BOOLEAN            | TINY, length 1 (TINYINT(1))        | 63      | `1` / `0`                      |
 * | TINYINT/SMALLINT/INT/BIGINT | TINY/SHORT/LONG/LONGLONG  | 63      | exact integer                  |
 * | FLOAT / DOUBLE     | FLOAT / DOUBLE, decimals 31        | 63      | shortest text that reads back  |
 * | DECIMAL(p, s)      | NEWDECIMAL, decimals s             | 63      | exactly s fraction digits      |
 * | CHAR(n)            | STRING                             | 45      | UTF-8                          |
 * | VARCHAR(n), STRING | VAR_STRING                         | 45      | UTF-8                          |
 * | BINARY(n)          | STRING, BINARY flag                | 63      | the bytes                      |
 * | VARBINARY(n)       | VAR_STRING, BINARY flag            | 63      | the bytes                      |
 * | BYTES              | BLOB, BLOB + BINARY flags          | 63      | the bytes                      |
 * | DATE               | DATE                               | 63      | `YYYY-MM-DD`                   |
 * | TIME(p)            | TIME, decimals p                   | 63      | `[-]HH:MM:SS[.f…]`             |
 * | TIMESTAMP(p)       | DATETIME, decimals p               | 63      | `YYYY-MM-DD HH:MM:SS[.f…]`     |
 * | TIMESTAMP_LTZ(p)   | TIMESTAMP, decimals p              | 63      | as TIMESTAMP, the instant in UTC |
 * | NULL               | NULL                               | 63      | always NULL                    |
 */

export interface MySqlColumnMeta {
  readonly type: number;
  readonly flags: number;
  readonly charset: number;
  /** Display length (characters × 4 for utf8mb4 strings). */
  readonly length: number;
  readonly decimals: number;
}

/** Decimals value MySQL uses for FLOAT / DOUBLE results without a fixed scale. */
export const NOT_FIXED_DEC = 31;

const MAX_U32 = 0xffffffff;
/** Longest VARCHAR StarRocks accepts; STRING columns report this length. */
const MAX_VARCHAR_CHARS = 65533;

function fracLength(precision: number): number {
  return precision > 0 ? precision + 1 : 0;
}

export function mysqlColumnMeta(type: SqlType): MySqlColumnMeta {
  const notNull = type.nullable ? 0 : ColumnFlag.NOT_NULL;
  const bin = ColumnFlag.BINARY | notNull;
  switch (type.kind) {
    case 'BOOLEAN':
      return { type: ColumnType.TINY, flags: bin, charset: Charset.BINARY, length: 1, decimals: 0 };
    case 'TINYINT':
      return { type: ColumnType.TINY, flags: bin, charset: Charset.BINARY, length: 4, decimals: 0 };
    case 'SMALLINT':
      return { type: ColumnType.SHORT, flags: bin, charset: Charset.BINARY, length: 6, decimals: 0 };
    case 'INT':
      return { type: ColumnType.LONG, flags: bin, charset: Charset.BINARY, length: 11, decimals: 0 };
    case 'BIGINT':
      return { type: ColumnType.LONGLONG, flags: bin, charset: Charset.BINARY, length: 20, decimals: 0 };
    case 'FLOAT':
      return { type: ColumnType.FLOAT, flags: bin, charset: Charset.BINARY, length: 12, decimals: NOT_FIXED_DEC };
    case 'DOUBLE':
      return { type: ColumnType.DOUBLE, flags: bin, charset: Charset.BINARY, length: 22, decimals: NOT_FIXED_DEC };
    case 'DECIMAL': {
      const p = type.precision ?? 10;
      const s = type.scale ?? 0;
      return { type: ColumnType.NEWDECIMAL, flags: bin, charset: Charset.BINARY, length: p + (s > 0 ? 1 : 0) + 1, decimals: s };
    }
    case 'CHAR': {
      const n = Math.min(type.precision ?? 1, 255);
      return { type: ColumnType.STRING, flags: notNull, charset: Charset.UTF8MB4_GENERAL_CI, length: n * 4, decimals: 0 };
    }
    case 'VARCHAR': {
      const n = Math.min(type.precision ?? MAX_LENGTH, MAX_VARCHAR_CHARS);
      return { type: ColumnType.VAR_STRING, flags: notNull, charset: Charset.UTF8MB4_GENERAL_CI, length: n * 4, decimals: 0 };
    }
    case 'BINARY': {
      const n = Math.min(type.precision ?? 1, 255);
      return { type: ColumnType.STRING, flags: bin, charset: Charset.BINARY, length: n, decimals: 0 };
    }
    case 'VARBINARY': {
      const n = type.precision ?? MAX_LENGTH;
      if (n > 65535) {
        return { type: ColumnType.BLOB, flags: bin | ColumnFlag.BLOB, charset: Charset.BINARY, length: MAX_U32, decimals: 0 };
      }
      return { type: ColumnType.VAR_STRING, flags: bin, charset: Charset.BINARY, length: n, decimals: 0 };
    }
    case 'DATE':
      return { type: ColumnType.DATE, flags: bin, charset: Charset.BINARY, length: 10, decimals: 0 };
    case 'TIME': {
      const p = type.precision ?? 0;
      return { type: ColumnType.TIME, flags: bin, charset: Charset.BINARY, length: 10 + fracLength(p), decimals: p };
    }
    case 'TIMESTAMP': {
      const p = type.precision ?? 6;
      return { type: ColumnType.DATETIME, flags: bin, charset: Charset.BINARY, length: 19 + fracLength(p), decimals: p };
    }
    case 'TIMESTAMP_LTZ': {
      const p = type.precision ?? 6;
      return {
        type: ColumnType.TIMESTAMP,
        flags: bin | ColumnFlag.TIMESTAMP,
        charset: Charset.BINARY,
        length: 19 + fracLength(p),
        decimals: p,
      };
    }
    case 'NULL':
      return { type: ColumnType.NULL, flags: ColumnFlag.BINARY, charset: Charset.BINARY, length: 0, decimals: 0 };
  }
}

/**
 * ColumnDefinition41. `fieldList` adds the default-value field that COM_FIELD_LIST
 * responses carry (sent as NULL).
 */
export function writeColumnDefinition(w: PacketWriter, col: ResultColumn, fieldList = false): void {
  const m = mysqlColumnMeta(col.type);
  const table = col.table ?? '';
  w.begin()
    .lenencAscii('def')
    .lenencString(col.database ?? '')
    .lenencString(table)
    .lenencString(table)
    .lenencString(col.name)
    .lenencString(col.name)
    .lenencInt(0x0c)
    .u16(m.charset)
    .u32(Math.min(m.length, MAX_U32))
    .u8(m.type)
    .u16(m.flags)
    .u8(m.decimals)
    .u16(0);
  if (fieldList) w.u8(NULL_MARKER);
  w.end();
}

/** The column definition of a prepared statement parameter (type not known: VAR_STRING, as MySQL before 8.0.22). */
export function writeParamDefinition(w: PacketWriter): void {
  w.begin()
    .lenencAscii('def')
    .lenencInt(0)
    .lenencInt(0)
    .lenencInt(0)
    .lenencAscii('?')
    .lenencInt(0)
    .lenencInt(0x0c)
    .u16(Charset.BINARY)
    .u32(0)
    .u8(ColumnType.VAR_STRING)
    .u16(ColumnFlag.BINARY)
    .u8(0)
    .u16(0)
    .end();
}

// ---------------------------------------------------------------------------
// Text of values
// ---------------------------------------------------------------------------

function nonFinite(v: number): string {
  return Number.isNaN(v) ? 'NaN' : v > 0 ? 'inf' : '-inf';
}

function stripExponentPlus(s: string): string {
  const i = s.indexOf('e+');
  return i < 0 ? s : s.slice(0, i + 1) + s.slice(i + 2);
}

/** A double as MySQL prints it: the shortest text that reads back to the same value (`0.1`, `1e21`). */
export function formatMySqlDouble(v: number): string {
  if (!Number.isFinite(v)) return nonFinite(v);
  if (Object.is(v, -0)) return '-0';
  return stripExponentPlus(String(v));
}

/** A 32-bit float as MySQL prints it: the shortest text that reads back to the same float (`0.1`, not `0.100000001…`). */
export function formatMySqlFloat(v: number): string {
  if (!Number.isFinite(v)) return nonFinite(v);
  const f = Math.fround(v);
  for (let p = 1; p <= 9; p++) {
    const n = Number(f.toPrecision(p));
    if (Math.fround(n) === f) return formatMySqlDouble(n);
  }
  return formatMySqlDouble(f);
}

function decimalText(v: Value, scale: number): string {
  if (v instanceof Decimal) return v.rescale(scale).toString();
  if (typeof v === 'bigint') return new Decimal(v, 0).rescale(scale).toString();
  if (typeof v === 'number') {
    const d = Decimal.fromNumber(v);
    return d === null ? formatMySqlDouble(v) : d.rescale(scale).toString();
  }
  return String(v);
}

function boolText(v: Value): string {
  return v === true || v === 1 || v === 1n ? '1' : v === false || v === 0 || v === 0n ? '0' : String(v);
}

/** Text of a non-null value of a type whose text is ASCII (everything but strings and bytes). */
export function asciiText(type: SqlType, v: Value): string {
  switch (type.kind) {
    case 'BOOLEAN':
      return boolText(v);
    case 'FLOAT':
      return typeof v === 'number' ? formatMySqlFloat(v) : String(v);
    case 'DOUBLE':
      return typeof v === 'number' ? formatMySqlDouble(v) : String(v);
    case 'DECIMAL':
      return decimalText(v, type.scale ?? 0);
    case 'DATE':
      return typeof v === 'number' ? formatDate(v) : String(v);
    case 'TIME':
      return typeof v === 'number' ? formatTime(v, type.precision ?? 0) : String(v);
    case 'TIMESTAMP':
    case 'TIMESTAMP_LTZ':
      return typeof v === 'bigint' ? formatTimestamp(v, type.precision ?? 6) : String(v);
    default:
      if (typeof v === 'boolean') return v ? '1' : '0';
      if (typeof v === 'number') return Number.isInteger(v) ? String(v) : formatMySqlDouble(v);
      return String(v);
  }
}

/** Writes one value of a text result row: NULL marker, length-encoded bytes or text. */
export function writeTextValue(w: PacketWriter, type: SqlType, v: Value): void {
  if (v === null) {
    w.u8(NULL_MARKER);
    return;
  }
  if (typeof v === 'string') {
    w.lenencString(v);
    return;
  }
  if (v instanceof Uint8Array) {
    w.lenencBytes(v);
    return;
  }
  w.lenencAscii(asciiText(type, v));
}

/** Value text for logs and tests (NULL as null). */
export function textOf(type: SqlType, v: Value): string | null {
  if (v === null) return null;
  if (typeof v === 'string') return v;
  if (v instanceof Uint8Array) return Buffer.from(v).toString('latin1');
  return asciiText(type, v);
}

// ---------------------------------------------------------------------------
// Binary (prepared statement) encoding of values
// ---------------------------------------------------------------------------

const MICROS_PER_DAY = 86_400_000_000n;

function toBigint(v: Value): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number') return BigInt(Math.trunc(v));
  if (typeof v === 'boolean') return v ? 1n : 0n;
  if (v instanceof Decimal) return v.toBigint();
  try {
    return BigInt(String(v));
  } catch {
    return 0n;
  }
}

function toNumber(v: Value): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v instanceof Decimal) return v.toNumber();
  return Number(v);
}

function writeBinaryDate(w: PacketWriter, year: number, month: number, day: number): void {
  w.u8(4).u16(year).u8(month).u8(day);
}

/**
 * DATETIME / TIMESTAMP binary value from wall-clock microseconds since 1970-01-01: the
 * short forms (4 or 7 bytes) when the column has no fraction digits, else always the
 * 11-byte form, so clients print the column's fraction digits on every row.
 */
export function writeBinaryDatetime(w: PacketWriter, micros: bigint, precision = 6): void {
  let days = micros / MICROS_PER_DAY;
  let rem = micros % MICROS_PER_DAY;
  if (rem < 0n) {
    rem += MICROS_PER_DAY;
    days -= 1n;
  }
  const r = Number(rem);
  const frac = r % 1_000_000;
  const secs = Math.floor(r / 1_000_000);
  const { year, month, day } = civilFromDays(Number(days));
  const h = Math.floor(secs / 3600);
  const mi = Math.floor(secs / 60) % 60;
  const s = secs % 60;
  if (frac !== 0 || precision > 0) {
    w.u8(11).u16(year).u8(month).u8(day).u8(h).u8(mi).u8(s).u32(frac);
  } else if (secs !== 0) {
    w.u8(7).u16(year).u8(month).u8(day).u8(h).u8(mi).u8(s);
  } else {
    writeBinaryDate(w, year, month, day);
  }
}

/** TIME binary value from microseconds (negative and ≥ 24 h allowed); the 12-byte form when the column has fraction digits. */
export function writeBinaryTime(w: PacketWriter, micros: number, precision = 0): void {
  if (micros === 0 && precision === 0) {
    w.u8(0);
    return;
  }
  const neg = micros < 0;
  let u = Math.abs(micros);
  const frac = u % 1_000_000;
  u = Math.floor(u / 1_000_000);
  const s = u % 60;
  u = Math.floor(u / 60);
  const mi = u % 60;
  const totalHours = Math.floor(u / 60);
  const days = Math.floor(totalHours / 24);
  const h = totalHours % 24;
  const long = frac !== 0 || precision > 0;
  w.u8(long ? 12 : 8)
    .u8(neg ? 1 : 0)
    .u32(days)
    .u8(h)
    .u8(mi)
    .u8(s);
  if (long) w.u32(frac);
}

/** Writes one non-null value of a binary result row in the encoding of its column type. */
export function writeBinaryValue(w: PacketWriter, type: SqlType, v: Value): void {
  switch (type.kind) {
    case 'BOOLEAN':
      w.u8(v === true || v === 1 || v === 1n ? 1 : 0);
      return;
    case 'TINYINT':
      w.i8(toNumber(v));
      return;
    case 'SMALLINT':
      w.i16(toNumber(v));
      return;
    case 'INT':
      w.i32(toNumber(v));
      return;
    case 'BIGINT':
      w.i64(BigInt.asIntN(64, toBigint(v)));
      return;
    case 'FLOAT':
      w.f32(toNumber(v));
      return;
    case 'DOUBLE':
      w.f64(toNumber(v));
      return;
    case 'DATE': {
      const days = typeof v === 'number' ? v : parseDate(String(v));
      if (days === null) w.u8(0);
      else {
        const { year, month, day } = civilFromDays(days);
        writeBinaryDate(w, year, month, day);
      }
      return;
    }
    case 'TIME': {
      const micros = typeof v === 'number' ? v : parseTime(String(v));
      writeBinaryTime(w, micros ?? 0, type.precision ?? 0);
      return;
    }
    case 'TIMESTAMP':
    case 'TIMESTAMP_LTZ': {
      const micros = typeof v === 'bigint' ? v : parseTimestamp(String(v));
      if (micros === null) w.u8(0);
      else writeBinaryDatetime(w, micros, type.precision ?? 6);
      return;
    }
    default:
      break;
  }
  // Length-encoded types (DECIMAL, strings, bytes) and values of an unexpected JS type.
  if (typeof v === 'string') w.lenencString(v);
  else if (v instanceof Uint8Array) w.lenencBytes(v);
  else w.lenencAscii(asciiText(type, v));
}
