import { gunzipSync, gzipSync } from 'node:zlib';
import * as zlib from 'node:zlib';
import { StrataError } from '../core/errors.js';
import { crc32c } from '../core/crc32c.js';
import { logError } from './errors.js';

/**
 * Kafka's record batch, message format v2 (magic 2): the unit the log stores, indexes,
 * checks and serves. Layout (big-endian):
 *
 *   0 baseOffset i64 | 8 batchLength i32 | 12 partitionLeaderEpoch i32 | 16 magic i8 |
 *   17 crc u32 | 21 attributes i16 | 23 lastOffsetDelta i32 | 27 baseTimestamp i64 |
 *   35 maxTimestamp i64 | 43 producerId i64 | 51 producerEpoch i16 | 53 baseSequence i32 |
 *   57 recordCount i32 | 61 records...
 *
 * batchLength counts the bytes after itself (a batch is batchLength + 12 bytes). The CRC
 * (CRC-32C) covers attributes to the end, so baseOffset and partitionLeaderEpoch can be
 * rewritten by the broker without recomputing it.
 *
 * Each record: length varint | attributes i8 | timestampDelta varlong | offsetDelta varint |
 * keyLength varint | key | valueLength varint | value | headerCount varint |
 * (headerKeyLength varint | headerKey utf8 | headerValueLength varint | headerValue)*.
 * Varints are zig-zag encoded; a length of -1 is null.
 *
 * Offsets and timestamps are JavaScript numbers: exact below 2^53.
 */

export const LOG_OVERHEAD = 12;
export const BATCH_HEADER_SIZE = 61;
export const MAGIC_V2 = 2;

export const OFF_BASE_OFFSET = 0;
export const OFF_LENGTH = 8;
export const OFF_LEADER_EPOCH = 12;
export const OFF_MAGIC = 16;
export const OFF_CRC = 17;
export const OFF_ATTRIBUTES = 21;
export const OFF_LAST_OFFSET_DELTA = 23;
export const OFF_BASE_TIMESTAMP = 27;
export const OFF_MAX_TIMESTAMP = 35;
export const OFF_PRODUCER_ID = 43;
export const OFF_PRODUCER_EPOCH = 51;
export const OFF_BASE_SEQUENCE = 53;
export const OFF_RECORD_COUNT = 57;

export const ATTR_COMPRESSION_MASK = 0x07;
export const ATTR_TIMESTAMP_TYPE = 0x08;
export const ATTR_TRANSACTIONAL = 0x10;
export const ATTR_CONTROL = 0x20;

export type Compression = 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd';
const COMPRESSIONS: readonly Compression[] = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];

export interface BatchHeader {
  readonly baseOffset: number;
  /** The batchLength field: bytes after it. */
  readonly length: number;
  /** Bytes of the whole batch: length + 12. */
  readonly size: number;
  readonly partitionLeaderEpoch: number;
  readonly magic: number;
  readonly crc: number;
  readonly attributes: number;
  readonly lastOffsetDelta: number;
  readonly baseTimestamp: number;
  readonly maxTimestamp: number;
  readonly producerId: number;
  readonly producerEpoch: number;
  readonly baseSequence: number;
  readonly recordCount: number;
}

export interface RecordHeader {
  readonly key: string;
  readonly value: Uint8Array | null;
}

/** A record to append. `timestamp` defaults to the time of the append (ms since epoch). */
export interface ProducerRecord {
  readonly key: Uint8Array | null;
  readonly value: Uint8Array | null;
  readonly headers?: readonly RecordHeader[];
  readonly timestamp?: number;
}

/**
 * A record read back. `key` and `value` are views into the buffer the batch was read
 * into: copy them to keep them beyond the next read.
 */
export interface ConsumedRecord {
  readonly offset: number;
  readonly timestamp: number;
  readonly key: Uint8Array | null;
  readonly value: Uint8Array | null;
  readonly headers: readonly RecordHeader[];
}

// ---------------------------------------------------------------------------------------
// fixed-width fields

