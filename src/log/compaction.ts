import { isStrataError } from '../core/errors.js';
import {
  ATTR_COMPRESSION_MASK,
  ATTR_CONTROL,
  buildRecordBatch,
  compressionOf,
  decodeBatchRecords,
  readBatchHeader,
  type ConsumedRecord,
} from './record-batch.js';
import type { Segment } from './segment.js';

/**
 * Log compaction (cleanup.policy=compact): keep, per key, only the record with the
 * highest offset; offsets never change. The cleaner works on sealed segments only (the
 * active segment is never rewritten, as in Kafka): a first pass maps each key to its
 * latest offset, a second pass rewrites each sealed segment with the records that are
 * still the latest for their key. A tombstone (null value) is kept as the latest value of
 * its key until its timestamp is older than delete.retention.ms (Kafka measures that
 * from the time the tombstone was first cleaned; we use the record timestamp).
 *
 * Batches compressed with a codec this process cannot decompress (snappy, lz4, and zstd
 * before Node 22.15) are kept whole and their keys are not mapped: compaction never
 * loses a latest value, it may only keep more than necessary.
 */

const READ_GROUP_BYTES = 8 * 1024 * 1024;

/** Calls `visit` with each batch of a segment, reading whole batches in groups of ~8 MiB. */
export function forEachBatch(seg: Segment, visit: (buf: Buffer, pos: number, size: number) => void): void {
  let groupStart = -1;
  let groupEnd = 0;
  const sizes: number[] = [];
  const flush = (): void => {
    if (groupStart < 0) return;
    const buf = seg.readAt(groupStart, groupEnd - groupStart);
    let p = 0;
    for (const s of sizes) {
      visit(buf, p, s);
      p += s;
    }
    groupStart = -1;
    sizes.length = 0;
  };
  seg.walk(0, seg.size, (b) => {
    if (groupStart >= 0 && b.pos + b.size - groupStart > READ_GROUP_BYTES) flush();
    if (groupStart < 0) groupStart = b.pos;
    sizes.push(b.size);
    groupEnd = b.pos + b.size;
    return true;
  });
  flush();
}

/** Records of a batch, or null when its codec cannot be read here. */
function recordsOrNull(buf: Buffer, pos: number, size: number): ConsumedRecord[] | null {
  try {
    return decodeBatchRecords(buf, pos, size);
  } catch (e) {
    if (isStrataError(e)) return null;
    throw e;
  }
}

function keyString(key: Uint8Array): string {
  return Buffer.from(key.buffer, key.byteOffset, key.byteLength).toString('latin1');
}

/** First pass: key → offset of its latest record, over the batches of `seg`. */
export function mapKeys(seg: Segment, map: Map<string, number>): void {
  forEachBatch(seg, (buf, pos, size) => {
    if ((buf.readInt16BE(pos + 21) & ATTR_CONTROL) !== 0) return;
    const records = recordsOrNull(buf, pos, size);
    if (records === null) return;
    for (const r of records) if (r.key !== null) map.set(keyString(r.key), r.offset);
  });
}

export interface CleanedSegment {
  /** The new segment content, or null when nothing would change. */
  readonly data: Buffer[] | null;
  readonly bytesBefore: number;
  readonly bytesAfter: number;
  readonly recordsRemoved: number;
}

/**
 * Second pass for one segment: the batches with only the records that are latest for
 * their key (tombstones older than `tombstoneHorizon` dropped). A batch that loses no
 * record is copied byte for byte; one that loses some is rebuilt with the same base
 * offset, last offset delta, timestamps and producer fields (and gzip again if it was
 * gzip); one that loses all is dropped.
 */
export function cleanSegment(seg: Segment, map: ReadonlyMap<string, number>, tombstoneHorizon: number): CleanedSegment {
  const out: Buffer[] = [];
  let changed = false;
  let bytesAfter = 0;
  let removed = 0;
  forEachBatch(seg, (buf, pos, size) => {
    const original = buf.subarray(pos, pos + size);
    const h = readBatchHeader(buf, pos);
    const records = (h.attributes & ATTR_CONTROL) !== 0 ? null : recordsOrNull(buf, pos, size);
    if (records === null) {
      out.push(original);
      bytesAfter += size;
      return;
    }
    const keep: ConsumedRecord[] = [];
    for (const r of records) {
      if (r.key === null) {
        keep.push(r);
        continue;
      }
      if (map.get(keyString(r.key)) !== r.offset) continue;
      if (r.value === null && r.timestamp < tombstoneHorizon) continue;
      keep.push(r);
    }
    if (keep.length === records.length) {
      out.push(original);
      bytesAfter += size;
      return;
    }
    changed = true;
    removed += records.length - keep.length;
    if (keep.length === 0) return;
    const codec = compressionOf(h.attributes);
    const rebuilt = buildRecordBatch(
      keep.map((r) => ({ key: r.key, value: r.value, headers: r.headers, timestamp: r.timestamp })),
      {
        baseOffset: h.baseOffset,
        offsetDeltas: keep.map((r) => r.offset - h.baseOffset),
        lastOffsetDelta: h.lastOffsetDelta,
        attributes: h.attributes & ~ATTR_COMPRESSION_MASK,
        compression: codec === 'gzip' ? 'gzip' : 'none',
        baseTimestamp: h.baseTimestamp,
        maxTimestamp: h.maxTimestamp,
        producerId: h.producerId,
        producerEpoch: h.producerEpoch,
        baseSequence: h.baseSequence,
      },
    );
    rebuilt.writeInt32BE(h.partitionLeaderEpoch, 12);
    out.push(rebuilt);
    bytesAfter += rebuilt.length;
  });
  return { data: changed ? out : null, bytesBefore: seg.size, bytesAfter, recordsRemoved: removed };
}
