import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { open, rm, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { Decimal } from '../../core/decimal.js';
import { StrataError } from '../../core/errors.js';
import type { Row, Value } from '../../core/values.js';
import { decodeState, encodeState, type StateValue } from '../../engine/state/codec.js';
import { crc32 } from './binlog/crc32.js';

/**
 * The snapshot spool: what the snapshot phase of a `mysql-cdc` reader handed to `poll`, kept
 * durably so that a reader restored in the middle of the snapshot replays exactly the same
 * changes (the "exact replay" rule of engine/connector.ts). A snapshot read again later would
 * see newer rows; the spool does not.
 *
 * One file, `<dir>/snapshot.spool`, of records `[u32 length][u32 CRC-32 of the payload][payload]`
 * (little endian), each payload a `StateValue` in engine/state/codec.ts's encoding or a unit
 * (below). Record 0 is the header `{ magic, id }`; the id is random per spool and goes into the
 * reader's offsets, so offsets from another spool are never replayed from this one. Records are
 * only appended, each append (one or more records) followed by one fsync, and a record is
 * durable *before* its changes are handed to `poll`: a
 * record that is not in the spool was never returned. Opening cuts a torn tail (a length past
 * the end of the file or a CRC mismatch) at the first bad record.
 *
 * Two payload forms: a `StateValue` in the state codec (`append`, `read`), and a *unit*
 * (`appendUnits`, `readUnit`): the offsets (state codec), the row kinds and the rows in a
 * typed row encoding made for this (one tag byte per value, numbers and bigints and small
 * decimals in fixed binary, text as UTF-8), which costs a fraction of the generic codec. A
 * unit's payload starts with the byte `UNIT_MARK`, which no state-codec payload starts with.
 *
 * Appends are ordered: each one's bytes are encoded when it is called, written and fsynced
 * after the previous one's; so a caller may start an append and go on reading while the disk
 * works, and hand the unit to `poll` once the append's promise resolves.
 *
 * Memory: the spool keeps one number per record (its file offset); records are read one at a
 * time.
 */

const MAGIC = 'strata-mysql-cdc-spool-1';
const HEADER_BYTES = 8;
/** A record larger than this is treated as damage (a chunk is far smaller). */
const MAX_RECORD = 1 << 30;

export class SnapshotSpool {
  readonly #dir: string;
  readonly #path: string;
  #fh: FileHandle | null = null;
  /** File offset of each data record (the header excluded). */
  #offsets: number[] = [];
  #end = 0;
  #id = '';
  /** The last append's write (appends are written in call order). */
  #tail: Promise<void> = Promise.resolve();
  /** Bytes of the last unit payload (the next one's first buffer size). */
  #lastSize = 4096;

  private constructor(dir: string) {
    this.#dir = dir;
    this.#path = join(dir, 'snapshot.spool');
  }

  /** The spool's random id (in the reader's offsets). */
  get id(): string {
    return this.#id;
  }

  /** Data records in the spool. */
  get count(): number {
    return this.#offsets.length;
  }

  get path(): string {
    return this.#path;
  }

  /** A new, empty spool in `dir` (an old one there is removed). */
  static async create(dir: string): Promise<SnapshotSpool> {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const s = new SnapshotSpool(dir);
    s.#fh = await open(s.#path, 'w+');
    s.#id = randomBytes(8).toString('hex');
    await s.#write(encodeState({ magic: MAGIC, id: s.#id }), false);
    await syncDir(dir);
    return s;
  }

  /**
   * The spool in `dir` as it was left, its torn tail cut; null when there is none (or its
   * header is unreadable).
   */
  static async openExisting(dir: string): Promise<SnapshotSpool | null> {
    const s = new SnapshotSpool(dir);
    let fh: FileHandle;
    try {
      fh = await open(s.#path, 'r+');
    } catch {
      return null;
    }
    s.#fh = fh;
    const size = (await fh.stat()).size;
    const head = Buffer.allocUnsafe(HEADER_BYTES);
    let at = 0;
    let first = true;
    while (at + HEADER_BYTES <= size) {
      await readFully(fh, head, at);
      const len = head.readUInt32LE(0);
      const crc = head.readUInt32LE(4);
      if (len > MAX_RECORD || at + HEADER_BYTES + len > size) break;
      const body = Buffer.allocUnsafe(len);
      await readFully(fh, body, at + HEADER_BYTES);
      if (crc32(body, 0, len) !== crc) break;
      if (first) {
        let h: StateValue;
        try {
          h = decodeState(body);
        } catch {
          break;
        }
        const rec = h as Readonly<Record<string, StateValue>> | null;
        if (rec === null || typeof rec !== 'object' || rec['magic'] !== MAGIC || typeof rec['id'] !== 'string') break;
        s.#id = rec['id'];
        first = false;
      } else {
        s.#offsets.push(at);
      }
      at += HEADER_BYTES + len;
    }
    if (first) {
      await fh.close();
      return null;
    }
    if (at < size) {
      await fh.truncate(at);
      await fh.sync();
    }
    s.#end = at;
    return s;
  }

  /** Removes the spool directory (the snapshot is over and no offsets need it any more). */
  static remove(dir: string): void {
    rmSync(dir, { recursive: true, force: true });
  }

  /** `remove` without blocking the thread (a spool is about the table's size). */
  static async removeDir(dir: string): Promise<void> {
    await rm(dir, { recursive: true, force: true });
  }

  /** Appends one record and makes it durable (fsync) before resolving. */
  async append(value: StateValue): Promise<void> {
    await this.appendMany([value]);
  }

  /** Appends records and makes them durable with one fsync before resolving. */
  appendMany(values: readonly StateValue[]): Promise<void> {
    return this.#appendPayloads(values.map((v) => encodeState(v)));
  }

  /**
   * Appends units (one record each) and makes them durable with one write and one fsync before
   * resolving. The records are encoded (and counted in `count`) before this returns.
   */
  appendUnits(units: readonly SpoolUnit[]): Promise<void> {
    const payloads: Buffer[] = [];
    for (const u of units) {
      const b = encodeUnit(u, this.#lastSize);
      this.#lastSize = Math.max(4096, b.length);
      payloads.push(b);
    }
    return this.#appendPayloads(payloads);
  }

  #appendPayloads(payloads: readonly Buffer[]): Promise<void> {
    if (payloads.length === 0) return this.#tail;
    const at = this.#end;
    const parts: Buffer[] = [];
    let end = at;
    for (const payload of payloads) {
      this.#offsets.push(end);
      parts.push(recordHead(payload), payload);
      end += HEADER_BYTES + payload.length;
    }
    this.#end = end;
    const fh = this.#handle();
    const write = this.#tail.then(async () => {
      await writeAll(fh, parts, at);
      await fh.datasync();
    });
    // A failed write fails this append and every later one (the spool is broken).
    this.#tail = write;
    return write;
  }

  async #write(payload: Buffer, sync: boolean): Promise<void> {
    const fh = this.#handle();
    await writeAll(fh, [recordHead(payload), payload], this.#end);
    this.#end += HEADER_BYTES + payload.length;
    if (sync) await fh.datasync();
    else await fh.sync();
  }

  /** Unit record `i` (0-based, the header excluded); a state-codec record `{ o, k, r }` is read as a unit too. */
  async readUnit(i: number): Promise<SpoolUnit & { readonly kinds: Uint8Array }> {
    const body = await this.#readBody(i);
    if (body[0] === UNIT_MARK) return decodeUnit(body, this.#path);
    const rec = decodeState(body) as Readonly<Record<string, StateValue>>;
    const k = rec['k'] as Uint8Array;
    return { offsets: rec['o'] ?? null, kinds: k, rows: rec['r'] as unknown as Row[] };
  }

  /** Record `i` (0-based, the header excluded). */
  async read(i: number): Promise<StateValue> {
    const body = await this.#readBody(i);
    if (body[0] === UNIT_MARK) {
      const u = decodeUnit(body, this.#path);
      return { o: u.offsets, k: u.kinds, r: u.rows as unknown as StateValue };
    }
    return decodeState(body);
  }

  async #readBody(i: number): Promise<Buffer> {
    const at = this.#offsets[i];
    if (at === undefined) throw new StrataError('INTERNAL', `snapshot spool ${this.#path} has no record ${i} (it has ${this.#offsets.length})`);
    await this.#tail;
    const fh = this.#handle();
    const head = Buffer.allocUnsafe(HEADER_BYTES);
    await readFully(fh, head, at);
    const body = Buffer.allocUnsafe(head.readUInt32LE(0));
    await readFully(fh, body, at + HEADER_BYTES);
    return body;
  }

  /** Resolves once every append so far is durable (rejects when one failed). */
  flushed(): Promise<void> {
    return this.#tail;
  }

  async close(): Promise<void> {
    await this.#tail.catch(() => undefined);
    const fh = this.#fh;
    this.#fh = null;
    await fh?.close();
  }

  #handle(): FileHandle {
    if (this.#fh === null) throw new StrataError('INTERNAL', `snapshot spool ${this.#path} is closed`);
    return this.#fh;
  }

  get dir(): string {
    return this.#dir;
  }
}

function recordHead(payload: Buffer): Buffer {
  const head = Buffer.allocUnsafe(HEADER_BYTES);
  head.writeUInt32LE(payload.length, 0);
  head.writeUInt32LE(crc32(payload, 0, payload.length), 4);
  return head;
}

async function writeAll(fh: FileHandle, parts: Buffer[], position: number): Promise<void> {
  let at = position;
  let rest = parts;
  for (;;) {
    const { bytesWritten } = await fh.writev(rest, at);
    let total = 0;
    for (const b of rest) total += b.length;
    if (bytesWritten >= total) return;
    // A short write: go on with what is left.
    at += bytesWritten;
    let skip = bytesWritten;
    const next: Buffer[] = [];
    for (const b of rest) {
      if (skip >= b.length) {
        skip -= b.length;
        continue;
      }
      next.push(skip > 0 ? b.subarray(skip) : b);
      skip = 0;
    }
    rest = next;
  }
}

async function readFully(fh: FileHandle, buf: Buffer, position: number): Promise<void> {
  let done = 0;
  while (done < buf.length) {
    const { bytesRead } = await fh.read(buf, done, buf.length - done, position + done);
    if (bytesRead === 0) throw new StrataError('STATE', `unexpected end of the snapshot spool at byte ${position + done}`);
    done += bytesRead;
  }
}

async function syncDir(dir: string): Promise<void> {
  try {
    const d = await open(dir, 'r');
    try {
      await d.sync();
    } finally {
      await d.close();
    }
  } catch {
    // Some file systems do not fsync directories; the file itself is synced.
  }
}

// ---------------------------------------------------------------------------
// Units: offsets, kinds and rows in a typed row encoding
// ---------------------------------------------------------------------------

/** What the snapshot phase hands over in one step: its changes and the offsets after them. */
export interface SpoolUnit {
  readonly offsets: StateValue;
  /** Row kinds (core/row-kind.ts codes), one per row. */
  readonly kinds: ArrayLike<number>;
  readonly rows: readonly Row[];
}

/** First byte of a unit payload (state-codec payloads start with a tag below 16). */
const UNIT_MARK = 0xc7;

const V_NULL = 0;
const V_TRUE = 1;
const V_FALSE = 2;
const V_INT32 = 3;
const V_F64 = 4;
const V_I64 = 5;
const V_BIGTEXT = 6;
const V_STR = 7;
const V_DEC64 = 8;
const V_DECTEXT = 9;
const V_BYTES = 10;
/** A bigint within ±(2^53 - 1), as a double (exact; cheaper to write than an int64). */
const V_SAFEBIG = 11;
/** A Decimal whose unscaled value is within ±(2^53 - 1): scale, then the unscaled value as a double. */
const V_DECSAFE = 12;
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const MIN_SAFE = -MAX_SAFE;

/** Buffer's own UTF-8 writer and slice (what write / toString call after checking arguments). */
interface Utf8Native {
  utf8Write(s: string, offset: number, length: number): number;
  utf8Slice(start: number, end: number): string;
}

class UnitWriter {
  buf: Buffer;
  /** A view of `buf` for fixed-size numbers (DataView's setters are V8 intrinsics). */
  dv: DataView;
  pos = 0;
  constructor(size: number) {
    this.buf = Buffer.allocUnsafe(size);
    this.dv = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
  }
  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
    this.dv = new DataView(next.buffer, next.byteOffset, next.byteLength);
  }
  u32(v: number): void {
    this.dv.setUint32(this.pos, v, true);
    this.pos += 4;
  }
  text(s: string): void {
    const n = s.length;
    this.ensure(4 + n * 3);
    const buf = this.buf;
    const start = this.pos + 4;
    let i = 0;
    // ASCII by hand (most keys and names); the rest by the native encoder.
    if (n <= 64) {
      for (; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) break;
        buf[start + i] = c;
      }
    }
    const len = i === n ? n : (buf as unknown as Utf8Native).utf8Write(s, start, buf.length - start);
    this.dv.setUint32(this.pos, len, true);
    this.pos = start + len;
  }
  value(v: Value): void {
    this.ensure(16);
    const buf = this.buf;
    const dv = this.dv;
    if (v === null) {
      buf[this.pos++] = V_NULL;
      return;
    }
    switch (typeof v) {
      case 'boolean':
        buf[this.pos++] = v ? V_TRUE : V_FALSE;
        return;
      case 'number':
        if ((v | 0) === v && (v !== 0 || 1 / v > 0)) {
          buf[this.pos] = V_INT32;
          dv.setInt32(this.pos + 1, v, true);
          this.pos += 5;
        } else {
          buf[this.pos] = V_F64;
          dv.setFloat64(this.pos + 1, v, true);
          this.pos += 9;
        }
        return;
      case 'bigint':
        if (v <= MAX_SAFE && v >= MIN_SAFE) {
          buf[this.pos] = V_SAFEBIG;
          dv.setFloat64(this.pos + 1, Number(v), true);
          this.pos += 9;
        } else if (BigInt.asIntN(64, v) === v) {
          buf[this.pos] = V_I64;
          dv.setBigInt64(this.pos + 1, v, true);
          this.pos += 9;
        } else {
          buf[this.pos++] = V_BIGTEXT;
          this.text(v.toString());
        }
        return;
      case 'string':
        buf[this.pos++] = V_STR;
        this.text(v);
        return;
    }
    if (v instanceof Decimal) {
      const u = v.unscaled;
      if (u <= MAX_SAFE && u >= MIN_SAFE) {
        buf[this.pos] = V_DECSAFE;
        dv.setInt32(this.pos + 1, v.scale, true);
        dv.setFloat64(this.pos + 5, Number(u), true);
        this.pos += 13;
      } else if (BigInt.asIntN(64, u) === u) {
        buf[this.pos] = V_DEC64;
        dv.setInt32(this.pos + 1, v.scale, true);
        dv.setBigInt64(this.pos + 5, u, true);
        this.pos += 13;
      } else {
        buf[this.pos] = V_DECTEXT;
        dv.setInt32(this.pos + 1, v.scale, true);
        this.pos += 5;
        this.text(v.unscaled.toString());
      }
      return;
    }
    buf[this.pos++] = V_BYTES;
    this.ensure(4 + v.length);
    this.u32(v.length);
    this.buf.set(v, this.pos);
    this.pos += v.length;
  }
}

