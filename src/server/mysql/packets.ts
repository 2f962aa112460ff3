import { StrataError } from '../../core/errors.js';
import { MAX_PACKET_PAYLOAD } from './constants.js';

/**
 * MySQL packet framing. A packet is a 3-byte little-endian payload length, a 1-byte
 * sequence id and the payload. A payload of 2^24-1 bytes or more is sent as several
 * packets of exactly 0xFFFFFF bytes followed by one shorter packet (possibly empty);
 * the receiver joins them into one logical payload.
 *
 * - `PacketFramer` turns a TCP byte stream (any chunking) into logical payloads.
 * - `PayloadReader` reads the protocol's integer and string encodings from a payload.
 * - `PacketWriter` builds outgoing packets (headers, sequence ids, splitting) into one
 *   Buffer, so a whole response, or a batch of rows, is one `socket.write`.
 */

/** A malformed packet or a protocol violation: the connection is closed. */
export function protocolError(message: string): StrataError {
  return new StrataError('CONNECTOR_DATA', `MySQL protocol error: ${message}`, { details: { protocol: true } });
}

export function isProtocolError(e: unknown): boolean {
  return e instanceof StrataError && e.details?.['protocol'] === true;
}

export interface Frame {
  /** Sequence id of the first physical packet of this payload. */
  readonly seq: number;
  /** The sequence id the answer starts with: the last physical packet's id + 1. */
  readonly nextSeq: number;
  readonly payload: Buffer;
}

export class PacketFramer {
  readonly #maxPayload: number;
  #chunks: Buffer[] = [];
  #head = 0; // index of the first unread chunk
  #offset = 0; // read offset inside chunks[head]
  #available = 0;
  /** Parts of a payload being continued (0xFFFFFF-sized packets seen so far). */
  #parts: Buffer[] = [];
  #partsLength = 0;
  #firstSeq = 0;

  /** @param maxPayload largest logical payload accepted (max_allowed_packet). */
  constructor(maxPayload: number) {
    this.#maxPayload = maxPayload;
  }