export function readInt64(buf: Uint8Array, pos: number): number {
  const b = buf as Buffer;
  return b.readInt32BE(pos) * 4294967296 + b.readUInt32BE(pos + 4);
}

export function writeInt64(buf: Uint8Array, pos: number, v: number): void {
  const b = buf as Buffer;
  const hi = Math.floor(v / 4294967296);
  b.writeInt32BE(hi, pos);
  b.writeUInt32BE(v - hi * 4294967296, pos + 4);
}

export function readBatchHeader(buf: Buffer, pos: number): BatchHeader {
  const length = buf.readInt32BE(pos + OFF_LENGTH);
  return {
    baseOffset: readInt64(buf, pos + OFF_BASE_OFFSET),
    length,
    size: length + LOG_OVERHEAD,
    partitionLeaderEpoch: buf.readInt32BE(pos + OFF_LEADER_EPOCH),
    magic: buf.readInt8(pos + OFF_MAGIC),
    crc: buf.readUInt32BE(pos + OFF_CRC),
    attributes: buf.readInt16BE(pos + OFF_ATTRIBUTES),
    lastOffsetDelta: buf.readInt32BE(pos + OFF_LAST_OFFSET_DELTA),
    baseTimestamp: readInt64(buf, pos + OFF_BASE_TIMESTAMP),
    maxTimestamp: readInt64(buf, pos + OFF_MAX_TIMESTAMP),
    producerId: readInt64(buf, pos + OFF_PRODUCER_ID),
    producerEpoch: buf.readInt16BE(pos + OFF_PRODUCER_EPOCH),
    baseSequence: buf.readInt32BE(pos + OFF_BASE_SEQUENCE),
    recordCount: buf.readInt32BE(pos + OFF_RECORD_COUNT),
  };
}

export function compressionOf(attributes: number): Compression | null {
  return COMPRESSIONS[attributes & ATTR_COMPRESSION_MASK] ?? null;
}

/** True when the stored CRC matches the bytes of the batch at `pos` (of `size` bytes). */
export function batchCrcOk(buf: Buffer, pos: number, size: number): boolean {
  return buf.readUInt32BE(pos + OFF_CRC) === crc32c(buf, pos + OFF_ATTRIBUTES, pos + size);
}

/** Recomputes and stores the CRC of the batch at `pos`. */
export function writeBatchCrc(buf: Buffer, pos: number, size: number): void {
  buf.writeUInt32BE(crc32c(buf, pos + OFF_ATTRIBUTES, pos + size), pos + OFF_CRC);
}

// ---------------------------------------------------------------------------------------
// varints (zig-zag)

/** A read position in a buffer; the record codec advances `pos`. */
export class ByteCursor {
  buf: Buffer;
  pos: number;
  end: number;

  constructor(buf: Buffer, pos = 0, end = buf.length) {
    this.buf = buf;
    this.pos = pos;
    this.end = end;
  }

  varint(): number {
    let v = 0;
    let shift = 0;
    for (;;) {
      if (this.pos >= this.end) throw truncated();
      const b = this.buf[this.pos++]!;
      v |= (b & 0x7f) << shift;
      if ((b & 0x80) === 0) break;
      shift += 7;
      if (shift > 28) throw new StrataError('CONNECTOR_DATA', 'varint longer than 5 bytes in a record');
    }
    return (v >>> 1) ^ -(v & 1);
  }

  varlong(): number {
    let v = 0;
    let mul = 1;
    for (let i = 0; ; i++) {
      if (this.pos >= this.end) throw truncated();
      const b = this.buf[this.pos++]!;
      v += (b & 0x7f) * mul;
      if ((b & 0x80) === 0) break;
      mul *= 128;
      if (i >= 9) throw new StrataError('CONNECTOR_DATA', 'varlong longer than 10 bytes in a record');
    }
    return v % 2 === 0 ? v / 2 : -(v + 1) / 2;
  }

  bytes(len: number): Buffer {
    if (this.pos + len > this.end) throw truncated();
    const b = this.buf.subarray(this.pos, this.pos + len);
    this.pos += len;
    return b;
  }
}

