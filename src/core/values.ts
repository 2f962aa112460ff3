import { Decimal } from './decimal.js';
import { javaDoubleToString, javaFloatToString } from './functions/numeric-text.js';
import type { SqlType } from './types.js';

/** A SQL value at run time; which JS type stands for which SQL type is in types.ts. */
export type Value = null | boolean | number | bigint | string | Decimal | Uint8Array;

/** A row: one value per field of the schema it belongs to. Rows are never mutated once emitted. */
export type Row = readonly Value[];

/** A hashable stand-in for one value or a tuple of values (SameValueZero semantics in a Map). */
export type Key = null | boolean | number | bigint | string;

const SEP = '\u0000';

/** Hash key of one value: primitives stand for themselves. */
export function keyOfValue(v: Value): Key {
  if (v === null || typeof v !== 'object') return v;
  if (v instanceof Decimal) return 'd' + v.canonical();
  return 'b' + bytesToLatin1(v);
}

function encodePart(v: Value): string {
  if (v === null) return 'N';
  switch (typeof v) {
    case 'boolean':
      return v ? 'T' : 'F';
    case 'number':
      return 'n' + (Object.is(v, -0) ? '0' : String(v));
    case 'bigint':
      return 'i' + v.toString();
    case 'string':
      return 's' + v;
    default:
      if (v instanceof Decimal) return 'd' + v.canonical();
      return 'b' + bytesToLatin1(v);
  }
}

/**
 * Hash key of the fields `indices` of `row`. One field: the value itself (fast path);
 * several: an unambiguous string encoding. Two rows have the same key iff the fields
 * are equal as SQL values of the same type (NULL equals NULL here: callers that need
 * SQL's NULL ≠ NULL check for nulls first).
 */
export function keyOf(row: Row, indices: readonly number[]): Key {
  if (indices.length === 1) return keyOfValue(row[indices[0]!] ?? null);
  let s = '';
  for (let i = 0; i < indices.length; i++) {
    const part = encodePart(row[indices[i]!] ?? null);
    // Strings may contain SEP; escape by length prefix.
    s += part.length + SEP + part;
  }
  return s;
}

/** Hash key of a whole row. */
export function rowKey(row: Row): Key {
  let s = '';
  for (let i = 0; i < row.length; i++) {
    const part = encodePart(row[i] ?? null);
    s += part.length + SEP + part;
  }
  return s;
}

export function bytesToLatin1(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i++) s += String.fromCharCode(b[i]!);
  return s;
}

export function bytesToHex(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i++) s += b[i]!.toString(16).padStart(2, '0');
  return s;
}

/** SQL equality of two non-null values of the same type. */
export function valueEquals(a: Value, b: Value): boolean {
  if (a === b) return true;
  if (a === null || b === null) return false;
  if (typeof a === 'number' && typeof b === 'number') return a === b || (Number.isNaN(a) && Number.isNaN(b));
  if (a instanceof Decimal && b instanceof Decimal) return a.equals(b);
  if (a instanceof Uint8Array && b instanceof Uint8Array) {
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }
  return false;
}

export function rowEquals(a: Row, b: Row): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!valueEquals(a[i] ?? null, b[i] ?? null)) return false;
  return true;
}

/**
 * Total order on values of one type; NULL sorts first. Numbers and bigints compare
 * across representations (used when a DECIMAL and a BIGINT meet after coercion fails).
 */
export function compareValues(a: Value, b: Value): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  if (typeof a === 'number' && typeof b === 'number') {
    if (Number.isNaN(a)) return Number.isNaN(b) ? 0 : 1;
    if (Number.isNaN(b)) return -1;
    return a < b ? -1 : a > b ? 1 : 0;
  }
  if (typeof a === 'bigint' && typeof b === 'bigint') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'boolean' && typeof b === 'boolean') return a === b ? 0 : a ? 1 : -1;
  if (a instanceof Decimal && b instanceof Decimal) return a.compare(b);
  if (a instanceof Uint8Array && b instanceof Uint8Array) {
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
    return a.length - b.length;
  }
  // Mixed numeric representations.
  const da = toDecimalLoose(a);
  const db = toDecimalLoose(b);
  if (da !== null && db !== null) return da.compare(db);
  return String(a) < String(b) ? -1 : 1;
}

function toDecimalLoose(v: Value): Decimal | null {
  if (v instanceof Decimal) return v;
  if (typeof v === 'bigint') return Decimal.fromBigint(v);
  if (typeof v === 'number') return Decimal.fromNumber(v);
  return null;
}

export function compareRows(a: Row, b: Row): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const c = compareValues(a[i] ?? null, b[i] ?? null);
    if (c !== 0) return c;
  }
  return a.length - b.length;
}

// ---------------------------------------------------------------------------
// Temporal values
// ---------------------------------------------------------------------------

export const MICROS_PER_SECOND = 1_000_000n;
export const MICROS_PER_DAY = 86_400_000_000n;
const MICROS_PER_DAY_N = 86_400_000_000;

