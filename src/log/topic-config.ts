import { logError } from './errors.js';

/**
 * Topic configuration: Kafka's topic-level settings that the embedded log implements,
 * declared once (Kafka name, field, type, default, doc) so that CreateTopics,
 * DescribeConfigs, the in-process API and the docs agree.
 */

export type CleanupPolicy = 'delete' | 'compact' | 'compact,delete';
export type TimestampType = 'CreateTime' | 'LogAppendTime';

export interface TopicConfig {
  /** cleanup.policy: delete old segments (retention), compact (latest value per key), or both. */
  readonly cleanupPolicy: CleanupPolicy;
  /** retention.ms: segments whose newest record is older are deleted; -1 keeps forever. */
  readonly retentionMs: number;
  /** retention.bytes: old segments are deleted while the partition is larger; -1 = no limit. */
  readonly retentionBytes: number;
  /** segment.bytes: the active segment is rolled before it would grow past this. */
  readonly segmentBytes: number;
  /** segment.ms: the active segment is rolled once its first batch is this old. */
  readonly segmentMs: number;
  /** max.message.bytes: the largest record batch accepted. */
  readonly maxMessageBytes: number;
  /** delete.retention.ms: compaction keeps a tombstone until its timestamp is this old. */
  readonly deleteRetentionMs: number;
  /** min.cleanable.dirty.ratio: compaction runs when this share of sealed bytes is uncompacted. */
  readonly minCleanableDirtyRatio: number;
  /** message.timestamp.type: CreateTime keeps the producer's timestamps; LogAppendTime stamps batches at append. */
  readonly messageTimestampType: TimestampType;
}

type ConfigType = 'string' | 'int' | 'long' | 'double' | 'list';

export interface TopicConfigDecl {
  readonly name: string;
  readonly field: keyof TopicConfig;
  readonly type: ConfigType;
  readonly doc: string;
}

export const DEFAULT_TOPIC_CONFIG: TopicConfig = {
  cleanupPolicy: 'delete',
  retentionMs: 7 * 24 * 3600 * 1000,
  retentionBytes: -1,
  segmentBytes: 1024 * 1024 * 1024,
  segmentMs: 7 * 24 * 3600 * 1000,
  maxMessageBytes: 1048588,
  deleteRetentionMs: 24 * 3600 * 1000,
  minCleanableDirtyRatio: 0.5,
  messageTimestampType: 'CreateTime',
};

export const TOPIC_CONFIGS: readonly TopicConfigDecl[] = [
  { name: 'cleanup.policy', field: 'cleanupPolicy', type: 'list', doc: 'delete, compact, or compact,delete.' },
  { name: 'retention.ms', field: 'retentionMs', type: 'long', doc: 'Delete segments whose newest record is older than this; -1 keeps forever.' },
  { name: 'retention.bytes', field: 'retentionBytes', type: 'long', doc: 'Delete the oldest segments while the partition is larger than this; -1 = no limit.' },
  { name: 'segment.bytes', field: 'segmentBytes', type: 'int', doc: 'Size at which the active segment is rolled.' },
  { name: 'segment.ms', field: 'segmentMs', type: 'long', doc: 'Age of its first batch at which the active segment is rolled.' },
  { name: 'max.message.bytes', field: 'maxMessageBytes', type: 'int', doc: 'Largest record batch accepted.' },
  { name: 'delete.retention.ms', field: 'deleteRetentionMs', type: 'long', doc: 'How long compaction keeps tombstones (by record timestamp).' },
  { name: 'min.cleanable.dirty.ratio', field: 'minCleanableDirtyRatio', type: 'double', doc: 'Share of uncompacted sealed bytes that triggers compaction.' },
  { name: 'message.timestamp.type', field: 'messageTimestampType', type: 'string', doc: 'CreateTime or LogAppendTime.' },
];

/**
 * Kafka topic settings that are accepted, stored and shown, but have no effect on one
 * node (replication, tiered storage, throttles) or are covered by the log's own policy
 * (flush.*: see LogOptions).
 */
export const ACCEPTED_KAFKA_TOPIC_CONFIGS: ReadonlySet<string> = new Set([
  'compression.type',
  'min.insync.replicas',
  'unclean.leader.election.enable',
  'flush.messages',
  'flush.ms',
  'index.interval.bytes',
  'segment.index.bytes',
  'segment.jitter.ms',
  'file.delete.delay.ms',
  'min.compaction.lag.ms',
  'max.compaction.lag.ms',
  'message.downconversion.enable',
  'message.format.version',
  'message.timestamp.difference.max.ms',
  'message.timestamp.before.max.ms',
  'message.timestamp.after.max.ms',
  'preallocate',
  'follower.replication.throttled.replicas',
  'leader.replication.throttled.replicas',
  'local.retention.ms',
  'local.retention.bytes',
  'remote.storage.enable',
]);

