import { faultPoint } from '../core/fault.js';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { StrataError } from '../core/errors.js';
import { logError, unknownTopic } from './errors.js';
import { Partition, type AppendResult, type OffsetAndTimestamp, type ReadResult } from './partition.js';
import { buildRecordBatch, type ConsumedRecord, type ProducerRecord } from './record-batch.js';
import { DEFAULT_INDEX_INTERVAL_BYTES, fsyncDir, writeFileDurable } from './segment.js';
import { DEFAULT_TOPIC_CONFIG, parseKafkaTopicConfigs, TOPIC_CONFIGS, validateTopicConfig, validateTopicName, type TopicConfig } from './topic-config.js';

/**
 * The embedded log: Kafka's storage model in one process. A log directory holds
 *
 *   meta.json                       cluster id and node id
 *   producer-ids.json               upper bound of the producer ids handed out
 *   topics/<topic>/topic.json       topic id, partition count, configs set explicitly
 *   topics/<topic>/<partition>/     segments (see segment.ts) and producer snapshots
 *
 * Topics are created explicitly or, when `autoCreateTopics` is on (Kafka's default), on
 * first write. Each partition keeps Kafka v2 record batches exactly as served over the
 * wire. See partition.ts for offsets, the high watermark and durability.
 */

export interface LogOptions {
  /** Create unknown topics on first write or metadata request (auto.create.topics.enable). Default true. */
  readonly autoCreateTopics?: boolean;
  /** Partitions of auto-created topics and of topics created without a count (num.partitions). Default 1. */
  readonly defaultPartitions?: number;
  /** Log-wide defaults under each topic's explicit configs. */
  readonly defaultTopicConfig?: Partial<TopicConfig>;
  /**
   * Durability. 1 (default): every append is fsynced (group commit) before it is
   * acknowledged and visible. N > 1: appends are acknowledged when written; the log
   * fsyncs after N messages and every `flushIntervalMs` (Kafka's flush.messages/flush.ms).
   */
  readonly flushMessages?: number;
  /** With flushMessages > 1: fsync every partition with unflushed data this often. Default 1000. */
  readonly flushIntervalMs?: number;
  /** Bytes of batches between sparse index entries (index.interval.bytes). Default 4096. */
  readonly indexIntervalBytes?: number;
  /** How often retention runs (log.retention.check.interval.ms). Default 300 000; 0 = only when called. */
  readonly retentionCheckIntervalMs?: number;
  /** How often the compaction cleaner looks for work. Default 15 000; 0 = only when called. */
  readonly cleanerIntervalMs?: number;
  /** Log lines (recovery, retention, compaction). */
  readonly log?: (line: string) => void;
}

export interface CreateTopicOptions {
  readonly partitions?: number;
  readonly config?: Partial<TopicConfig>;
  /** Kafka-named topic configs (as CreateTopics sends them); override `config`. */
  readonly kafkaConfigs?: Readonly<Record<string, string | null>>;
  /** Internal topics (__consumer_offsets) are flagged in Metadata. */
  readonly internal?: boolean;
}

/** The `log.after-append` fault point: appended, not yet acknowledged to the producer. */
function afterAppend(r: AppendResult): AppendResult {
  faultPoint('log.after-append');
  return r;
}

export interface TopicInfo {
  readonly name: string;
  /** Topic id: 32 lowercase hex digits (a UUID). */
  readonly id: string;
  readonly partitions: number;
  readonly config: TopicConfig;
  /** Kafka names of the configs set explicitly on this topic. */
  readonly explicitConfigs: readonly string[];
  /** Accepted Kafka configs without effect here (see topic-config.ts), as given. */
  readonly otherConfigs: Readonly<Record<string, string>>;
  readonly internal: boolean;
}

export interface ProduceOptions {
  readonly producerId?: number;
  readonly producerEpoch?: number;
  readonly baseSequence?: number;
  readonly compression?: 'none' | 'gzip';
}

export interface ConsumeResult {
  readonly records: ConsumedRecord[];
  /** The offset to consume from next. */
  readonly nextOffset: number;
  readonly highWatermark: number;
}

interface TopicFile {
  readonly name: string;
  readonly id: string;
  readonly partitions: number;
  readonly config: Partial<TopicConfig>;
  readonly other: Record<string, string>;
  readonly internal: boolean;
}

interface Topic {
  file: TopicFile;
  readonly dir: string;
  config: TopicConfig;
  readonly partitions: Partition[];
  info: TopicInfo;
}

