import type { ConnectorTraits } from '../core/connector-traits.js';
import { StrataError } from '../core/errors.js';
import {
  closestOption,
  CONNECTOR_OPTION,
  redactOptions,
  tableLocation,
  validateOptions,
  type ConnectorSpec,
  type OptionSpec,
  type ValidatedOptions,
} from '../core/options.js';
import type { TableDescriptor } from '../core/plan.js';
import { ALL_CHANGES, INSERT_ONLY, UPSERT, type ChangelogMode } from '../core/row-kind.js';
import { fieldIndex } from '../core/schema.js';
import type { ConnectorContext, RuntimeConnector, SinkWriter, SourceReader } from '../engine/connector.js';
import { BLACKHOLE_CONNECTOR } from './blackhole/sink.js';
import { DATAGEN_CONNECTOR } from './datagen/source.js';
import { mysqlCdcConnector } from './mysql-cdc/connector.js';
import { PRINT_CONNECTOR } from './print/sink.js';
import { VALUES_CONNECTOR } from './values/connector.js';

export type SinkAccepts = 'insert-only' | 'upsert' | 'all';

/**
 * One connector: its declaration, its runtime, and what the planner needs to know. The
 * trait functions receive the table and its already validated options.
 */
export interface ConnectorDefinition {
  readonly spec: ConnectorSpec;
  readonly runtime: RuntimeConnector;
  /** Declared for planning only: running a table of it throws SQL_UNSUPPORTED. */
  readonly planOnly?: boolean;
  /** Checks beyond the option declarations (conditional requirements, columns named in options). Throws CONNECTOR_OPTION. */
  validate?(table: TableDescriptor, role: 'source' | 'sink', options: ValidatedOptions): void;
  /** The changes the source produces (default insert-only). */
  sourceMode?(table: TableDescriptor, options: ValidatedOptions): ChangelogMode;
  /** What the sink accepts (default insert-only). */
  sinkAccepts?(table: TableDescriptor, options: ValidatedOptions): SinkAccepts;
}

/** The planner traits of a plan-only connector. */
export type PlanOnlyTraits = Pick<ConnectorDefinition, 'validate' | 'sourceMode' | 'sinkAccepts'>;

function isUpsertMode(m: ChangelogMode): boolean {
  return m.updateAfter && !m.updateBefore;
}

/**
 * The connectors a Strata process knows, by the value of `'connector'`. Implements the
 * planner's ConnectorTraits; builds readers and writers for the engine.
 *
 * Contract: `validate` is the one place a table's WITH options are checked (unknown,
 * missing, malformed options; roles the connector lacks; upsert without PRIMARY KEY);
 * `sourceMode`, `sinkAccepts`, `createSource` and `createSink` validate first, so their
 * errors are the same whichever is called first.
 */
export class ConnectorRegistry implements ConnectorTraits {
  readonly #defs = new Map<string, ConnectorDefinition>();
  #validated = new WeakMap<TableDescriptor, ValidatedOptions>();

  /** Adds a connector; replaces a plan-only declaration of the same name. Registering a runnable name twice is a bug. */
  register(def: ConnectorDefinition): void {
    const existing = this.#defs.get(def.spec.name);
    if (existing !== undefined && existing.planOnly !== true && def.planOnly !== true) {
      throw new StrataError('INTERNAL', `connector '${def.spec.name}' is registered twice`);
    }
    if (existing !== undefined && existing.planOnly !== true && def.planOnly === true) return;
    this.#defs.set(def.spec.name, def);
    this.#validated = new WeakMap();
  }

  /**
   * Declares a connector whose runtime comes in a later version: its tables parse, bind,
   * validate and plan (EXPLAIN works), but running one throws SQL_UNSUPPORTED.
   */
  registerPlanOnly(spec: ConnectorSpec, traits: PlanOnlyTraits = {}): void {
    const fail = (table: TableDescriptor): never => {
      throw new StrataError(
        'SQL_UNSUPPORTED',
        `connector '${spec.name}' (${tableLocation(table.path)}) is not available to run yet in this version of Strata`,
        { hint: 'The pipeline validates and EXPLAIN shows its plan; running it needs a later version of Strata.' },
      );
    };
    const def: ConnectorDefinition = {
      spec,
      planOnly: true,
      runtime: {
        ...(spec.source !== undefined ? { createSource: (t: TableDescriptor): SourceReader => fail(t) } : {}),
        ...(spec.sink !== undefined ? { createSink: (t: TableDescriptor): SinkWriter => fail(t) } : {}),
      },
      ...traits,
    };
    this.register(def);
  }

  has(name: string): boolean {
    return this.#defs.has(name);
  }

