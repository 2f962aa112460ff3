import { tableLocation, validateOptions, type ValidatedOptions } from '../../core/options.js';
import type { TableDescriptor } from '../../core/plan.js';
import { ALL_CHANGES, INSERT_ONLY, UPSERT } from '../../core/row-kind.js';
import type { Log } from '../../log/log.js';
import { KAFKA_SPEC, kafkaChanges, UPSERT_KAFKA_SPEC, validateKafka, validateUpsertKafka, type ConnectorDefinition } from '../registry.js';
import { kafkaLayout, requireLocalBootstrap, upsertKafkaLayout, type KafkaLocal } from './common.js';
import { KafkaSink } from './sink.js';
import { KafkaSource, type StartupMode } from './source.js';

/**
 * The `kafka` and `upsert-kafka` connectors bound to this process's embedded log. Tables
 * whose `properties.bootstrap.servers` all name this process's Kafka port run
 * in-process over the Log; any other address is SQL_UNSUPPORTED until external clusters
 * arrive with the scale-out issue. Option declarations and planner traits are the
 * registry's (UPSERT_KAFKA_SPEC, KAFKA_SPEC), so plans do not change when these replace
 * the plan-only declarations.
 */

/** Parses `partition:0,offset:42;partition:1,offset:300`. */
export function parseSpecificOffsets(opts: ValidatedOptions, key: string): Map<number, number> {
  const text = opts.string(key) ?? '';
  const out = new Map<number, number>();
  for (const part of text.split(';')) {
    const t = part.trim();
    if (t === '') continue;
    const m = /^partition\s*:\s*(\d+)\s*,\s*offset\s*:\s*(\d+)$/.exec(t);
    if (m === null) throw opts.invalid(key, `'${t}' is not 'partition:<n>,offset:<n>'`, "Write e.g. 'partition:0,offset:42;partition:1,offset:300'.");
    out.set(Number(m[1]), Number(m[2]));
  }
  return out;
}

function topicPattern(opts: ValidatedOptions): RegExp {
  const text = opts.string('topic-pattern')!;
  try {
    return new RegExp(`^(?:${text})$`);
  } catch {
    throw opts.invalid('topic-pattern', `'${text}' is not a regular expression`);
  }
}

function validateKafkaRuntime(table: TableDescriptor, role: 'source' | 'sink', opts: ValidatedOptions): void {
  validateKafka(table, role, opts);
  kafkaLayout(table, opts); // format options, key prefix
  if (role === 'source') {
    const bounded = opts.enum('scan.bounded.mode');
    if (bounded !== 'unbounded' && bounded !== 'latest-offset') {
      throw opts.invalid('scan.bounded.mode', `'${bounded}' is not supported yet`, "Use 'unbounded' (default) or 'latest-offset'.");
    }
    if (opts.enum('scan.startup.mode') === 'specific-offsets') parseSpecificOffsets(opts, 'scan.startup.specific-offsets');
    if (opts.string('topic-pattern') !== undefined) topicPattern(opts);
  }
  const partitioner = opts.string('sink.partitioner')!;
  if (role === 'sink' && !['default', 'fixed', 'round-robin'].includes(partitioner)) {
    throw opts.invalid('sink.partitioner', `'${partitioner}' is not a partitioner Strata knows`, "Use 'default', 'fixed' or 'round-robin' (custom partitioner classes are Java-only).");
  }
}

function validateUpsertKafkaRuntime(table: TableDescriptor, role: 'source' | 'sink', opts: ValidatedOptions): void {
  validateUpsertKafka(table, role, opts);
  upsertKafkaLayout(table, opts);
}

/** The `kafka` and `upsert-kafka` connectors over `log`; `local.kafkaPorts` are this process's Kafka listener ports. */
export function kafkaConnectors(log: Log, local: KafkaLocal): ConnectorDefinition[] {
  const upsertKafka: ConnectorDefinition = {
    spec: UPSERT_KAFKA_SPEC,
    validate: validateUpsertKafkaRuntime,
    sourceMode: () => UPSERT,
    sinkAccepts: () => 'upsert',
    runtime: {
      createSource(table, ctx) {
        const opts = validateOptions(UPSERT_KAFKA_SPEC, table.options, tableLocation(table.path));
        validateUpsertKafkaRuntime(table, 'source', opts);
        requireLocalBootstrap(table, opts, local);
        return new KafkaSource(log, upsertKafkaLayout(table, opts), { topics: [opts.string('topic')!], startup: 'earliest-offset', bounded: 'unbounded', upsert: true }, ctx);
      },
      createSink(table, ctx) {
        const opts = validateOptions(UPSERT_KAFKA_SPEC, table.options, tableLocation(table.path));
        validateUpsertKafkaRuntime(table, 'sink', opts);
        requireLocalBootstrap(table, opts, local);
        return new KafkaSink(log, upsertKafkaLayout(table, opts), { topic: opts.string('topic')!, upsert: true, partitioner: 'default' }, ctx);
      },
    },
  };
  const kafka: ConnectorDefinition = {
    spec: KAFKA_SPEC,
    validate: validateKafkaRuntime,
    sourceMode: (_t, opts) => (kafkaChanges(opts) === 'all' ? ALL_CHANGES : INSERT_ONLY),
    sinkAccepts: (_t, opts) => kafkaChanges(opts),
    runtime: {
      createSource(table, ctx) {
        const opts = validateOptions(KAFKA_SPEC, table.options, tableLocation(table.path));
        validateKafkaRuntime(table, 'source', opts);
        requireLocalBootstrap(table, opts, local);
        const topics = opts.list('topic');
        const startup = opts.enum('scan.startup.mode') as StartupMode;
        const ts = opts.long('scan.startup.timestamp-millis');
        return new KafkaSource(
          log,
          kafkaLayout(table, opts),
          {
            topics: topics !== undefined ? topics : topicPattern(opts),
            startup,
            ...(startup === 'specific-offsets' ? { specificOffsets: parseSpecificOffsets(opts, 'scan.startup.specific-offsets') } : {}),
            ...(ts !== undefined ? { timestampMillis: ts } : {}),
            bounded: opts.enum('scan.bounded.mode') === 'latest-offset' ? 'latest-offset' : 'unbounded',
            upsert: false,
          },
          ctx,
        );
      },
      createSink(table, ctx) {
        const opts = validateOptions(KAFKA_SPEC, table.options, tableLocation(table.path));
        validateKafkaRuntime(table, 'sink', opts);
        requireLocalBootstrap(table, opts, local);
        const topic = opts.list('topic')![0]!;
        const partitioner = opts.string('sink.partitioner')! as 'default' | 'fixed' | 'round-robin';
        return new KafkaSink(log, kafkaLayout(table, opts), { topic, upsert: false, partitioner }, ctx);
      },
    },
  };
  return [upsertKafka, kafka];
}