function truncated(): StrataError {
  return new StrataError('CONNECTOR_DATA', 'record batch is truncated: a record runs past the end of its batch');
}

function zigzag32(n: number): number {
  return ((n << 1) ^ (n >> 31)) >>> 0;
}

function uvarintSize(u: number): number {
  let s = 1;
  while (u >= 128) {
    u = Math.floor(u / 128);
    s++;
  }
  return s;
}

function varintSize(n: number): number {
  return uvarintSize(zigzag32(n));
}

function varlongSize(n: number): number {
  return uvarintSize(n >= 0 ? n * 2 : -n * 2 - 1);
}

function writeUvarint(buf: Buffer, pos: number, u: number): number {
  while (u >= 128) {
    buf[pos++] = (u % 128) | 0x80;
    u = Math.floor(u / 128);
  }
  buf[pos++] = u;
  return pos;
}

function writeVarint(buf: Buffer, pos: number, n: number): number {
  return writeUvarint(buf, pos, zigzag32(n));
}

function writeVarlong(buf: Buffer, pos: number, n: number): number {
  return writeUvarint(buf, pos, n >= 0 ? n * 2 : -n * 2 - 1);
}

// ---------------------------------------------------------------------------------------
// building batches

export interface BuildBatchOptions {
  readonly baseOffset?: number;
  readonly producerId?: number;
  readonly producerEpoch?: number;
  readonly baseSequence?: number;
  readonly compression?: 'none' | 'gzip';
  /** The timestamp of records without one. Default Date.now(). */
  readonly now?: number;
  /** Offset deltas of the records (compaction keeps gaps). Default 0, 1, 2, ... */
  readonly offsetDeltas?: readonly number[];
  /** The lastOffsetDelta field. Default the last offset delta. */
  readonly lastOffsetDelta?: number;
  readonly attributes?: number;
  readonly baseTimestamp?: number;
  readonly maxTimestamp?: number;
}