/** `[UNIT_MARK][u32 offsets length][offsets][u32 rows][kinds: one byte per row][rows: u32 width, values]`. */
function encodeUnit(u: SpoolUnit, sizeHint: number): Buffer {
  const off = encodeState(u.offsets);
  const n = u.rows.length;
  const w = new UnitWriter(Math.max(sizeHint, 64 + off.length + n));
  w.buf[w.pos++] = UNIT_MARK;
  w.u32(off.length);
  off.copy(w.buf, w.pos);
  w.pos += off.length;
  w.ensure(4 + n);
  w.u32(n);
  for (let i = 0; i < n; i++) w.buf[w.pos + i] = u.kinds[i]!;
  w.pos += n;
  for (let i = 0; i < n; i++) {
    const row = u.rows[i]!;
    const width = row.length;
    w.ensure(4);
    w.u32(width);
    for (let j = 0; j < width; j++) w.value(row[j] ?? null);
  }
  return w.buf.subarray(0, w.pos);
}

function decodeUnit(b: Buffer, path: string): SpoolUnit & { readonly kinds: Uint8Array } {
  let p = 1;
  const need = (n: number): void => {
    if (p + n > b.length) throw new StrataError('STATE', `snapshot spool ${path}: a unit record is truncated at byte ${p} of ${b.length}`);
  };
  const u32 = (): number => {
    need(4);
    const v = b.readUInt32LE(p);
    p += 4;
    return v;
  };
  const text = (): string => {
    const len = u32();
    need(len);
    const s = (b as unknown as Utf8Native).utf8Slice(p, p + len);
    p += len;
    return s;
  };
  const offLen = u32();
  need(offLen);
  const offsets = decodeState(b.subarray(p, p + offLen));
  p += offLen;
  const n = u32();
  need(n);
  const kinds = Uint8Array.from(b.subarray(p, p + n));
  p += n;
  const rows = new Array<Row>(n);
  for (let i = 0; i < n; i++) {
    const width = u32();
    const row = new Array<Value>(width);
    for (let j = 0; j < width; j++) {
      need(1);
      const tag = b[p++]!;
      switch (tag) {
        case V_NULL:
          row[j] = null;
          break;
        case V_TRUE:
          row[j] = true;
          break;
        case V_FALSE:
          row[j] = false;
          break;
        case V_INT32:
          need(4);
          row[j] = b.readInt32LE(p);
          p += 4;
          break;
        case V_F64:
          need(8);
          row[j] = b.readDoubleLE(p);
          p += 8;
          break;
        case V_I64:
          need(8);
          row[j] = b.readBigInt64LE(p);
          p += 8;
          break;
        case V_SAFEBIG:
          need(8);
          row[j] = BigInt(b.readDoubleLE(p));
          p += 8;
          break;
        case V_DECSAFE: {
          need(12);
          const scale = b.readInt32LE(p);
          row[j] = new Decimal(BigInt(b.readDoubleLE(p + 4)), scale);
          p += 12;
          break;
        }
        case V_BIGTEXT:
          row[j] = BigInt(text());
          break;
        case V_STR:
          row[j] = text();
          break;
        case V_DEC64: {
          need(12);
          const scale = b.readInt32LE(p);
          row[j] = new Decimal(b.readBigInt64LE(p + 4), scale);
          p += 12;
          break;
        }
        case V_DECTEXT: {
          need(4);
          const scale = b.readInt32LE(p);
          p += 4;
          row[j] = new Decimal(BigInt(text()), scale);
          break;
        }
        case V_BYTES: {
          const len = u32();
          need(len);
          row[j] = Uint8Array.from(b.subarray(p, p + len));
          p += len;
          break;
        }
        default:
          throw new StrataError('STATE', `snapshot spool ${path}: unknown value tag ${tag} at byte ${p - 1}`);
      }
    }
    rows[i] = row;
  }
  return { offsets, kinds, rows };
}
