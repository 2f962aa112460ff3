import { StrataError } from '../../core/errors.js';
import { tableLocation, type ValidatedOptions } from '../../core/options.js';
import type { TableDescriptor } from '../../core/plan.js';
import { fieldIndex } from '../../core/schema.js';
import { CanalJsonCodec } from '../../formats/canal-json.js';
import { DebeziumJsonCodec } from '../../formats/debezium-json.js';
import { JsonRowCodec, type JsonColumn, type JsonFormatOptions } from '../../formats/json.js';
import { kafkaValueFormat } from '../registry.js';

/** Where this process's Kafka listener answers, so a table can tell the local bus from a remote cluster. */
export interface KafkaLocal {
  readonly kafkaPorts: readonly number[];
}

const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '0.0.0.0', '::1', '[::1]']);

/** True when every `host:port` in the list is this process's own Kafka port. */
export function isLocalBootstrap(servers: string, local: KafkaLocal): boolean {
  const parts = servers
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (parts.length === 0) return false;
  return parts.every((p) => {
    const m = /^(?:[a-z]+:\/\/)?(\[[^\]]+\]|[^:]+):(\d+)$/i.exec(p);
    return m !== null && LOCAL_HOSTS.has(m[1]!.toLowerCase()) && local.kafkaPorts.includes(Number(m[2]));
  });
}

/** Throws SQL_UNSUPPORTED unless `properties.bootstrap.servers` names this process. */
export function requireLocalBootstrap(table: TableDescriptor, opts: ValidatedOptions, local: KafkaLocal): void {
  const servers = opts.string('properties.bootstrap.servers')!;
  if (isLocalBootstrap(servers, local)) return;
  const port = local.kafkaPorts[0] ?? 9092;
  throw new StrataError(
    'SQL_UNSUPPORTED',
    `${tableLocation(table.path)} reads or writes Kafka at 'properties.bootstrap.servers' = '${servers}'; ` +
      'external Kafka clusters arrive with the scale-out issue, this version of Strata uses its own embedded Kafka only',
    {
      hint: `Point 'properties.bootstrap.servers' at this Strata's Kafka port ('127.0.0.1:${port}'); its topics are served to any Kafka client there.`,
      details: { option: 'properties.bootstrap.servers', where: tableLocation(table.path) },
    },
  );
}

function flag(opts: ValidatedOptions, key: string): boolean {
  return (opts.raw[key] ?? '').trim().toLowerCase() === 'true';
}

/** Format options written under `prefix` (`json.`, `value.json.`, `debezium-json.`, ...). */
export function formatOptions(opts: ValidatedOptions, prefix: string): JsonFormatOptions {
  const std = (opts.raw[prefix + 'timestamp-format.standard'] ?? 'SQL').trim().toUpperCase();
  if (std !== 'SQL' && std !== 'ISO-8601') {
    throw opts.invalid(prefix + 'timestamp-format.standard', `'${std}' is not a timestamp format standard`, "Use 'SQL' or 'ISO-8601'.");
  }
  const ignore = flag(opts, prefix + 'ignore-parse-errors');
  const failMissing = flag(opts, prefix + 'fail-on-missing-field');
  if (ignore && failMissing) {
    throw opts.invalid(prefix + 'fail-on-missing-field', `'${prefix}fail-on-missing-field' and '${prefix}ignore-parse-errors' cannot both be true`, 'Set one of them to false.');
  }
  return { ignoreParseErrors: ignore, failOnMissingField: failMissing, timestampStandard: std };
}

/** The value codec of a message: a plain row (json) or a changelog envelope. */
export type ValueCodec =
  | { readonly kind: 'json'; readonly codec: JsonRowCodec }
  | { readonly kind: 'debezium-json'; readonly codec: DebeziumJsonCodec }
  | { readonly kind: 'canal-json'; readonly codec: CanalJsonCodec };

/** How a table's rows map onto message keys and values. */
export interface KafkaLayout {
  readonly where: string;
  readonly width: number;
  /** Table positions of the key columns (empty when messages have no key). */
  readonly keyIndices: readonly number[];
  readonly key: JsonRowCodec | null;
  readonly value: ValueCodec;
}

