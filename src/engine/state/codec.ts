import { Decimal } from '../../core/decimal.js';
import { StrataError } from '../../core/errors.js';
import type { Key } from '../../core/values.js';

/**
 * What operator state and source offsets are made of: SQL values, arrays, Maps keyed by
 * row keys, and plain records. `encodeState` turns one into bytes for a checkpoint and
 * `decodeState` gives back an equal structure (Maps stay Maps, Decimals stay Decimals,
 * bigints stay bigints).
 */
export type StateValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | Decimal
  | Uint8Array
  | readonly StateValue[]
  | ReadonlyMap<Key, StateValue>
  | { readonly [k: string]: StateValue };

const T_NULL = 0;
const T_TRUE = 1;
const T_FALSE = 2;
const T_NUMBER = 3;
const T_BIGINT = 4;
const T_STRING = 5;
const T_DECIMAL = 6;
const T_BYTES = 7;
const T_ARRAY = 8;
const T_MAP = 9;
const T_RECORD = 10;
/** A bigint within signed 64 bits: 8 bytes instead of its decimal text. */
const T_INT64 = 11;
/** A Decimal whose unscaled value fits signed 64 bits. */
const T_DECIMAL64 = 12;
const MIN_I64 = -(2n ** 63n);
const MAX_I64 = 2n ** 63n - 1n;

/**
 * Writes the encoding of a StateValue piece by piece, so a large state is encoded
 * straight from its live structures without first being built as one StateValue graph.
 * `encodeState(v)` is `w.value(v)` on a fresh writer; a sequence of calls that describes a
 * value (a header, then exactly the elements it announces) gives the same bytes as
 * encoding that value whole, so `decodeState` reads either.
 */
export class StateWriter {
  /** The bytes written so far are `buf.subarray(0, pos)`; `buf` may be replaced as it grows. */
  buf: Buffer;
  pos = 0;

  /** `reuse`: a buffer to write into (e.g. the previous checkpoint's, once written out) instead of a new one. */
  constructor(initialBytes = 1024, reuse?: Buffer) {
    this.buf = reuse !== undefined && reuse.length >= 16 ? reuse : Buffer.allocUnsafe(Math.max(16, initialBytes));
  }

  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }
  u8(v: number): void {
    this.ensure(1);
    this.buf[this.pos++] = v;
  }
  u32(v: number): void {
    this.ensure(4);
    this.buf.writeUInt32LE(v, this.pos);
    this.pos += 4;
  }
  f64(v: number): void {
    this.ensure(8);
    this.buf.writeDoubleLE(v, this.pos);
    this.pos += 8;
  }
  i64(v: bigint): void {
    this.ensure(8);
    const n = Number(v);
    if (Number.isSafeInteger(n)) {
      // Two 32-bit words from the double: no intermediate bigints (Buffer's writeBigInt64LE
      // allocates several per call, which a large snapshot pays in GC).
      this.buf.writeUInt32LE(n >>> 0, this.pos);
      this.buf.writeInt32LE(Math.floor(n / 4294967296), this.pos + 4);
    } else {
      this.buf.writeBigInt64LE(v, this.pos);
    }
    this.pos += 8;
  }
  str(s: string): void {
    // Room for the worst case (3 bytes per UTF-16 unit), then write and back-fill the length.
    this.ensure(4 + s.length * 3);
    const n = this.buf.write(s, this.pos + 4, 'utf8');
    this.buf.writeUInt32LE(n, this.pos);
    this.pos += 4 + n;
  }
  bytes(b: Uint8Array): void {
    this.u32(b.length);
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  /** Writes a whole value. */
  value(v: StateValue): void {
    write(this, v);
  }

  /** Writes a number value (what `value(n)` writes, without the type dispatch). */
  number(n: number): void {
    this.u8(T_NUMBER);
    this.f64(n);
  }

  /** Copies bytes that `encodeState` (or a writer) produced for one value. */
  raw(encoded: Uint8Array): void {
    this.ensure(encoded.length);
    this.buf.set(encoded, this.pos);
    this.pos += encoded.length;
  }

  /** Starts an array of `n` values; write the `n` values next. */
  array(n: number): void {
    this.u8(T_ARRAY);
    this.u32(n);
  }

  /** Starts a record of `n` fields; write `field(name)` then its value, `n` times. */
  record(n: number): void {
    this.u8(T_RECORD);
    this.u32(n);
  }

  field(name: string): void {
    this.str(name);
  }

  /**
   * Starts a Map whose size is not known yet: write key, value pairs next, then
   * `endMap(handle, pairs)`. Returns the handle.
   */
  beginMap(): number {
    this.u8(T_MAP);
    const at = this.pos;
    this.u32(0);
    return at;
  }

  endMap(handle: number, pairs: number): void {
    this.buf.writeUInt32LE(pairs, handle);
  }

  /** The bytes written (a view of the writer's buffer). */
  finish(): Buffer {
    return this.buf.subarray(0, this.pos);
  }
}

