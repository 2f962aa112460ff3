import { closeSync, existsSync, fsyncSync, ftruncateSync, fstatSync, openSync, readFileSync, readSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { StrataError } from '../core/errors.js';
import {
  batchCrcOk,
  BATCH_HEADER_SIZE,
  LOG_OVERHEAD,
  MAGIC_V2,
  OFF_BASE_SEQUENCE,
  OFF_LAST_OFFSET_DELTA,
  OFF_LENGTH,
  OFF_MAGIC,
  OFF_MAX_TIMESTAMP,
  OFF_PRODUCER_EPOCH,
  OFF_PRODUCER_ID,
  readInt64,
} from './record-batch.js';

/**
 * One segment of a partition: `<baseOffset, 20 digits>.log` holds record batches exactly
 * as they are served, back to back. Beside it, for sealed segments only:
 *
 * - `.index`: sparse offset index, 8-byte entries (offset − baseOffset i32, file position
 *   i32): one entry each time `indexIntervalBytes` of batches have been written;
 * - `.timeindex`: one 12-byte entry per offset-index entry (the largest timestamp of all
 *   batches *before* that position i64, relative offset i32), then a final entry (the
 *   segment's largest timestamp, relative last offset).
 *
 * The active (last) segment keeps its index in memory only; it is rebuilt at open by
 * walking the batch headers, which is also when a torn tail is found and cut off. Index
 * files are written whole at seal time (to a temporary name, then renamed), so a crash
 * leaves either a complete index or none (and then it is rebuilt).
 */

export const DEFAULT_INDEX_INTERVAL_BYTES = 4096;
const SCAN_CHUNK = 256 * 1024;

export function segmentFileName(baseOffset: number, ext: string): string {
  return `${String(baseOffset).padStart(20, '0')}${ext}`;
}

/** The header fields of one batch, as the walk sees them. */
export interface BatchRef {
  pos: number;
  size: number;
  baseOffset: number;
  lastOffset: number;
  maxTimestamp: number;
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
}

export type WalkStop = 'end' | 'incomplete' | 'invalid';

export interface OpenedSegment {
  readonly segment: Segment;
  /** Bytes cut off a torn tail (active segment only). */
  readonly truncatedBytes: number;
}

class GrowableIndex {
  rel = new Int32Array(64);
  pos = new Int32Array(64);
  tsBefore = new Float64Array(64);
  count = 0;

  push(rel: number, pos: number, tsBefore: number): void {
    if (this.count === this.rel.length) {
      const n = this.count * 2;
      const r = new Int32Array(n);
      r.set(this.rel);
      this.rel = r;
      const p = new Int32Array(n);
      p.set(this.pos);
      this.pos = p;
      const t = new Float64Array(n);
      t.set(this.tsBefore);
      this.tsBefore = t;
    }
    this.rel[this.count] = rel;
    this.pos[this.count] = pos;
    this.tsBefore[this.count] = tsBefore;
    this.count++;
  }

  clear(): void {
    this.count = 0;
  }
}

export class Segment {
  readonly baseOffset: number;
  readonly dir: string;
  readonly logPath: string;
  readonly indexIntervalBytes: number;
  #fd: number;
  #size = 0;
  #nextOffset: number;
  #maxTimestamp = -1;
  #createdAt: number;
  readonly #index = new GrowableIndex();
  #bytesSinceIndex = 0;
  #sealed = false;
  #closed = false;

  private constructor(dir: string, baseOffset: number, fd: number, indexIntervalBytes: number) {
    this.dir = dir;
    this.baseOffset = baseOffset;
    this.logPath = join(dir, segmentFileName(baseOffset, '.log'));
    this.#fd = fd;
    this.#nextOffset = baseOffset;
    this.indexIntervalBytes = indexIntervalBytes;
    this.#createdAt = Date.now();
  }

  /** A new, empty active segment (the file must not exist). */
  static create(dir: string, baseOffset: number, indexIntervalBytes = DEFAULT_INDEX_INTERVAL_BYTES): Segment {
    const path = join(dir, segmentFileName(baseOffset, '.log'));
    const fd = openSync(path, 'wx+');
    return new Segment(dir, baseOffset, fd, indexIntervalBytes);
  }

  /**
   * Opens an existing segment. The active one is walked in full: its in-memory index is
   * rebuilt and a torn tail (an incomplete or structurally invalid batch at the end, or a
   * last batch whose CRC does not match) is truncated. A sealed one loads its index files,
   * or is walked (and its index files rewritten) when they are missing or inconsistent.
   */
  static open(dir: string, baseOffset: number, active: boolean, indexIntervalBytes = DEFAULT_INDEX_INTERVAL_BYTES): OpenedSegment {
    const path = join(dir, segmentFileName(baseOffset, '.log'));
    const fd = openSync(path, 'r+');
    const seg = new Segment(dir, baseOffset, fd, indexIntervalBytes);
    const st = fstatSync(fd);
    const fileSize = st.size;
    seg.#createdAt = st.birthtimeMs > 0 ? st.birthtimeMs : st.mtimeMs;
    if (!active && seg.#loadIndexFiles(fileSize)) {
      seg.#sealed = true;
      return { segment: seg, truncatedBytes: 0 };
    }
    let truncatedBytes = 0;
    let r = seg.#rebuild(fileSize);
    if (active) {
      // index files of a segment that was sealed and then appended to again (a crash
      // between sealing and creating the next segment) no longer describe it
      seg.removeIndexFiles();
      if (r.stop !== 'end') {
        truncatedBytes += fileSize - r.end;
        ftruncateSync(fd, r.end);
      }
      // a complete last batch whose bytes did not all reach the disk: cut it off too
      const last = r.last;
      if (last !== null) {
        const b = seg.readAt(last.pos, last.size);
        if (!batchCrcOk(b, 0, last.size)) {
          truncatedBytes += last.size;
          ftruncateSync(fd, last.pos);
          r = seg.#rebuild(last.pos);
        }
      }
      if (truncatedBytes > 0) fsyncSync(fd);
    } else {
      seg.#sealed = true;
      seg.#size = fileSize; // a damaged region stays; reads report it as corrupt
      seg.#writeIndexFiles();
    }
    return { segment: seg, truncatedBytes };
  }

  get size(): number {
    return this.#size;
  }

  /** One past the last offset stored; the base offset while empty. */
  get nextOffset(): number {
    return this.#nextOffset;
  }

  /** Largest batch maxTimestamp in the segment, -1 when empty. */
  get maxTimestamp(): number {
    return this.#maxTimestamp;
  }

  /**
   * When the segment was created (wall clock; the file's birth time after a restart): the
   * reference for segment.ms. Kafka uses the first batch's timestamp, which makes every
   * batch its own segment when producers send old timestamps (replays, CDC event times).
   */
  get rollReferenceTime(): number {
    return this.#createdAt;
  }

  get sealed(): boolean {
    return this.#sealed;
  }

  get fd(): number {
    return this.#fd;
  }

  get isEmpty(): boolean {
    return this.#size === 0;
  }

  /** Appends bytes holding whole batches [baseOffset, lastOffset] (already validated). */
  append(buf: Buffer, firstBaseOffset: number, lastOffset: number, maxTimestamp: number): void {
    if (this.#sealed) throw new StrataError('INTERNAL', `append to sealed segment ${this.logPath}`);
    if (this.#bytesSinceIndex >= this.indexIntervalBytes && this.#size > 0) {
      this.#index.push(firstBaseOffset - this.baseOffset, this.#size, this.#maxTimestamp);
      this.#bytesSinceIndex = 0;
    }
    let written = 0;
    while (written < buf.length) written += writeSync(this.#fd, buf, written, buf.length - written, this.#size + written);
    this.#size += buf.length;
    this.#bytesSinceIndex += buf.length;
    this.#nextOffset = lastOffset + 1;
    if (maxTimestamp > this.#maxTimestamp) this.#maxTimestamp = maxTimestamp;
  }

  /** Reads `len` bytes at `pos` (fewer at the end of the file). */
  readAt(pos: number, len: number): Buffer {
    const buf = Buffer.allocUnsafe(len);
    let got = 0;
    while (got < len) {
      const n = readSync(this.#fd, buf, got, len - got, pos + got);
      if (n === 0) break;
      got += n;
    }
    return got === len ? buf : buf.subarray(0, got);
  }

  /** File position from which a scan for `offset` starts (sparse index lookup). */
  lookup(offset: number): number {
    const idx = this.#index;
    const rel = offset - this.baseOffset;
    let lo = 0;
    let hi = idx.count - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (idx.rel[mid]! <= rel) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found < 0 ? 0 : idx.pos[found]!;
  }

  /** File position from which a scan for the first record with timestamp ≥ `ts` starts. */
  lookupTimestamp(ts: number): number {
    const idx = this.#index;
    let lo = 0;
    let hi = idx.count - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (idx.tsBefore[mid]! < ts) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found < 0 ? 0 : idx.pos[found]!;
  }

  /**
   * Walks batch headers from `from` to `to` (reading in chunks), calling `visit` for each
   * whole, structurally valid batch; `visit` returns false to stop early. Returns where
   * the walk ended and why: 'end' (reached `to`, or stopped by visit), 'incomplete'
   * (a batch runs past `to`) or 'invalid' (bad magic or length, or offsets going back).
   */
  walk(from: number, to: number, visit: (b: BatchRef) => boolean): { end: number; stop: WalkStop } {
    let chunk: Buffer = Buffer.alloc(0);
    let chunkStart = 0;
    let pos = from;
    let expectNext = -1;
    const ref: BatchRef = { pos: 0, size: 0, baseOffset: 0, lastOffset: 0, maxTimestamp: -1, producerId: -1, producerEpoch: -1, baseSequence: -1 };
    while (pos < to) {
      if (pos + BATCH_HEADER_SIZE > to) return { end: pos, stop: 'incomplete' };
      if (pos < chunkStart || pos + BATCH_HEADER_SIZE > chunkStart + chunk.length) {
        chunkStart = pos;
        chunk = this.readAt(pos, Math.min(SCAN_CHUNK, to - pos));
        if (chunk.length < BATCH_HEADER_SIZE) return { end: pos, stop: 'incomplete' };
      }
      const p = pos - chunkStart;
      const size = chunk.readInt32BE(p + OFF_LENGTH) + LOG_OVERHEAD;
      if (chunk.readInt8(p + OFF_MAGIC) !== MAGIC_V2 || size < BATCH_HEADER_SIZE) return { end: pos, stop: 'invalid' };
      const base = readInt64(chunk, p);
      const lastDelta = chunk.readInt32BE(p + OFF_LAST_OFFSET_DELTA);
      if (base < expectNext || lastDelta < 0 || base < this.baseOffset) return { end: pos, stop: 'invalid' };
      if (pos + size > to) return { end: pos, stop: 'incomplete' };
      ref.pos = pos;
      ref.size = size;
      ref.baseOffset = base;
      ref.lastOffset = base + lastDelta;
      ref.maxTimestamp = readInt64(chunk, p + OFF_MAX_TIMESTAMP);
      ref.producerId = readInt64(chunk, p + OFF_PRODUCER_ID);
      ref.producerEpoch = chunk.readInt16BE(p + OFF_PRODUCER_EPOCH);
      ref.baseSequence = chunk.readInt32BE(p + OFF_BASE_SEQUENCE);
      expectNext = ref.lastOffset + 1;
      pos += size;
      if (!visit(ref)) return { end: pos, stop: 'end' };
    }
    return { end: pos, stop: 'end' };
  }

  /** Position of the first batch holding an offset ≥ `offset`, or `size` if none. */
  findBatch(offset: number): number {
    let at = this.#size;
    this.walk(this.lookup(offset), this.#size, (b) => {
      if (b.lastOffset >= offset) {
        at = b.pos;
        return false;
      }
      return true;
    });
    return at;
  }

  #rebuild(fileSize: number): { end: number; stop: WalkStop; last: { pos: number; size: number } | null } {
    this.#index.clear();
    this.#size = 0;
    this.#bytesSinceIndex = 0;
    this.#nextOffset = this.baseOffset;
    this.#maxTimestamp = -1;
    let lastPos = -1;
    let lastSize = 0;
    const r = this.walk(0, fileSize, (b) => {
      if (this.#bytesSinceIndex >= this.indexIntervalBytes && this.#size > 0) {
        this.#index.push(b.baseOffset - this.baseOffset, b.pos, this.#maxTimestamp);
        this.#bytesSinceIndex = 0;
      }
      this.#size = b.pos + b.size;
      this.#bytesSinceIndex += b.size;
      this.#nextOffset = b.lastOffset + 1;
      if (b.maxTimestamp > this.#maxTimestamp) this.#maxTimestamp = b.maxTimestamp;
      lastPos = b.pos;
      lastSize = b.size;
      return true;
    });
    return { end: r.end, stop: r.stop, last: lastPos < 0 ? null : { pos: lastPos, size: lastSize } };
  }

  #indexPaths(): { index: string; time: string } {
    return { index: join(this.dir, segmentFileName(this.baseOffset, '.index')), time: join(this.dir, segmentFileName(this.baseOffset, '.timeindex')) };
  }

  #loadIndexFiles(fileSize: number): boolean {
    const { index, time } = this.#indexPaths();
    if (!existsSync(index) || !existsSync(time)) return false;
    const ib = readFileSync(index);
    const tb = readFileSync(time);
    if (ib.length % 8 !== 0 || tb.length % 12 !== 0 || tb.length / 12 !== ib.length / 8 + 1) return false;
    const n = ib.length / 8;
    this.#index.clear();
    let prevPos = 0;
    for (let i = 0; i < n; i++) {
      const rel = ib.readInt32BE(i * 8);
      const pos = ib.readInt32BE(i * 8 + 4);
      if (pos <= prevPos || pos >= fileSize) return false;
      prevPos = pos;
      this.#index.push(rel, pos, readInt64(tb, i * 12));
    }
    const maxTs = readInt64(tb, n * 12);
    const lastRel = tb.readInt32BE(n * 12 + 8);
    this.#size = fileSize;
    this.#maxTimestamp = maxTs;
    this.#nextOffset = this.baseOffset + lastRel + 1;
    // cross-check: the last indexed position holds a batch with the indexed offset
    if (n > 0) {
      const h = this.readAt(this.#index.pos[n - 1]!, 8);
      if (h.length < 8 || readInt64(h, 0) !== this.baseOffset + this.#index.rel[n - 1]!) return false;
    }
    return true;
  }

  #writeIndexFiles(): void {
    const { index, time } = this.#indexPaths();
    const n = this.#index.count;
    const ib = Buffer.alloc(n * 8);
    const tb = Buffer.alloc((n + 1) * 12);
    for (let i = 0; i < n; i++) {
      ib.writeInt32BE(this.#index.rel[i]!, i * 8);
      ib.writeInt32BE(this.#index.pos[i]!, i * 8 + 4);
      writeInt64Buf(tb, i * 12, this.#index.tsBefore[i]!);
      tb.writeInt32BE(this.#index.rel[i]!, i * 12 + 8);
    }
    writeInt64Buf(tb, n * 12, this.#maxTimestamp);
    tb.writeInt32BE(Math.max(0, this.#nextOffset - 1 - this.baseOffset), n * 12 + 8);
    writeFileDurable(index, ib);
    writeFileDurable(time, tb);
  }

  /** Makes the segment read-only: fsyncs it and writes its index files. */
  seal(): void {
    if (this.#sealed) return;
    fsyncSync(this.#fd);
    this.#sealed = true;
    this.#writeIndexFiles();
  }

  syncSync(): void {
    fsyncSync(this.#fd);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    closeSync(this.#fd);
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Closes and deletes the segment's files. */
  remove(): void {
    this.close();
    const { index, time } = this.#indexPaths();
    for (const p of [this.logPath, index, time]) {
      try {
        unlinkSync(p);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      }
    }
  }

  /** Deletes only the index files (before the log file is replaced by compaction). */
  removeIndexFiles(): void {
    const { index, time } = this.#indexPaths();
    for (const p of [index, time]) {
      try {
        unlinkSync(p);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      }
    }
  }
}

function writeInt64Buf(buf: Buffer, pos: number, v: number): void {
  const hi = Math.floor(v / 4294967296);
  buf.writeInt32BE(hi, pos);
  buf.writeUInt32BE(v - hi * 4294967296, pos + 4);
}

/** Writes a file through a temporary name, fsyncs it, renames it into place. */
export function writeFileDurable(path: string, data: Buffer | string): void {
  const tmp = `${path}.tmp`;
  const fd = openSync(tmp, 'w');
  try {
    const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    let off = 0;
    while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off, off);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

/** fsync of a directory, so that created, renamed or deleted entries are durable. */
export function fsyncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