function keyColumns(table: TableDescriptor, opts: ValidatedOptions, indices: readonly number[]): JsonColumn[] {
  const prefix = opts.string('key.fields-prefix') ?? '';
  return indices.map((i) => {
    const f = table.schema.fields[i]!;
    if (prefix !== '' && !f.name.startsWith(prefix)) {
      throw opts.invalid('key.fields-prefix', `key column \`${f.name}\` does not start with the prefix '${prefix}'`, 'Name every key column with the prefix, or change the prefix.');
    }
    return { name: f.name.slice(prefix.length), type: f.type, index: i };
  });
}

function valueColumns(table: TableDescriptor, opts: ValidatedOptions, keyIndices: readonly number[]): JsonColumn[] {
  const exceptKey = opts.enum('value.fields-include') === 'EXCEPT_KEY';
  if (!exceptKey && opts.string('key.fields-prefix') !== undefined && opts.string('key.fields-prefix') !== '') {
    throw opts.invalid('value.fields-include', "'key.fields-prefix' is set, so the value cannot include the key columns", "Set 'value.fields-include' = 'EXCEPT_KEY'.");
  }
  const out: JsonColumn[] = [];
  table.schema.fields.forEach((f, i) => {
    if (!exceptKey || !keyIndices.includes(i)) out.push({ name: f.name, type: f.type, index: i });
  });
  return out;
}

/** The layout of an `upsert-kafka` table: key = PRIMARY KEY columns (json), value = json. */
export function upsertKafkaLayout(table: TableDescriptor, opts: ValidatedOptions): KafkaLayout {
  const keyIndices = table.primaryKey ?? [];
  const width = table.schema.fields.length;
  return {
    where: tableLocation(table.path),
    width,
    keyIndices,
    key: new JsonRowCodec(keyColumns(table, opts, keyIndices), formatOptions(opts, 'key.json.')),
    value: { kind: 'json', codec: new JsonRowCodec(valueColumns(table, opts, keyIndices), formatOptions(opts, 'value.json.')) },
  };
}

/** The layout of a `kafka` table: optional key (`key.fields`, json), value in `format` / `value.format`. */
export function kafkaLayout(table: TableDescriptor, opts: ValidatedOptions): KafkaLayout {
  const width = table.schema.fields.length;
  const keyFields = opts.list('key.fields') ?? [];
  const keyIndices = keyFields.map((n) => fieldIndex(table.schema, n));
  const keyFormat = opts.string('key.format');
  const key = keyFormat !== undefined && keyIndices.length > 0 ? new JsonRowCodec(keyColumns(table, opts, keyIndices), formatOptions(opts, `key.${keyFormat}.`)) : null;
  const vf = kafkaValueFormat(opts);
  const prefix = vf.key === 'format' ? `${vf.format}.` : `value.${vf.format}.`;
  const fo = formatOptions(opts, prefix);
  const cols = valueColumns(table, opts, keyIndices);
  let value: ValueCodec;
  if (vf.format === 'debezium-json') value = { kind: 'debezium-json', codec: new DebeziumJsonCodec(cols, width, fo) };
  else if (vf.format === 'canal-json') value = { kind: 'canal-json', codec: new CanalJsonCodec(cols, width, fo) };
  else value = { kind: 'json', codec: new JsonRowCodec(cols, fo) };
  return { where: tableLocation(table.path), width, keyIndices, key, value };
}

/** A decoding error with the message's position, and what to do about it. */
export function messageError(where: string, topic: string, partition: number, offset: number, e: unknown): StrataError {
  const bare = e instanceof StrataError ? e.bare : String(e);
  return new StrataError('CONNECTOR_DATA', `${where}: cannot read the message at topic '${topic}' partition ${partition} offset ${offset}: ${bare}`, {
    hint: "Fix the producer, or set the format's 'ignore-parse-errors' option (e.g. 'value.json.ignore-parse-errors' = 'true') to skip unreadable messages.",
    details: { topic, partition, offset, where },
  });
}

/** Topic configs of topics Strata creates for upsert tables (Kafka's log compaction keeps the latest value per key). */
export const UPSERT_TOPIC_CONFIGS: Readonly<Record<string, string>> = { 'cleanup.policy': 'compact' };
