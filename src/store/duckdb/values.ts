import {
  BIGINT,
  BLOB,
  BOOLEAN,
  DECIMAL,
  DOUBLE,
  DuckDBBlobValue,
  DuckDBDateValue,
  DuckDBDecimalValue,
  DuckDBIntervalValue,
  DuckDBTimeNSValue,
  DuckDBTimeValue,
  DuckDBTimestampMillisecondsValue,
  DuckDBTimestampNanosecondsValue,
  DuckDBTimestampSecondsValue,
  DuckDBTimestampTZValue,
  DuckDBTimestampValue,
  DuckDBTypeId,
  HUGEINT,
  INTEGER,
  JsonDuckDBValueConverter,
  SQLNULL,
  VARCHAR,
  type DuckDBType,
  type DuckDBValue,
  type DuckDBVector,
} from '@duckdb/node-api';
import { Decimal } from '../../core/decimal.js';
import { StrataError } from '../../core/errors.js';
import { MAX_DECIMAL_PRECISION, type SqlType } from '../../core/types.js';
import type { Value } from '../../core/values.js';

/**
 * Strata value ↔ DuckDB value conversions (the representation table is in core/types.ts,
 * the type mapping in type-mapping.ts).
 *
 * Writers put one Strata value into slot `index` of a staging data-chunk vector. One
 * writer is chosen per column (not per value); a value of the wrong JS type or out of
 * the column's range throws a StrataError whose message the caller puts in context
 * (table, column, change number).
 */
export type ColumnWriter = (vector: DuckDBVector, index: number, value: Value) => void;

/** Reads one non-null DuckDB result value as a Strata value. */
export type ValueReader = (value: DuckDBValue, type: DuckDBType) => Value;

function describe(v: Value): string {
  if (v === null) return 'NULL';
  if (typeof v === 'bigint') return `${v}n (bigint)`;
  if (typeof v === 'string') return `'${v.length > 40 ? v.slice(0, 40) + '…' : v}' (string)`;
  if (v instanceof Decimal) return `${v.toString()} (Decimal)`;
  if (v instanceof Uint8Array) return `${v.length} bytes`;
  return `${String(v)} (${typeof v})`;
}

function wrongType(v: Value, expected: string): StrataError {
  return new StrataError('RUNTIME', `expected ${expected}, got ${describe(v)}`);
}

function setAny(vector: DuckDBVector, index: number, v: DuckDBValue): void {
  vector.setItem(index, v);
}

function writeBoolean(vector: DuckDBVector, index: number, v: Value): void {
  if (v !== null && typeof v !== 'boolean') throw wrongType(v, 'a boolean');
  setAny(vector, index, v);
}

