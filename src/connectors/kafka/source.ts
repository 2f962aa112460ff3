import { ChangeBatch } from '../../core/batch.js';
import { StrataError } from '../../core/errors.js';
import { DELETE, INSERT } from '../../core/row-kind.js';
import type { Value } from '../../core/values.js';
import type { ConnectorContext, SourceReader } from '../../engine/connector.js';
import type { StateValue } from '../../engine/state/codec.js';
import { parseJson, type JsonNode } from '../../formats/json.js';
import type { Log } from '../../log/log.js';
import type { ConsumedRecord } from '../../log/record-batch.js';
import { messageError, UPSERT_TOPIC_CONFIGS, type KafkaLayout } from './common.js';

/**
 * The reader of `kafka` and `upsert-kafka` tables over the embedded log, in-process.
 *
 * `poll` reads the log synchronously (`Log.consume`), so whatever has been acknowledged
 * is returned at once; `ready` waits on the log (`waitForAny`) for any partition to grow,
 * at most a second, then looks for new topics (pattern) and partitions. Partitions are
 * read in turn, each from its own offset, in offset order.
 *
 * Upsert mode: a message with a value is +I of the row (key columns from the key, the
 * others from the value); a tombstone is -D of the key (other columns NULL). The planner
 * puts a ChangelogNormalize after the source.
 *
 * Offsets: `{ <topic>: { <partition>: <next offset> } }`.
 */

export type StartupMode = 'earliest-offset' | 'latest-offset' | 'group-offsets' | 'timestamp' | 'specific-offsets';

export interface KafkaSourceConfig {
  /** Topics by name, or a pattern matched against every topic of the log. */
  readonly topics: readonly string[] | RegExp;
  readonly startup: StartupMode;
  /** For 'specific-offsets': partition → offset (partitions not named start at the earliest offset). */
  readonly specificOffsets?: ReadonlyMap<number, number>;
  /** For 'timestamp': epoch milliseconds. */
  readonly timestampMillis?: number;
  /** 'latest-offset': finish once every partition reaches the high watermark seen at open. */
  readonly bounded: 'unbounded' | 'latest-offset';
  readonly upsert: boolean;
  /** How long `ready` waits before looking for new partitions, ms (default 1000). */
  readonly discoveryIntervalMs?: number;
}

interface PartitionCursor {
  readonly topic: string;
  readonly partition: number;
  offset: number;
  /** Bounded mode: where reading stops. */
  end: number;
}

const MAX_FETCH_BYTES = 1024 * 1024;

export class KafkaSource implements SourceReader {
  readonly #log: Log;
  readonly #layout: KafkaLayout;
  readonly #config: KafkaSourceConfig;
  readonly #ctx: ConnectorContext;
  readonly #abort = new AbortController();
  readonly #cursors: PartitionCursor[] = [];
  readonly #byName = new Map<string, PartitionCursor>();
  #restored: Map<string, number> | null = null;
  #opened = false;
  #next = 0;

  constructor(log: Log, layout: KafkaLayout, config: KafkaSourceConfig, ctx: ConnectorContext) {
    this.#log = log;
    this.#layout = layout;
    this.#config = config;
    this.#ctx = ctx;
  }

  open(): Promise<void> {
    const topics = this.#config.topics;
    if (Array.isArray(topics)) {
      // As Kafka with auto.create.topics.enable: reading a topic nobody wrote yet creates it.
      for (const t of topics as readonly string[]) this.#log.ensureTopic(t, this.#config.upsert ? { kafkaConfigs: UPSERT_TOPIC_CONFIGS } : {});
    }
    this.#discover(true);
    this.#opened = true;
    return Promise.resolve();
  }