  /** Connector names, sorted. */
  names(): string[] {
    return [...this.#defs.keys()].sort();
  }

  /** Definitions, sorted by name. */
  definitions(): ConnectorDefinition[] {
    return this.names().map((n) => this.#defs.get(n)!);
  }

  /** True when tables of this connector can run (not plan-only). */
  isRunnable(name: string): boolean {
    const d = this.#defs.get(name);
    return d !== undefined && d.planOnly !== true;
  }

  /** The connector named `name`; CONNECTOR_NOT_FOUND naming the closest and all available ones. */
  get(name: string, where?: string): ConnectorDefinition {
    const def = this.#defs.get(name);
    if (def !== undefined) return def;
    const names = this.names();
    const guess = closestOption(name, names);
    throw new StrataError(
      'CONNECTOR_NOT_FOUND',
      `unknown connector '${name}'${where !== undefined ? ` in ${where}` : ''}` +
        `${guess !== undefined ? `; did you mean '${guess}'?` : ';'} available: ${names.join(', ')}`,
      { details: { connector: name, ...(where !== undefined ? { where } : {}) } },
    );
  }

  /** The definition of the table's connector; CONNECTOR_OPTION when `'connector'` is missing. */
  definitionOf(table: TableDescriptor): ConnectorDefinition {
    const where = tableLocation(table.path);
    const name = table.options[CONNECTOR_OPTION.name];
    if (name === undefined) {
      throw new StrataError(
        'CONNECTOR_OPTION',
        `${where} has no 'connector' option; add 'connector' = '...' to its WITH clause (available: ${this.names().join(', ')})`,
        { details: { option: 'connector', where } },
      );
    }
    return this.get(name, where);
  }

  /** The table's options, validated against its connector's declarations (cached per table object). */
  options(table: TableDescriptor): ValidatedOptions {
    let v = this.#validated.get(table);
    if (v === undefined) {
      const def = this.definitionOf(table);
      v = validateOptions(def.spec, table.options, tableLocation(table.path));
      this.#validated.set(table, v);
    }
    return v;
  }

  validate(table: TableDescriptor, role: 'source' | 'sink'): void {
    this.#check(table, role);
  }

  sourceMode(table: TableDescriptor): ChangelogMode {
    const { def, opts } = this.#check(table, 'source');
    return def.sourceMode?.(table, opts) ?? INSERT_ONLY;
  }

  sinkAccepts(table: TableDescriptor): SinkAccepts {
    const { def, opts } = this.#check(table, 'sink');
    return def.sinkAccepts?.(table, opts) ?? 'insert-only';
  }

  createSource(table: TableDescriptor, ctx: ConnectorContext): SourceReader {
    const { def } = this.#check(table, 'source');
    const create = def.runtime.createSource;
    if (create === undefined) throw new StrataError('INTERNAL', `connector '${def.spec.name}' declares a source but has no source runtime`);
    return create(table, ctx);
  }

  createSink(table: TableDescriptor, ctx: ConnectorContext): SinkWriter {
    const { def } = this.#check(table, 'sink');
    const create = def.runtime.createSink;
    if (create === undefined) throw new StrataError('INTERNAL', `connector '${def.spec.name}' declares a sink but has no sink runtime`);
    return create(table, ctx);
  }

  /**
   * The table's options for display (SHOW CREATE TABLE, EXPLAIN, logs): secret values
   * replaced by `******`. Works for unknown connectors too (by key name only).
   */
  redact(table: TableDescriptor): Record<string, string> {
    const name = table.options[CONNECTOR_OPTION.name];
    const def = name === undefined ? undefined : this.#defs.get(name);
    return redactOptions(def?.spec.options ?? [], table.options);
  }

  #check(table: TableDescriptor, role: 'source' | 'sink'): { def: ConnectorDefinition; opts: ValidatedOptions } {
    const def = this.definitionOf(table);
    const where = tableLocation(table.path);
    if ((role === 'source' ? def.spec.source : def.spec.sink) === undefined) {
      const other = role === 'source' ? 'sink' : 'source';
      throw new StrataError(
        'CONNECTOR_OPTION',
        `connector '${def.spec.name}' of ${where} cannot be used as a ${role}: it is ${other}-only`,
        { hint: `Use the table as a ${other}, or a connector that supports ${role === 'source' ? 'reading' : 'writing'}.`, details: { connector: def.spec.name, where } },
      );
    }
    const opts = this.options(table);
    def.validate?.(table, role, opts);
    const needsKey = role === 'source' ? isUpsertMode(def.sourceMode?.(table, opts) ?? INSERT_ONLY) : def.sinkAccepts?.(table, opts) === 'upsert';
    if (needsKey && (table.primaryKey === null || table.primaryKey.length === 0)) {
      throw new StrataError(
        'CONNECTOR_OPTION',
        `connector '${def.spec.name}' ${role === 'source' ? 'reads' : 'writes'} ${where} as an upsert stream keyed by its PRIMARY KEY, but the table has none`,
        { hint: 'Add PRIMARY KEY (...) NOT ENFORCED to the table definition.', details: { connector: def.spec.name, where } },
      );
    }
    return { def, opts };
  }
}

// ---------------------------------------------------------------------------
// Docs
// ---------------------------------------------------------------------------

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function typeText(o: OptionSpec): string {
  let t: string = o.type;
  if (o.type === 'enum') t = `enum: ${(o.choices ?? []).map((c) => `\`${c}\``).join(', ')}`;
  else if (o.type === 'list') t = "list (`;`-separated)";
  else if (o.type === 'duration') t = 'duration';
  else if (o.type === 'memory') t = 'memory size';
  const bounds: string[] = [];
  if (o.min !== undefined) bounds.push(`≥ ${o.min}`);
  if (o.max !== undefined) bounds.push(`≤ ${o.max}`);
  return bounds.length > 0 ? `${t} (${bounds.join(', ')})` : t;
}

/** Markdown for one connector: what it does, its roles, and a table of its options. */
export function renderConnectorDocs(spec: ConnectorSpec, opts: { readonly planOnly?: boolean } = {}): string {
  const lines: string[] = [];
  lines.push(`## \`${spec.name}\``, '');
  if (opts.planOnly === true) {
    lines.push(
      '> **Runs inside a server.** `strata start` (and `strata demo`) bind this connector to the process\'s own warehouse and embedded log; `strata run` and `strata explain`, which have neither, plan and validate it only.',
      '',
    );
  }
  lines.push(spec.doc, '');
  lines.push(`- **Source:** ${spec.source !== undefined ? spec.source.doc : 'no.'}`);
  lines.push(`- **Sink:** ${spec.sink !== undefined ? spec.sink.doc : 'no.'}`, '');
  lines.push('| Option | Type | Default | Required | Description |', '|---|---|---|---|---|');
  lines.push(`| \`connector\` | string | | yes | Must be \`'${spec.name}'\`. |`);
  for (const o of spec.options) {
    if (o.name === CONNECTOR_OPTION.name) continue;
    let doc = o.doc;
    if (o.secret === true) doc += ' Secret: never shown in logs, errors, `SHOW` output or `EXPLAIN`.';
    if (o.extension === true) doc += ' *(Strata extension, not in Flink.)*';
    if (o.name.includes('#')) doc += ' `#` stands for a column name.';
    if (o.name.endsWith('*')) doc += ' Any key under this prefix is passed through.';
    const def = o.default === undefined ? '' : `\`${o.default}\``;
    lines.push(`| \`${cell(o.name)}\` | ${cell(typeText(o))} | ${cell(def)} | ${o.required === true ? 'yes' : 'no'} | ${cell(doc)} |`);
  }
  lines.push('');
  return lines.join('\n');
}