function writeSmallIntegral(vector: DuckDBVector, index: number, v: Value): void {
  if (v !== null && (typeof v !== 'number' || !Number.isInteger(v))) throw wrongType(v, 'an integral number');
  setAny(vector, index, v);
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

function writeBigint(vector: DuckDBVector, index: number, v: Value): void {
  if (v === null) {
    setAny(vector, index, null);
    return;
  }
  let b: bigint;
  if (typeof v === 'bigint') b = v;
  else if (typeof v === 'number' && Number.isSafeInteger(v)) b = BigInt(v);
  else throw wrongType(v, 'a bigint');
  if (b < INT64_MIN || b > INT64_MAX) throw new StrataError('RUNTIME', `${b} is out of the BIGINT range`);
  setAny(vector, index, b);
}

function writeApproximate(vector: DuckDBVector, index: number, v: Value): void {
  if (v !== null && typeof v !== 'number') throw wrongType(v, 'a number');
  setAny(vector, index, v);
}

function writeString(vector: DuckDBVector, index: number, v: Value): void {
  if (v !== null && typeof v !== 'string') throw wrongType(v, 'a string');
  setAny(vector, index, v);
}

function writeBytes(vector: DuckDBVector, index: number, v: Value): void {
  if (v === null) {
    setAny(vector, index, null);
    return;
  }
  if (!(v instanceof Uint8Array)) throw wrongType(v, 'a Uint8Array');
  setAny(vector, index, new DuckDBBlobValue(v));
}

function writeDate(vector: DuckDBVector, index: number, v: Value): void {
  if (v === null) {
    setAny(vector, index, null);
    return;
  }
  if (typeof v !== 'number' || !Number.isInteger(v)) throw wrongType(v, 'a day number');
  setAny(vector, index, new DuckDBDateValue(v));
}

function writeTime(vector: DuckDBVector, index: number, v: Value): void {
  if (v === null) {
    setAny(vector, index, null);
    return;
  }
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw wrongType(v, 'microseconds as an integral number');
  setAny(vector, index, new DuckDBIntervalValue(0, 0, BigInt(v)));
}

function timestampMicros(v: Value): bigint {
  if (typeof v === 'bigint') {
    if (v < INT64_MIN || v > INT64_MAX) throw new StrataError('RUNTIME', `timestamp ${v} µs is out of range`);
    return v;
  }
  if (typeof v === 'number' && Number.isSafeInteger(v)) return BigInt(v);
  throw wrongType(v, 'microseconds as a bigint');
}

function writeTimestamp(vector: DuckDBVector, index: number, v: Value): void {
  setAny(vector, index, v === null ? null : new DuckDBTimestampValue(timestampMicros(v)));
}

function writeTimestampLtz(vector: DuckDBVector, index: number, v: Value): void {
  setAny(vector, index, v === null ? null : new DuckDBTimestampTZValue(timestampMicros(v)));
}

/** The value as a Decimal at exactly `scale`, checked against `precision`. */
export function toColumnDecimal(v: Value, precision: number, scale: number, limit: bigint): Decimal {
  let d: Decimal;
  if (v instanceof Decimal) d = v;
  else if (typeof v === 'bigint') d = Decimal.fromBigint(v);
  else if (typeof v === 'number') {
    const p = Decimal.fromNumber(v);
    if (p === null) throw wrongType(v, 'a Decimal');
    d = p;
  } else throw wrongType(v, 'a Decimal');
  if (d.scale !== scale) d = d.rescale(scale);
  if (d.unscaled >= limit || d.unscaled <= -limit) {
    throw new StrataError('RUNTIME', `${d.toString()} does not fit DECIMAL(${precision}, ${scale})`);
  }
  return d;
}

function decimalWriter(precision: number, scale: number): ColumnWriter {
  const limit = 10n ** BigInt(precision);
  if (precision > MAX_DECIMAL_PRECISION) {
    return (vector, index, v) => {
      setAny(vector, index, v === null ? null : toColumnDecimal(v, precision, scale, limit).toString());
    };
  }
  return (vector, index, v) => {
    setAny(vector, index, v === null ? null : new DuckDBDecimalValue(toColumnDecimal(v, precision, scale, limit).unscaled, precision, scale));
  };
}

/** The writer for a column of this Strata type. */
export function columnWriter(type: SqlType): ColumnWriter {
  switch (type.kind) {
    case 'BOOLEAN':
      return writeBoolean;
    case 'TINYINT':
    case 'SMALLINT':
    case 'INT':
      return writeSmallIntegral;
    case 'BIGINT':
      return writeBigint;
    case 'FLOAT':
    case 'DOUBLE':
      return writeApproximate;
    case 'DECIMAL':
      return decimalWriter(type.precision ?? 10, type.scale ?? 0);
    case 'CHAR':
    case 'VARCHAR':
      return writeString;
    case 'BINARY':
    case 'VARBINARY':
      return writeBytes;
    case 'DATE':
      return writeDate;
    case 'TIME':
      return writeTime;
    case 'TIMESTAMP':
      return writeTimestamp;
    case 'TIMESTAMP_LTZ':
      return writeTimestampLtz;
    case 'NULL':
      return writeSmallIntegral;
  }
}

/** Writer for the staging bookkeeping columns (op, group, count): non-negative numbers. */
export function writeBookkeeping(vector: DuckDBVector, index: number, v: number): void {
  vector.setItem(index, v);
}

// ---------------------------------------------------------------------------
// DuckDB → Strata
// ---------------------------------------------------------------------------

const MICROS_PER_DAY = 86_400_000_000;

function readSame(v: DuckDBValue): Value {
  return v as Value;
}

function readUInteger(v: DuckDBValue): Value {
  return BigInt(v as number);
}

function readWideInteger(v: DuckDBValue): Value {
  return new Decimal(v as bigint, 0);
}

function readDecimal(v: DuckDBValue): Value {
  const d = v as DuckDBDecimalValue;
  return new Decimal(d.value, d.scale);
}

function readBlob(v: DuckDBValue): Value {
  return (v as DuckDBBlobValue).bytes;
}

function readDate(v: DuckDBValue): Value {
  return (v as DuckDBDateValue).days;
}

function readTime(v: DuckDBValue): Value {
  return Number((v as DuckDBTimeValue).micros);
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

function readTimeNs(v: DuckDBValue): Value {
  return Number(floorDiv((v as DuckDBTimeNSValue).nanos, 1000n));
}

function readInterval(v: DuckDBValue): Value {
  const i = v as DuckDBIntervalValue;
  return (i.months * 30 + i.days) * MICROS_PER_DAY + Number(i.micros);
}

function readTimestamp(v: DuckDBValue): Value {
  return (v as DuckDBTimestampValue | DuckDBTimestampTZValue).micros;
}

function readTimestampSeconds(v: DuckDBValue): Value {
  return (v as DuckDBTimestampSecondsValue).seconds * 1_000_000n;
}

function readTimestampMillis(v: DuckDBValue): Value {
  return (v as DuckDBTimestampMillisecondsValue).millis * 1000n;
}

function readTimestampNanos(v: DuckDBValue): Value {
  return floorDiv((v as DuckDBTimestampNanosecondsValue).nanos, 1000n);
}

function readNested(v: DuckDBValue, type: DuckDBType): Value {
  return JSON.stringify(JsonDuckDBValueConverter(v, type, JsonDuckDBValueConverter));
}

function readText(v: DuckDBValue): Value {
  return String(v);
}

function readNull(): Value {
  return null;
}

/** The reader for result values of this DuckDB type (pairs with strataTypeOfDuckDb). */
export function valueReader(type: DuckDBType): ValueReader {
  switch (type.typeId) {
    case DuckDBTypeId.BOOLEAN:
    case DuckDBTypeId.TINYINT:
    case DuckDBTypeId.SMALLINT:
    case DuckDBTypeId.INTEGER:
    case DuckDBTypeId.BIGINT:
    case DuckDBTypeId.UTINYINT:
    case DuckDBTypeId.USMALLINT:
    case DuckDBTypeId.FLOAT:
    case DuckDBTypeId.DOUBLE:
    case DuckDBTypeId.VARCHAR:
      return readSame;
    case DuckDBTypeId.UINTEGER:
      return readUInteger;
    case DuckDBTypeId.UBIGINT:
    case DuckDBTypeId.HUGEINT:
    case DuckDBTypeId.UHUGEINT:
      return readWideInteger;
    case DuckDBTypeId.DECIMAL:
      return readDecimal;
    case DuckDBTypeId.BLOB:
      return readBlob;
    case DuckDBTypeId.DATE:
      return readDate;
    case DuckDBTypeId.TIME:
      return readTime;
    case DuckDBTypeId.TIME_NS:
      return readTimeNs;
    case DuckDBTypeId.INTERVAL:
      return readInterval;
    case DuckDBTypeId.TIMESTAMP:
    case DuckDBTypeId.TIMESTAMP_TZ:
      return readTimestamp;
    case DuckDBTypeId.TIMESTAMP_S:
      return readTimestampSeconds;
    case DuckDBTypeId.TIMESTAMP_MS:
      return readTimestampMillis;
    case DuckDBTypeId.TIMESTAMP_NS:
      return readTimestampNanos;
    case DuckDBTypeId.LIST:
    case DuckDBTypeId.STRUCT:
    case DuckDBTypeId.MAP:
    case DuckDBTypeId.ARRAY:
    case DuckDBTypeId.UNION:
      return readNested;
    case DuckDBTypeId.SQLNULL:
      return readNull;
    default:
      return readText;
  }
}

// ---------------------------------------------------------------------------
// Query parameters
// ---------------------------------------------------------------------------

const INT32_MAX = 2147483647;
const INT128_MAX = 2n ** 127n - 1n;

/**
 * A query parameter by its JS type: boolean → BOOLEAN, integral number → INTEGER or
 * BIGINT, other number → DOUBLE, bigint → BIGINT (HUGEINT beyond 64 bits), string →
 * VARCHAR, Decimal → DECIMAL(p, s) (VARCHAR text beyond 38 digits), Uint8Array → BLOB.
 * DATE / TIME / TIMESTAMP values are plain numbers and bigints in Strata, so a
 * statement that compares them with temporal columns converts the parameter itself
 * (`DATE '1970-01-01' + $1`, `to_microseconds($1)`, `make_timestamp($1)`).
 */
export function toDuckDbParam(v: Value): { value: DuckDBValue; type: DuckDBType } {
  if (v === null) return { value: null, type: SQLNULL };
  switch (typeof v) {
    case 'boolean':
      return { value: v, type: BOOLEAN };
    case 'number':
      if (Number.isInteger(v)) {
        if (v >= -INT32_MAX - 1 && v <= INT32_MAX) return { value: v, type: INTEGER };
        if (Number.isSafeInteger(v)) return { value: BigInt(v), type: BIGINT };
      }
      return { value: v, type: DOUBLE };
    case 'bigint':
      if (v >= INT64_MIN && v <= INT64_MAX) return { value: v, type: BIGINT };
      if (v >= -INT128_MAX - 1n && v <= INT128_MAX) return { value: v, type: HUGEINT };
      return { value: v.toString(), type: VARCHAR };
    case 'string':
      return { value: v, type: VARCHAR };
    default:
      break;
  }
  if (v instanceof Decimal) {
    const scale = Math.max(0, v.scale);
    const d = v.rescale(scale);
    const precision = Math.max(d.precision(), scale, 1);
    if (precision > MAX_DECIMAL_PRECISION) return { value: d.toString(), type: VARCHAR };
    return { value: new DuckDBDecimalValue(d.unscaled, precision, scale), type: DECIMAL(precision, scale) };
  }
  return { value: new DuckDBBlobValue(v), type: BLOB };
}
