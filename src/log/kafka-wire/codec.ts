import { StrataError } from '../../core/errors.js';

/**
 * Kafka protocol primitives. Classic encodings: INT8/16/32/64 big-endian, STRING (int16
 * length), BYTES (int32 length), ARRAY (int32 count), -1 for null. Flexible versions
 * (KIP-482): COMPACT_* forms carry an unsigned varint of length + 1 (0 for null), and
 * every struct ends with tagged fields (uvarint count, then tag, size, bytes).
 *
 * INT64 values are JavaScript numbers (exact below 2^53: offsets, ids, timestamps).
 */

/** Thrown for a request that does not parse; the connection that sent it is closed. */
export class MalformedRequest extends StrataError {
  constructor(what: string) {
    super('CONNECTOR_DATA', `malformed Kafka request: ${what}`);
  }
}

export class Reader {
  readonly buf: Buffer;
  pos: number;
  readonly end: number;

  constructor(buf: Buffer, pos = 0, end = buf.length) {
    this.buf = buf;
    this.pos = pos;
    this.end = end;
  }

  #need(n: number): number {
    const p = this.pos;
    if (n < 0 || p + n > this.end) throw new MalformedRequest(`needs ${n} bytes at position ${p}, ${this.end - p} left`);
    this.pos = p + n;
    return p;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  int8(): number {
    return this.buf.readInt8(this.#need(1));
  }

  int16(): number {
    return this.buf.readInt16BE(this.#need(2));
  }

  int32(): number {
    return this.buf.readInt32BE(this.#need(4));
  }

  uint32(): number {
    return this.buf.readUInt32BE(this.#need(4));
  }

  int64(): number {
    const p = this.#need(8);
    return this.buf.readInt32BE(p) * 4294967296 + this.buf.readUInt32BE(p + 4);
  }

  float64(): number {
    return this.buf.readDoubleBE(this.#need(8));
  }

  bool(): boolean {
    return this.buf[this.#need(1)] !== 0;
  }

  uvarint(): number {
    let v = 0;
    let mul = 1;
    for (let i = 0; i < 5; i++) {
      const b = this.buf[this.#need(1)]!;
      v += (b & 0x7f) * mul;
      if ((b & 0x80) === 0) return v;
      mul *= 128;
    }
    throw new MalformedRequest('unsigned varint longer than 5 bytes');
  }

  #text(len: number): string {
    const p = this.#need(len);
    return this.buf.toString('utf8', p, p + len);
  }

  /** STRING or NULLABLE_STRING (int16 length). */
  string(): string | null {
    const len = this.int16();
    return len < 0 ? null : this.#text(len);
  }

  /** COMPACT_STRING or COMPACT_NULLABLE_STRING. */
  compactString(): string | null {
    const n = this.uvarint();
    return n === 0 ? null : this.#text(n - 1);
  }

  /** BYTES or NULLABLE_BYTES (int32 length): a view into the request buffer. */
  bytes(): Buffer | null {
    const len = this.int32();
    if (len < 0) return null;
    const p = this.#need(len);
    return this.buf.subarray(p, p + len);
  }

  compactBytes(): Buffer | null {
    const n = this.uvarint();
    if (n === 0) return null;
    const p = this.#need(n - 1);
    return this.buf.subarray(p, p + n - 1);
  }

  /** UUID as 32 lowercase hex digits. */
  uuid(): string {
    const p = this.#need(16);
    return this.buf.toString('hex', p, p + 16);
  }

  /** Element count of an ARRAY (int32) or COMPACT_ARRAY; -1 for null. */
  arrayLength(flexible: boolean): number {
    const n = flexible ? this.uvarint() - 1 : this.int32();
    if (n > this.remaining) throw new MalformedRequest(`array of ${n} elements with ${this.remaining} bytes left`);
    return n;
  }

  skip(n: number): void {
    this.#need(n);
  }
}

const CHUNK = 16 * 1024;
/** Byte arrays at least this long are referenced, not copied, into the output. */
const REFERENCE_AT = 4096;

/**
 * A response being written: small fields go into scratch buffers, large byte arrays
 * (record sets) are kept by reference, so a Fetch response is never copied whole.
 * `finish()` returns the chunks to write, with the int32 size prefix filled in.
 */
export class Writer {
  readonly #chunks: Buffer[] = [];
  #buf: Buffer;
  #start = 0;
  #pos = 0;
  #total = 0;
  readonly #sized: boolean;

  constructor(reserveSize = true) {
    this.#buf = Buffer.allocUnsafe(CHUNK);
    this.#sized = reserveSize;
    if (reserveSize) this.int32(0);
  }

  #ensure(n: number): void {
    if (this.#pos + n <= this.#buf.length) return;
    this.#cut();
    this.#buf = Buffer.allocUnsafe(Math.max(CHUNK, n));
    this.#start = 0;
    this.#pos = 0;
  }

  #cut(): void {
    if (this.#pos > this.#start) this.#chunks.push(this.#buf.subarray(this.#start, this.#pos));
    this.#start = this.#pos;
  }

  get length(): number {
    return this.#total;
  }

  int8(v: number): this {
    this.#ensure(1);
    this.#buf.writeInt8(v, this.#pos);
    this.#pos += 1;
    this.#total += 1;
    return this;
  }

  int16(v: number): this {
    this.#ensure(2);
    this.#buf.writeInt16BE(v, this.#pos);
    this.#pos += 2;
    this.#total += 2;
    return this;
  }

  int32(v: number): this {
    this.#ensure(4);
    this.#buf.writeInt32BE(v, this.#pos);
    this.#pos += 4;
    this.#total += 4;
    return this;
  }

  uint32(v: number): this {
    this.#ensure(4);
    this.#buf.writeUInt32BE(v, this.#pos);
    this.#pos += 4;
    this.#total += 4;
    return this;
  }

  int64(v: number): this {
    this.#ensure(8);
    const hi = Math.floor(v / 4294967296);
    this.#buf.writeInt32BE(hi, this.#pos);
    this.#buf.writeUInt32BE(v - hi * 4294967296, this.#pos + 4);
    this.#pos += 8;
    this.#total += 8;
    return this;
  }

  float64(v: number): this {
    this.#ensure(8);
    this.#buf.writeDoubleBE(v, this.#pos);
    this.#pos += 8;
    this.#total += 8;
    return this;
  }

  bool(v: boolean): this {
    return this.int8(v ? 1 : 0);
  }

  uvarint(v: number): this {
    this.#ensure(5);
    let n = this.#pos;
    while (v >= 128) {
      this.#buf[n++] = (v % 128) | 0x80;
      v = Math.floor(v / 128);
    }
    this.#buf[n++] = v;
    this.#total += n - this.#pos;
    this.#pos = n;
    return this;
  }

  raw(b: Uint8Array): this {
    if (b.length >= REFERENCE_AT) {
      this.#cut();
      this.#chunks.push(Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength));
      this.#total += b.length;
      return this;
    }
    this.#ensure(b.length);
    this.#buf.set(b, this.#pos);
    this.#pos += b.length;
    this.#total += b.length;
    return this;
  }

  string(s: string | null): this {
    if (s === null) return this.int16(-1);
    const b = Buffer.from(s, 'utf8');
    return this.int16(b.length).raw(b);
  }

  compactString(s: string | null): this {
    if (s === null) return this.uvarint(0);
    const b = Buffer.from(s, 'utf8');
    return this.uvarint(b.length + 1).raw(b);
  }

  bytes(b: Uint8Array | null): this {
    if (b === null) return this.int32(-1);
    return this.int32(b.length).raw(b);
  }

  compactBytes(b: Uint8Array | null): this {
    if (b === null) return this.uvarint(0);
    return this.uvarint(b.length + 1).raw(b);
  }

  uuid(hex: string): this {
    const b = Buffer.from(hex.length === 32 ? hex : '0'.repeat(32), 'hex');
    return this.raw(b);
  }

  arrayLength(n: number, flexible: boolean): this {
    return flexible ? this.uvarint(n + 1) : this.int32(n);
  }

  /** The chunks of the message; with a reserved size prefix, it is filled in. */
  finish(): Buffer[] {
    this.#cut();
    const first = this.#chunks[0];
    if (this.#sized && first !== undefined) first.writeInt32BE(this.#total - 4, 0);
    return this.#chunks;
  }

  /** The message as one buffer (tests, small messages). */
  toBuffer(): Buffer {
    return Buffer.concat(this.finish());
  }
}