/** The whole docs/connectors.md for a registry. */
export function renderConnectorsMarkdown(registry: ConnectorRegistry): string {
  const defs = registry.definitions();
  const parts: string[] = [
    '# Connectors',
    '',
    '<!-- Generated from the option declarations in src/connectors/*/options.ts and src/connectors/registry.ts.',
    '     Do not edit by hand: run `node dist/src/connectors/render-docs.js` after `npx tsc -p .`. -->',
    '',
    "Every table names its connector with `'connector' = '...'` in its `WITH (...)` clause. Option names, defaults",
    "and behaviour follow Flink's connectors, so a pipeline written for Strata runs on Flink too. Option keys are",
    'case-sensitive; enum values are not. Durations use Flink\'s syntax (`500ms`, `10 s`, `1min`, `2h`, `1d`; no unit',
    'means milliseconds); lists are separated by `;`. An unknown option is an error that names the closest valid one.',
    '',
    '| Connector | Source | Sink | Runs |',
    '|---|---|---|---|',
  ];
  for (const d of defs) {
    parts.push(
      `| [\`${d.spec.name}\`](#${d.spec.name}) | ${d.spec.source !== undefined ? 'yes' : 'no'} | ${d.spec.sink !== undefined ? 'yes' : 'no'} | ${d.planOnly === true ? 'in `strata start` (plan only in `strata run`)' : 'yes'} |`,
    );
  }
  parts.push('');
  for (const d of defs) parts.push(renderConnectorDocs(d.spec, { planOnly: d.planOnly === true }));
  return parts.join('\n');
}

// ---------------------------------------------------------------------------
// Plan-only connectors: declared now so pipelines using them validate and EXPLAIN.
// Their folders (connectors/mysql-cdc, kafka, upsert-kafka, starrocks) replace these
// declarations with real runtimes through `register`.
// ---------------------------------------------------------------------------

/** Row formats known to the Kafka connectors, and the changes each can carry. */
const FORMATS: Readonly<Record<string, 'insert-only' | 'all'>> = {
  json: 'insert-only',
  'debezium-json': 'all',
  'canal-json': 'all',
};

function checkFormat(opts: ValidatedOptions, key: string, value: string): 'insert-only' | 'all' {
  const f = FORMATS[value];
  if (f === undefined) {
    const guess = closestOption(value, Object.keys(FORMATS));
    throw opts.invalid(key, `unknown format '${value}'`, `${guess !== undefined ? `Did you mean '${guess}'? ` : ''}Available formats: ${Object.keys(FORMATS).join(', ')}.`);
  }
  return f;
}