function invalid(name: string, value: string, why: string): never {
  throw logError('INVALID_CONFIG', 'CONNECTOR_OPTION', `topic config ${name}=${value} is invalid: ${why}.`);
}

function parseValue(decl: TopicConfigDecl, value: string): TopicConfig[keyof TopicConfig] {
  const v = value.trim();
  switch (decl.field) {
    case 'cleanupPolicy': {
      const parts = [...new Set(v.split(',').map((s) => s.trim().toLowerCase()).filter((s) => s !== ''))].sort();
      const joined = parts.join(',');
      if (joined === 'delete' || joined === 'compact' || joined === 'compact,delete') return joined;
      return invalid(decl.name, value, "expected 'delete', 'compact' or 'compact,delete'");
    }
    case 'messageTimestampType':
      if (v === 'CreateTime' || v === 'LogAppendTime') return v;
      return invalid(decl.name, value, "expected 'CreateTime' or 'LogAppendTime'");
    default: {
      const n = Number(v);
      if (v === '' || !Number.isFinite(n)) return invalid(decl.name, value, 'not a number');
      if (decl.type !== 'double' && !Number.isInteger(n)) return invalid(decl.name, value, 'not an integer');
      return n;
    }
  }
}

/** Checks ranges; returns the full config. */
export function validateTopicConfig(c: TopicConfig): TopicConfig {
  const check = (ok: boolean, name: string, value: number, why: string): void => {
    if (!ok) invalid(name, String(value), why);
  };
  check(c.retentionMs >= -1, 'retention.ms', c.retentionMs, 'must be -1 or more');
  check(c.retentionBytes >= -1, 'retention.bytes', c.retentionBytes, 'must be -1 or more');
  check(c.segmentBytes >= 14 && c.segmentBytes <= 2147483647, 'segment.bytes', c.segmentBytes, 'must be between 14 and 2147483647');
  check(c.segmentMs >= 1, 'segment.ms', c.segmentMs, 'must be 1 or more');
  check(c.maxMessageBytes >= 0, 'max.message.bytes', c.maxMessageBytes, 'must be 0 or more');
  check(c.deleteRetentionMs >= 0, 'delete.retention.ms', c.deleteRetentionMs, 'must be 0 or more');
  check(c.minCleanableDirtyRatio >= 0 && c.minCleanableDirtyRatio <= 1, 'min.cleanable.dirty.ratio', c.minCleanableDirtyRatio, 'must be between 0 and 1');
  return c;
}

export interface ParsedKafkaConfigs {
  readonly config: Partial<TopicConfig>;
  /** Accepted Kafka settings without effect here, kept as given. */
  readonly other: Record<string, string>;
}

/** Kafka-named settings (CreateTopics) → our config. Unknown names are INVALID_CONFIG, as in Kafka. */
export function parseKafkaTopicConfigs(entries: Readonly<Record<string, string | null>>): ParsedKafkaConfigs {
  const config: Record<string, unknown> = {};
  const other: Record<string, string> = {};
  for (const [name, value] of Object.entries(entries)) {
    if (value === null) continue;
    const decl = TOPIC_CONFIGS.find((d) => d.name === name);
    if (decl !== undefined) config[decl.field] = parseValue(decl, value);
    else if (ACCEPTED_KAFKA_TOPIC_CONFIGS.has(name)) other[name] = value;
    else throw logError('INVALID_CONFIG', 'CONNECTOR_OPTION', `unknown topic config '${name}'.`, { hint: `Known: ${TOPIC_CONFIGS.map((d) => d.name).join(', ')}.` });
  }
  return { config: config as Partial<TopicConfig>, other };
}

/** Kafka's DescribeConfigs type codes (ConfigType in the protocol). */
export function kafkaConfigTypeCode(type: ConfigType): number {
  switch (type) {
    case 'string':
      return 2;
    case 'int':
      return 3;
    case 'long':
      return 5;
    case 'double':
      return 6;
    case 'list':
      return 7;
  }
}

const TOPIC_NAME = /^[a-zA-Z0-9._-]+$/;

/** Kafka's topic name rule: 1–249 characters of [a-zA-Z0-9._-], not '.' or '..'. */
export function validateTopicName(name: string): void {
  if (name.length === 0 || name.length > 249 || !TOPIC_NAME.test(name) || name === '.' || name === '..') {
    throw logError('INVALID_TOPIC_EXCEPTION', 'CONNECTOR_OPTION', `'${name}' is not a valid topic name.`, {
      hint: "A topic name has 1 to 249 characters among a-z, A-Z, 0-9, '.', '_' and '-', and is not '.' or '..'.",
    });
  }
}
