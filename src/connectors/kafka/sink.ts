import type { ChangeBatch } from '../../core/batch.js';
import { DELETE, INSERT, UPDATE_AFTER, UPDATE_BEFORE } from '../../core/row-kind.js';
import { formatToken, parseToken, tokenAtOrBefore, type CommitToken } from '../../engine/commit-token.js';
import type { ConnectorContext, SinkWriter } from '../../engine/connector.js';
import type { Log } from '../../log/log.js';
import { partitionForKey } from '../../log/partitioner.js';
import type { ProducerRecord } from '../../log/record-batch.js';
import { UPSERT_TOPIC_CONFIGS, type KafkaLayout } from './common.js';

/**
 * The writer of `kafka` and `upsert-kafka` tables into the embedded log, in-process.
 *
 * `write` encodes each change into a record and buffers it by partition; `commit`
 * produces the buffered records (in order, per partition) and resolves once the log has
 * acknowledged them (durable under its flush policy, visible to readers). The topic is
 * created on first use (auto-create), with `cleanup.policy=compact` for upsert tables.
 *
 * Upsert mode: the key is the PRIMARY KEY columns as a json object; +I and +U write the
 * row as the value, -D and -U write a tombstone (null value), as Flink's upsert-kafka.
 * Records with a key go to Kafka's default partition for it (murmur2 of the key bytes),
 * so any Kafka client agrees on where a key lives. Records without a key follow
 * `sink.partitioner`: `fixed` → partition 0, `round-robin` → rotate per record,
 * `default` → one partition per commit, rotated (Kafka's sticky partitioner).
 *
 * Exactly once: a commit appends each partition's records as ONE record batch (atomic in
 * the log: a torn batch is cut at restart), and its last record carries the header
 * `strata.commit` with the job's commit token. At open the sink reads each partition's
 * last record to learn the token it holds, and during recovery drops a partition's part of
 * a commit at or before it. Topics the sink creates allow batches up to 64 MiB; a commit
 * larger than the topic's `max.message.bytes` is split into several batches, and only then
 * is a partition's part of a commit not atomic.
 */

export interface KafkaSinkConfig {
  readonly topic: string;
  readonly upsert: boolean;
  readonly partitioner: 'default' | 'fixed' | 'round-robin';
}

/** Records per produced batch at most, and bytes (stays under max.message.bytes' 1 MiB default). */
/** `max.message.bytes` of topics the sink creates: room for one commit per batch. */
const SINK_TOPIC_MAX_MESSAGE_BYTES = 64 * 1024 * 1024;
/** Header of the last record of each partition's part of a commit. */
export const COMMIT_HEADER = 'strata.commit';

export class KafkaSink implements SinkWriter {
  readonly #log: Log;
  readonly #layout: KafkaLayout;
  readonly #config: KafkaSinkConfig;
  #pending: ProducerRecord[][] = [];
  #partitions = 1;
  #rr = 0;
  #maxBatchBytes = 1024 * 1024;
  readonly #ctx: ConnectorContext;
  /** Per partition: this job's token on the partition's last record at open. */
  #recovered: (CommitToken | undefined)[] = [];
  /** Messages produced so far (for tests and logs). */
  produced = 0;

  constructor(log: Log, layout: KafkaLayout, config: KafkaSinkConfig, ctx: ConnectorContext) {
    this.#log = log;
    this.#layout = layout;
    this.#config = config;
    this.#ctx = ctx;
  }

  open(): Promise<void> {
    this.#refreshPartitions();
    const topic = this.#config.topic;
    for (let p = 0; p < this.#partitions; p++) {
      const end = this.#log.latestOffset(topic, p);
      if (end <= this.#log.earliestOffset(topic, p)) continue;
      const last = this.#log.consume(topic, p, end - 1, 1).records.at(-1);
      const h = last?.headers.find((x) => x.key === COMMIT_HEADER);
      if (h === undefined || h.value === null) continue;
      const t = parseToken(Buffer.from(h.value).toString('utf8'));
      if (t !== null && t.job === this.#ctx.jobName) this.#recovered[p] = t;
    }
    return Promise.resolve();
  }

  recoveredTokens(): readonly CommitToken[] {
    return this.#recovered.filter((t): t is CommitToken => t !== undefined);
  }

  write(batch: ChangeBatch): void {
    this.#refreshPartitions();
    const layout = this.#layout;
    const value = layout.value;
    const keyCodec = layout.key;
    const { kinds, rows } = batch;
    const n = this.#partitions;
    const sticky = this.#rr % n;
    for (let i = 0; i < rows.length; i++) {
      const kind = kinds[i]!;
      const row = rows[i]!;
      const key = keyCodec === null ? null : keyCodec.encodeBytes(row);
      let v: Buffer | null;
      if (value.kind === 'json') {
        if (this.#config.upsert) v = kind === DELETE || kind === UPDATE_BEFORE ? null : value.codec.encodeBytes(row);
        else v = kind === INSERT || kind === UPDATE_AFTER ? value.codec.encodeBytes(row) : null;
        if (v === null && !this.#config.upsert) continue; // an append-only sink never receives retractions
      } else v = value.codec.encode(kind, row);
      let p: number;
      if (key !== null) p = partitionForKey(key, n);
      else if (this.#config.partitioner === 'fixed') p = 0;
      else if (this.#config.partitioner === 'round-robin') p = this.#rr++ % n;
      else p = sticky;
      (this.#pending[p] ??= []).push({ key, value: v });
    }
  }

  async commit(token?: CommitToken): Promise<void> {
    const pending = this.#pending;
    this.#pending = [];
    if (this.#config.partitioner === 'default') this.#rr++;
    const produces: Promise<void>[] = [];
    const header = token !== undefined ? [{ key: COMMIT_HEADER, value: Buffer.from(formatToken(token), 'utf8') }] : null;
    for (let p = 0; p < pending.length; p++) {
      const records = pending[p];
      if (records === undefined || records.length === 0) continue;
      const rec = this.#recovered[p];
      if (token !== undefined && rec !== undefined && tokenAtOrBefore(token, rec)) continue; // already in the partition
      if (header !== null) records[records.length - 1] = { ...records[records.length - 1]!, headers: header };
      produces.push(this.#producePartition(p, records));
    }
    await Promise.all(produces);
  }

  close(): Promise<void> {
    this.#pending = [];
    return Promise.resolve();
  }

  /** Produces one partition's records in order, in batches, each acknowledged before the next. */
  async #producePartition(p: number, records: readonly ProducerRecord[]): Promise<void> {
    let from = 0;
    while (from < records.length) {
      let to = from;
      let bytes = 0;
      while (to < records.length && (to === from || bytes < this.#maxBatchBytes)) {
        const r = records[to]!;
        bytes += (r.key?.length ?? 0) + (r.value?.length ?? 0) + 32;
        to++;
      }
      await this.#log.produce(this.#config.topic, p, from === 0 && to === records.length ? records : records.slice(from, to));
      this.produced += to - from;
      from = to;
    }
  }

  #refreshPartitions(): void {
    const max = { 'max.message.bytes': String(SINK_TOPIC_MAX_MESSAGE_BYTES) };
    const info =
      this.#log.topic(this.#config.topic) ??
      this.#log.ensureTopic(this.#config.topic, { kafkaConfigs: this.#config.upsert ? { ...UPSERT_TOPIC_CONFIGS, ...max } : max });
    this.#partitions = info.partitions;
    // Leave room for the batch header and the per-record overhead the estimate misses.
    this.#maxBatchBytes = Math.max(64 * 1024, Math.floor(info.config.maxMessageBytes * 0.75));
  }
}