const JSON_FORMAT_OPTIONS: readonly OptionSpec[] = [
  { name: 'json.ignore-parse-errors', type: 'boolean', default: 'false', doc: 'Skip fields and rows with parse errors instead of failing (as NULL).' },
  { name: 'json.fail-on-missing-field', type: 'boolean', default: 'false', doc: 'Fail when a field is missing.' },
  { name: 'json.timestamp-format.standard', type: 'enum', choices: ['SQL', 'ISO-8601'], default: 'SQL', doc: 'Timestamp text format.' },
  { name: 'json.map-null-key.mode', type: 'enum', choices: ['FAIL', 'DROP', 'LITERAL'], default: 'FAIL', doc: 'What to do with a NULL map key.' },
  { name: 'json.map-null-key.literal', type: 'string', default: 'null', doc: "The key text for NULL map keys when the mode is 'LITERAL'." },
  { name: 'json.encode.decimal-as-plain-number', type: 'boolean', default: 'false', doc: 'Write DECIMAL values without scientific notation.' },
  { name: 'debezium-json.*', type: 'string', doc: 'Options of the `debezium-json` format (e.g. `debezium-json.schema-include`).' },
  { name: 'canal-json.*', type: 'string', doc: 'Options of the `canal-json` format (e.g. `canal-json.database.include`).' },
  { name: 'key.json.*', type: 'string', doc: 'Options of the `json` key format.' },
  { name: 'value.json.*', type: 'string', doc: 'Options of the `json` value format.' },
];

const DELIVERY_GUARANTEE: OptionSpec = {
  name: 'sink.delivery-guarantee',
  type: 'enum',
  choices: ['at-least-once', 'exactly-once', 'none'],
  default: 'at-least-once',
  doc: 'Delivery guarantee of the sink.',
};

export const MYSQL_CDC_SPEC: ConnectorSpec = {
  name: 'mysql-cdc',
  doc:
    'Reads a MySQL or MariaDB table: a consistent snapshot, then every change from the binlog (Flink CDC\'s `mysql-cdc`). ' +
    'Option names and defaults are Flink CDC\'s.',
  source: { doc: 'all changes (+I, -U, +U, -D).' },
  options: [
    { name: 'hostname', type: 'string', required: true, doc: 'Host name or IP address of the MySQL server.' },
    { name: 'port', type: 'int', default: '3306', min: 1, max: 65535, doc: 'Port of the MySQL server.' },
    { name: 'username', type: 'string', required: true, doc: 'User to connect as.' },
    { name: 'password', type: 'string', required: true, secret: true, doc: 'Password of the user.' },
    { name: 'database-name', type: 'string', required: true, doc: 'Database to read (a regular expression, as in Flink CDC).' },
    { name: 'table-name', type: 'string', required: true, doc: 'Table to read (a regular expression, as in Flink CDC).' },
    { name: 'server-id', type: 'string', doc: "Numeric id or range (`5400-5404`) of the replication client; unique among the server's replicas. Default: a random id." },
    { name: 'server-time-zone', type: 'string', doc: 'Session time zone of the server (e.g. `Asia/Shanghai`), used to read TIMESTAMP columns. Default: the local zone.' },
    { name: 'scan.incremental.snapshot.enabled', type: 'boolean', default: 'true', doc: 'Snapshot in chunks without locks (incremental snapshot).' },
    { name: 'scan.incremental.snapshot.chunk.size', type: 'int', default: '8096', min: 1, doc: 'Rows per snapshot chunk.' },
    { name: 'scan.incremental.snapshot.chunk.key-column', type: 'string', doc: 'Column that splits the snapshot into chunks; required for a table without PRIMARY KEY. Default: the first primary key column.' },
    { name: 'scan.snapshot.fetch.size', type: 'int', default: '1024', min: 1, doc: 'Rows fetched per round trip while reading the snapshot.' },
    {
      name: 'scan.startup.mode',
      type: 'enum',
      choices: ['initial', 'snapshot', 'latest-offset', 'earliest-offset', 'specific-offset', 'timestamp'],
      default: 'initial',
      doc: '`initial`: snapshot, then binlog; `snapshot`: snapshot only; `latest-offset`: only changes from now; `earliest-offset`: the oldest binlog; `specific-offset`: a binlog file/position or GTID set; `timestamp`: changes from a time.',
    },
    { name: 'scan.startup.specific-offset.file', type: 'string', doc: "Binlog file name for 'specific-offset'." },
    { name: 'scan.startup.specific-offset.pos', type: 'long', min: 0, doc: "Binlog position for 'specific-offset'." },
    { name: 'scan.startup.specific-offset.gtid-set', type: 'string', doc: "GTID set for 'specific-offset'." },
    { name: 'scan.startup.specific-offset.skip-events', type: 'long', min: 0, doc: 'Events to skip after the specific offset.' },
    { name: 'scan.startup.specific-offset.skip-rows', type: 'long', min: 0, doc: 'Rows to skip after the specific offset.' },
    { name: 'scan.startup.timestamp-millis', type: 'long', min: 0, doc: "Start time (epoch milliseconds) for 'timestamp'." },
    { name: 'connect.timeout', type: 'duration', default: '30s', doc: 'How long to wait for a connection.' },
    { name: 'connect.max-retries', type: 'int', default: '3', min: 0, doc: 'Connection attempts before failing.' },
    { name: 'connection.pool.size', type: 'int', default: '20', min: 1, doc: 'Size of the connection pool.' },
    { name: 'heartbeat.interval', type: 'duration', default: '30s', doc: 'Interval of heartbeat events that keep the binlog position moving on idle tables.' },
    { name: 'chunk-meta.group.size', type: 'int', default: '1000', min: 1, doc: 'Chunk metadata entries per group.' },
    { name: 'chunk-key.even-distribution.factor.upper-bound', type: 'double', default: '1000.0', doc: 'Upper bound of the distribution factor for evenly split chunks.' },
    { name: 'chunk-key.even-distribution.factor.lower-bound', type: 'double', default: '0.05', doc: 'Lower bound of the distribution factor for evenly split chunks.' },
    { name: 'scan.newly-added-table.enabled', type: 'boolean', default: 'false', doc: 'Pick up tables added to `table-name` after the job started.' },
    { name: 'scan.incremental.close-idle-reader.enabled', type: 'boolean', default: 'false', doc: 'Close idle readers after the snapshot.' },
    { name: 'debezium.*', type: 'string', doc: 'Debezium properties (e.g. `debezium.snapshot.mode`).' },
    { name: 'jdbc.properties.*', type: 'string', doc: 'JDBC URL properties (e.g. `jdbc.properties.useSSL`).' },
  ],
};