/** Days since 1970-01-01 of a proleptic Gregorian date (any year, including 0). */
export function daysFromCivil(y: number, m: number, d: number): number {
  // Howard Hinnant's algorithm.
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

export function civilFromDays(z: number): { year: number; month: number; day: number } {
  z += 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const y = yoe + era * 400;
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp + (mp < 10 ? 3 : -9);
  return { year: y + (m <= 2 ? 1 : 0), month: m, day: d };
}

function pad(n: number, w: number): string {
  const s = String(Math.abs(n));
  return (n < 0 ? '-' : '') + s.padStart(w, '0');
}

export function formatDate(days: number): string {
  const { year, month, day } = civilFromDays(days);
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
}

/** Parses `YYYY-MM-DD`; null when malformed or out of range. */
export function parseDate(text: string): number | null {
  const m = /^\s*(\d{1,4})-(\d{1,2})-(\d{1,2})\s*$/.exec(text);
  if (m === null) return null;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) return null;
  return daysFromCivil(y, mo, d);
}

export function daysInMonth(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

function fraction(micros: number, precision: number): string {
  if (precision <= 0) return '';
  const digits = String(micros).padStart(6, '0');
  return '.' + (precision <= 6 ? digits.slice(0, precision) : digits.padEnd(precision, '0'));
}

/** `HH:MM:SS[.ffffff]` from microseconds since midnight (negative and ≥ 24 h allowed, as MySQL TIME). */
export function formatTime(micros: number, precision = 0): string {
  const neg = micros < 0;
  let u = Math.abs(micros);
  const frac = u % 1_000_000;
  u = Math.floor(u / 1_000_000);
  const s = u % 60;
  u = Math.floor(u / 60);
  const mi = u % 60;
  const h = Math.floor(u / 60);
  return `${neg ? '-' : ''}${pad(h, 2)}:${pad(mi, 2)}:${pad(s, 2)}${fraction(frac, precision)}`;
}

/** Parses `[-]HH:MM[:SS[.ffffff]]`. */
export function parseTime(text: string): number | null {
  const m = /^\s*(-)?(\d{1,3}):(\d{1,2})(?::(\d{1,2})(?:\.(\d{1,9}))?)?\s*$/.exec(text);
  if (m === null) return null;
  const h = Number(m[2]);
  const mi = Number(m[3]);
  const s = Number(m[4] ?? '0');
  if (mi > 59 || s > 59) return null;
  const frac = Number((m[5] ?? '').padEnd(6, '0').slice(0, 6));
  const v = ((h * 60 + mi) * 60 + s) * 1_000_000 + frac;
  return m[1] === '-' ? -v : v;
}

/** `YYYY-MM-DD HH:MM:SS[.f…]` with `precision` fraction digits (Flink prints TIMESTAMP(3) as `.123`). */
export function formatTimestamp(micros: bigint, precision = 6): string {
  let days = Number(micros / MICROS_PER_DAY);
  let rem = Number(micros % MICROS_PER_DAY);
  if (rem < 0) {
    rem += MICROS_PER_DAY_N;
    days -= 1;
  }
  const date = formatDate(days);
  const frac = rem % 1_000_000;
  const secs = Math.floor(rem / 1_000_000);
  const time = `${pad(Math.floor(secs / 3600), 2)}:${pad(Math.floor(secs / 60) % 60, 2)}:${pad(secs % 60, 2)}`;
  return `${date} ${time}${fraction(frac, precision)}`;
}

/** Parses `YYYY-MM-DD[ T]HH:MM[:SS[.f…]]` or a bare date, as wall-clock microseconds. */
export function parseTimestamp(text: string): bigint | null {
  const m = /^\s*(\d{1,4}-\d{1,2}-\d{1,2})(?:[ T](\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.(\d{1,9}))?)?)?\s*(Z)?\s*$/.exec(text);
  if (m === null) return null;
  const days = parseDate(m[1]!);
  if (days === null) return null;
  const h = Number(m[2] ?? '0');
  const mi = Number(m[3] ?? '0');
  const s = Number(m[4] ?? '0');
  if (h > 23 || mi > 59 || s > 59) return null;
  const frac = BigInt((m[5] ?? '').padEnd(6, '0').slice(0, 6));
  return BigInt(days) * MICROS_PER_DAY + BigInt((h * 60 + mi) * 60 + s) * MICROS_PER_SECOND + frac;
}

// ---------------------------------------------------------------------------
// Display
// ---------------------------------------------------------------------------

/**
 * Text of a value as Flink's `print` connector and SQL client show it (`NULL` → null
 * here, the caller picks the spelling). Needs the type for temporal values.
 */
export function formatValue(v: Value, type: SqlType): string | null {
  if (v === null) return null;
  switch (type.kind) {
    case 'DATE':
      return formatDate(v as number);
    case 'TIME':
      return formatTime(v as number, type.precision ?? 0);
    case 'TIMESTAMP':
    case 'TIMESTAMP_LTZ':
      return formatTimestamp(v as bigint, type.precision ?? 6);
    case 'BOOLEAN':
      return v ? 'TRUE' : 'FALSE';
    case 'FLOAT':
      return formatFloat(v as number);
    case 'DOUBLE':
      return formatDouble(v as number);
    case 'BINARY':
    case 'VARBINARY':
      return 'x\'' + bytesToHex(v as Uint8Array) + '\'';
    default:
      return String(v);
  }
}

/** Java's Float.toString: the shortest decimal that reads back as the same 32-bit float. */
export function formatFloat(n: number): string {
  return javaFloatToString(n);
}

/** Java's Double.toString: `10.0`, `1.0E10`, `1.0E-4`, `NaN`, `Infinity`. */
export function formatDouble(n: number): string {
  return javaDoubleToString(n);
}