/** Encodes records into one v2 batch (uncompressed unless `compression: 'gzip'`). */
export function buildRecordBatch(records: readonly ProducerRecord[], options: BuildBatchOptions = {}): Buffer {
  const n = records.length;
  if (n === 0) throw new StrataError('INTERNAL', 'buildRecordBatch needs at least one record');
  const now = options.now ?? Date.now();
  const baseTs = options.baseTimestamp ?? records[0]!.timestamp ?? now;
  let maxTs = -1;
  for (let i = 0; i < n; i++) {
    const ts = records[i]!.timestamp ?? now;
    if (ts > maxTs) maxTs = ts;
  }
  const deltas = options.offsetDeltas;
  // sizes first, so the batch is one allocation
  const headerKeys: (Buffer[] | null)[] = new Array<Buffer[] | null>(n);
  const bodySizes = new Array<number>(n);
  let recordsSize = 0;
  for (let i = 0; i < n; i++) {
    const r = records[i]!;
    const ts = r.timestamp ?? now;
    const od = deltas === undefined ? i : deltas[i]!;
    let size = 1 + varlongSize(ts - baseTs) + varintSize(od);
    size += r.key === null ? varintSize(-1) : varintSize(r.key.length) + r.key.length;
    size += r.value === null ? varintSize(-1) : varintSize(r.value.length) + r.value.length;
    const hs = r.headers ?? [];
    size += varintSize(hs.length);
    if (hs.length > 0) {
      const keys: Buffer[] = [];
      for (const h of hs) {
        const k = Buffer.from(h.key, 'utf8');
        keys.push(k);
        size += varintSize(k.length) + k.length;
        size += h.value === null ? varintSize(-1) : varintSize(h.value.length) + h.value.length;
      }
      headerKeys[i] = keys;
    } else {
      headerKeys[i] = null;
    }
    bodySizes[i] = size;
    recordsSize += varintSize(size) + size;
  }
  const buf = Buffer.allocUnsafe(BATCH_HEADER_SIZE + recordsSize);
  let p = BATCH_HEADER_SIZE;
  for (let i = 0; i < n; i++) {
    const r = records[i]!;
    const ts = r.timestamp ?? now;
    const od = deltas === undefined ? i : deltas[i]!;
    p = writeVarint(buf, p, bodySizes[i]!);
    buf[p++] = 0;
    p = writeVarlong(buf, p, ts - baseTs);
    p = writeVarint(buf, p, od);
    if (r.key === null) p = writeVarint(buf, p, -1);
    else {
      p = writeVarint(buf, p, r.key.length);
      buf.set(r.key, p);
      p += r.key.length;
    }
    if (r.value === null) p = writeVarint(buf, p, -1);
    else {
      p = writeVarint(buf, p, r.value.length);
      buf.set(r.value, p);
      p += r.value.length;
    }
    const hs = r.headers ?? [];
    p = writeVarint(buf, p, hs.length);
    const keys = headerKeys[i];
    for (let h = 0; h < hs.length; h++) {
      const k = keys![h]!;
      p = writeVarint(buf, p, k.length);
      k.copy(buf, p);
      p += k.length;
      const v = hs[h]!.value;
      if (v === null) p = writeVarint(buf, p, -1);
      else {
        p = writeVarint(buf, p, v.length);
        buf.set(v, p);
        p += v.length;
      }
    }
  }
  const lastDelta = options.lastOffsetDelta ?? (deltas === undefined ? n - 1 : deltas[n - 1]!);
  let out = buf;
  let attributes = (options.attributes ?? 0) & ~ATTR_COMPRESSION_MASK;
  if (options.compression === 'gzip') {
    const z = gzipSync(buf.subarray(BATCH_HEADER_SIZE));
    out = Buffer.allocUnsafe(BATCH_HEADER_SIZE + z.length);
    z.copy(out, BATCH_HEADER_SIZE);
    attributes |= 1;
  }
  writeInt64(out, OFF_BASE_OFFSET, options.baseOffset ?? 0);
  out.writeInt32BE(out.length - LOG_OVERHEAD, OFF_LENGTH);
  out.writeInt32BE(-1, OFF_LEADER_EPOCH);
  out.writeInt8(MAGIC_V2, OFF_MAGIC);
  out.writeInt16BE(attributes, OFF_ATTRIBUTES);
  out.writeInt32BE(lastDelta, OFF_LAST_OFFSET_DELTA);
  writeInt64(out, OFF_BASE_TIMESTAMP, baseTs);
  writeInt64(out, OFF_MAX_TIMESTAMP, options.maxTimestamp ?? maxTs);
  writeInt64(out, OFF_PRODUCER_ID, options.producerId ?? -1);
  out.writeInt16BE(options.producerEpoch ?? -1, OFF_PRODUCER_EPOCH);
  out.writeInt32BE(options.baseSequence ?? -1, OFF_BASE_SEQUENCE);
  out.writeInt32BE(n, OFF_RECORD_COUNT);
  writeBatchCrc(out, 0, out.length);
  return out;
}

// ---------------------------------------------------------------------------------------
// reading batches

/** The records section of a batch, decompressed. Throws for codecs this build cannot read. */
export function recordsSection(buf: Buffer, pos: number, size: number, where: () => string): Buffer {
  const attributes = buf.readInt16BE(pos + OFF_ATTRIBUTES);
  const section = buf.subarray(pos + BATCH_HEADER_SIZE, pos + size);
  const codec = compressionOf(attributes);
  switch (codec) {
    case 'none':
      return section;
    case 'gzip':
      try {
        return gunzipSync(section);
      } catch (e) {
        throw logError('CORRUPT_MESSAGE', 'CONNECTOR_DATA', `gzip data of the record batch at ${where()} does not decompress.`, { cause: e });
      }
    case 'zstd': {
      const z = zlib as unknown as { zstdDecompressSync?: (b: Buffer) => Buffer };
      if (z.zstdDecompressSync !== undefined) return z.zstdDecompressSync(section);
      break;
    }
    default:
      break;
  }
  throw logError(
    'UNSUPPORTED_COMPRESSION_TYPE',
    'CONNECTOR_DATA',
    `the record batch at ${where()} is compressed with ${codec ?? `codec ${attributes & 7}`}, which Strata cannot decompress in process.`,
    { hint: 'Produce to this topic uncompressed or with gzip (compression.type=none|gzip); the Kafka wire still serves such batches as stored.' },
  );
}