/** The mysql-cdc option combinations (used by connectors/mysql-cdc/connector.ts). */
export function validateMysqlCdc(table: TableDescriptor, _role: 'source' | 'sink', opts: ValidatedOptions): void {
  const mode = opts.enum('scan.startup.mode');
  if (mode === 'specific-offset') {
    const hasGtid = opts.has('scan.startup.specific-offset.gtid-set');
    const hasFile = opts.has('scan.startup.specific-offset.file');
    const hasPos = opts.has('scan.startup.specific-offset.pos');
    if (!hasGtid && !(hasFile && hasPos)) {
      throw opts.missing(
        hasFile ? 'scan.startup.specific-offset.pos' : 'scan.startup.specific-offset.file',
        "'scan.startup.mode' is 'specific-offset': give a binlog file and position, or 'scan.startup.specific-offset.gtid-set'",
      );
    }
  }
  if (mode === 'timestamp' && !opts.has('scan.startup.timestamp-millis')) {
    throw opts.missing('scan.startup.timestamp-millis', "'scan.startup.mode' is 'timestamp'");
  }
  const serverId = opts.string('server-id');
  if (serverId !== undefined) {
    const m = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(serverId);
    if (m === null || (m[2] !== undefined && Number(m[2]) < Number(m[1]))) {
      throw opts.invalid('server-id', `'${serverId}' is not a server id or range`, "Write a number such as '5400' or a range such as '5400-5404'.");
    }
  }
  const chunkKey = opts.string('scan.incremental.snapshot.chunk.key-column');
  if (chunkKey !== undefined && fieldIndex(table.schema, chunkKey) < 0) {
    throw opts.invalid('scan.incremental.snapshot.chunk.key-column', `there is no column \`${chunkKey}\``, `Columns: ${table.schema.fields.map((f) => f.name).join(', ')}.`);
  }
  const noKey = table.primaryKey === null || table.primaryKey.length === 0;
  if (noKey && opts.boolean('scan.incremental.snapshot.enabled') === true && chunkKey === undefined) {
    throw opts.missing(
      'scan.incremental.snapshot.chunk.key-column',
      "the table has no PRIMARY KEY and 'scan.incremental.snapshot.enabled' is true; or declare the PRIMARY KEY",
    );
  }
}

