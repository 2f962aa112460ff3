import type { ChangeBatch } from '../../core/batch.js';
import { DELETE, INSERT, UPDATE_AFTER, UPDATE_BEFORE } from '../../core/row-kind.js';
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
 */

export interface KafkaSinkConfig {
  readonly topic: string;
  readonly upsert: boolean;
  readonly partitioner: 'default' | 'fixed' | 'round-robin';
}

/** Records per produced batch at most, and bytes (stays under max.message.bytes' 1 MiB default). */
const MAX_BATCH_RECORDS = 2000;
const MAX_BATCH_BYTES = 512 * 1024;

export class KafkaSink implements SinkWriter {
  readonly #log: Log;
  readonly #layout: KafkaLayout;
  readonly #config: KafkaSinkConfig;
  #pending: ProducerRecord[][] = [];
  #partitions = 1;
  #rr = 0;
  /** Messages produced so far (for tests and logs). */
  produced = 0;

  constructor(log: Log, layout: KafkaLayout, config: KafkaSinkConfig, _ctx: ConnectorContext) {
    this.#log = log;
    this.#layout = layout;
    this.#config = config;
  }

  open(): Promise<void> {
    this.#refreshPartitions();
    return Promise.resolve();
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

  async commit(): Promise<void> {
    const pending = this.#pending;
    this.#pending = [];
    if (this.#config.partitioner === 'default') this.#rr++;
    const produces: Promise<void>[] = [];
    for (let p = 0; p < pending.length; p++) {
      const records = pending[p];
      if (records !== undefined && records.length > 0) produces.push(this.#producePartition(p, records));
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
      while (to < records.length && to - from < MAX_BATCH_RECORDS && (to === from || bytes < MAX_BATCH_BYTES)) {
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
    const info = this.#log.topic(this.#config.topic) ?? this.#log.ensureTopic(this.#config.topic, this.#config.upsert ? { kafkaConfigs: UPSERT_TOPIC_CONFIGS } : {});
    this.#partitions = info.partitions;
  }
}
