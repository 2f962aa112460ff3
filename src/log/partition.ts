import { fsync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, unlinkSync, openSync, writeSync, fsyncSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { StrataError } from '../core/errors.js';
import { cleanSegment, mapKeys } from './compaction.js';
import { logError } from './errors.js';
import { lastSequenceOf, ProducerStateTable } from './producer-state.js';
import {
  ATTR_CONTROL,
  ATTR_TIMESTAMP_TYPE,
  ATTR_TRANSACTIONAL,
  batchCrcOk,
  BATCH_HEADER_SIZE,
  checkRecordsSection,
  compressionOf,
  decodeBatchRecords,
  LOG_OVERHEAD,
  MAGIC_V2,
  OFF_ATTRIBUTES,
  OFF_BASE_SEQUENCE,
  OFF_LAST_OFFSET_DELTA,
  OFF_LEADER_EPOCH,
  OFF_LENGTH,
  OFF_MAGIC,
  OFF_MAX_TIMESTAMP,
  OFF_PRODUCER_EPOCH,
  OFF_PRODUCER_ID,
  OFF_RECORD_COUNT,
  readInt64,
  recordsSection,
  writeBatchCrc,
  writeInt64,
  type ConsumedRecord,
} from './record-batch.js';
import { fsyncDir, Segment, segmentFileName, writeFileDurable } from './segment.js';
import type { TopicConfig } from './topic-config.js';

/**
 * One partition of a topic: a directory of segments, the idempotent-producer state, the
 * high watermark, and the waiters of long polls.
 *
 * Offsets: the log end offset (LEO) is one past the last offset written; the high
 * watermark (HW) is one past the last offset *acknowledged*: with the default flush
 * policy (fsync per append), an append is acknowledged, and its records become visible
 * to readers, once an fsync that covers it has completed (group commit: one fsync serves
 * every append written before it started). Readers never see bytes that a crash could
 * take back. With a relaxed policy (flushMessages > 1) the HW follows the LEO at once.
 *
 * Everything but the fsync runs synchronously on the caller's thread, so appends are
 * ordered by call order and a read never sees a half-written batch.
 */

export interface PartitionOptions {
  readonly indexIntervalBytes: number;
  /** 1: fsync before acknowledging each append (group commit). N > 1: fsync after N messages, ack at write. */
  readonly flushMessages: number;
  readonly log: (line: string) => void;
}

export interface AppendResult {
  readonly baseOffset: number;
  readonly lastOffset: number;
  /** The broker time stamped on LogAppendTime topics, -1 on CreateTime topics. */
  readonly logAppendTime: number;
  readonly logStartOffset: number;
  /** True when the batch was a retry of one already appended (nothing written). */
  readonly duplicate: boolean;
  readonly recordCount: number;
}

export interface ReadResult {
  /** Whole record batches, as stored (may start before the requested offset). */
  readonly records: Buffer;
  readonly highWatermark: number;
  readonly logStartOffset: number;
}

export interface OffsetAndTimestamp {
  readonly offset: number;
  readonly timestamp: number;
}

interface FlushWaiter {
  readonly end: number;
  readonly resolve: () => void;
  readonly reject: (e: unknown) => void;
}

const SNAPSHOT_EXT = '.snapshot';
const EMPTY = Buffer.alloc(0);

export class Partition {
  readonly topic: string;
  readonly index: number;
  readonly dir: string;
  readonly #getConfig: () => TopicConfig;
  readonly #options: PartitionOptions;
  #segments: Segment[];
  #producers: ProducerStateTable;
  #hw: number;
  #failed: StrataError | null = null;
  #closed = false;
  readonly #waiters = new Set<() => void>();
  #pending: FlushWaiter[] = [];
  #syncing: Promise<void> | null = null;
  #unflushedMessages = 0;
  #cleanedThrough = -1;
  #compacting = false;

  private constructor(topic: string, index: number, dir: string, getConfig: () => TopicConfig, options: PartitionOptions, segments: Segment[], producers: ProducerStateTable) {
    this.topic = topic;
    this.index = index;
    this.dir = dir;
    this.#getConfig = getConfig;
    this.#options = options;
    this.#segments = segments;
    this.#producers = producers;
    this.#hw = segments[segments.length - 1]!.nextOffset;
  }

  get #where(): string {
    return `topic '${this.topic}' partition ${this.index}`;
  }

  /** Creates the directory and the first segment. */
  static create(dir: string, topic: string, index: number, getConfig: () => TopicConfig, options: PartitionOptions): Partition {
    mkdirSync(dir, { recursive: true });
    const seg = Segment.create(dir, 0, options.indexIntervalBytes);
    fsyncDir(dir);
    return new Partition(topic, index, dir, getConfig, options, [seg], new ProducerStateTable());
  }

  /**
   * Opens a partition directory: leftovers of an interrupted compaction or index write
   * are removed, sealed segments load their indexes, the active segment is recovered
   * (torn tail cut), and the producer state is rebuilt from the newest valid snapshot
   * plus the batch headers after it.
   */
  static open(dir: string, topic: string, index: number, getConfig: () => TopicConfig, options: PartitionOptions): Partition {
    const names = readdirSync(dir);
    const bases: number[] = [];
    const snapshots: number[] = [];
    for (const n of names) {
      if (n.endsWith('.cleaned') || n.endsWith('.tmp')) {
        unlinkSync(join(dir, n));
        continue;
      }
      const m = /^(\d{20})\.(log|snapshot)$/.exec(n);
      if (m === null) continue;
      const off = Number(m[1]);
      if (m[2] === 'log') bases.push(off);
      else snapshots.push(off);
    }
    bases.sort((a, b) => a - b);
    if (bases.length === 0) {
      const seg = Segment.create(dir, 0, options.indexIntervalBytes);
      fsyncDir(dir);
      return new Partition(topic, index, dir, getConfig, options, [seg], new ProducerStateTable());
    }
    const segments: Segment[] = [];
    for (let i = 0; i < bases.length; i++) {
      const active = i === bases.length - 1;
      const { segment, truncatedBytes } = Segment.open(dir, bases[i]!, active, options.indexIntervalBytes);
      if (truncatedBytes > 0) {
        options.log(`log: ${topic}/${index}: cut ${truncatedBytes} bytes of a torn tail from ${segmentFileName(bases[i]!, '.log')} (a write that was never acknowledged); the log ends at offset ${segment.nextOffset}`);
      }
      segments.push(segment);
    }
    const leo = segments[segments.length - 1]!.nextOffset;
    // producer state: newest valid snapshot at or below the log end, then replay
    snapshots.sort((a, b) => b - a);
    let producers: ProducerStateTable | null = null;
    let from = segments[0]!.baseOffset;
    for (const off of snapshots) {
      const path = join(dir, segmentFileName(off, SNAPSHOT_EXT));
      if (off > leo) {
        unlinkSync(path);
        continue;
      }
      const t = ProducerStateTable.deserialize(readFileSync(path));
      if (t !== null) {
        producers = t;
        from = off;
        break;
      }
    }
    producers ??= new ProducerStateTable();
    const table = producers;
    for (const seg of segments) {
      if (seg.nextOffset <= from) continue;
      seg.walk(seg.lookup(from), seg.size, (b) => {
        if (b.baseOffset < from || b.producerId < 0) return true;
        table.record(b.producerId, b.producerEpoch, {
          firstSeq: b.baseSequence,
          lastSeq: lastSequenceOf(b.baseSequence, b.lastOffset - b.baseOffset),
          firstOffset: b.baseOffset,
          lastOffset: b.lastOffset,
          timestamp: b.maxTimestamp,
        });
        return true;
      });
    }
    return new Partition(topic, index, dir, getConfig, options, segments, table);
  }

  get logStartOffset(): number {
    return this.#segments[0]!.baseOffset;
  }

  get logEndOffset(): number {
    return this.#active.nextOffset;
  }

  get highWatermark(): number {
    return this.#hw;
  }

  get sizeInBytes(): number {
    let s = 0;
    for (const seg of this.#segments) s += seg.size;
    return s;
  }

  get segmentCount(): number {
    return this.#segments.length;
  }

  /** Base offsets of the segments, oldest first (for tests and tools). */
  get segmentBaseOffsets(): number[] {
    return this.#segments.map((s) => s.baseOffset);
  }

  get producerStates(): ProducerStateTable {
    return this.#producers;
  }

  get #active(): Segment {
    return this.#segments[this.#segments.length - 1]!;
  }

  #checkUsable(): void {
    if (this.#failed !== null) throw this.#failed;
    if (this.#closed) throw logError('UNKNOWN_TOPIC_OR_PARTITION', 'RUNTIME', `${this.#where} is closed.`, { retryable: true });
  }

  // ---------------------------------------------------------------------------------
  // append

  /**
   * Appends one or more v2 record batches (bytes as a producer sends them). Every batch
   * is checked (size, magic, CRC, record structure, null keys on compacted topics,
   * idempotent sequence) before anything is written; then offsets are assigned by
   * rewriting each batch's baseOffset (outside the CRC; the CRC is recomputed only when
   * LogAppendTime rewrites covered bytes). Resolves when the append is acknowledged
   * (see the class comment). A retried batch of an idempotent producer resolves with the
   * original offsets and `duplicate: true`.
   *
   * `buf` is modified in place (offsets) and must not be reused by the caller.
   */
  append(buf: Buffer, now = Date.now()): Promise<AppendResult> {
    try {
      return this.#append(buf, now);
    } catch (e) {
      return Promise.reject(e);
    }
  }

  #append(buf: Buffer, now: number): Promise<AppendResult> {
    this.#checkUsable();
    const cfg = this.#getConfig();
    const compacted = cfg.cleanupPolicy !== 'delete';
    const batches: { pos: number; size: number; count: number }[] = [];
    let p = 0;
    while (p < buf.length) {
      if (buf.length - p < BATCH_HEADER_SIZE) throw this.#corrupt('the request ends inside a record batch header');
      const size = buf.readInt32BE(p + OFF_LENGTH) + LOG_OVERHEAD;
      if (size < BATCH_HEADER_SIZE || p + size > buf.length) throw this.#corrupt(`a record batch declares ${size} bytes but ${buf.length - p} remain`);
      const magic = buf.readInt8(p + OFF_MAGIC);
      if (magic !== MAGIC_V2) {
        throw logError('UNSUPPORTED_FOR_MESSAGE_FORMAT', 'CONNECTOR_DATA', `${this.#where}: record batch has magic ${magic}; the log stores message format v2 (magic 2) only.`, {
          hint: 'Use a Kafka client from 0.11 or later.',
        });
      }
      if (!batchCrcOk(buf, p, size)) throw this.#corrupt('a record batch fails its CRC-32C check (damaged in transit)');
      const attrs = buf.readInt16BE(p + OFF_ATTRIBUTES);
      if ((attrs & ATTR_CONTROL) !== 0) throw logError('INVALID_RECORD', 'CONNECTOR_DATA', `${this.#where}: producers may not send control batches.`);
      if ((attrs & ATTR_TRANSACTIONAL) !== 0) {
        throw logError('INVALID_TXN_STATE', 'CONNECTOR_DATA', `${this.#where}: transactional batches are not supported by the embedded log.`, {
          hint: 'Use an idempotent producer (enable.idempotence=true) without transactional.id.',
        });
      }
      if (size > cfg.maxMessageBytes) {
        throw logError('MESSAGE_TOO_LARGE', 'CONNECTOR_DATA', `${this.#where}: a record batch of ${size} bytes exceeds max.message.bytes=${cfg.maxMessageBytes}.`, {
          hint: 'Send smaller batches or raise the topic config max.message.bytes.',
        });
      }
      const count = buf.readInt32BE(p + OFF_RECORD_COUNT);
      const lastDelta = buf.readInt32BE(p + OFF_LAST_OFFSET_DELTA);
      if (count <= 0 || lastDelta !== count - 1) {
        throw logError('INVALID_RECORD', 'CONNECTOR_DATA', `${this.#where}: record batch has ${count} records but last offset delta ${lastDelta}.`);
      }
      const codec = compressionOf(attrs);
      if (codec === null) throw logError('UNSUPPORTED_COMPRESSION_TYPE', 'CONNECTOR_DATA', `${this.#where}: unknown compression codec ${attrs & 7}.`);
      if (codec === 'none' || compacted) {
        let section: Buffer | null = null;
        try {
          section = codec === 'none' ? buf.subarray(p + BATCH_HEADER_SIZE, p + size) : recordsSection(buf, p, size, () => this.#where);
        } catch (e) {
          // a compressed batch this process cannot read: stored as is (Kafka would check keys)
          if (codec === 'none') throw e;
        }
        if (section !== null) {
          let nullKeys = 0;
          try {
            nullKeys = checkRecordsSection(section, count).nullKeys;
          } catch (e) {
            throw this.#corrupt(`a record batch is malformed: ${(e as Error).message}`);
          }
          if (compacted && nullKeys > 0) {
            throw logError('INVALID_RECORD', 'CONNECTOR_DATA', `${this.#where}: compacted topics need a key on every record; ${nullKeys} record(s) have none.`, {
              hint: 'Give every record a key, or use cleanup.policy=delete.',
            });
          }
        }
      }
      batches.push({ pos: p, size, count });
      p += size;
    }
    if (batches.length === 0) throw this.#corrupt('the request holds no record batch');

    // producer checks and writes
    let firstOffset = -1;
    let lastOffset = -1;
    let records = 0;
    let duplicate = false;
    const logAppendTime = cfg.messageTimestampType === 'LogAppendTime';
    for (const b of batches) {
      const pid = readInt64(buf, b.pos + OFF_PRODUCER_ID);
      const epoch = buf.readInt16BE(b.pos + OFF_PRODUCER_EPOCH);
      const baseSeq = buf.readInt32BE(b.pos + OFF_BASE_SEQUENCE);
      const lastDelta = b.count - 1;
      const lastSeq = pid >= 0 ? lastSequenceOf(baseSeq, lastDelta) : -1;
      const verdict = this.#producers.check(pid, epoch, baseSeq, lastSeq, this.#where);
      if (verdict.kind === 'duplicate') {
        if (firstOffset < 0) firstOffset = verdict.firstOffset;
        lastOffset = verdict.lastOffset;
        duplicate = true;
        continue;
      }
      const base = this.logEndOffset;
      const last = base + lastDelta;
      writeInt64(buf, b.pos, base);
      buf.writeInt32BE(0, b.pos + OFF_LEADER_EPOCH);
      if (logAppendTime) {
        buf.writeInt16BE(buf.readInt16BE(b.pos + OFF_ATTRIBUTES) | ATTR_TIMESTAMP_TYPE, b.pos + OFF_ATTRIBUTES);
        writeInt64(buf, b.pos + OFF_MAX_TIMESTAMP, now);
        writeBatchCrc(buf, b.pos, b.size);
      }
      const maxTs = readInt64(buf, b.pos + OFF_MAX_TIMESTAMP);
      this.#maybeRoll(b.size, now);
      try {
        this.#active.append(buf.subarray(b.pos, b.pos + b.size), base, last, maxTs);
      } catch (e) {
        throw this.#fail(e);
      }
      this.#producers.record(pid, epoch, { firstSeq: baseSeq, lastSeq, firstOffset: base, lastOffset: last, timestamp: maxTs });
      if (firstOffset < 0) firstOffset = base;
      lastOffset = last;
      records += b.count;
    }
    const result: AppendResult = {
      baseOffset: firstOffset,
      lastOffset,
      logAppendTime: logAppendTime ? now : -1,
      logStartOffset: this.logStartOffset,
      duplicate: duplicate && records === 0,
      recordCount: records,
    };
    if (records === 0) {
      // only duplicates: acknowledged once the original is
      return this.#whenAcknowledged(lastOffset + 1).then(() => result);
    }
    return this.#afterWrite(records).then(() => result);
  }

  #corrupt(what: string): StrataError {
    return logError('CORRUPT_MESSAGE', 'CONNECTOR_DATA', `${this.#where}: ${what}.`, { hint: 'The producer should resend the batch.', retryable: true });
  }

  #maybeRoll(nextBatchSize: number, now: number): void {
    const active = this.#active;
    if (active.isEmpty) return;
    const cfg = this.#getConfig();
    if (active.size + nextBatchSize > cfg.segmentBytes || now - active.rollReferenceTime >= cfg.segmentMs) this.roll();
  }

  /** Seals the active segment (fsync + index files), snapshots producer state, starts a new segment. */
  roll(): void {
    this.#checkUsable();
    const active = this.#active;
    if (active.isEmpty) return;
    const base = active.nextOffset;
    try {
      active.seal();
      writeFileDurable(join(this.dir, segmentFileName(base, SNAPSHOT_EXT)), this.#producers.serialize());
      const seg = Segment.create(this.dir, base, this.#options.indexIntervalBytes);
      fsyncDir(this.dir);
      this.#segments.push(seg);
      this.#pruneSnapshots();
    } catch (e) {
      throw this.#fail(e);
    }
    // everything before `base` is on disk now
    if (this.#options.flushMessages <= 1) this.#advanceHw(Math.max(this.#hw, this.#pendingEndBefore(base)));
  }

  #pendingEndBefore(base: number): number {
    let end = this.#hw;
    for (const w of this.#pending) if (w.end <= base && w.end > end) end = w.end;
    return end;
  }

  #pruneSnapshots(): void {
    const snaps = readdirSync(this.dir)
      .filter((n) => n.endsWith(SNAPSHOT_EXT))
      .sort();
    for (let i = 0; i < snaps.length - 2; i++) unlinkSync(join(this.dir, snaps[i]!));
  }

  #fail(e: unknown): StrataError {
    const err =
      e instanceof StrataError
        ? e
        : logError('KAFKA_STORAGE_ERROR', 'CONNECTOR_IO', `${this.#where}: the disk failed: ${(e as Error).message}. The partition is offline until the log is reopened.`, {
            hint: `Check the file system under ${this.dir}, then restart.`,
            cause: e,
          });
    this.#failed = err;
    const pending = this.#pending;
    this.#pending = [];
    for (const w of pending) w.reject(err);
    this.#notify();
    return err;
  }

  #afterWrite(messages: number): Promise<void> {
    const end = this.logEndOffset;
    if (this.#options.flushMessages <= 1) {
      return new Promise<void>((resolve, reject) => {
        this.#pending.push({ end, resolve, reject });
        this.#startSync();
      });
    }
    this.#advanceHw(end);
    this.#unflushedMessages += messages;
    if (this.#unflushedMessages >= this.#options.flushMessages) void this.flush().catch(() => {});
    return Promise.resolve();
  }

  #whenAcknowledged(end: number): Promise<void> {
    if (this.#hw >= end) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.#pending.push({ end, resolve, reject });
      this.#startSync();
    });
  }

  #startSync(): void {
    if (this.#syncing !== null || this.#pending.length === 0) return;
    const waiters = this.#pending;
    this.#pending = [];
    const seg = this.#active;
    const end = seg.nextOffset;
    this.#syncing = new Promise<void>((done) => {
      fsync(seg.fd, (err) => {
        this.#syncing = null;
        done();
        if (err !== null) {
          const e = this.#fail(err);
          for (const w of waiters) w.reject(e);
          return;
        }
        let hw = this.#hw;
        for (const w of waiters) if (w.end > hw) hw = w.end;
        if (end > hw && this.#options.flushMessages <= 1) hw = Math.max(hw, Math.min(end, this.logEndOffset));
        this.#advanceHw(hw);
        for (const w of waiters) w.resolve();
        this.#startSync();
      });
    });
  }

  /** Waits for the fsync in flight, if any. */
  async syncIdle(): Promise<void> {
    while (this.#syncing !== null) await this.#syncing;
  }

  /** fsyncs the active segment now (relaxed flush policy; close). */
  async flush(): Promise<void> {
    if (this.#failed !== null || this.#closed) return;
    await this.syncIdle();
    this.#unflushedMessages = 0;
    await new Promise<void>((resolve, reject) => {
      this.#pending.push({ end: this.logEndOffset, resolve, reject });
      this.#startSync();
    });
  }

  #advanceHw(hw: number): void {
    if (hw <= this.#hw) return;
    this.#hw = hw;
    this.#notify();
  }

  #notify(): void {
    if (this.#waiters.size === 0) return;
    const ws = [...this.#waiters];
    this.#waiters.clear();
    for (const w of ws) w();
  }

  /** Registers a one-shot callback for the next HW advance (or failure / close). Returns an unregister function. */
  onData(cb: () => void): () => void {
    this.#waiters.add(cb);
    return () => {
      this.#waiters.delete(cb);
    };
  }

  // ---------------------------------------------------------------------------------
  // read

  /**
   * Whole batches holding offsets ≥ `fromOffset` and below the HW, from one segment, up
   * to `maxBytes` (the first batch even when larger, if `minOne`). Each served batch's
   * CRC is checked: a damaged first batch throws (CORRUPT_MESSAGE, naming the offset and
   * the remedy); a damaged later batch ends the result before it. An offset below the
   * log start or above the log end is OFFSET_OUT_OF_RANGE.
   */
  read(fromOffset: number, maxBytes: number, minOne = true): ReadResult {
    this.#checkUsable();
    const hw = this.#hw;
    const start = this.logStartOffset;
    if (fromOffset < start || fromOffset > this.logEndOffset) {
      throw logError('OFFSET_OUT_OF_RANGE', 'CONNECTOR_DATA', `${this.#where}: offset ${fromOffset} is outside the log (${start} to ${this.logEndOffset}).`, {
        hint: 'Reset the consumer to the earliest or latest offset.',
      });
    }
    const result = (records: Buffer): ReadResult => ({ records, highWatermark: hw, logStartOffset: start });
    if (fromOffset >= hw) return result(EMPTY);
    let i = this.#segmentIndexFor(fromOffset);
    for (; i < this.#segments.length; i++) {
      const seg = this.#segments[i]!;
      if (seg.baseOffset >= hw) break;
      const pos = seg.findBatch(fromOffset);
      if (pos >= seg.size) continue;
      const want = Math.min(seg.size - pos, Math.max(maxBytes, BATCH_HEADER_SIZE));
      let buf = seg.readAt(pos, want);
      let p = 0;
      while (p + BATCH_HEADER_SIZE <= buf.length) {
        const size = buf.readInt32BE(p + OFF_LENGTH) + LOG_OVERHEAD;
        const base = readInt64(buf, p);
        if (buf.readInt8(p + OFF_MAGIC) !== MAGIC_V2 || size < BATCH_HEADER_SIZE) {
          if (p === 0) throw this.#damaged(seg, pos, base, 'its header is not a valid v2 batch header');
          break;
        }
        if (base >= hw) break;
        if (p + size > buf.length) {
          if (p > 0 || !minOne) break;
          buf = seg.readAt(pos, size);
          if (buf.length < size) throw this.#damaged(seg, pos, base, 'it runs past the end of its segment file');
        }
        if (!batchCrcOk(buf, p, size)) {
          if (p === 0) throw this.#damaged(seg, pos, base, 'its CRC-32C does not match its bytes');
          break;
        }
        p += size;
        if (p >= maxBytes) break;
      }
      return result(p === buf.length ? buf : buf.subarray(0, p));
    }
    return result(EMPTY);
  }

  #damaged(seg: Segment, pos: number, base: number, why: string): StrataError {
    return logError('CORRUPT_MESSAGE', 'CONNECTOR_DATA', `${this.#where}: the record batch at offset ${base} (file ${seg.logPath}, byte ${pos}) is damaged: ${why}. It is not served.`, {
      hint: 'The bytes on disk changed after they were written (disk or file-system fault). Restore the partition directory from a copy, or move consumers past this batch (seek to a later offset).',
      details: { topic: this.topic, partition: this.index, offset: base, file: seg.logPath, position: pos },
    });
  }

  #segmentIndexFor(offset: number): number {
    const segs = this.#segments;
    let lo = 0;
    let hi = segs.length - 1;
    let found = 0;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (segs[mid]!.baseOffset <= offset) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  }

  /**
   * Decoded records from `fromOffset`: the batches of one `read`, records below
   * `fromOffset` and control batches left out. `nextOffset` is where the next call starts.
   */
  consume(fromOffset: number, maxBytes: number): { records: ConsumedRecord[]; nextOffset: number; highWatermark: number } {
    const r = this.read(fromOffset, maxBytes, true);
    const out: ConsumedRecord[] = [];
    let next = fromOffset;
    let p = 0;
    const buf = r.records;
    while (p < buf.length) {
      const size = buf.readInt32BE(p + OFF_LENGTH) + LOG_OVERHEAD;
      const base = readInt64(buf, p);
      const last = base + buf.readInt32BE(p + OFF_LAST_OFFSET_DELTA);
      if ((buf.readInt16BE(p + OFF_ATTRIBUTES) & ATTR_CONTROL) === 0) {
        for (const rec of decodeBatchRecords(buf, p, size, () => `${this.#where} offset ${base}`)) if (rec.offset >= fromOffset) out.push(rec);
      }
      if (last + 1 > next) next = last + 1;
      p += size;
    }
    return { records: out, nextOffset: next, highWatermark: r.highWatermark };
  }

  // ---------------------------------------------------------------------------------
  // offsets by time

  /** The first record with timestamp ≥ `ts` (below the HW), or null. */
  offsetForTimestamp(ts: number): OffsetAndTimestamp | null {
    this.#checkUsable();
    const hw = this.#hw;
    for (const seg of this.#segments) {
      if (seg.baseOffset >= hw) break;
      if (seg.maxTimestamp < ts) continue;
      let found: OffsetAndTimestamp | null = null;
      seg.walk(seg.lookupTimestamp(ts), seg.size, (b) => {
        if (b.baseOffset >= hw) return false;
        if (b.maxTimestamp < ts) return true;
        found = this.#firstRecordAtOrAfter(seg, b.pos, b.size, ts) ?? { offset: b.baseOffset, timestamp: b.maxTimestamp };
        return false;
      });
      if (found !== null) return found;
    }
    return null;
  }

  /** The offset of the record with the largest timestamp (ListOffsets -3), or null when empty. */
  maxTimestampOffset(): OffsetAndTimestamp | null {
    this.#checkUsable();
    const hw = this.#hw;
    let best: Segment | null = null;
    for (const seg of this.#segments) if (seg.baseOffset < hw && seg.maxTimestamp >= 0 && (best === null || seg.maxTimestamp > best.maxTimestamp)) best = seg;
    if (best === null) return null;
    const seg = best;
    let found: OffsetAndTimestamp | null = null;
    seg.walk(0, seg.size, (b) => {
      if (b.baseOffset >= hw) return false;
      if (b.maxTimestamp !== seg.maxTimestamp) return true;
      found = this.#firstRecordAtOrAfter(seg, b.pos, b.size, b.maxTimestamp) ?? { offset: b.baseOffset, timestamp: b.maxTimestamp };
      return false;
    });
    return found;
  }

  #firstRecordAtOrAfter(seg: Segment, pos: number, size: number, ts: number): OffsetAndTimestamp | null {
    const buf = seg.readAt(pos, size);
    if (buf.length < size || !batchCrcOk(buf, 0, size)) return null;
    try {
      for (const r of decodeBatchRecords(buf, 0, size)) if (r.timestamp >= ts) return { offset: r.offset, timestamp: r.timestamp };
    } catch {
      return null;
    }
    return null;
  }

  // ---------------------------------------------------------------------------------
  // retention and compaction

  /**
   * Deletes whole sealed segments past retention.ms (by their newest timestamp) or while
   * the partition is larger than retention.bytes; the active segment is never deleted.
   * Returns the number of segments deleted.
   */
  async enforceRetention(now = Date.now()): Promise<number> {
    const cfg = this.#getConfig();
    if (this.#closed || this.#failed !== null || cfg.cleanupPolicy === 'compact') return 0;
    await this.syncIdle();
    let deleted = 0;
    if (cfg.retentionMs >= 0) {
      while (this.#segments.length > 1) {
        const seg = this.#segments[0]!;
        const ts = seg.maxTimestamp >= 0 ? seg.maxTimestamp : seg.rollReferenceTime;
        if (now - ts <= cfg.retentionMs) break;
        this.#deleteFirstSegment();
        deleted++;
      }
    }
    if (cfg.retentionBytes >= 0) {
      let diff = this.sizeInBytes - cfg.retentionBytes;
      while (this.#segments.length > 1 && diff - this.#segments[0]!.size >= 0) {
        diff -= this.#segments[0]!.size;
        this.#deleteFirstSegment();
        deleted++;
      }
    }
    if (deleted > 0) {
      fsyncDir(this.dir);
      this.#options.log(`log: ${this.topic}/${this.index}: retention deleted ${deleted} segment(s); the log now starts at offset ${this.logStartOffset}`);
    }
    return deleted;
  }

  #deleteFirstSegment(): void {
    const seg = this.#segments.shift()!;
    seg.remove();
  }

  /** True when compaction has work: sealed segments rolled since the last pass, past the dirty ratio. */
  needsCompaction(): boolean {
    const cfg = this.#getConfig();
    if (cfg.cleanupPolicy === 'delete' || this.#segments.length < 2) return false;
    const activeBase = this.#active.baseOffset;
    if (activeBase <= this.#cleanedThrough) return false;
    let total = 0;
    let dirty = 0;
    for (let i = 0; i < this.#segments.length - 1; i++) {
      const s = this.#segments[i]!;
      total += s.size;
      if (s.baseOffset >= this.#cleanedThrough) dirty += s.size;
    }
    return total > 0 && dirty / total >= cfg.minCleanableDirtyRatio;
  }

  /**
   * Compacts the sealed segments (see compaction.ts); each rewritten segment replaces
   * the old one atomically (write `.cleaned`, fsync, rename over the `.log`). Reads in
   * between see either the old or the new segment, never a mix.
   */
  async compact(now = Date.now()): Promise<{ segmentsRewritten: number; recordsRemoved: number; bytesBefore: number; bytesAfter: number }> {
    const stats = { segmentsRewritten: 0, recordsRemoved: 0, bytesBefore: 0, bytesAfter: 0 };
    const cfg = this.#getConfig();
    if (this.#compacting || this.#closed || this.#failed !== null || cfg.cleanupPolicy === 'delete' || this.#segments.length < 2) return stats;
    this.#compacting = true;
    try {
      await this.syncIdle();
      const sealed = this.#segments.slice(0, -1);
      const map = new Map<string, number>();
      for (const seg of sealed) mapKeys(seg, map);
      const horizon = now - cfg.deleteRetentionMs;
      for (const seg of sealed) {
        await new Promise<void>((r) => setImmediate(r));
        if (this.#closed || !this.#segments.includes(seg)) continue;
        const cleaned = cleanSegment(seg, map, horizon);
        stats.bytesBefore += cleaned.bytesBefore;
        stats.bytesAfter += cleaned.bytesAfter;
        if (cleaned.data === null) continue;
        this.#replaceSegment(seg, cleaned.data);
        stats.segmentsRewritten++;
        stats.recordsRemoved += cleaned.recordsRemoved;
      }
      this.#cleanedThrough = this.#active.baseOffset;
      if (stats.segmentsRewritten > 0) {
        this.#options.log(`log: ${this.topic}/${this.index}: compaction rewrote ${stats.segmentsRewritten} segment(s), removed ${stats.recordsRemoved} superseded record(s)`);
      }
      return stats;
    } catch (e) {
      throw this.#fail(e);
    } finally {
      this.#compacting = false;
    }
  }

  #replaceSegment(seg: Segment, data: Buffer[]): void {
    const cleanedPath = `${seg.logPath}.cleaned`;
    const fd = openSync(cleanedPath, 'w');
    try {
      let off = 0;
      for (const b of data) {
        let w = 0;
        while (w < b.length) w += writeSync(fd, b, w, b.length - w, off + w);
        off += b.length;
      }
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    seg.removeIndexFiles();
    renameSync(cleanedPath, seg.logPath);
    fsyncDir(this.dir);
    const { segment } = Segment.open(this.dir, seg.baseOffset, false, this.#options.indexIntervalBytes);
    const i = this.#segments.indexOf(seg);
    this.#segments[i] = segment;
    seg.close();
  }

  // ---------------------------------------------------------------------------------
  // lifecycle

  /** Waits for pending fsyncs, writes a producer-state snapshot at the log end, closes files. */
  async close(): Promise<void> {
    if (this.#closed) return;
    await this.syncIdle();
    if (this.#pending.length > 0 && this.#failed === null) await this.flush().catch(() => {});
    this.#closed = true;
    if (this.#failed === null) {
      try {
        this.#active.syncSync();
        writeFileDurable(join(this.dir, segmentFileName(this.logEndOffset, SNAPSHOT_EXT)), this.#producers.serialize());
        this.#pruneSnapshots();
      } catch (e) {
        this.#options.log(`log: ${this.topic}/${this.index}: could not write the producer snapshot at close: ${(e as Error).message}`);
      }
    }
    for (const s of this.#segments) s.close();
    this.#notify();
  }

  /** Closes and deletes the partition's directory. */
  async destroy(): Promise<void> {
    await this.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