export const UPSERT_KAFKA_SPEC: ConnectorSpec = {
  name: 'upsert-kafka',
  doc:
    "Reads and writes a Kafka topic as a table keyed by its PRIMARY KEY (Flink's `upsert-kafka`): the message key holds the key columns, " +
    'a message is an upsert of that key, and a tombstone (NULL value) deletes it. Requires a PRIMARY KEY.',
  source: { doc: 'upsert by primary key (+I, +U, -D); the planner adds a ChangelogNormalize to produce -U.' },
  sink: { doc: 'upsert by primary key: +I and +U become messages, -D becomes a tombstone, -U is dropped.' },
  options: [
    { name: 'topic', type: 'string', required: true, doc: 'Topic to read from and write to.' },
    { name: 'properties.bootstrap.servers', type: 'string', required: true, doc: 'Kafka brokers, `host:port` separated by commas. The embedded bus listens on `localhost:9092`.' },
    { name: 'properties.*', type: 'string', doc: 'Kafka client properties (e.g. `properties.group.id`, `properties.sasl.jaas.config`).' },
    { name: 'key.format', type: 'string', required: true, doc: 'Format of the message key (an insert-only format: `json`).' },
    { name: 'value.format', type: 'string', required: true, doc: 'Format of the message value (an insert-only format: `json`).' },
    { name: 'key.fields-prefix', type: 'string', doc: 'Prefix of the key columns in the table schema, removed in the message key.' },
    { name: 'value.fields-include', type: 'enum', choices: ['ALL', 'EXCEPT_KEY'], default: 'ALL', doc: 'Whether the message value also holds the key columns.' },
    { name: 'sink.parallelism', type: 'int', min: 1, doc: 'Accepted for compatibility with Flink; Strata runs one writer.' },
    { name: 'sink.buffer-flush.max-rows', type: 'int', default: '0', min: 0, doc: 'Rows buffered (and reduced by key) before a flush; 0 disables buffering.' },
    { name: 'sink.buffer-flush.interval', type: 'duration', default: '0', doc: 'Longest time rows stay buffered; 0 disables buffering.' },
    DELIVERY_GUARANTEE,
    { name: 'sink.transactional-id-prefix', type: 'string', doc: "Prefix of transactional ids for 'exactly-once'." },
    ...JSON_FORMAT_OPTIONS.filter((o) => o.name.startsWith('key.') || o.name.startsWith('value.')),
  ],
};

export function validateUpsertKafka(table: TableDescriptor, _role: 'source' | 'sink', opts: ValidatedOptions): void {
  if (table.primaryKey === null || table.primaryKey.length === 0) {
    throw new StrataError(
      'CONNECTOR_OPTION',
      `'upsert-kafka' tables require a PRIMARY KEY (${opts.where}): the key columns are the Kafka message key, and changes update or delete by that key`,
      { hint: 'Add PRIMARY KEY (...) NOT ENFORCED to the table definition.', details: { connector: 'upsert-kafka', where: opts.where } },
    );
  }
  for (const key of ['key.format', 'value.format']) {
    const f = opts.string(key)!;
    if (checkFormat(opts, key, f) !== 'insert-only') {
      throw opts.invalid(key, `'upsert-kafka' does not support '${f}' as ${key === 'key.format' ? 'key' : 'value'} format, because '${f}' is not insert-only`, "Use 'json'.");
    }
  }
  const rows = opts.int('sink.buffer-flush.max-rows')!;
  const interval = opts.duration('sink.buffer-flush.interval')!;
  if ((rows > 0) !== (interval > 0)) {
    throw opts.invalid(
      rows > 0 ? 'sink.buffer-flush.interval' : 'sink.buffer-flush.max-rows',
      "'sink.buffer-flush.max-rows' and 'sink.buffer-flush.interval' must both be greater than zero to enable buffering",
    );
  }
}