const PRODUCER_ID_BLOCK = 1000;
const MAX_PARTITIONS = 10000;

function fieldToKafkaName(field: keyof TopicConfig): string {
  return TOPIC_CONFIGS.find((d) => d.field === field)!.name;
}

export class Log {
  readonly dir: string;
  readonly clusterId: string;
  readonly nodeId: number;
  readonly #options: Required<Omit<LogOptions, 'defaultTopicConfig' | 'log'>> & { log: (line: string) => void };
  readonly #defaults: TopicConfig;
  readonly #topics = new Map<string, Topic>();
  readonly #timers: NodeJS.Timeout[] = [];
  readonly #deleteListeners = new Set<(topic: string) => void>();
  #nextProducerId = 0;
  #producerIdLimit = 0;
  #closed = false;
  #maintenance: Promise<unknown> = Promise.resolve();

  private constructor(dir: string, clusterId: string, nodeId: number, options: LogOptions) {
    this.dir = dir;
    this.clusterId = clusterId;
    this.nodeId = nodeId;
    this.#options = {
      autoCreateTopics: options.autoCreateTopics ?? true,
      defaultPartitions: options.defaultPartitions ?? 1,
      flushMessages: options.flushMessages ?? 1,
      flushIntervalMs: options.flushIntervalMs ?? 1000,
      indexIntervalBytes: options.indexIntervalBytes ?? DEFAULT_INDEX_INTERVAL_BYTES,
      retentionCheckIntervalMs: options.retentionCheckIntervalMs ?? 300_000,
      cleanerIntervalMs: options.cleanerIntervalMs ?? 15_000,
      log: options.log ?? ((): void => {}),
    };
    this.#defaults = validateTopicConfig({ ...DEFAULT_TOPIC_CONFIG, ...(options.defaultTopicConfig ?? {}) });
  }

  /** Opens (creating if needed) the log in `dir`, recovering every partition. */
  static async open(dir: string, options: LogOptions = {}): Promise<Log> {
    try {
      mkdirSync(join(dir, 'topics'), { recursive: true });
    } catch (e) {
      throw new StrataError('CONNECTOR_IO', `cannot create the log directory ${dir}: ${(e as Error).message}.`, { hint: 'Check the path and its permissions.', cause: e });
    }
    const metaPath = join(dir, 'meta.json');
    let meta: { clusterId: string; nodeId: number };
    if (existsSync(metaPath)) {
      meta = JSON.parse(readFileSync(metaPath, 'utf8')) as { clusterId: string; nodeId: number };
    } else {
      meta = { clusterId: randomBytes(16).toString('base64url'), nodeId: 1 };
      writeFileDurable(metaPath, JSON.stringify({ version: 1, ...meta }, null, 2) + '\n');
      fsyncDir(dir);
    }
    const log = new Log(dir, meta.clusterId, meta.nodeId, options);
    rmSync(join(dir, 'deleted'), { recursive: true, force: true });
    const pidPath = join(dir, 'producer-ids.json');
    if (existsSync(pidPath)) {
      const limit = (JSON.parse(readFileSync(pidPath, 'utf8')) as { limit: number }).limit;
      log.#nextProducerId = limit;
      log.#producerIdLimit = limit;
    }
    for (const name of readdirSync(join(dir, 'topics')).sort()) {
      const tdir = join(dir, 'topics', name);
      const tfile = join(tdir, 'topic.json');
      if (!existsSync(tfile)) {
        // a creation that did not complete
        rmSync(tdir, { recursive: true, force: true });
        continue;
      }
      const file = JSON.parse(readFileSync(tfile, 'utf8')) as TopicFile;
      log.#openTopic(file, tdir, false);
    }
    log.#startTimers();
    return log;
  }

  #startTimers(): void {
    const o = this.#options;
    if (o.retentionCheckIntervalMs > 0) {
      this.#timers.push(setInterval(() => void this.#runMaintenance(() => this.enforceRetention()), o.retentionCheckIntervalMs).unref());
    }
    if (o.cleanerIntervalMs > 0) {
      this.#timers.push(setInterval(() => void this.#runMaintenance(() => this.#compactDirty()), o.cleanerIntervalMs).unref());
    }
    if (o.flushMessages > 1 && o.flushIntervalMs > 0) {
      this.#timers.push(setInterval(() => void this.#runMaintenance(() => this.flush()), o.flushIntervalMs).unref());
    }
  }

  #runMaintenance(task: () => Promise<unknown>): Promise<unknown> {
    this.#maintenance = this.#maintenance
      .then(() => (this.#closed ? undefined : task()))
      .catch((e: unknown) => this.#options.log(`log: background task failed: ${(e as Error).message}`));
    return this.#maintenance;
  }

  #effectiveConfig(file: TopicFile): TopicConfig {
    return validateTopicConfig({ ...this.#defaults, ...file.config });
  }

  #openTopic(file: TopicFile, tdir: string, create: boolean): Topic {
    const config = this.#effectiveConfig(file);
    const topic: Topic = { file, dir: tdir, config, partitions: [], info: this.#infoOf(file, config) };
    const getConfig = (): TopicConfig => topic.config;
    const popts = { indexIntervalBytes: this.#options.indexIntervalBytes, flushMessages: this.#options.flushMessages, log: this.#options.log };
    for (let p = 0; p < file.partitions; p++) {
      const pdir = join(tdir, String(p));
      topic.partitions.push(create || !existsSync(pdir) ? Partition.create(pdir, file.name, p, getConfig, popts) : Partition.open(pdir, file.name, p, getConfig, popts));
    }
    this.#topics.set(file.name, topic);
    return topic;
  }

  #infoOf(file: TopicFile, config: TopicConfig): TopicInfo {
    return {
      name: file.name,
      id: file.id,
      partitions: file.partitions,
      config,
      explicitConfigs: Object.keys(file.config).map((f) => fieldToKafkaName(f as keyof TopicConfig)),
      otherConfigs: file.other,
      internal: file.internal,
    };
  }

  #checkOpen(): void {
    if (this.#closed) throw new StrataError('RUNTIME', `the log in ${this.dir} is closed.`);
  }

  get autoCreateTopics(): boolean {
    return this.#options.autoCreateTopics;
  }

  get defaultPartitions(): number {
    return this.#options.defaultPartitions;
  }

  get defaultTopicConfig(): TopicConfig {
    return this.#defaults;
  }

  // ---------------------------------------------------------------------------------
  // topics

  /**
   * Creates a topic (durably: topic.json and every partition directory are on disk when
   * this returns). Throws TOPIC_ALREADY_EXISTS, INVALID_TOPIC_EXCEPTION,
   * INVALID_PARTITIONS or INVALID_CONFIG (as `details.kafkaError`).
   */
  createTopic(name: string, options: CreateTopicOptions = {}): TopicInfo {
    this.#checkOpen();
    validateTopicName(name);
    if (this.#topics.has(name)) {
      throw logError('TOPIC_ALREADY_EXISTS', 'CATALOG_OBJECT_EXISTS', `topic '${name}' already exists.`);
    }
    const partitions = options.partitions ?? this.#options.defaultPartitions;
    if (!Number.isInteger(partitions) || partitions < 1 || partitions > MAX_PARTITIONS) {
      throw logError('INVALID_PARTITIONS', 'CONNECTOR_OPTION', `topic '${name}': ${partitions} is not a valid partition count.`, {
        hint: `Use 1 to ${MAX_PARTITIONS} partitions.`,
      });
    }
    const parsed = parseKafkaTopicConfigs(options.kafkaConfigs ?? {});
    const explicit = { ...(options.config ?? {}), ...parsed.config };
    const file: TopicFile = {
      name,
      id: randomUUID().replace(/-/g, ''),
      partitions,
      config: explicit,
      other: parsed.other,
      internal: options.internal ?? false,
    };
    this.#effectiveConfig(file); // validates
    const tdir = join(this.dir, 'topics', name);
    rmSync(tdir, { recursive: true, force: true });
    mkdirSync(tdir, { recursive: true });
    const topic = this.#openTopic(file, tdir, true);
    // topic.json last: a topic directory without it is an incomplete creation
    writeFileDurable(join(tdir, 'topic.json'), JSON.stringify(file, null, 2) + '\n');
    fsyncDir(tdir);
    fsyncDir(join(this.dir, 'topics'));
    return topic.info;
  }

  /** The topic, created with the defaults if missing (regardless of `autoCreateTopics`). */
  ensureTopic(name: string, options: CreateTopicOptions = {}): TopicInfo {
    return this.#topics.get(name)?.info ?? this.createTopic(name, options);
  }

  /** Deletes a topic and its data. Fetches waiting on it wake up and see it gone. */
  async deleteTopic(name: string): Promise<void> {
    this.#checkOpen();
    const topic = this.#topics.get(name);
    if (topic === undefined) throw unknownTopic(name);
    this.#topics.delete(name);
    const gone = join(this.dir, 'deleted', `${name}-${randomUUID()}`);
    mkdirSync(join(this.dir, 'deleted'), { recursive: true });
    for (const p of topic.partitions) await p.close();
    renameSync(topic.dir, gone);
    fsyncDir(join(this.dir, 'topics'));
    rmSync(gone, { recursive: true, force: true });
    for (const l of this.#deleteListeners) l(name);
  }

  /** Called after a topic is deleted (the offset store forgets its committed offsets). */
  onTopicDeleted(listener: (topic: string) => void): () => void {
    this.#deleteListeners.add(listener);
    return () => this.#deleteListeners.delete(listener);
  }

  listTopics(): TopicInfo[] {
    return [...this.#topics.values()].map((t) => t.info).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  topic(name: string): TopicInfo | null {
    return this.#topics.get(name)?.info ?? null;
  }

  /** The partition object; throws UNKNOWN_TOPIC_OR_PARTITION. */
  partition(topic: string, partition: number): Partition {
    this.#checkOpen();
    const t = this.#topics.get(topic);
    if (t === undefined) throw unknownTopic(topic);
    const p = t.partitions[partition];
    if (p === undefined) throw unknownTopic(topic, partition);
    return p;
  }

  #partitionForWrite(topic: string, partition: number): Partition {
    this.#checkOpen();
    if (!this.#topics.has(topic) && this.#options.autoCreateTopics) this.createTopic(topic);
    return this.partition(topic, partition);
  }

  // ---------------------------------------------------------------------------------
  // data

  /**
   * Appends record batches (Kafka v2 bytes, modified in place: offsets are assigned) or
   * records (encoded into one uncompressed batch). Auto-creates the topic when allowed.
   * Resolves when acknowledged (durable under the flush policy).
   */
  append(topic: string, partition: number, batch: Buffer | readonly ProducerRecord[], now = Date.now()): Promise<AppendResult> {
    try {
      const p = this.#partitionForWrite(topic, partition);
      const buf = Buffer.isBuffer(batch) ? batch : buildRecordBatch(batch, { now });
      return p.append(buf, now).then(afterAppend);
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /** Produces records as one batch, optionally as an idempotent producer (see initProducerId). */
  produce(topic: string, partition: number, records: readonly ProducerRecord[], options: ProduceOptions = {}): Promise<AppendResult> {
    try {
      const now = Date.now();
      const buf = buildRecordBatch(records, {
        now,
        producerId: options.producerId ?? -1,
        producerEpoch: options.producerEpoch ?? -1,
        baseSequence: options.baseSequence ?? -1,
        compression: options.compression ?? 'none',
      });
      const p = this.#partitionForWrite(topic, partition);
      return p.append(buf, now).then(afterAppend);
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /** Stored batches from `fromOffset` (see Partition.read). */
  read(topic: string, partition: number, fromOffset: number, maxBytes: number, minOne = true): ReadResult {
    return this.partition(topic, partition).read(fromOffset, maxBytes, minOne);
  }

  /** Decoded records from `fromOffset` (one read of up to `maxBytes`, default 1 MiB). */
  consume(topic: string, partition: number, fromOffset: number, maxBytes = 1024 * 1024): ConsumeResult {
    return this.partition(topic, partition).consume(fromOffset, maxBytes);
  }

  earliestOffset(topic: string, partition: number): number {
    return this.partition(topic, partition).logStartOffset;
  }

  /** The high watermark: one past the last acknowledged offset. */
  latestOffset(topic: string, partition: number): number {
    return this.partition(topic, partition).highWatermark;
  }

  offsetForTimestamp(topic: string, partition: number, timestamp: number): OffsetAndTimestamp | null {
    return this.partition(topic, partition).offsetForTimestamp(timestamp);
  }

  /**
   * Resolves true as soon as the partition's high watermark is above `offset`, false
   * after `timeoutMs` or when `signal` aborts. Rejects if the topic does not exist.
   */
  waitForData(topic: string, partition: number, offset: number, timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
    let p: Partition;
    try {
      p = this.partition(topic, partition);
    } catch (e) {
      return Promise.reject(e);
    }
    if (p.highWatermark > offset) return Promise.resolve(true);
    const deadline = Date.now() + timeoutMs;
    return new Promise<boolean>((resolve) => {
      let unregister = (): void => {};
      const finish = (v: boolean): void => {
        clearTimeout(timer);
        unregister();
        signal?.removeEventListener('abort', onAbort);
        resolve(v);
      };
      const arm = (): void => {
        unregister = p.onData(() => {
          if (p.highWatermark > offset) finish(true);
          else if (Date.now() >= deadline || !this.#topics.has(topic)) finish(false);
          else arm();
        });
      };
      const onAbort = (): void => finish(false);
      const timer = setTimeout(() => finish(false), Math.max(0, timeoutMs));
      if (signal?.aborted === true) {
        finish(false);
        return;
      }
      signal?.addEventListener('abort', onAbort, { once: true });
      arm();
    });
  }

  /**
   * Resolves true when any of the partitions may have new data (its high watermark moved,
   * or it was deleted), false after `timeoutMs` or on abort. Unknown partitions are
   * ignored. The caller reads again to see what changed.
   */
  waitForAny(targets: readonly { topic: string; partition: number; offset: number }[], timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
    const parts: { p: Partition; offset: number }[] = [];
    for (const t of targets) {
      const p = this.#topics.get(t.topic)?.partitions[t.partition];
      if (p === undefined) continue;
      if (p.highWatermark > t.offset) return Promise.resolve(true);
      parts.push({ p, offset: t.offset });
    }
    return new Promise<boolean>((resolve) => {
      const unregs: (() => void)[] = [];
      let done = false;
      const finish = (v: boolean): void => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        for (const u of unregs) u();
        signal?.removeEventListener('abort', onAbort);
        resolve(v);
      };
      const onAbort = (): void => finish(false);
      const timer = setTimeout(() => finish(false), Math.max(0, timeoutMs));
      if (signal?.aborted === true) {
        finish(false);
        return;
      }
      signal?.addEventListener('abort', onAbort, { once: true });
      for (const { p } of parts) unregs.push(p.onData(() => finish(true)));
    });
  }

  // ---------------------------------------------------------------------------------
  // idempotent producers

  /**
   * A new producer id (epoch 0) for an idempotent producer, unique across restarts: ids
   * are reserved in blocks of 1000, the block's end persisted before any id of it is used.
   */
  initProducerId(): { producerId: number; producerEpoch: number } {
    this.#checkOpen();
    if (this.#nextProducerId >= this.#producerIdLimit) {
      const limit = this.#nextProducerId + PRODUCER_ID_BLOCK;
      writeFileDurable(join(this.dir, 'producer-ids.json'), JSON.stringify({ limit }) + '\n');
      this.#producerIdLimit = limit;
    }
    return { producerId: this.#nextProducerId++, producerEpoch: 0 };
  }

  // ---------------------------------------------------------------------------------
  // maintenance

  /** Runs retention on every partition now; returns the number of segments deleted. */
  async enforceRetention(now = Date.now()): Promise<number> {
    let n = 0;
    for (const t of [...this.#topics.values()]) for (const p of t.partitions) n += await p.enforceRetention(now);
    return n;
  }

  /** Compacts every partition of `topic` (or of every compacted topic) now. */
  async compact(topic?: string, now = Date.now()): Promise<{ segmentsRewritten: number; recordsRemoved: number }> {
    const stats = { segmentsRewritten: 0, recordsRemoved: 0 };
    const topics = topic === undefined ? [...this.#topics.values()] : [this.#topics.get(topic) ?? (() => { throw unknownTopic(topic); })()];
    for (const t of topics) {
      for (const p of t.partitions) {
        const s = await p.compact(now);
        stats.segmentsRewritten += s.segmentsRewritten;
        stats.recordsRemoved += s.recordsRemoved;
      }
    }
    return stats;
  }

  async #compactDirty(): Promise<void> {
    for (const t of [...this.#topics.values()]) for (const p of t.partitions) if (p.needsCompaction()) await p.compact();
  }

  /** fsyncs every partition (relaxed flush policy). */
  async flush(): Promise<void> {
    for (const t of [...this.#topics.values()]) for (const p of t.partitions) await p.flush();
  }

  /** Stops background work, waits for pending fsyncs, snapshots producer state, closes files. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const t of this.#timers) clearInterval(t);
    await this.#maintenance.catch(() => {});
    for (const t of this.#topics.values()) for (const p of t.partitions) await p.close();
    this.#topics.clear();
  }
}
