import { formatDate, formatTime, formatTimestamp } from '../../../core/values.js';
import { StrataError } from '../../../core/errors.js';
import { ColumnType } from './constants.js';
import { decodeDecimalBinary } from './decimal-binary.js';
import { packedDatetimeMicros, packedTimeMicros } from './temporal-binary.js';

/**
 * MySQL's binary JSON (the JSON column type in rows events, MySQL 5.7+; `json_binary.h`)
 * → JSON text as MySQL prints it: `{"a": 1, "b": [true, null]}` (", " and ": "
 * separators, object keys in stored order), so that a value read from the binlog equals
 * the text a `SELECT` of the column returns.
 *
 * Scalars: int16/32/64 and uint16/32/64 print as integers; doubles in the shortest form
 * that reads back as the same double, with `.0` on integral values (`1.0`, `1e300`); strings
 * with `"`, `\`, and control characters escaped. Opaque values: DECIMAL prints as a number;
 * DATE, TIME, DATETIME, TIMESTAMP as quoted text with 6 fraction digits (MySQL's form);
 * anything else as `"base64:type<N>:<base64>"`, as MySQL does.
 *
 * MariaDB has no binary JSON: its JSON is LONGTEXT and arrives as text.
 */

const T_SMALL_OBJECT = 0x00;
const T_LARGE_OBJECT = 0x01;
const T_SMALL_ARRAY = 0x02;
const T_LARGE_ARRAY = 0x03;
const T_LITERAL = 0x04;
const T_INT16 = 0x05;
const T_UINT16 = 0x06;
const T_INT32 = 0x07;
const T_UINT32 = 0x08;
const T_INT64 = 0x09;
const T_UINT64 = 0x0a;
const T_DOUBLE = 0x0b;
const T_STRING = 0x0c;
const T_OPAQUE = 0x0f;

function bad(what: string): StrataError {
  return new StrataError('CONNECTOR_DATA', `malformed binary JSON: ${what}`);
}

/** JSON text of the binary JSON document `buf[start, end)`; an empty document is `null`. */
export function decodeJsonBinary(buf: Buffer, start: number, end: number): string {
  if (end <= start) return 'null';
  const out: string[] = [];
  writeValue(buf, buf[start]!, start + 1, end, out);
  return out.join('');
}

/** A value of `type` whose data starts at `pos` (for containers: at their element count). */
function writeValue(buf: Buffer, type: number, pos: number, end: number, out: string[]): void {
  switch (type) {
    case T_SMALL_OBJECT:
    case T_LARGE_OBJECT:
      writeContainer(buf, pos, end, type === T_LARGE_OBJECT, true, out);
      return;
    case T_SMALL_ARRAY:
    case T_LARGE_ARRAY:
      writeContainer(buf, pos, end, type === T_LARGE_ARRAY, false, out);
      return;
    case T_LITERAL:
      out.push(literal(buf[pos]!));
      return;
    case T_INT16:
      out.push(String(buf.readInt16LE(pos)));
      return;
    case T_UINT16:
      out.push(String(buf.readUInt16LE(pos)));
      return;
    case T_INT32:
      out.push(String(buf.readInt32LE(pos)));
      return;
    case T_UINT32:
      out.push(String(buf.readUInt32LE(pos)));
      return;
    case T_INT64:
      out.push(buf.readBigInt64LE(pos).toString());
      return;
    case T_UINT64:
      out.push(buf.readBigUInt64LE(pos).toString());
      return;
    case T_DOUBLE:
      out.push(formatJsonDouble(buf.readDoubleLE(pos)));
      return;
    case T_STRING: {
      const [len, p] = readVarLength(buf, pos, end);
      if (p + len > end) throw bad('string runs past the end');
      out.push(quoteJsonString(buf.toString('utf8', p, p + len)));
      return;
    }
    case T_OPAQUE: {
      const fieldType = buf[pos]!;
      const [len, p] = readVarLength(buf, pos + 1, end);
      if (p + len > end) throw bad('opaque value runs past the end');
      out.push(opaque(buf, fieldType, p, len));
      return;
    }
    default:
      throw bad(`unknown value type 0x${type.toString(16)}`);
  }
}

function literal(b: number): string {
  if (b === 0) return 'null';
  if (b === 1) return 'true';
  if (b === 2) return 'false';
  throw bad(`unknown literal 0x${b.toString(16)}`);
}