/**
 * Decodes every record of the batch at `pos` (`size` bytes). Records get absolute offsets
 * and timestamps (LogAppendTime batches: the batch's maxTimestamp).
 */
export function decodeBatchRecords(buf: Buffer, pos: number, size: number, where: () => string = () => 'the given position'): ConsumedRecord[] {
  const h = readBatchHeader(buf, pos);
  const section = recordsSection(buf, pos, size, where);
  const logAppendTime = (h.attributes & ATTR_TIMESTAMP_TYPE) !== 0;
  const out: ConsumedRecord[] = [];
  const c = new ByteCursor(section);
  for (let i = 0; i < h.recordCount; i++) {
    const len = c.varint();
    const recEnd = c.pos + len;
    if (len < 0 || recEnd > c.end) throw truncated();
    c.pos++; // attributes
    const tsDelta = c.varlong();
    const offDelta = c.varint();
    const kl = c.varint();
    const key = kl < 0 ? null : c.bytes(kl);
    const vl = c.varint();
    const value = vl < 0 ? null : c.bytes(vl);
    const hc = c.varint();
    let headers: RecordHeader[] = [];
    if (hc > 0) {
      headers = new Array<RecordHeader>(hc);
      for (let j = 0; j < hc; j++) {
        const hkl = c.varint();
        const hk = c.bytes(Math.max(0, hkl)).toString('utf8');
        const hvl = c.varint();
        headers[j] = { key: hk, value: hvl < 0 ? null : c.bytes(hvl) };
      }
    }
    c.pos = recEnd;
    out.push({
      offset: h.baseOffset + offDelta,
      timestamp: logAppendTime ? h.maxTimestamp : h.baseTimestamp + tsDelta,
      key,
      value,
      headers,
    });
  }
  return out;
}

/** Position and size of each whole batch in `buf` (a partial batch at the end is left out). */
export function splitBatches(buf: Buffer): { pos: number; size: number }[] {
  const out: { pos: number; size: number }[] = [];
  let p = 0;
  while (p + LOG_OVERHEAD <= buf.length) {
    const size = buf.readInt32BE(p + OFF_LENGTH) + LOG_OVERHEAD;
    if (size < BATCH_HEADER_SIZE || p + size > buf.length) break;
    out.push({ pos: p, size });
    p += size;
  }
  return out;
}

/** Decodes every record of every whole batch in `buf` (control batches skipped). */
export function decodeRecords(buf: Buffer): ConsumedRecord[] {
  const out: ConsumedRecord[] = [];
  for (const { pos, size } of splitBatches(buf)) {
    if ((buf.readInt16BE(pos + OFF_ATTRIBUTES) & ATTR_CONTROL) !== 0) continue;
    for (const r of decodeBatchRecords(buf, pos, size)) out.push(r);
  }
  return out;
}

/**
 * Walks the records of an uncompressed records section: checks every length stays inside
 * the batch and counts records; returns the number of records with a null key.
 */
export function checkRecordsSection(section: Buffer, count: number): { nullKeys: number } {
  const c = new ByteCursor(section);
  let nullKeys = 0;
  for (let i = 0; i < count; i++) {
    const len = c.varint();
    const recEnd = c.pos + len;
    if (len < 6 || recEnd > c.end) throw truncated();
    c.pos++;
    c.varlong();
    c.varint();
    if (c.varint() < 0) nullKeys++;
    c.pos = recEnd;
  }
  if (c.pos !== c.end) throw new StrataError('CONNECTOR_DATA', `record batch holds bytes after its ${count} records`);
  return { nullKeys };
}
