import { Decimal } from '../../../core/decimal.js';
import { StrataError } from '../../../core/errors.js';
import { daysFromCivil, daysInMonth, parseDate, parseTime, parseTimestamp, type Value } from '../../../core/values.js';
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

// ---------------------------------------------------------------------------
// The snapshot's hot path: text-protocol row packets → Strata values, from the bytes
// ---------------------------------------------------------------------------

/**
 * One column's decoder: the value bytes `buf[start, end)` (never empty of meaning: NULL is
 * handled by the caller) → the Strata value `textToValue` gives for the same bytes. Integers,
 * decimals, dates, datetimes and times are parsed from the bytes (no intermediate Buffer or
 * string, no regular expression); text is decoded once; anything that does not have the form
 * MySQL prints falls back to `textToValue`, so the result is the same in every case.
 */
export type TextFieldDecoder = (buf: Buffer, start: number, end: number) => Value;

/** Buffer's own slices (what toString(enc, s, e) calls after checking its arguments). */
interface Sliceable {
  utf8Slice(start: number, end: number): string;
  latin1Slice(start: number, end: number): string;
}

function utf8(buf: Buffer, s: number, e: number): string {
  return (buf as unknown as Sliceable).utf8Slice(s, e);
}

function latin1(buf: Buffer, s: number, e: number): string {
  return (buf as unknown as Sliceable).latin1Slice(s, e);
}

function copyOut(buf: Buffer, s: number, e: number): Uint8Array {
  const len = e - s;
  const out = new Uint8Array(len);
  if (len < 32) for (let i = 0; i < len; i++) out[i] = buf[s + i]!;
  else out.set(buf.subarray(s, e));
  return out;
}

/** Marks "not the form MySQL prints": the caller falls back to `textToValue`. */
const NOT_PLAIN = -1;

/**
 * Digits `[s, e)` (an optional leading '-') as a number when there are at most 15 of them;
 * `NOT_PLAIN` (or NaN for an out-of-range count) otherwise. `-0` is returned as 0 negated, as
 * `Number('-0')` does.
 */
function smallInt(buf: Buffer, s: number, e: number): number {
  let i = s;
  let neg = false;
  if (i < e && buf[i] === 0x2d) {
    neg = true;
    i++;
  }
  if (i >= e || e - i > 15) return NaN;
  let v = 0;
  for (; i < e; i++) {
    const d = buf[i]! - 48;
    if (d < 0 || d > 9) return NaN;
    v = v * 10 + d;
  }
  return neg ? -v : v;
}

/** `[-]digits` of any length as a bigint; null when not that form. */
function longInt(buf: Buffer, s: number, e: number): bigint | null {
  let i = s;
  if (i < e && buf[i] === 0x2d) i++;
  if (i >= e) return null;
  for (let k = i; k < e; k++) {
    const d = buf[k]! - 48;
    if (d < 0 || d > 9) return null;
  }
  return BigInt(latin1(buf, s, e));
}

function fallback(col: MysqlColumn): TextFieldDecoder {
  return (buf, s, e) => textToValue(buf.subarray(s, e), col);
}

/** Two ASCII digits at `i` as a number, or -1. */
function two(buf: Buffer, i: number): number {
  const a = buf[i]! - 48;
  const b = buf[i + 1]! - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : NOT_PLAIN;
}

/** `YYYY-MM-DD` at `s` (10 bytes) as days since the epoch; null for zero / invalid dates; undefined when not that form. */
function dateAt(buf: Buffer, s: number): number | null | undefined {
  if (buf[s + 4] !== 0x2d || buf[s + 7] !== 0x2d) return undefined;
  const y1 = two(buf, s);
  const y2 = two(buf, s + 2);
  const mo = two(buf, s + 5);
  const d = two(buf, s + 8);
  if (y1 < 0 || y2 < 0 || mo < 0 || d < 0) return undefined;
  const y = y1 * 100 + y2;
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) return null;
  return daysFromCivil(y, mo, d);
}

/** Fraction digits `[s, e)` (1..9 of them) as microseconds (truncated past 6, padded below), or -1. */
function micros(buf: Buffer, s: number, e: number): number {
  if (e <= s || e - s > 9) return NOT_PLAIN;
  let v = 0;
  let n = 0;
  for (let i = s; i < e; i++) {
    const d = buf[i]! - 48;
    if (d < 0 || d > 9) return NOT_PLAIN;
    if (n < 6) {
      v = v * 10 + d;
      n++;
    }
  }
  for (; n < 6; n++) v *= 10;
  return v;
}

