import { crc32c } from '../core/crc32c.js';
import { logError } from './errors.js';
import { readInt64, writeInt64 } from './record-batch.js';

/**
 * Idempotent-producer state of one partition, as a Kafka broker keeps it: per producer
 * id, the current epoch and the metadata (first/last sequence, first/last offset) of its
 * last five batches. A batch whose producer, epoch and sequences equal one of them is a
 * retry of a batch already appended: it is acknowledged with the original offsets and
 * not written again. Out-of-order sequences and stale epochs are refused with Kafka's
 * errors. Producer id -1 means "not idempotent": no checks.
 *
 * The table is written to `<offset>.snapshot` files (state as of that offset) and, after
 * a restart, rebuilt from the newest valid snapshot plus the batch headers after it.
 */

export const NO_PRODUCER_ID = -1;
/** Batches remembered per producer for duplicate detection (Kafka keeps 5). */
export const BATCHES_KEPT = 5;
const INT32_MAX = 2147483647;

export interface ProducerBatchMeta {
  readonly firstSeq: number;
  readonly lastSeq: number;
  readonly firstOffset: number;
  readonly lastOffset: number;
  readonly timestamp: number;
}

interface ProducerEntry {
  epoch: number;
  batches: ProducerBatchMeta[];
}

export type SequenceCheck = { readonly kind: 'append' } | { readonly kind: 'duplicate'; readonly firstOffset: number; readonly lastOffset: number };

const APPEND: SequenceCheck = { kind: 'append' };

/** The sequence of the last record of a batch, wrapping at Int32 max as Kafka does. */
export function lastSequenceOf(baseSequence: number, lastOffsetDelta: number): number {
  return baseSequence > INT32_MAX - lastOffsetDelta ? lastOffsetDelta - (INT32_MAX - baseSequence) - 1 : baseSequence + lastOffsetDelta;
}

function inSequence(lastSeq: number, nextSeq: number): boolean {
  return nextSeq === lastSeq + 1 || (nextSeq === 0 && lastSeq === INT32_MAX);
}

const MAGIC = 0x53505354; // 'SPST'

export class ProducerStateTable {
  readonly #entries = new Map<number, ProducerEntry>();

  get size(): number {
    return this.#entries.size;
  }

  epochOf(producerId: number): number | null {
    return this.#entries.get(producerId)?.epoch ?? null;
  }

  /**
   * Decides what to do with a batch from an idempotent producer; throws a log error
   * (OUT_OF_ORDER_SEQUENCE_NUMBER, INVALID_PRODUCER_EPOCH, UNKNOWN_PRODUCER_ID) when the
   * broker would refuse it. `where` names the partition in messages.
   */
  check(producerId: number, epoch: number, firstSeq: number, lastSeq: number, where: string): SequenceCheck {
    if (producerId === NO_PRODUCER_ID) return APPEND;
    const e = this.#entries.get(producerId);
    if (e === undefined) {
      if (firstSeq !== 0) {
        throw logError('UNKNOWN_PRODUCER_ID', 'CONNECTOR_DATA', `${where}: producer ${producerId} is unknown here and its batch starts at sequence ${firstSeq}, not 0.`, {
          hint: 'The producer must start a new epoch (InitProducerId) and resend from sequence 0.',
          retryable: true,
        });
      }
      return APPEND;
    }
    if (epoch < e.epoch) {
      throw logError('INVALID_PRODUCER_EPOCH', 'CONNECTOR_DATA', `${where}: producer ${producerId} sent epoch ${epoch}, older than its current epoch ${e.epoch}.`, {
        hint: 'A newer instance of this producer has taken over; this one is fenced.',
      });
    }
    if (epoch > e.epoch) {
      if (firstSeq !== 0) {
        throw logError('OUT_OF_ORDER_SEQUENCE_NUMBER', 'CONNECTOR_DATA', `${where}: producer ${producerId} starts epoch ${epoch} at sequence ${firstSeq}; a new epoch starts at 0.`);
      }
      return APPEND;
    }
    for (const b of e.batches) {
      if (b.firstSeq === firstSeq && b.lastSeq === lastSeq) return { kind: 'duplicate', firstOffset: b.firstOffset, lastOffset: b.lastOffset };
    }
    const last = e.batches.length === 0 ? -1 : e.batches[e.batches.length - 1]!.lastSeq;
    if (!inSequence(last, firstSeq)) {
      throw logError(
        'OUT_OF_ORDER_SEQUENCE_NUMBER',
        'CONNECTOR_DATA',
        `${where}: producer ${producerId} epoch ${epoch} sent sequence ${firstSeq}, expected ${last === INT32_MAX ? 0 : last + 1}.`,
        { hint: 'A batch was lost between the producer and the log; the producer must reset its sequence (new epoch).' },
      );
    }
    return APPEND;
  }