  /** Bytes received and not yet returned as part of a frame. */
  get buffered(): number {
    return this.#available + this.#partsLength;
  }

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.#chunks.push(chunk);
    this.#available += chunk.length;
  }

  /** The next complete logical payload, or null when more bytes are needed. Throws a protocol error when a payload is too large. */
  next(): Frame | null {
    for (;;) {
      if (this.#available < 4) return null;
      const header = this.#peek(4);
      const length = header[0]! | (header[1]! << 8) | (header[2]! << 16);
      const seq = header[3]!;
      if (this.#partsLength + length > this.#maxPayload) {
        throw protocolError(`packet of ${this.#partsLength + length} bytes is larger than max_allowed_packet (${this.#maxPayload})`);
      }
      if (this.#available < 4 + length) return null;
      this.#skip(4);
      const body = this.#take(length);
      if (this.#parts.length === 0) this.#firstSeq = seq;
      if (length === MAX_PACKET_PAYLOAD) {
        this.#parts.push(body);
        this.#partsLength += length;
        continue;
      }
      const nextSeq = (seq + 1) & 0xff;
      if (this.#parts.length === 0) return { seq, nextSeq, payload: body };
      this.#parts.push(body);
      const payload = Buffer.concat(this.#parts, this.#partsLength + length);
      this.#parts = [];
      this.#partsLength = 0;
      return { seq: this.#firstSeq, nextSeq, payload };
    }
  }

  #peek(n: number): Buffer {
    const first = this.#chunks[this.#head]!;
    if (first.length - this.#offset >= n) return first.subarray(this.#offset, this.#offset + n);
    const out = Buffer.allocUnsafe(n);
    let copied = 0;
    let i = this.#head;
    let off = this.#offset;
    while (copied < n) {
      const c = this.#chunks[i]!;
      const m = Math.min(n - copied, c.length - off);
      c.copy(out, copied, off, off + m);
      copied += m;
      i++;
      off = 0;
    }
    return out;
  }

  #skip(n: number): void {
    this.#take(n);
  }

  #take(n: number): Buffer {
    this.#available -= n;
    const first = this.#chunks[this.#head];
    if (n === 0) return Buffer.alloc(0);
    if (first !== undefined && first.length - this.#offset >= n) {
      const out = first.subarray(this.#offset, this.#offset + n);
      this.#offset += n;
      if (this.#offset === first.length) this.#advance();
      return out;
    }
    const out = Buffer.allocUnsafe(n);
    let copied = 0;
    while (copied < n) {
      const c = this.#chunks[this.#head]!;
      const m = Math.min(n - copied, c.length - this.#offset);
      c.copy(out, copied, this.#offset, this.#offset + m);
      copied += m;
      this.#offset += m;
      if (this.#offset === c.length) this.#advance();
    }
    return out;
  }

  #advance(): void {
    this.#head++;
    this.#offset = 0;
    if (this.#head === this.#chunks.length) {
      this.#chunks = [];
      this.#head = 0;
    } else if (this.#head > 64) {
      this.#chunks = this.#chunks.slice(this.#head);
      this.#head = 0;
    }
  }
}

/** Reads the protocol's encodings from one payload; every read checks bounds. */
export class PayloadReader {
  readonly buf: Buffer;
  pos: number;

  constructor(buf: Buffer, pos = 0) {
    this.buf = buf;
    this.pos = pos;
  }

  get remaining(): number {
    return this.buf.length - this.pos;
  }

  #need(n: number, what: string): void {
    if (this.pos + n > this.buf.length) throw protocolError(`packet too short reading ${what}`);
  }

  u8(): number {
    this.#need(1, 'int<1>');
    return this.buf[this.pos++]!;
  }

  u16(): number {
    this.#need(2, 'int<2>');
    const v = this.buf.readUInt16LE(this.pos);
    this.pos += 2;
    return v;
  }

  u24(): number {
    this.#need(3, 'int<3>');
    const v = this.buf.readUIntLE(this.pos, 3);
    this.pos += 3;
    return v;
  }

  u32(): number {
    this.#need(4, 'int<4>');
    const v = this.buf.readUInt32LE(this.pos);
    this.pos += 4;
    return v;
  }

  i8(): number {
    this.#need(1, 'int<1>');
    return this.buf.readInt8(this.pos++);
  }

  i16(): number {
    this.#need(2, 'int<2>');
    const v = this.buf.readInt16LE(this.pos);
    this.pos += 2;
    return v;
  }

  i32(): number {
    this.#need(4, 'int<4>');
    const v = this.buf.readInt32LE(this.pos);
    this.pos += 4;
    return v;
  }

  u64(): bigint {
    this.#need(8, 'int<8>');
    const v = this.buf.readBigUInt64LE(this.pos);
    this.pos += 8;
    return v;
  }

  i64(): bigint {
    this.#need(8, 'int<8>');
    const v = this.buf.readBigInt64LE(this.pos);
    this.pos += 8;
    return v;
  }

  f32(): number {
    this.#need(4, 'float');
    const v = this.buf.readFloatLE(this.pos);
    this.pos += 4;
    return v;
  }

  f64(): number {
    this.#need(8, 'double');
    const v = this.buf.readDoubleLE(this.pos);
    this.pos += 8;
    return v;
  }

  /** Length-encoded integer; null for the NULL marker 0xFB. */
  lenencInt(): number | null {
    const first = this.u8();
    if (first < 0xfb) return first;
    if (first === 0xfb) return null;
    if (first === 0xfc) return this.u16();
    if (first === 0xfd) return this.u24();
    if (first === 0xfe) {
      const v = this.u64();
      if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw protocolError('length-encoded integer too large');
      return Number(v);
    }
    throw protocolError('invalid length-encoded integer prefix 0xFF');
  }

  bytes(n: number): Buffer {
    this.#need(n, `${n} bytes`);
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  lenencBytes(): Buffer {
    const n = this.lenencInt();
    if (n === null) throw protocolError('unexpected NULL length');
    return this.bytes(n);
  }

  lenencString(): string {
    return this.lenencBytes().toString('utf8');
  }

  /** NUL-terminated bytes (the NUL is consumed, not returned). A missing NUL takes the rest. */
  nulBytes(): Buffer {
    const end = this.buf.indexOf(0, this.pos);
    if (end < 0) {
      const out = this.buf.subarray(this.pos);
      this.pos = this.buf.length;
      return out;
    }
    const out = this.buf.subarray(this.pos, end);
    this.pos = end + 1;
    return out;
  }

  nulString(): string {
    return this.nulBytes().toString('utf8');
  }

  rest(): Buffer {
    const out = this.buf.subarray(this.pos);
    this.pos = this.buf.length;
    return out;
  }

  skip(n: number): void {
    this.#need(n, `${n} bytes`);
    this.pos += n;
  }
}

/** Size of the length-encoded form of `n`. */
export function lenencIntSize(n: number): number {
  if (n < 0xfb) return 1;
  if (n < 0x10000) return 3;
  if (n < 0x1000000) return 4;
  return 9;
}

const INITIAL_CAPACITY = 16 * 1024;
/** Strings shorter than this are written byte by byte instead of through Buffer.write. */
const SHORT_STRING = 48;

/**
 * Builds outgoing packets into one growing Buffer. `begin()` reserves a header, the
 * payload is written, `end()` fills the header with the next sequence id (splitting
 * payloads of 0xFFFFFF bytes or more into continuation packets). `take()` hands the
 * bytes written so far over (for one `socket.write`) and starts a fresh buffer; the
 * sequence id carries on.
 */
export class PacketWriter {
  #buf: Buffer;
  #pos = 0;
  #start = -1;
  /** Sequence id of the next packet. */
  seq = 0;

  constructor(capacity = INITIAL_CAPACITY) {
    this.#buf = Buffer.allocUnsafe(capacity);
  }

  /** Bytes written and not yet taken. */
  get length(): number {
    return this.#pos;
  }

  #ensure(n: number): void {
    const need = this.#pos + n;
    if (need <= this.#buf.length) return;
    let cap = this.#buf.length * 2;
    while (cap < need) cap *= 2;
    const next = Buffer.allocUnsafe(cap);
    this.#buf.copy(next, 0, 0, this.#pos);
    this.#buf = next;
  }

  begin(): this {
    if (this.#start >= 0) throw new StrataError('INTERNAL', 'PacketWriter.begin() called twice without end()');
    this.#ensure(4);
    this.#start = this.#pos;
    this.#pos += 4;
    return this;
  }

  end(): this {
    const start = this.#start;
    if (start < 0) throw new StrataError('INTERNAL', 'PacketWriter.end() called without begin()');
    this.#start = -1;
    const length = this.#pos - start - 4;
    if (length < MAX_PACKET_PAYLOAD) {
      this.#buf[start] = length & 0xff;
      this.#buf[start + 1] = (length >>> 8) & 0xff;
      this.#buf[start + 2] = (length >>> 16) & 0xff;
      this.#buf[start + 3] = this.seq;
      this.seq = (this.seq + 1) & 0xff;
      return this;
    }
    // Split: full 0xFFFFFF pieces, then a shorter (possibly empty) last piece.
    const payload = Buffer.from(this.#buf.subarray(start + 4, this.#pos));
    const pieces = Math.floor(length / MAX_PACKET_PAYLOAD) + 1;
    this.#pos = start;
    this.#ensure(length + pieces * 4);
    let off = 0;
    for (let i = 0; i < pieces; i++) {
      const n = Math.min(MAX_PACKET_PAYLOAD, length - off);
      this.#buf[this.#pos] = n & 0xff;
      this.#buf[this.#pos + 1] = (n >>> 8) & 0xff;
      this.#buf[this.#pos + 2] = (n >>> 16) & 0xff;
      this.#buf[this.#pos + 3] = this.seq;
      this.seq = (this.seq + 1) & 0xff;
      payload.copy(this.#buf, this.#pos + 4, off, off + n);
      this.#pos += 4 + n;
      off += n;
    }
    return this;
  }

  /** The bytes written so far; the writer starts a new buffer (sequence id kept). */
  take(): Buffer {
    if (this.#start >= 0) throw new StrataError('INTERNAL', 'PacketWriter.take() inside an unfinished packet');
    const out = this.#buf.subarray(0, this.#pos);
    this.#buf = Buffer.allocUnsafe(Math.max(INITIAL_CAPACITY, Math.min(this.#buf.length, 1 << 20)));
    this.#pos = 0;
    return out;
  }

  u8(v: number): this {
    this.#ensure(1);
    this.#buf[this.#pos++] = v & 0xff;
    return this;
  }

  u16(v: number): this {
    this.#ensure(2);
    this.#buf.writeUInt16LE(v & 0xffff, this.#pos);
    this.#pos += 2;
    return this;
  }

  u24(v: number): this {
    this.#ensure(3);
    this.#buf.writeUIntLE(v & 0xffffff, this.#pos, 3);
    this.#pos += 3;
    return this;
  }

  u32(v: number): this {
    this.#ensure(4);
    this.#buf.writeUInt32LE(v >>> 0, this.#pos);
    this.#pos += 4;
    return this;
  }

  // Signed writers wrap out-of-range values (two's complement) instead of throwing.
  i8(v: number): this {
    return this.u8(v);
  }

  i16(v: number): this {
    return this.u16(v);
  }

  i32(v: number): this {
    this.#ensure(4);
    this.#buf.writeInt32LE(v | 0, this.#pos);
    this.#pos += 4;
    return this;
  }

  i64(v: bigint): this {
    this.#ensure(8);
    this.#buf.writeBigInt64LE(BigInt.asIntN(64, v), this.#pos);
    this.#pos += 8;
    return this;
  }

  u64(v: bigint): this {
    this.#ensure(8);
    this.#buf.writeBigUInt64LE(BigInt.asUintN(64, v), this.#pos);
    this.#pos += 8;
    return this;
  }

  f32(v: number): this {
    this.#ensure(4);
    this.#buf.writeFloatLE(v, this.#pos);
    this.#pos += 4;
    return this;
  }

  f64(v: number): this {
    this.#ensure(8);
    this.#buf.writeDoubleLE(v, this.#pos);
    this.#pos += 8;
    return this;
  }

  zeros(n: number): this {
    this.#ensure(n);
    this.#buf.fill(0, this.#pos, this.#pos + n);
    this.#pos += n;
    return this;
  }

  lenencInt(v: number | bigint): this {
    if (typeof v === 'bigint') {
      if (v < 0x1000000n) return this.lenencInt(Number(v));
      this.#ensure(9);
      this.#buf[this.#pos++] = 0xfe;
      this.#buf.writeBigUInt64LE(BigInt.asUintN(64, v), this.#pos);
      this.#pos += 8;
      return this;
    }
    if (v < 0xfb) return this.u8(v);
    if (v < 0x10000) return this.u8(0xfc).u16(v);
    if (v < 0x1000000) return this.u8(0xfd).u24(v);
    this.#ensure(9);
    this.#buf[this.#pos++] = 0xfe;
    this.#buf.writeBigUInt64LE(BigInt(v), this.#pos);
    this.#pos += 8;
    return this;
  }

  bytes(b: Uint8Array): this {
    this.#ensure(b.length);
    this.#buf.set(b, this.#pos);
    this.#pos += b.length;
    return this;
  }

  lenencBytes(b: Uint8Array): this {
    return this.lenencInt(b.length).bytes(b);
  }

  /** UTF-8 text without a length or terminator. */
  string(s: string): this {
    const n = Buffer.byteLength(s, 'utf8');
    this.#ensure(n);
    this.#buf.write(s, this.#pos, n, 'utf8');
    this.#pos += n;
    return this;
  }

  lenencString(s: string): this {
    const len = s.length;
    if (len < SHORT_STRING) {
      // Short ASCII strings are copied by hand: cheaper than two native calls.
      let ascii = true;
      for (let i = 0; i < len; i++) {
        if (s.charCodeAt(i) > 0x7f) {
          ascii = false;
          break;
        }
      }
      if (ascii) return this.lenencAscii(s);
    }
    const n = Buffer.byteLength(s, 'utf8');
    this.lenencInt(n);
    this.#ensure(n);
    this.#buf.write(s, this.#pos, n, 'utf8');
    this.#pos += n;
    return this;
  }

  /** Length-encoded ASCII text (numbers, dates): one byte per character, no UTF-8 scan. */
  lenencAscii(s: string): this {
    const n = s.length;
    this.lenencInt(n);
    this.#ensure(n);
    if (n < SHORT_STRING) {
      const buf = this.#buf;
      const pos = this.#pos;
      for (let i = 0; i < n; i++) buf[pos + i] = s.charCodeAt(i);
    } else {
      this.#buf.write(s, this.#pos, n, 'latin1');
    }
    this.#pos += n;
    return this;
  }

  nulString(s: string): this {
    return this.string(s).u8(0);
  }
}

// ---------------------------------------------------------------------------
// Generic response packets
// ---------------------------------------------------------------------------

export interface OkInfo {
  readonly affectedRows?: number | bigint;
  readonly lastInsertId?: number | bigint;
  readonly status: number;
  readonly warnings?: number;
  readonly info?: string;
}

/** OK_Packet (header 0x00), or with header 0xFE the OK that ends a result set under CLIENT_DEPRECATE_EOF. */
export function writeOk(w: PacketWriter, ok: OkInfo, header = 0x00): void {
  w.begin()
    .u8(header)
    .lenencInt(ok.affectedRows ?? 0)
    .lenencInt(ok.lastInsertId ?? 0)
    .u16(ok.status)
    .u16(Math.min(ok.warnings ?? 0, 0xffff));
  if (ok.info !== undefined && ok.info !== '' && header === 0x00) w.string(ok.info);
  w.end();
}

export function writeErr(w: PacketWriter, errno: number, sqlState: string, message: string): void {
  w.begin().u8(0xff).u16(errno).u8(0x23 /* '#' */).string(sqlState.padEnd(5, '0').slice(0, 5)).string(message).end();
}

export function writeEof(w: PacketWriter, status: number, warnings = 0): void {
  w.begin().u8(0xfe).u16(Math.min(warnings, 0xffff)).u16(status).end();
}

/** The packet that ends column definitions or rows: EOF, or an OK with header 0xFE under CLIENT_DEPRECATE_EOF. */
export function writeEnd(w: PacketWriter, deprecateEof: boolean, status: number, warnings = 0): void {
  if (deprecateEof) writeOk(w, { status, warnings }, 0xfe);
  else writeEof(w, status, warnings);
}