const MAX_EXACT_SECONDS = 9_000_000_000; // seconds × 10^6 + µs stays below 2^53

function decodeDate(col: MysqlColumn): TextFieldDecoder {
  const slow = fallback(col);
  return (buf, s, e) => {
    if (e - s === 10) {
      const v = dateAt(buf, s);
      if (v !== undefined) return v;
    }
    return slow(buf, s, e);
  };
}

function decodeDateTime(col: MysqlColumn): TextFieldDecoder {
  const slow = fallback(col);
  return (buf, s, e) => {
    const len = e - s;
    // YYYY-MM-DD HH:MM:SS[.f…]
    if (len >= 19 && buf[s + 10] === 0x20 && buf[s + 13] === 0x3a && buf[s + 16] === 0x3a && (len === 19 || buf[s + 19] === 0x2e)) {
      const days = dateAt(buf, s);
      const h = two(buf, s + 11);
      const mi = two(buf, s + 14);
      const sec = two(buf, s + 17);
      const frac = len === 19 ? 0 : micros(buf, s + 20, e);
      if (days !== undefined && h >= 0 && mi >= 0 && sec >= 0 && frac >= 0) {
        if (days === null || h > 23 || mi > 59 || sec > 59) return null;
        const secs = days * 86_400 + (h * 60 + mi) * 60 + sec;
        if (secs < MAX_EXACT_SECONDS && secs > -MAX_EXACT_SECONDS) return BigInt(secs * 1_000_000 + frac);
        return BigInt(secs) * 1_000_000n + BigInt(frac);
      }
    }
    return slow(buf, s, e);
  };
}

function decodeTime(col: MysqlColumn): TextFieldDecoder {
  const slow = fallback(col);
  return (buf, s, e) => {
    // [-]H{1,3}:MM:SS[.f…]
    let i = s;
    const neg = buf[i] === 0x2d;
    if (neg) i++;
    let h = 0;
    let hd = 0;
    while (i < e && hd < 4) {
      const d = buf[i]! - 48;
      if (d < 0 || d > 9) break;
      h = h * 10 + d;
      hd++;
      i++;
    }
    if (hd >= 1 && hd <= 3 && e - i >= 6 && buf[i] === 0x3a && buf[i + 3] === 0x3a && (e - i === 6 || buf[i + 6] === 0x2e)) {
      const mi = two(buf, i + 1);
      const sec = two(buf, i + 4);
      const frac = e - i === 6 ? 0 : micros(buf, i + 7, e);
      if (mi >= 0 && sec >= 0 && frac >= 0) {
        if (mi > 59 || sec > 59) return null;
        const v = ((h * 60 + mi) * 60 + sec) * 1_000_000 + frac;
        return neg ? -v : v;
      }
    }
    return slow(buf, s, e);
  };
}

/** DECIMAL text `[-]digits[.digits]` as a Decimal at the column's scale. */
function decodeDecimal(col: MysqlColumn): TextFieldDecoder {
  const slow = fallback(col);
  const scale = col.scale;
  return (buf, s, e) => {
    let i = s;
    const neg = i < e && buf[i] === 0x2d;
    if (neg) i++;
    let v = 0;
    let digits = 0;
    let dot = -1;
    for (let k = i; k < e; k++) {
      const c = buf[k]!;
      if (c === 0x2e && dot < 0) {
        dot = k;
        continue;
      }
      const d = c - 48;
      if (d < 0 || d > 9) return slow(buf, s, e);
      v = v * 10 + d;
      digits++;
    }
    if (digits === 0) return slow(buf, s, e);
    const fracDigits = dot < 0 ? 0 : e - dot - 1;
    let unscaled: bigint;
    if (digits <= 15) unscaled = BigInt(neg ? -v : v);
    else {
      const t = dot < 0 ? latin1(buf, i, e) : latin1(buf, i, dot) + latin1(buf, dot + 1, e);
      unscaled = neg ? -BigInt(t) : BigInt(t);
    }
    const d = new Decimal(unscaled, fracDigits);
    return scale === null || scale === fracDigits ? d : d.rescale(scale);
  };
}