function writeContainer(buf: Buffer, base: number, end: number, large: boolean, isObject: boolean, out: string[]): void {
  const w = large ? 4 : 2;
  const count = large ? buf.readUInt32LE(base) : buf.readUInt16LE(base);
  const size = large ? buf.readUInt32LE(base + w) : buf.readUInt16LE(base + w);
  if (base + size > end) throw bad('container size runs past the end');
  const cend = base + size;
  let p = base + 2 * w;
  const keyEntries = p;
  if (isObject) p += count * (w + 2);
  const valueEntries = p;
  const valueEntrySize = 1 + w;
  out.push(isObject ? '{' : '[');
  for (let i = 0; i < count; i++) {
    if (i > 0) out.push(', ');
    if (isObject) {
      const ke = keyEntries + i * (w + 2);
      const koff = large ? buf.readUInt32LE(ke) : buf.readUInt16LE(ke);
      const klen = buf.readUInt16LE(ke + w);
      if (base + koff + klen > cend) throw bad('key runs past the container');
      out.push(quoteJsonString(buf.toString('utf8', base + koff, base + koff + klen)), ': ');
    }
    const ve = valueEntries + i * valueEntrySize;
    const vt = buf[ve]!;
    // Inlined: literals and 16-bit ints always; 32-bit ints in large containers.
    if (vt === T_LITERAL || vt === T_INT16 || vt === T_UINT16 || (large && (vt === T_INT32 || vt === T_UINT32))) {
      writeValue(buf, vt, ve + 1, cend, out);
    } else {
      const voff = large ? buf.readUInt32LE(ve + 1) : buf.readUInt16LE(ve + 1);
      if (base + voff >= cend) throw bad('value offset past the container');
      writeValue(buf, vt, base + voff, cend, out);
    }
  }
  out.push(isObject ? '}' : ']');
}

/** A variable-length unsigned integer: 7 bits per byte, low bits first, high bit = more. */
function readVarLength(buf: Buffer, pos: number, end: number): [number, number] {
  let len = 0;
  for (let i = 0; i < 5; i++) {
    if (pos + i >= end) throw bad('length runs past the end');
    const b = buf[pos + i]!;
    len += (b & 0x7f) * 2 ** (7 * i);
    if ((b & 0x80) === 0) return [len, pos + i + 1];
  }
  throw bad('length longer than 5 bytes');
}

function opaque(buf: Buffer, fieldType: number, p: number, len: number): string {
  switch (fieldType) {
    case ColumnType.NEWDECIMAL: {
      const precision = buf[p]!;
      const scale = buf[p + 1]!;
      return decodeDecimalBinary(buf, p + 2, precision, scale).toString();
    }
    case ColumnType.DATE: {
      const micros = packedDatetimeMicros(buf.readBigInt64LE(p));
      return micros === null ? '"0000-00-00"' : `"${formatDate(Number(micros / 86_400_000_000n))}"`;
    }
    case ColumnType.TIME:
      return `"${formatTime(packedTimeMicros(Number(buf.readBigInt64LE(p))), 6)}"`;
    case ColumnType.DATETIME:
    case ColumnType.TIMESTAMP: {
      const micros = packedDatetimeMicros(buf.readBigInt64LE(p));
      return micros === null ? '"0000-00-00 00:00:00.000000"' : `"${formatTimestamp(micros, 6)}"`;
    }
    default:
      return `"base64:type${fieldType}:${buf.toString('base64', p, p + len)}"`;
  }
}

/** A double as MySQL prints it in JSON: shortest round-trip digits, `.0` on integral values. */
export function formatJsonDouble(v: number): string {
  if (!Number.isFinite(v)) return String(v); // MySQL JSON cannot hold these; kept readable
  let s = String(v);
  if (s.includes('e')) return s.replace('e+', 'e');
  if (!s.includes('.')) s += '.0';
  return s;
}

