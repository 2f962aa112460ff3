import { StrataError } from '../../../core/errors.js';

/**
 * A bounds-checked reader over a Buffer range, for the protocol and the event headers and
 * post-headers (not the row hot path, which reads the Buffer directly). Integers are
 * little-endian unless the name says `BE`. Reading past `end` throws a `CONNECTOR_DATA`
 * StrataError ("truncated"), which the event parser turns into a message with the position.
 */
export class Cursor {
  buf: Buffer;
  pos: number;
  end: number;

  constructor(buf: Buffer, pos = 0, end = buf.length) {
    this.buf = buf;
    this.pos = pos;
    this.end = end;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  need(n: number): void {
    if (this.pos + n > this.end) {
      throw new StrataError('CONNECTOR_DATA', `truncated data: needed ${n} byte(s) at offset ${this.pos}, ${this.end - this.pos} left`);
    }
  }

  skip(n: number): void {
    this.need(n);
    this.pos += n;
  }

  u8(): number {
    this.need(1);
    return this.buf[this.pos++]!;
  }

  u16(): number {
    this.need(2);
    const v = this.buf.readUInt16LE(this.pos);
    this.pos += 2;
    return v;
  }

  u24(): number {
    this.need(3);
    const b = this.buf;
    const p = this.pos;
    this.pos += 3;
    return b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16);
  }

  u32(): number {
    this.need(4);
    const v = this.buf.readUInt32LE(this.pos);
    this.pos += 4;
    return v;
  }

  /** 6-byte unsigned (table ids). */
  u48(): number {
    this.need(6);
    const v = this.buf.readUIntLE(this.pos, 6);
    this.pos += 6;
    return v;
  }

  /** 8-byte unsigned as a bigint. */
  u64(): bigint {
    this.need(8);
    const v = this.buf.readBigUInt64LE(this.pos);
    this.pos += 8;
    return v;
  }

  /** 8-byte unsigned as a number (positions, counts); exact below 2^53. */
  u64n(): number {
    this.need(8);
    const lo = this.buf.readUInt32LE(this.pos);
    const hi = this.buf.readUInt32LE(this.pos + 4);
    this.pos += 8;
    return hi * 4294967296 + lo;
  }

  /** Length-encoded integer; null for the NULL marker 0xFB. */
  lenencOrNull(): number | null {
    const first = this.u8();
    if (first < 0xfb) return first;
    if (first === 0xfb) return null;
    if (first === 0xfc) return this.u16();
    if (first === 0xfd) return this.u24();
    if (first === 0xfe) return this.u64n();
    throw new StrataError('CONNECTOR_DATA', `bad length-encoded integer prefix 0xff at offset ${this.pos - 1}`);
  }

  lenenc(): number {
    const v = this.lenencOrNull();
    if (v === null) throw new StrataError('CONNECTOR_DATA', `unexpected NULL length at offset ${this.pos - 1}`);
    return v;
  }

  bytes(n: number): Buffer {
    this.need(n);
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  str(n: number, encoding: BufferEncoding = 'utf8'): string {
    this.need(n);
    const s = this.buf.toString(encoding, this.pos, this.pos + n);
    this.pos += n;
    return s;
  }

  /** A NUL-terminated string (the NUL is consumed); to `end` when there is no NUL. */
  nulStr(encoding: BufferEncoding = 'utf8'): string {
    let i = this.pos;
    while (i < this.end && this.buf[i] !== 0) i++;
    const s = this.buf.toString(encoding, this.pos, i);
    this.pos = i < this.end ? i + 1 : i;
    return s;
  }

  lenencStr(encoding: BufferEncoding = 'utf8'): string {
    return this.str(this.lenenc(), encoding);
  }

  rest(): Buffer {
    const out = this.buf.subarray(this.pos, this.end);
    this.pos = this.end;
    return out;
  }
}

/** Appends a length-encoded integer to `out`. */
export function pushLenenc(out: number[], n: number): void {
  if (n < 0xfb) out.push(n);
  else if (n < 0x10000) out.push(0xfc, n & 0xff, (n >>> 8) & 0xff);
  else if (n < 0x1000000) out.push(0xfd, n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff);
  else {
    out.push(0xfe);
    let v = BigInt(n);
    for (let i = 0; i < 8; i++) {
      out.push(Number(v & 0xffn));
      v >>= 8n;
    }
  }
}