function write(w: StateWriter, v: StateValue): void {
  if (v === null) return w.u8(T_NULL);
  switch (typeof v) {
    case 'boolean':
      return w.u8(v ? T_TRUE : T_FALSE);
    case 'number':
      w.u8(T_NUMBER);
      return w.f64(v);
    case 'bigint':
      if (v >= MIN_I64 && v <= MAX_I64) {
        w.u8(T_INT64);
        return w.i64(v);
      }
      w.u8(T_BIGINT);
      return w.str(v.toString());
    case 'string':
      w.u8(T_STRING);
      return w.str(v);
  }
  if (v instanceof Decimal) {
    const u = v.unscaled;
    if (u >= MIN_I64 && u <= MAX_I64) {
      w.u8(T_DECIMAL64);
      w.i64(u);
    } else {
      w.u8(T_DECIMAL);
      w.str(u.toString());
    }
    return w.u32(v.scale + 0x8000);
  }
  if (v instanceof Uint8Array) {
    w.u8(T_BYTES);
    return w.bytes(v);
  }
  if (Array.isArray(v)) {
    w.u8(T_ARRAY);
    w.u32(v.length);
    const a = v as readonly StateValue[];
    for (let i = 0; i < a.length; i++) write(w, a[i]!);
    return;
  }
  if (v instanceof Map) {
    w.u8(T_MAP);
    w.u32(v.size);
    for (const [k, x] of v as ReadonlyMap<Key, StateValue>) {
      write(w, k);
      write(w, x);
    }
    return;
  }
  const rec = v as { readonly [k: string]: StateValue };
  const keys = Object.keys(rec);
  w.u8(T_RECORD);
  w.u32(keys.length);
  for (const k of keys) {
    w.str(k);
    write(w, rec[k]!);
  }
}

export function encodeState(v: StateValue): Buffer {
  const w = new StateWriter();
  write(w, v);
  return w.finish();
}

class Reader {
  pos = 0;
  constructor(readonly buf: Buffer) {}
  need(n: number): void {
    if (this.pos + n > this.buf.length) {
      throw new StrataError('STATE', `state data is truncated at byte ${this.pos} of ${this.buf.length}`);
    }
  }
  u8(): number {
    this.need(1);
    return this.buf[this.pos++]!;
  }
  u32(): number {
    this.need(4);
    const v = this.buf.readUInt32LE(this.pos);
    this.pos += 4;
    return v;
  }
  f64(): number {
    this.need(8);
    const v = this.buf.readDoubleLE(this.pos);
    this.pos += 8;
    return v;
  }
  i64(): bigint {
    this.need(8);
    const lo = this.buf.readUInt32LE(this.pos);
    const hi = this.buf.readInt32LE(this.pos + 4);
    // Within ±2^53 the double is exact: one bigint instead of Buffer's several.
    const v = hi >= -0x200000 && hi < 0x200000 ? BigInt(hi * 4294967296 + lo) : this.buf.readBigInt64LE(this.pos);
    this.pos += 8;
    return v;
  }
  str(): string {
    const n = this.u32();
    this.need(n);
    const s = this.buf.toString('utf8', this.pos, this.pos + n);
    this.pos += n;
    return s;
  }
  bytes(): Uint8Array {
    const n = this.u32();
    this.need(n);
    const b = new Uint8Array(n);
    b.set(this.buf.subarray(this.pos, this.pos + n));
    this.pos += n;
    return b;
  }
}

/** Reads the decimal text of a bigint; damaged digits are a STATE error, not a SyntaxError. */
function parseBigint(r: Reader): bigint {
  const at = r.pos;
  const text = r.str();
  if (!/^-?\d+$/.test(text)) throw new StrataError('STATE', `state data has a malformed integer at byte ${at}`);
  return BigInt(text);
}

function read(r: Reader): StateValue {
  const tag = r.u8();
  switch (tag) {
    case T_NULL:
      return null;
    case T_TRUE:
      return true;
    case T_FALSE:
      return false;
    case T_NUMBER:
      return r.f64();
    case T_BIGINT:
      return parseBigint(r);
    case T_INT64:
      return r.i64();
    case T_DECIMAL64: {
      const u = r.i64();
      return new Decimal(u, r.u32() - 0x8000);
    }
    case T_STRING:
      return r.str();
    case T_DECIMAL: {
      const u = parseBigint(r);
      return new Decimal(u, r.u32() - 0x8000);
    }
    case T_BYTES:
      return r.bytes();
    case T_ARRAY: {
      const n = r.u32();
      const a: StateValue[] = new Array<StateValue>(n);
      for (let i = 0; i < n; i++) a[i] = read(r);
      return a;
    }
    case T_MAP: {
      const n = r.u32();
      const m = new Map<Key, StateValue>();
      for (let i = 0; i < n; i++) {
        const k = read(r) as Key;
        m.set(k, read(r));
      }
      return m;
    }
    case T_RECORD: {
      const n = r.u32();
      const o: { [k: string]: StateValue } = {};
      for (let i = 0; i < n; i++) {
        const k = r.str();
        o[k] = read(r);
      }
      return o;
    }
    default:
      throw new StrataError('STATE', `state data has an unknown tag ${tag} at byte ${r.pos - 1}`);
  }
}

export function decodeState(buf: Buffer): StateValue {
  const r = new Reader(buf);
  const v = read(r);
  if (r.pos !== buf.length) throw new StrataError('STATE', `state data has ${buf.length - r.pos} trailing bytes`);
  return v;
}