export const KAFKA_SPEC: ConnectorSpec = {
  name: 'kafka',
  doc:
    "Reads and writes a Kafka topic as an append stream, or as a changelog with a CDC format (Flink's `kafka`). " +
    'With `json` every message is an insert; with `debezium-json` or `canal-json` messages carry inserts, updates and deletes.',
  source: { doc: 'insert-only with `json`; all changes with `debezium-json` or `canal-json`.' },
  sink: { doc: 'insert-only with `json`; all changes with `debezium-json` or `canal-json`.' },
  options: [
    { name: 'topic', type: 'list', doc: 'Topic(s) to read from (`;`-separated) or the one topic to write to.' },
    { name: 'topic-pattern', type: 'string', doc: 'Regular expression of topics to read from (instead of `topic`).' },
    { name: 'properties.bootstrap.servers', type: 'string', required: true, doc: 'Kafka brokers, `host:port` separated by commas. The embedded bus listens on `localhost:9092`.' },
    { name: 'properties.group.id', type: 'string', doc: "Consumer group of the source; needed for 'group-offsets'." },
    { name: 'properties.*', type: 'string', doc: 'Kafka client properties (e.g. `properties.sasl.jaas.config`).' },
    { name: 'format', type: 'string', doc: 'Format of the message value: `json`, `debezium-json` or `canal-json` (or use `value.format`).' },
    { name: 'key.format', type: 'string', doc: 'Format of the message key; requires `key.fields`.' },
    { name: 'key.fields', type: 'list', doc: 'Columns that form the message key (`;`-separated).' },
    { name: 'key.fields-prefix', type: 'string', doc: 'Prefix of the key columns in the table schema, removed in the message key.' },
    { name: 'value.format', type: 'string', doc: 'Format of the message value (same as `format`).' },
    { name: 'value.fields-include', type: 'enum', choices: ['ALL', 'EXCEPT_KEY'], default: 'ALL', doc: 'Whether the message value also holds the key columns.' },
    {
      name: 'scan.startup.mode',
      type: 'enum',
      choices: ['earliest-offset', 'latest-offset', 'group-offsets', 'timestamp', 'specific-offsets'],
      default: 'group-offsets',
      doc: 'Where the source starts reading.',
    },
    { name: 'scan.startup.specific-offsets', type: 'string', doc: "Offsets for 'specific-offsets': `partition:0,offset:42;partition:1,offset:300`." },
    { name: 'scan.startup.timestamp-millis', type: 'long', min: 0, doc: "Start time (epoch milliseconds) for 'timestamp'." },
    {
      name: 'scan.bounded.mode',
      type: 'enum',
      choices: ['unbounded', 'latest-offset', 'group-offsets', 'timestamp', 'specific-offsets'],
      default: 'unbounded',
      doc: 'Where a bounded source stops.',
    },
    { name: 'scan.bounded.specific-offsets', type: 'string', doc: "Offsets for bounded 'specific-offsets'." },
    { name: 'scan.bounded.timestamp-millis', type: 'long', min: 0, doc: "End time (epoch milliseconds) for bounded 'timestamp'." },
    { name: 'scan.topic-partition-discovery.interval', type: 'duration', default: '5min', doc: 'How often new partitions are discovered.' },
    { name: 'sink.partitioner', type: 'string', default: 'default', doc: '`default` (by key hash, round-robin without key), `fixed` or `round-robin`.' },
    { name: 'sink.parallelism', type: 'int', min: 1, doc: 'Accepted for compatibility with Flink; Strata runs one writer.' },
    DELIVERY_GUARANTEE,
    { name: 'sink.transactional-id-prefix', type: 'string', doc: "Prefix of transactional ids for 'exactly-once'." },
    ...JSON_FORMAT_OPTIONS,
  ],
};

export function kafkaValueFormat(opts: ValidatedOptions): { key: string; format: string } {
  const f = opts.string('format');
  const v = opts.string('value.format');
  if (f !== undefined && v !== undefined) {
    throw opts.invalid('value.format', "'format' and 'value.format' are both set", 'Keep one of them.');
  }
  if (f === undefined && v === undefined) throw opts.missing('format', "the message value needs a format: 'format' or 'value.format'");
  return f !== undefined ? { key: 'format', format: f } : { key: 'value.format', format: v! };
}

export function validateKafka(table: TableDescriptor, role: 'source' | 'sink', opts: ValidatedOptions): void {
  const value = kafkaValueFormat(opts);
  const changes = checkFormat(opts, value.key, value.format);
  const topics = opts.list('topic');
  const pattern = opts.string('topic-pattern');
  if (topics !== undefined && pattern !== undefined) throw opts.invalid('topic-pattern', "'topic' and 'topic-pattern' are both set", 'Keep one of them.');
  if (role === 'source' && topics === undefined && pattern === undefined) throw opts.missing('topic', "a source needs 'topic' or 'topic-pattern'");
  if (role === 'sink' && (topics === undefined || topics.length !== 1)) {
    throw topics === undefined ? opts.missing('topic', 'the table is written to') : opts.invalid('topic', 'a sink writes to exactly one topic');
  }
  const keyFormat = opts.string('key.format');
  const keyFields = opts.list('key.fields');
  if (keyFormat !== undefined && (keyFields === undefined || keyFields.length === 0)) {
    throw opts.missing('key.fields', "'key.format' is set: name the key columns");
  }
  if (keyFormat === undefined && keyFields !== undefined) throw opts.missing('key.format', "'key.fields' is set");
  if (keyFormat !== undefined) checkFormat(opts, 'key.format', keyFormat);
  for (const f of keyFields ?? []) {
    if (fieldIndex(table.schema, f) < 0) throw opts.invalid('key.fields', `there is no column \`${f}\``, `Columns: ${table.schema.fields.map((x) => x.name).join(', ')}.`);
  }
  if (opts.enum('value.fields-include') === 'EXCEPT_KEY' && keyFields === undefined) {
    throw opts.missing('key.fields', "'value.fields-include' is 'EXCEPT_KEY'");
  }
  if (role === 'source') {
    const mode = opts.enum('scan.startup.mode');
    if (mode === 'specific-offsets' && !opts.has('scan.startup.specific-offsets')) throw opts.missing('scan.startup.specific-offsets', "'scan.startup.mode' is 'specific-offsets'");
    if (mode === 'timestamp' && !opts.has('scan.startup.timestamp-millis')) throw opts.missing('scan.startup.timestamp-millis', "'scan.startup.mode' is 'timestamp'");
  }
  if (changes === 'insert-only' && table.primaryKey !== null && table.primaryKey.length > 0) {
    throw new StrataError(
      'CONNECTOR_OPTION',
      `the 'kafka' table ${opts.where} with '${value.format}' format cannot have a PRIMARY KEY, because an append-only topic cannot guarantee its meaning`,
      { hint: "Use the 'upsert-kafka' connector for a keyed table, or a CDC format such as 'debezium-json'.", details: { connector: 'kafka', where: opts.where } },
    );
  }
}