function decodeInteger(col: MysqlColumn): TextFieldDecoder {
  const slow = fallback(col);
  switch (strataTypeOf(col).kind) {
    case 'BOOLEAN':
      return (buf, s, e) => {
        const v = smallInt(buf, s, e);
        return v === v ? v !== 0 : slow(buf, s, e);
      };
    case 'BIGINT':
      return (buf, s, e) => {
        const v = smallInt(buf, s, e);
        if (v === v) return BigInt(v);
        return longInt(buf, s, e) ?? slow(buf, s, e);
      };
    case 'DECIMAL':
      return (buf, s, e) => {
        const v = smallInt(buf, s, e);
        if (v === v) return new Decimal(BigInt(v), 0);
        const b = longInt(buf, s, e);
        return b !== null ? new Decimal(b, 0) : slow(buf, s, e);
      };
    default:
      return (buf, s, e) => {
        const v = smallInt(buf, s, e);
        return v === v ? v : slow(buf, s, e);
      };
  }
}

/** The decoder of `col`'s text-protocol values (see `TextFieldDecoder`). */
export function textFieldDecoder(col: MysqlColumn): TextFieldDecoder {
  switch (col.dataType) {
    case 'tinyint':
    case 'smallint':
    case 'mediumint':
    case 'int':
    case 'bigint':
    case 'year':
      return decodeInteger(col);
    case 'decimal':
      return decodeDecimal(col);
    case 'float':
      return (buf, s, e) => Math.fround(Number(latin1(buf, s, e)));
    case 'double':
      return (buf, s, e) => Number(latin1(buf, s, e));
    case 'date':
      return decodeDate(col);
    case 'time':
      return decodeTime(col);
    case 'datetime':
    case 'timestamp':
      return decodeDateTime(col);
    case 'bit':
      if (strataTypeOf(col).kind === 'BOOLEAN') {
        return (buf, s, e) => {
          for (let i = s; i < e; i++) if (buf[i] !== 0) return true;
          return false;
        };
      }
      return copyOut;
    case 'binary':
    case 'varbinary':
    case 'tinyblob':
    case 'blob':
    case 'mediumblob':
    case 'longblob':
    case 'geometry':
      return copyOut;
    case 'char':
    case 'varchar':
    case 'tinytext':
    case 'text':
    case 'mediumtext':
    case 'longtext':
      return col.charset === 'binary' ? copyOut : utf8;
    case 'enum':
    case 'set':
    case 'json':
    case 'uuid':
    case 'inet6':
    case 'inet4':
      return utf8;
  }
}

/**
 * Decodes whole text-protocol row packets (Protocol::ResultsetRow: one length-encoded string
 * or 0xFB NULL per column) of a result whose columns are `cols`, in order, into Strata values.
 */
export class TextRowDecoder {
  readonly #fields: readonly TextFieldDecoder[];

  constructor(cols: readonly MysqlColumn[]) {
    this.#fields = cols.map(textFieldDecoder);
  }

  /** The row in `buf[start, end)`. */
  decode(buf: Buffer, start: number, end: number): Value[] {
    const fields = this.#fields;
    const n = fields.length;
    const out = new Array<Value>(n);
    let p = start;
    for (let j = 0; j < n; j++) {
      if (p >= end) throw malformedRow(j);
      const first = buf[p]!;
      let len: number;
      if (first < 0xfb) {
        len = first;
        p += 1;
      } else if (first === 0xfb) {
        out[j] = null;
        p += 1;
        continue;
      } else if (first === 0xfc) {
        len = buf[p + 1]! | (buf[p + 2]! << 8);
        p += 3;
      } else if (first === 0xfd) {
        len = buf[p + 1]! | (buf[p + 2]! << 8) | (buf[p + 3]! << 16);
        p += 4;
      } else if (first === 0xfe) {
        len = buf.readUInt32LE(p + 1) + buf.readUInt32LE(p + 5) * 4294967296;
        p += 9;
      } else throw malformedRow(j);
      if (p + len > end) throw malformedRow(j);
      out[j] = fields[j]!(buf, p, p + len);
      p += len;
    }
    return out;
  }
}

function malformedRow(column: number): StrataError {
  return new StrataError('CONNECTOR_DATA', `a text-protocol result row ends before its column ${column + 1} (malformed packet)`, { retryable: true });
}
