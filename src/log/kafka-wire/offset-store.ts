import type { Log } from '../log.js';
import type { ProducerRecord } from '../record-batch.js';

/**
 * Committed consumer-group offsets, kept where Kafka keeps them: in the internal,
 * compacted topic `__consumer_offsets` of the log (one partition here). Each commit is
 * one record per partition, in Kafka's own layout (key version 1: group, topic,
 * partition; value version 3: offset, leader epoch, metadata, commit timestamp), so the
 * topic reads like Kafka's. A commit is acknowledged once its batch is durable; the
 * in-memory map is rebuilt from the topic when the broker starts. Offsets of a deleted
 * topic are removed with tombstones.
 *
 * Out of scope for now: offsets.retention.minutes (committed offsets of empty groups never
 * expire) and group metadata records (membership is not persisted).
 */

export const OFFSETS_TOPIC = '__consumer_offsets';
/** offset.metadata.max.bytes */
export const MAX_METADATA_BYTES = 4096;

export interface CommittedOffset {
  readonly offset: number;
  readonly leaderEpoch: number;
  readonly metadata: string | null;
  readonly commitTimestamp: number;
}

export interface OffsetCommitEntry {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly leaderEpoch: number;
  readonly metadata: string | null;
}

function writeString(parts: Buffer[], s: string): void {
  const b = Buffer.from(s, 'utf8');
  const len = Buffer.alloc(2);
  len.writeInt16BE(b.length, 0);
  parts.push(len, b);
}

function encodeKey(group: string, topic: string, partition: number): Buffer {
  const parts: Buffer[] = [Buffer.from([0, 1])];
  writeString(parts, group);
  writeString(parts, topic);
  const p = Buffer.alloc(4);
  p.writeInt32BE(partition, 0);
  parts.push(p);
  return Buffer.concat(parts);
}

function encodeValue(c: CommittedOffset): Buffer {
  const parts: Buffer[] = [];
  const head = Buffer.alloc(14);
  head.writeInt16BE(3, 0);
  const hi = Math.floor(c.offset / 4294967296);
  head.writeInt32BE(hi, 2);
  head.writeUInt32BE(c.offset - hi * 4294967296, 6);
  head.writeInt32BE(c.leaderEpoch, 10);
  parts.push(head);
  writeString(parts, c.metadata ?? '');
  const ts = Buffer.alloc(8);
  const th = Math.floor(c.commitTimestamp / 4294967296);
  ts.writeInt32BE(th, 0);
  ts.writeUInt32BE(c.commitTimestamp - th * 4294967296, 4);
  parts.push(ts);
  return Buffer.concat(parts);
}

function readString(b: Buffer, pos: number): [string, number] {
  const len = b.readInt16BE(pos);
  return [b.toString('utf8', pos + 2, pos + 2 + len), pos + 2 + len];
}

function decodeKey(b: Buffer): { group: string; topic: string; partition: number } | null {
  if (b.length < 2 || b.readInt16BE(0) > 1) return null; // group metadata keys (version 2) are not ours
  const [group, p1] = readString(b, 2);
  const [topic, p2] = readString(b, p1);
  return { group, topic, partition: b.readInt32BE(p2) };
}

function decodeValue(b: Buffer): CommittedOffset {
  const version = b.readInt16BE(0);
  const offset = b.readInt32BE(2) * 4294967296 + b.readUInt32BE(6);
  let p = 10;
  let leaderEpoch = -1;
  if (version >= 3) {
    leaderEpoch = b.readInt32BE(p);
    p += 4;
  }
  const [metadata, p2] = readString(b, p);
  const commitTimestamp = b.readInt32BE(p2) * 4294967296 + b.readUInt32BE(p2 + 4);
  return { offset, leaderEpoch, metadata, commitTimestamp };
}

export class OffsetStore {
  readonly #log: Log;
  /** group → "topic\0partition" → offset */
  readonly #groups = new Map<string, Map<string, CommittedOffset>>();
  readonly #unsubscribe: () => void;