  /** Records an appended batch (after `check`, or while replaying the log). */
  record(producerId: number, epoch: number, meta: ProducerBatchMeta): void {
    if (producerId === NO_PRODUCER_ID) return;
    let e = this.#entries.get(producerId);
    if (e === undefined) {
      e = { epoch, batches: [] };
      this.#entries.set(producerId, e);
    } else if (epoch > e.epoch) {
      e.epoch = epoch;
      e.batches = [];
    }
    e.batches.push(meta);
    if (e.batches.length > BATCHES_KEPT) e.batches.shift();
  }

  /** Producer epoch bump without a batch (InitProducerId on an existing id). */
  bumpEpoch(producerId: number, epoch: number): void {
    const e = this.#entries.get(producerId);
    if (e !== undefined && epoch > e.epoch) {
      e.epoch = epoch;
      e.batches = [];
    }
  }

  clear(): void {
    this.#entries.clear();
  }

  /** Binary snapshot: magic, version, CRC-32C of the rest, entries. */
  serialize(): Buffer {
    let size = 14;
    for (const e of this.#entries.values()) size += 11 + e.batches.length * 32;
    const buf = Buffer.alloc(size);
    buf.writeUInt32BE(MAGIC, 0);
    buf.writeInt16BE(1, 4);
    buf.writeInt32BE(this.#entries.size, 10);
    let p = 14;
    for (const [pid, e] of this.#entries) {
      writeInt64(buf, p, pid);
      buf.writeInt16BE(e.epoch, p + 8);
      buf.writeInt8(e.batches.length, p + 10);
      p += 11;
      for (const b of e.batches) {
        buf.writeInt32BE(b.firstSeq, p);
        buf.writeInt32BE(b.lastSeq, p + 4);
        writeInt64(buf, p + 8, b.firstOffset);
        writeInt64(buf, p + 16, b.lastOffset);
        writeInt64(buf, p + 24, b.timestamp);
        p += 32;
      }
    }
    buf.writeUInt32BE(crc32c(buf, 10), 6);
    return buf;
  }

  /** Null when the bytes are not a valid snapshot (torn or corrupted file). */
  static deserialize(buf: Buffer): ProducerStateTable | null {
    if (buf.length < 14 || buf.readUInt32BE(0) !== MAGIC || buf.readInt16BE(4) !== 1) return null;
    if (buf.readUInt32BE(6) !== crc32c(buf, 10)) return null;
    const t = new ProducerStateTable();
    const count = buf.readInt32BE(10);
    let p = 14;
    for (let i = 0; i < count; i++) {
      if (p + 11 > buf.length) return null;
      const pid = readInt64(buf, p);
      const epoch = buf.readInt16BE(p + 8);
      const n = buf.readInt8(p + 10);
      p += 11;
      const batches: ProducerBatchMeta[] = [];
      for (let j = 0; j < n; j++) {
        if (p + 32 > buf.length) return null;
        batches.push({
          firstSeq: buf.readInt32BE(p),
          lastSeq: buf.readInt32BE(p + 4),
          firstOffset: readInt64(buf, p + 8),
          lastOffset: readInt64(buf, p + 16),
          timestamp: readInt64(buf, p + 24),
        });
        p += 32;
      }
      t.#entries.set(pid, { epoch, batches });
    }
    return t;
  }
}