const ESCAPES: Record<string, string> = { '"': '\\"', '\\': '\\\\', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** A JSON string literal as MySQL writes it (only `"`, `\` and control characters escaped). */
export function quoteJsonString(s: string): string {
  // eslint-disable-next-line no-control-regex
  return '"' + s.replace(/["\\\u0000-\u001f]/g, (c) => ESCAPES[c] ?? '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0')) + '"';
}

// ---------------------------------------------------------------------------
// Encoding (for tests and tools): the same format, written from a JS value
// ---------------------------------------------------------------------------

/** A JSON value to encode; numbers that are integers become int16/int32/int64, others doubles. */
export type JsonInput = null | boolean | number | bigint | string | readonly JsonInput[] | { readonly [k: string]: JsonInput };

function varLength(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    out.push(b);
  } while (n > 0);
  return out;
}

function scalar(v: JsonInput): { type: number; bytes: Buffer } | null {
  if (v === null) return { type: T_LITERAL, bytes: Buffer.of(0) };
  if (v === true) return { type: T_LITERAL, bytes: Buffer.of(1) };
  if (v === false) return { type: T_LITERAL, bytes: Buffer.of(2) };
  if (typeof v === 'bigint') {
    const b = Buffer.alloc(8);
    b.writeBigInt64LE(v);
    return { type: T_INT64, bytes: b };
  }
  if (typeof v === 'number') {
    if (Number.isInteger(v) && v >= -32768 && v <= 32767) {
      const b = Buffer.alloc(2);
      b.writeInt16LE(v);
      return { type: T_INT16, bytes: b };
    }
    if (Number.isInteger(v) && v >= -2147483648 && v <= 2147483647) {
      const b = Buffer.alloc(4);
      b.writeInt32LE(v);
      return { type: T_INT32, bytes: b };
    }
    const b = Buffer.alloc(8);
    b.writeDoubleLE(v);
    return { type: T_DOUBLE, bytes: b };
  }
  if (typeof v === 'string') {
    const s = Buffer.from(v, 'utf8');
    return { type: T_STRING, bytes: Buffer.concat([Buffer.from(varLength(s.length)), s]) };
  }
  return null;
}

function container(v: readonly JsonInput[] | { readonly [k: string]: JsonInput }, large: boolean): Buffer {
  const isObject = !Array.isArray(v);
  const keys = isObject ? Object.keys(v) : [];
  const values: JsonInput[] = isObject ? keys.map((k) => (v as { readonly [k: string]: JsonInput })[k]!) : [...(v as readonly JsonInput[])];
  const w = large ? 4 : 2;
  const n = values.length;
  const headerSize = 2 * w + (isObject ? n * (w + 2) : 0) + n * (1 + w);
  const keyBytes = keys.map((k) => Buffer.from(k, 'utf8'));
  let offset = headerSize + keyBytes.reduce((a, k) => a + k.length, 0);
  const entries: Buffer[] = [];
  const tail: Buffer[] = [];
  const keyEntries: Buffer[] = [];
  let keyOffset = headerSize;
  for (const k of keyBytes) {
    const e = Buffer.alloc(w + 2);
    if (large) e.writeUInt32LE(keyOffset, 0);
    else e.writeUInt16LE(keyOffset, 0);
    e.writeUInt16LE(k.length, w);
    keyEntries.push(e);
    keyOffset += k.length;
  }
  for (const val of values) {
    const e = Buffer.alloc(1 + w);
    const s = scalar(val);
    const inline = s !== null && (s.type === T_LITERAL || s.type === T_INT16 || (large && s.type === T_INT32));
    if (s !== null && inline) {
      e[0] = s.type;
      s.bytes.copy(e, 1);
    } else {
      const encoded = s !== null ? s : { type: Array.isArray(val) ? (large ? T_LARGE_ARRAY : T_SMALL_ARRAY) : large ? T_LARGE_OBJECT : T_SMALL_OBJECT, bytes: container(val as readonly JsonInput[], large) };
      e[0] = encoded.type;
      if (large) e.writeUInt32LE(offset, 1);
      else e.writeUInt16LE(offset, 1);
      tail.push(encoded.bytes);
      offset += encoded.bytes.length;
    }
    entries.push(e);
  }
  const head = Buffer.alloc(2 * w);
  if (large) {
    head.writeUInt32LE(n, 0);
    head.writeUInt32LE(offset, 4);
  } else {
    head.writeUInt16LE(n, 0);
    head.writeUInt16LE(offset, 2);
  }
  return Buffer.concat([head, ...keyEntries, ...entries, ...keyBytes, ...tail]);
}

/** MySQL binary JSON of `v` (type byte + value); containers in the large format when `large`. */
export function encodeJsonBinary(v: JsonInput, large = false): Buffer {
  const s = scalar(v);
  if (s !== null) return Buffer.concat([Buffer.of(s.type), s.bytes]);
  const isArray = Array.isArray(v);
  const type = isArray ? (large ? T_LARGE_ARRAY : T_SMALL_ARRAY) : large ? T_LARGE_OBJECT : T_SMALL_OBJECT;
  return Buffer.concat([Buffer.of(type), container(v as readonly JsonInput[], large)]);
}