  private constructor(log: Log) {
    this.#log = log;
    this.#unsubscribe = log.onTopicDeleted((t) => void this.forgetTopic(t).catch(() => {}));
  }

  /** Opens the store on `log`, creating the internal topic or loading the offsets in it. */
  static open(log: Log): OffsetStore {
    log.ensureTopic(OFFSETS_TOPIC, { partitions: 1, internal: true, config: { cleanupPolicy: 'compact', segmentBytes: 100 * 1024 * 1024 } });
    const store = new OffsetStore(log);
    let off = log.earliestOffset(OFFSETS_TOPIC, 0);
    for (;;) {
      const r = log.consume(OFFSETS_TOPIC, 0, off, 4 * 1024 * 1024);
      for (const rec of r.records) {
        if (rec.key === null) continue;
        const k = decodeKey(Buffer.from(rec.key));
        if (k === null) continue;
        if (rec.value === null) store.#forget(k.group, k.topic, k.partition);
        else store.#set(k.group, k.topic, k.partition, decodeValue(Buffer.from(rec.value)));
      }
      if (r.nextOffset === off) break;
      off = r.nextOffset;
    }
    return store;
  }

  #set(group: string, topic: string, partition: number, c: CommittedOffset): void {
    let g = this.#groups.get(group);
    if (g === undefined) {
      g = new Map();
      this.#groups.set(group, g);
    }
    g.set(`${topic}\0${partition}`, c);
  }

  #forget(group: string, topic: string, partition: number): void {
    const g = this.#groups.get(group);
    if (g === undefined) return;
    g.delete(`${topic}\0${partition}`);
    if (g.size === 0) this.#groups.delete(group);
  }

  /** Commits offsets of one group in one durable batch. */
  async commit(group: string, entries: readonly OffsetCommitEntry[], now = Date.now()): Promise<void> {
    if (entries.length === 0) return;
    const records: ProducerRecord[] = [];
    const values: CommittedOffset[] = [];
    for (const e of entries) {
      const c: CommittedOffset = { offset: e.offset, leaderEpoch: e.leaderEpoch, metadata: e.metadata, commitTimestamp: now };
      values.push(c);
      records.push({ key: encodeKey(group, e.topic, e.partition), value: encodeValue(c), timestamp: now });
    }
    await this.#log.produce(OFFSETS_TOPIC, 0, records);
    for (let i = 0; i < entries.length; i++) this.#set(group, entries[i]!.topic, entries[i]!.partition, values[i]!);
  }

  get(group: string, topic: string, partition: number): CommittedOffset | null {
    return this.#groups.get(group)?.get(`${topic}\0${partition}`) ?? null;
  }

  /** Every committed offset of a group: [topic, partition, offset]. */
  all(group: string): { topic: string; partition: number; committed: CommittedOffset }[] {
    const g = this.#groups.get(group);
    if (g === undefined) return [];
    return [...g].map(([k, committed]) => {
      const i = k.lastIndexOf('\0');
      return { topic: k.slice(0, i), partition: Number(k.slice(i + 1)), committed };
    });
  }

  groups(): string[] {
    return [...this.#groups.keys()];
  }

  /** Removes the offsets of a deleted topic (tombstones, so compaction forgets them too). */
  async forgetTopic(topic: string): Promise<void> {
    const records: ProducerRecord[] = [];
    const gone: [string, number][] = [];
    for (const [group, g] of this.#groups) {
      for (const k of g.keys()) {
        const i = k.lastIndexOf('\0');
        if (k.slice(0, i) !== topic) continue;
        const partition = Number(k.slice(i + 1));
        records.push({ key: encodeKey(group, topic, partition), value: null });
        gone.push([group, partition]);
      }
    }
    if (records.length === 0) return;
    for (const [group, partition] of gone) this.#forget(group, topic, partition);
    await this.#log.produce(OFFSETS_TOPIC, 0, records);
  }

  close(): void {
    this.#unsubscribe();
  }
}