export function kafkaChanges(opts: ValidatedOptions): 'insert-only' | 'all' {
  const value = kafkaValueFormat(opts);
  return checkFormat(opts, value.key, value.format);
}

export const STARROCKS_SPEC: ConnectorSpec = {
  name: 'starrocks',
  doc:
    "Writes into a StarRocks (or Doris) table through Stream Load transactions (the StarRocks Flink connector's sink). " +
    'A table with a PRIMARY KEY is written by upsert and delete; without one, rows are appended.',
  sink: { doc: 'upsert by primary key when the table has one (-U is dropped, -D deletes); insert-only otherwise.' },
  options: [
    { name: 'jdbc-url', type: 'string', required: true, doc: 'MySQL-protocol URL of the frontends: `jdbc:mysql://fe1:9030,fe2:9030`.' },
    { name: 'load-url', type: 'list', required: true, doc: 'HTTP addresses of the frontends for Stream Load: `fe1:8030;fe2:8030`.' },
    { name: 'database-name', type: 'string', required: true, doc: 'StarRocks database.' },
    { name: 'table-name', type: 'string', required: true, doc: 'StarRocks table.' },
    { name: 'username', type: 'string', required: true, doc: 'User to load as.' },
    { name: 'password', type: 'string', required: true, secret: true, doc: 'Password of the user.' },
    { name: 'sink.semantic', type: 'enum', choices: ['at-least-once', 'exactly-once'], default: 'at-least-once', doc: '`exactly-once` commits Stream Load transactions with the checkpoint.' },
    { name: 'sink.version', type: 'enum', choices: ['AUTO', 'V1', 'V2'], default: 'AUTO', doc: 'Sink implementation version (accepted for compatibility).' },
    { name: 'sink.label-prefix', type: 'string', doc: 'Prefix of Stream Load labels (exactly-once labels derive from the checkpoint).' },
    { name: 'sink.connect.timeout-ms', type: 'int', default: '30000', min: 100, doc: 'HTTP connect timeout in milliseconds.' },
    { name: 'sink.wait-for-continue.timeout-ms', type: 'int', default: '10000', min: 3000, doc: 'How long to wait for HTTP 100-continue, in milliseconds.' },
    { name: 'sink.buffer-flush.max-bytes', type: 'long', default: '94371840', min: 1, doc: 'Bytes buffered before a load.' },
    { name: 'sink.buffer-flush.max-rows', type: 'long', default: '500000', min: 1, doc: 'Rows buffered before a load.' },
    { name: 'sink.buffer-flush.interval-ms', type: 'long', default: '300000', min: 1, doc: 'Longest time rows stay buffered, in milliseconds (at-least-once).' },
    { name: 'sink.max-retries', type: 'int', default: '3', min: 0, doc: 'Retries of a failed load.' },
    { name: 'sink.retry.interval-ms', type: 'int', default: '10000', min: 0, doc: 'Pause between retries, in milliseconds.' },
    { name: 'sink.parallelism', type: 'int', min: 1, doc: 'Accepted for compatibility with Flink; Strata runs one writer.' },
    { name: 'sink.ignore.update-before', type: 'boolean', default: 'true', doc: 'Drop -U changes (a primary-key table is upserted by +U).' },
    { name: 'sink.properties.*', type: 'string', doc: 'Stream Load properties (e.g. `sink.properties.format`, `sink.properties.columns`).' },
  ],
};

/** The registry every Strata process starts with. */
export function defaultRegistry(): ConnectorRegistry {
  const r = new ConnectorRegistry();
  r.register(BLACKHOLE_CONNECTOR);
  r.register(DATAGEN_CONNECTOR);
  r.register(PRINT_CONNECTOR);
  r.register(VALUES_CONNECTOR);
  r.register(mysqlCdcConnector());
  r.registerPlanOnly(UPSERT_KAFKA_SPEC, { validate: validateUpsertKafka, sourceMode: () => UPSERT, sinkAccepts: () => 'upsert' });
  r.registerPlanOnly(KAFKA_SPEC, {
    validate: validateKafka,
    sourceMode: (_t, opts) => (kafkaChanges(opts) === 'all' ? ALL_CHANGES : INSERT_ONLY),
    sinkAccepts: (_t, opts) => kafkaChanges(opts),
  });
  r.registerPlanOnly(STARROCKS_SPEC, {
    sinkAccepts: (t) => (t.primaryKey !== null && t.primaryKey.length > 0 ? 'upsert' : 'insert-only'),
  });
  return r;
}