  get finished(): boolean {
    if (this.#config.bounded === 'unbounded' || !this.#opened) return false;
    for (const c of this.#cursors) if (c.offset < c.end) return false;
    return true;
  }

  poll(max: number): ChangeBatch | null {
    const cursors = this.#cursors;
    const n = cursors.length;
    if (n === 0 || max <= 0) return null;
    const out = new ChangeBatch();
    for (let k = 0; k < n && out.length < max; k++) {
      const c = cursors[(this.#next + k) % n]!;
      this.#readPartition(c, out, max);
    }
    this.#next = (this.#next + 1) % n;
    return out.length > 0 ? out : null;
  }

  ready(): Promise<void> {
    if (this.#abort.signal.aborted || this.#ctx.signal.aborted || this.finished) return Promise.resolve();
    this.#discover(false);
    const targets: { topic: string; partition: number; offset: number }[] = [];
    for (const c of this.#cursors) {
      if (c.offset >= c.end) continue;
      const hw = this.#log.latestOffset(c.topic, c.partition);
      if (hw > c.offset) return Promise.resolve();
      targets.push({ topic: c.topic, partition: c.partition, offset: c.offset });
    }
    const signal = AbortSignal.any([this.#abort.signal, this.#ctx.signal]);
    return this.#log.waitForAny(targets, this.#config.discoveryIntervalMs ?? 1000, signal).then(
      () => undefined,
      () => undefined,
    );
  }

  snapshotOffsets(): StateValue {
    const out: Record<string, Record<string, number>> = {};
    for (const c of this.#cursors) (out[c.topic] ??= {})[String(c.partition)] = c.offset;
    return out;
  }

  restoreOffsets(offsets: StateValue): void {
    const bad = (): never => {
      throw new StrataError('STATE', `kafka source of job '${this.#ctx.jobName}' (${this.#layout.where}): the checkpointed offsets are not Kafka offsets`);
    };
    if (offsets === null || typeof offsets !== 'object' || Array.isArray(offsets) || offsets instanceof Map) return bad();
    const restored = new Map<string, number>();
    for (const [topic, parts] of Object.entries(offsets as Record<string, StateValue>)) {
      if (parts === null || typeof parts !== 'object' || Array.isArray(parts) || parts instanceof Map) return bad();
      for (const [p, o] of Object.entries(parts as Record<string, StateValue>)) {
        if (typeof o !== 'number') return bad();
        restored.set(`${topic}\u0000${p}`, o);
      }
    }
    this.#restored = restored;
    for (const [name, c] of this.#byName) {
      const o = restored.get(name);
      if (o !== undefined) c.offset = o;
    }
  }

  close(): Promise<void> {
    this.#abort.abort();
    return Promise.resolve();
  }

  /** Adds cursors for partitions not seen yet: at open by the startup mode, later from the earliest offset (as Flink). */
  #discover(atOpen: boolean): void {
    const topics = this.#config.topics;
    const names = Array.isArray(topics) ? (topics as readonly string[]) : this.#log.listTopics().filter((t) => !t.internal && (topics as RegExp).test(t.name)).map((t) => t.name);
    for (const topic of names) {
      const info = this.#log.topic(topic);
      if (info === null) continue;
      for (let p = 0; p < info.partitions; p++) {
        const name = `${topic}\u0000${p}`;
        if (this.#byName.has(name)) continue;
        const offset = this.#restored?.get(name) ?? this.#startOffset(topic, p, atOpen);
        const end = this.#config.bounded === 'latest-offset' ? this.#log.latestOffset(topic, p) : Number.POSITIVE_INFINITY;
        const c: PartitionCursor = { topic, partition: p, offset, end };
        this.#cursors.push(c);
        this.#byName.set(name, c);
      }
    }
  }

  #startOffset(topic: string, p: number, atOpen: boolean): number {
    const log = this.#log;
    if (this.#config.upsert || !atOpen) return log.earliestOffset(topic, p);
    switch (this.#config.startup) {
      case 'earliest-offset':
      case 'group-offsets':
        return log.earliestOffset(topic, p);
      case 'latest-offset':
        return log.latestOffset(topic, p);
      case 'timestamp':
        return log.offsetForTimestamp(topic, p, this.#config.timestampMillis ?? 0)?.offset ?? log.latestOffset(topic, p);
      case 'specific-offsets': {
        const o = this.#config.specificOffsets?.get(p);
        return o === undefined ? log.earliestOffset(topic, p) : Math.min(Math.max(o, log.earliestOffset(topic, p)), log.latestOffset(topic, p));
      }
    }
  }

  #readPartition(c: PartitionCursor, out: ChangeBatch, max: number): void {
    const log = this.#log;
    if (c.offset >= c.end) return;
    const hw = log.latestOffset(c.topic, c.partition);
    if (hw <= c.offset) return;
    const start = log.earliestOffset(c.topic, c.partition);
    if (c.offset < start) c.offset = start; // removed by retention: auto.offset.reset = earliest
    const res = log.consume(c.topic, c.partition, c.offset, MAX_FETCH_BYTES);
    const records = res.records;
    let i = 0;
    for (; i < records.length && out.length < max; i++) {
      const r = records[i]!;
      if (r.offset < c.offset) continue;
      if (r.offset >= c.end) {
        c.offset = c.end;
        return;
      }
      try {
        this.#decode(r, out);
      } catch (e) {
        throw messageError(this.#layout.where, c.topic, c.partition, r.offset, e);
      }
      c.offset = r.offset + 1;
    }
    if (i >= records.length && res.nextOffset > c.offset) c.offset = Math.min(res.nextOffset, c.end);
  }

  #decode(r: ConsumedRecord, out: ChangeBatch): void {
    const layout = this.#layout;
    const value = layout.value;
    if (this.#config.upsert) {
      if (r.key === null || layout.key === null) return; // an upsert message without a key names no row
      const keyNode = parseKey(layout, r.key);
      if (keyNode === undefined) return;
      const row: Value[] = new Array<Value>(layout.width).fill(null);
      layout.key.decodeInto(keyNode, row);
      if (r.value === null) {
        out.push(DELETE, row);
        return;
      }
      if (value.kind !== 'json') return;
      const decoded = value.codec.decode(r.value, layout.width);
      if (decoded === null) return; // skipped: ignore-parse-errors
      const cols = value.codec.columns;
      for (let j = 0; j < cols.length; j++) row[cols[j]!.index] = decoded[cols[j]!.index]!;
      out.push(INSERT, row);
      return;
    }
    if (value.kind === 'json') {
      if (r.value === null) return; // Flink's json format skips null messages
      const row = value.codec.decode(r.value, layout.width);
      if (row === null) return;
      if (layout.key !== null && r.key !== null) {
        const keyNode = parseKey(layout, r.key);
        if (keyNode !== undefined) {
          const keyRow: Value[] = new Array<Value>(layout.width).fill(null);
          layout.key.decodeInto(keyNode, keyRow);
          for (const i of layout.keyIndices) row[i] = keyRow[i]!;
        }
      }
      out.push(INSERT, row);
      return;
    }
    value.codec.decode(r.value, out);
  }
}

/** The parsed key, or null when it cannot be read and the key format skips unreadable messages. */
function parseKey(layout: KafkaLayout, key: Uint8Array): JsonNode | undefined {
  try {
    return parseJson(key);
  } catch (e) {
    if (layout.key?.ignoreParseErrors === true) return undefined;
    throw new StrataError('CONNECTOR_DATA', `the message key: ${e instanceof StrataError ? e.bare : String(e)}`);
  }
}
