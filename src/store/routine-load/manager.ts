/**
 * Routine Load: jobs that consume topics of the embedded log into warehouse tables,
 * exactly-once into the table, driven by the StarRocks statements
 * (CREATE / SHOW [ALL] / PAUSE / RESUME / STOP ROUTINE LOAD).
 *
 * Contract:
 * - Each batch of a job is applied with `warehouse.apply` together with the position
 *   record `{"job":<id>,"name":"db.job","topic":...,"offsets":{"<partition>":<next offset>}}`
 *   (writer `routine-load:<db>.<job>`): rows and consumed offsets commit in one
 *   transaction. On restart the offsets come from that position (the jobs file in
 *   `<dataDir>/routine-load/jobs.json` holds definitions, states and statistics, and
 *   offsets only as a fallback when another writer overwrote the table's position).
 * - PRIMARY KEY tables: a value upserts; a tombstone deletes the row of the message's
 *   key. DUPLICATE tables append (tombstones are skipped and counted as unselected rows).
 * - A message that does not load is an error row (topic/partition/offset and why, in
 *   SHOW ROUTINE LOAD's ErrorLogUrls). Once the error rows of the current error window
 *   (max_batch_rows × 10 rows) exceed max_error_number (default 0), the job commits
 *   what came before, skips the bad message and PAUSES, naming the count and the offset.
 */

import { faultPoint } from '../../core/fault.js';
import { hostname, networkInterfaces } from 'node:os';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ChangeBatch } from '../../core/batch.js';
import { StrataError, toStrataError } from '../../core/errors.js';
import { DELETE, INSERT } from '../../core/row-kind.js';
import { T } from '../../core/types.js';
import type { Row } from '../../core/values.js';
import type { Log } from '../../log/log.js';
import type { ResultColumn, StatementOutcome, Warehouse, WarehouseSessionState } from '../api.js';
import type { WarehouseExtension } from '../starrocks/front.js';
import { parseJsonPath, type JsonPath } from './json-text.js';
import { mappingProblem, parseJsonPaths, RowError, RowMapper, type MappingOptions } from './row-mapper.js';
import { parseRoutineLoadStatement, type CreateRoutineLoad, type ShowRoutineLoad } from './statements.js';

export type RoutineLoadState = 'NEED_SCHEDULE' | 'RUNNING' | 'PAUSED' | 'STOPPED' | 'CANCELLED';

export interface RoutineLoadOptions {
  readonly dataDir: string;
  /** The ports this process serves the Kafka protocol on (kafka_broker_list must name one). */
  readonly localKafkaPorts: () => readonly number[];
  readonly log?: (line: string) => void;
  /** Bytes read per partition per batch (default 4 MiB). */
  readonly maxBytesPerPartition?: number;
}

/** A job's definition, as persisted. */
interface JobDef {
  readonly id: number;
  readonly database: string;
  readonly name: string;
  readonly table: string;
  readonly columns: readonly string[] | null;
  /** Job properties as written (lower-cased keys). */
  readonly properties: Readonly<Record<string, string>>;
  readonly topic: string;
  readonly brokerList: string;
  /** Partitions named by kafka_partitions, or null (all of the topic's). */
  readonly partitions: readonly number[] | null;
  /** property.* and other data-source properties, as written. */
  readonly custom: Readonly<Record<string, string>>;
  readonly createTime: number;
}

interface JobStats {
  receivedBytes: number;
  totalRows: number;
  loadedRows: number;
  deletedRows: number;
  errorRows: number;
  unselectedRows: number;
  committedTaskNum: number;
  abortedTaskNum: number;
  taskExecuteTimeMs: number;
}

interface ErrorEntry {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly reason: string;
}

interface PersistedJob {
  readonly def: JobDef;
  readonly state: RoutineLoadState;
  readonly offsets: Record<string, number>;
  readonly pauseTime: number | null;
  readonly endTime: number | null;
  readonly reason: string;
  readonly stats: JobStats;
  readonly errors: readonly ErrorEntry[];
}

interface PersistedFile {
  readonly version: 1;
  readonly nextId: number;
  readonly jobs: readonly PersistedJob[];
}

interface Job {
  readonly def: JobDef;
  readonly mapping: MappingOptions;
  readonly maxErrorNumber: number;
  readonly maxBatchRows: number;
  state: RoutineLoadState;
  /** Next offset to read, per partition. */
  offsets: Map<number, number>;
  pauseTime: number | null;
  endTime: number | null;
  reason: string;
  stats: JobStats;
  errors: ErrorEntry[];
  windowRows: number;
  windowErrors: number;
  mapper: RowMapper | null;
  abort: AbortController | null;
  loop: Promise<void> | null;
}

const KNOWN_JOB_PROPERTIES = new Set([
  'format',
  'jsonpaths',
  'json_root',
  'strip_outer_array',
  'strict_mode',
  'max_error_number',
  'max_filter_ratio',
  'max_batch_interval',
  'max_batch_rows',
  'desired_concurrent_number',
  'timezone',
  'time_zone',
  'partial_update',
  'log_rejected_record_num',
  'task_consume_second',
  'task_timeout_second',
]);
const KNOWN_SOURCE_PROPERTIES = new Set(['kafka_broker_list', 'kafka_topic', 'kafka_partitions', 'kafka_offsets']);
const ERRORS_KEPT = 10;
const ERRORS_SHOWN = 5;
const PERSIST_EVERY_MS = 1000;

const SHOW_COLUMNS: readonly ResultColumn[] = [
  'Id',
  'Name',
  'CreateTime',
  'PauseTime',
  'EndTime',
  'DbName',
  'TableName',
  'State',
  'DataSourceType',
  'CurrentTaskNum',
  'JobProperties',
  'DataSourceProperties',
  'CustomProperties',
  'Statistic',
  'Progress',
  'ReasonOfStateChanged',
  'ErrorLogUrls',
  'OtherMsg',
].map((name) => ({ name, type: T.string() }));

function validation(message: string, hint?: string): StrataError {
  return new StrataError('SQL_VALIDATION', message, hint === undefined ? {} : { hint });
}

function emptyStats(): JobStats {
  return { receivedBytes: 0, totalRows: 0, loadedRows: 0, deletedRows: 0, errorRows: 0, unselectedRows: 0, committedTaskNum: 0, abortedTaskNum: 0, taskExecuteTimeMs: 0 };
}

function boolProperty(props: Readonly<Record<string, string>>, key: string, dflt: boolean): boolean {
  const v = props[key];
  if (v === undefined) return dflt;
  const l = v.trim().toLowerCase();
  if (l === 'true') return true;
  if (l === 'false') return false;
  throw validation(`property "${key}" must be "true" or "false", not "${v}"`);
}

function intProperty(props: Readonly<Record<string, string>>, key: string, dflt: number, min: number): number {
  const v = props[key];
  if (v === undefined) return dflt;
  if (!/^\s*-?\d+\s*$/.test(v) || Number(v) < min) throw validation(`property "${key}" must be an integer ≥ ${min}, not "${v}"`);
  return Number(v);
}

function mappingOf(def: Pick<JobDef, 'columns' | 'properties'>): MappingOptions {
  const p = def.properties;
  let jsonpaths: JsonPath[] | null = null;
  if (p['jsonpaths'] !== undefined && p['jsonpaths'].trim() !== '') {
    const r = parseJsonPaths(p['jsonpaths']);
    if (typeof r === 'string') throw validation(r);
    jsonpaths = r;
  }
  let jsonRoot: JsonPath | null = null;
  if (p['json_root'] !== undefined && p['json_root'].trim() !== '') {
    const r = parseJsonPath(p['json_root']);
    if (typeof r === 'string') throw validation(`json_root: ${r}`);
    jsonRoot = r;
  }
  return {
    columns: def.columns,
    jsonpaths,
    jsonRoot,
    stripOuterArray: boolProperty(p, 'strip_outer_array', false),
    strictMode: boolProperty(p, 'strict_mode', false),
  };
}

function pad2(n: number): string {
  return n < 10 ? '0' + n : String(n);
}

function timeText(ms: number | null): string {
  if (ms === null) return 'NULL';
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())} ${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
}

function isSecretKey(key: string): boolean {
  return /sasl|password|secret|ssl\.key|token|credential/i.test(key);
}

/** The local addresses of this machine (for the kafka_broker_list check). */
function localHosts(): Set<string> {
  const out = new Set(['localhost', '127.0.0.1', '::1', '0.0.0.0', '::', hostname().toLowerCase()]);
  for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) out.add(a.address.toLowerCase());
  return out;
}

export class RoutineLoadManager implements WarehouseExtension {
  readonly #warehouse: Warehouse;
  readonly #log: Log;
  readonly #options: RoutineLoadOptions;
  readonly #say: (line: string) => void;
  readonly #file: string;
  readonly #jobs: Job[] = [];
  #nextId = 10001;
  #started = false;
  #stopped = false;
  #lastPersist = 0;

  constructor(warehouse: Warehouse, log: Log, options: RoutineLoadOptions) {
    this.#warehouse = warehouse;
    this.#log = log;
    this.#options = options;
    this.#say = options.log ?? (() => {});
    this.#file = join(options.dataDir, 'routine-load', 'jobs.json');
  }

  /** Restores the persisted jobs and starts those that were running. */
  start(): void {
    if (this.#started) return;
    this.#started = true;
    let file: PersistedFile | null = null;
    try {
      file = JSON.parse(readFileSync(this.#file, 'utf8')) as PersistedFile;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') {
        throw new StrataError('STATE', `cannot read the Routine Load jobs file ${this.#file}: ${(e as Error).message}`, {
          hint: 'Fix or remove the file (removing it forgets the jobs; the tables keep their rows).',
        });
      }
    }
    if (file !== null) {
      this.#nextId = file.nextId;
      for (const pj of file.jobs) {
        const job: Job = {
          def: pj.def,
          mapping: mappingOf(pj.def),
          maxErrorNumber: intProperty(pj.def.properties, 'max_error_number', 0, 0),
          maxBatchRows: intProperty(pj.def.properties, 'max_batch_rows', 200000, 1),
          state: pj.state,
          offsets: new Map(Object.entries(pj.offsets).map(([p, o]) => [Number(p), o])),
          pauseTime: pj.pauseTime,
          endTime: pj.endTime,
          reason: pj.reason,
          stats: { ...emptyStats(), ...pj.stats },
          errors: [...pj.errors],
          windowRows: 0,
          windowErrors: 0,
          mapper: null,
          abort: null,
          loop: null,
        };
        this.#restoreOffsets(job);
        this.#jobs.push(job);
      }
    }
    for (const j of this.#jobs) if (j.state === 'RUNNING' || j.state === 'NEED_SCHEDULE') this.#schedule(j);
  }

  /** Stops every job loop (after its current batch); jobs keep their state for the next start. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    for (const j of this.#jobs) j.abort?.abort();
    await Promise.all(this.#jobs.map((j) => j.loop ?? Promise.resolve()));
    this.#persist(true);
  }

  /** Jobs as SHOW ALL ROUTINE LOAD lists them (for tests and the HTTP API). */
  /**
   * Read-your-writes for flush: resolves once every running job has applied every message
   * its topic held when this was called (its offsets reach each partition's high
   * watermark then). A job that pauses or stops meanwhile ends the wait for it; a job
   * still behind after 30 s is a RUNTIME error naming it.
   */
  async flush(): Promise<void> {
    const targets = this.#jobs
      .filter((j) => j.state === 'RUNNING' || j.state === 'NEED_SCHEDULE')
      .map((j) => ({ job: j, ends: [...j.offsets.keys()].map((p) => [p, this.#log.latestOffset(j.def.topic, p)] as const) }));
    const deadline = Date.now() + 30_000;
    for (const { job, ends } of targets) {
      while ((job.state === 'RUNNING' || job.state === 'NEED_SCHEDULE') && ends.some(([p, end]) => (job.offsets.get(p) ?? 0) < end)) {
        if (Date.now() > deadline) {
          throw new StrataError('RUNTIME', `routine load ${job.def.database}.${job.def.name} did not catch up with topic '${job.def.topic}' within 30 s`, {
            hint: 'See SHOW ROUTINE LOAD for its progress, and retry the flush.',
            retryable: true,
          });
        }
        await new Promise((r) => setTimeout(r, 5));
      }
    }
  }

  jobs(): readonly { id: number; database: string; name: string; table: string; state: RoutineLoadState; offsets: ReadonlyMap<number, number>; errorRows: number; loadedRows: number }[] {
    return this.#jobs.map((j) => ({ id: j.def.id, database: j.def.database, name: j.def.name, table: j.def.table, state: j.state, offsets: new Map(j.offsets), errorRows: j.stats.errorRows, loadedRows: j.stats.loadedRows }));
  }

  async handle(statementText: string, session: WarehouseSessionState): Promise<StatementOutcome | undefined> {
    const st = parseRoutineLoadStatement(statementText);
    if (st === null) return undefined;
    switch (st.kind) {
      case 'create':
        this.#create(st, session);
        return { kind: 'ok', affectedRows: 0 };
      case 'show':
        return this.#show(st, session);
      default: {
        const job = this.#find(st.database, st.name, session);
        if (job.state === 'STOPPED' || job.state === 'CANCELLED') {
          throw validation(`routine load job ${job.def.database}.${job.def.name} is ${job.state}; it cannot be ${st.kind === 'pause' ? 'paused' : st.kind === 'resume' ? 'resumed' : 'stopped'}`, 'Create a new job (CREATE ROUTINE LOAD) to load again.');
        }
        if (st.kind === 'pause') {
          if (job.state !== 'PAUSED') this.#setState(job, 'PAUSED', `PAUSED by user ${session.user}`);
          await this.#halt(job);
        } else if (st.kind === 'resume') {
          if (job.state === 'PAUSED') {
            job.windowErrors = 0;
            job.windowRows = 0;
            this.#setState(job, 'NEED_SCHEDULE', '');
            this.#schedule(job);
          }
        } else {
          this.#setState(job, 'STOPPED', `STOPPED by user ${session.user}`);
          await this.#halt(job);
        }
        this.#persist(true);
        return { kind: 'ok', affectedRows: 0 };
      }
    }
  }

  // ---- statements ----------------------------------------------------------------------

  #databaseOf(named: string | null, session: WarehouseSessionState): string {
    const db = named ?? session.database;
    if (db === null) throw validation('no database selected', 'Write db.job, or USE a database first.');
    const found = this.#warehouse.listDatabases().find((d) => d.toLowerCase() === db.toLowerCase());
    if (found === undefined) throw new StrataError('CATALOG_OBJECT_NOT_FOUND', `unknown database '${db}'`, { hint: 'SHOW DATABASES lists them.' });
    return found;
  }

  #find(database: string | null, name: string, session: WarehouseSessionState): Job {
    const db = this.#databaseOf(database, session).toLowerCase();
    const matches = this.#jobs.filter((j) => j.def.database.toLowerCase() === db && j.def.name.toLowerCase() === name.toLowerCase());
    const live = matches.find((j) => j.state !== 'STOPPED' && j.state !== 'CANCELLED');
    const job = live ?? matches[matches.length - 1];
    if (job === undefined) throw new StrataError('CATALOG_OBJECT_NOT_FOUND', `routine load job ${database ?? db}.${name} does not exist`, { hint: 'SHOW ALL ROUTINE LOAD lists the jobs.' });
    return job;
  }

  #create(st: CreateRoutineLoad, session: WarehouseSessionState): void {
    if (st.sourceType !== 'KAFKA') throw new StrataError('SQL_UNSUPPORTED', `routine load from ${st.sourceType} is not supported; the data source is KAFKA`);
    const database = this.#databaseOf(st.database, session);
    const def = this.#warehouse.getTable(database, st.table);
    if (def === undefined) throw new StrataError('CATALOG_OBJECT_NOT_FOUND', `table ${database}.${st.table} does not exist`, { hint: `Create it first, or check SHOW TABLES FROM ${database}.` });
    if (this.#jobs.some((j) => j.def.database === database && j.def.name.toLowerCase() === st.name.toLowerCase() && j.state !== 'STOPPED' && j.state !== 'CANCELLED')) {
      throw new StrataError('CATALOG_OBJECT_EXISTS', `routine load job ${database}.${st.name} already exists`, { hint: `STOP ROUTINE LOAD FOR ${database}.${st.name} first, or pick another name.` });
    }
    if (st.where !== null) throw new StrataError('SQL_UNSUPPORTED', `WHERE in CREATE ROUTINE LOAD is not supported yet (WHERE ${st.where})`, { hint: 'Filter in a Flink SQL pipeline before the topic, or load everything and filter in queries.' });
    const properties: Record<string, string> = {};
    for (const [k, v] of st.properties) {
      if (!KNOWN_JOB_PROPERTIES.has(k)) throw validation(`unknown routine load property "${k}"`, `Known: ${[...KNOWN_JOB_PROPERTIES].join(', ')}.`);
      properties[k] = v;
    }
    const format = (properties['format'] ?? 'csv').toLowerCase();
    if (format !== 'json') {
      throw new StrataError('SQL_UNSUPPORTED', `routine load format "${format}" is not supported yet${properties['format'] === undefined ? ' (CSV is the default when "format" is not given)' : ''}`, { hint: 'Add "format" = "json" to PROPERTIES.' });
    }
    if (boolProperty(properties, 'partial_update', false)) throw new StrataError('SQL_UNSUPPORTED', 'partial_update is not supported yet', { hint: 'Load whole rows.' });
    const mapping = mappingOf({ columns: st.columns, properties });
    const problem = mappingProblem(def, mapping);
    if (problem !== null) throw validation(problem);
    const maxErrorNumber = intProperty(properties, 'max_error_number', 0, 0);
    const maxBatchRows = intProperty(properties, 'max_batch_rows', 200000, 1);
    intProperty(properties, 'max_batch_interval', 10, 1);
    intProperty(properties, 'desired_concurrent_number', 3, 1);

    // data source
    const src = st.sourceProperties;
    const custom: Record<string, string> = {};
    for (const [k, v] of src) {
      if (KNOWN_SOURCE_PROPERTIES.has(k)) continue;
      if (!k.startsWith('property.') && k !== 'confluent.schema.registry.url') {
        throw validation(`unknown FROM KAFKA property "${k}"`, 'Known: kafka_broker_list, kafka_topic, kafka_partitions, kafka_offsets, property.<kafka setting>.');
      }
      custom[k.startsWith('property.') ? k.slice('property.'.length) : k] = v;
    }
    const brokerList = src.get('kafka_broker_list');
    if (brokerList === undefined) throw validation('FROM KAFKA needs "kafka_broker_list"', `Write "kafka_broker_list" = "127.0.0.1:${this.#options.localKafkaPorts()[0] ?? 9092}" (this process's Kafka port).`);
    this.#checkBrokers(brokerList);
    const topic = src.get('kafka_topic');
    if (topic === undefined || topic.trim() === '') throw validation('FROM KAFKA needs "kafka_topic"');
    let info = this.#log.topic(topic);
    if (info === null) {
      if (!this.#log.autoCreateTopics) throw validation(`topic '${topic}' does not exist`, 'Create it first (any Kafka admin client).');
      info = this.#log.ensureTopic(topic);
    }
    let partitions: number[] | null = null;
    const partText = src.get('kafka_partitions');
    if (partText !== undefined && partText.trim() !== '') {
      partitions = partText.split(',').map((s) => {
        const t = s.trim();
        if (!/^\d+$/.test(t) || Number(t) >= info.partitions) throw validation(`kafka_partitions: '${t}' is not a partition of topic '${topic}' (it has ${info.partitions})`);
        return Number(t);
      });
    }
    const defaultOffset = custom['kafka_default_offsets'] ?? 'OFFSET_END';
    const offText = src.get('kafka_offsets');
    const offsetSpecs: string[] = [];
    if (offText !== undefined && offText.trim() !== '') {
      if (partitions === null) throw validation('kafka_offsets needs kafka_partitions (one offset per partition, in the same order)');
      offsetSpecs.push(...offText.split(',').map((s) => s.trim()));
      if (offsetSpecs.length !== partitions.length) throw validation(`kafka_offsets has ${offsetSpecs.length} offset(s) but kafka_partitions names ${partitions.length} partition(s)`);
    }
    const all = partitions ?? Array.from({ length: info.partitions }, (_, i) => i);
    const offsets = new Map<number, number>();
    for (let i = 0; i < all.length; i++) offsets.set(all[i]!, this.#resolveOffset(topic, all[i]!, offsetSpecs[i] ?? defaultOffset, offsetSpecs[i] !== undefined ? 'kafka_offsets' : 'property.kafka_default_offsets'));

    const jobDef: JobDef = { id: this.#nextId++, database, name: st.name, table: def.name, columns: st.columns, properties, topic, brokerList, partitions, custom, createTime: Date.now() };
    const job: Job = {
      def: jobDef,
      mapping,
      maxErrorNumber,
      maxBatchRows,
      state: 'NEED_SCHEDULE',
      offsets,
      pauseTime: null,
      endTime: null,
      reason: '',
      stats: emptyStats(),
      errors: [],
      windowRows: 0,
      windowErrors: 0,
      mapper: null,
      abort: null,
      loop: null,
    };
    this.#jobs.push(job);
    this.#persist(true);
    this.#say(`routine load ${database}.${st.name}: ${topic} → ${database}.${def.name}`);
    if (this.#started && !this.#stopped) this.#schedule(job);
  }

  #checkBrokers(list: string): void {
    const ports = this.#options.localKafkaPorts();
    const local = localHosts();
    const here = `127.0.0.1:${ports[0] ?? 9092}`;
    for (const raw of list.split(',')) {
      const entry = raw.trim();
      const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d+)$/.exec(entry);
      if (m === null) throw validation(`kafka_broker_list: '${entry}' is not host:port`, `Write "kafka_broker_list" = "${here}".`);
      const host = (m[1] ?? m[2] ?? '').toLowerCase();
      const port = Number(m[3]);
      if (host.includes('*')) {
        throw validation(`kafka_broker_list holds the placeholder '${entry}' (masked address from the tutorial)`, `Replace it with this process's Kafka address: "kafka_broker_list" = "${here}".`);
      }
      if (!local.has(host)) {
        throw new StrataError('SQL_UNSUPPORTED', `kafka_broker_list: '${entry}' is not this process; loading from an external Kafka cluster is a later feature`, {
          hint: `Routine Load reads the topics of this Strata process: "kafka_broker_list" = "${here}".`,
        });
      }
      if (!ports.includes(port)) {
        throw new StrataError('SQL_UNSUPPORTED', `kafka_broker_list: '${entry}' is a local address but this process serves Kafka on ${ports.length === 0 ? 'no port' : `port ${ports.join(', ')}`}; loading from another Kafka is a later feature`, {
          hint: `Write "kafka_broker_list" = "${here}".`,
        });
      }
    }
  }

  #resolveOffset(topic: string, partition: number, spec: string, property: string): number {
    const s = spec.toUpperCase();
    if (s === 'OFFSET_BEGINNING') return this.#log.earliestOffset(topic, partition);
    if (s === 'OFFSET_END') return this.#log.latestOffset(topic, partition);
    if (/^\d+$/.test(spec)) return Number(spec);
    throw validation(`${property}: '${spec}' is not OFFSET_BEGINNING, OFFSET_END or an offset`);
  }

  #show(st: ShowRoutineLoad, session: WarehouseSessionState): StatementOutcome {
    let jobs: Job[];
    if (st.name !== null) {
      const db = this.#databaseOf(st.database, session).toLowerCase();
      jobs = this.#jobs.filter((j) => j.def.database.toLowerCase() === db && j.def.name.toLowerCase() === st.name!.toLowerCase());
      if (!st.all) {
        const live = jobs.filter((j) => j.state !== 'STOPPED' && j.state !== 'CANCELLED');
        jobs = live.length > 0 ? live : jobs.slice(-1);
      }
      if (jobs.length === 0) throw new StrataError('CATALOG_OBJECT_NOT_FOUND', `routine load job ${db}.${st.name} does not exist`, { hint: 'SHOW ALL ROUTINE LOAD lists the jobs.' });
    } else {
      const db = st.database !== null || session.database !== null ? this.#databaseOf(st.database, session).toLowerCase() : null;
      jobs = this.#jobs.filter((j) => (db === null || j.def.database.toLowerCase() === db) && (st.all || (j.state !== 'STOPPED' && j.state !== 'CANCELLED')));
    }
    return { kind: 'rows', columns: SHOW_COLUMNS, rows: jobs.map((j) => this.#showRow(j)) };
  }

  #showRow(j: Job): Row {
    const d = j.def;
    const p = d.properties;
    const jobProps: Record<string, string> = {
      partitions: '*',
      partial_update: 'false',
      columnToColumnExpr: d.columns === null ? '*' : d.columns.join(','),
      maxBatchIntervalS: p['max_batch_interval'] ?? '10',
      whereExpr: '*',
      dataFormat: 'json',
      timezone: p['timezone'] ?? p['time_zone'] ?? Intl.DateTimeFormat().resolvedOptions().timeZone,
      format: 'json',
      json_root: p['json_root'] ?? '',
      strict_mode: p['strict_mode'] ?? 'false',
      jsonpaths: p['jsonpaths'] ?? '',
      desireTaskConcurrentNum: p['desired_concurrent_number'] ?? '3',
      maxErrorNum: String(j.maxErrorNumber),
      strip_outer_array: p['strip_outer_array'] ?? 'false',
      currentTaskConcurrentNum: j.state === 'RUNNING' ? '1' : '0',
      maxBatchRows: String(j.maxBatchRows),
    };
    const parts = [...j.offsets.keys()].sort((a, b) => a - b);
    const dsProps = { topic: d.topic, currentKafkaPartitions: parts.join(','), brokerList: d.brokerList };
    const custom: Record<string, string> = {};
    for (const [k, v] of Object.entries(d.custom)) custom[k] = isSecretKey(k) ? '******' : v;
    const s = j.stats;
    const secs = s.taskExecuteTimeMs / 1000;
    const statistic = {
      receivedBytes: s.receivedBytes,
      errorRows: s.errorRows,
      committedTaskNum: s.committedTaskNum,
      loadedRows: s.loadedRows,
      deletedRows: s.deletedRows,
      loadRowsRate: secs > 0 ? Math.round(s.loadedRows / secs) : 0,
      abortedTaskNum: s.abortedTaskNum,
      totalRows: s.totalRows,
      unselectedRows: s.unselectedRows,
      receivedBytesRate: secs > 0 ? Math.round(s.receivedBytes / secs) : 0,
      taskExecuteTimeMs: Math.round(s.taskExecuteTimeMs),
    };
    const progress: Record<string, string> = {};
    for (const part of parts) {
      const next = j.offsets.get(part)!;
      progress[String(part)] = next > 0 ? String(next - 1) : 'OFFSET_ZERO';
    }
    const errs = j.errors.slice(-ERRORS_SHOWN).map((e) => `topic ${e.topic} partition ${e.partition} offset ${e.offset}: ${e.reason}`);
    return [
      String(d.id),
      d.name,
      timeText(d.createTime),
      timeText(j.pauseTime),
      timeText(j.endTime),
      d.database,
      d.table,
      j.state,
      'KAFKA',
      j.state === 'RUNNING' ? '1' : '0',
      JSON.stringify(jobProps),
      JSON.stringify(dsProps),
      JSON.stringify(custom),
      JSON.stringify(statistic),
      JSON.stringify(progress),
      j.reason,
      errs.length === 0 ? '' : errs.join('; '),
      '',
    ];
  }

  // ---- running ------------------------------------------------------------------------

  #setState(job: Job, state: RoutineLoadState, reason: string): void {
    job.state = state;
    job.reason = reason;
    const now = Date.now();
    if (state === 'PAUSED') job.pauseTime = now;
    if (state === 'STOPPED' || state === 'CANCELLED') job.endTime = now;
  }

  async #halt(job: Job): Promise<void> {
    job.abort?.abort();
    await (job.loop ?? Promise.resolve());
  }

  #schedule(job: Job): void {
    if (this.#stopped || job.loop !== null) return;
    const abort = new AbortController();
    job.abort = abort;
    job.loop = this.#run(job, abort.signal).finally(() => {
      job.loop = null;
      job.abort = null;
    });
  }

  /** Takes the offsets from the table's position when this job wrote it last. */
  #restoreOffsets(job: Job): void {
    const pos = this.#warehouse.position(job.def.database, job.def.table);
    if (pos === null || pos.writer !== this.#writer(job)) return;
    try {
      const p = JSON.parse(pos.position) as { job?: unknown; offsets?: Record<string, number> };
      if (p.job !== job.def.id || p.offsets === undefined) return;
      for (const [part, off] of Object.entries(p.offsets)) job.offsets.set(Number(part), off);
    } catch {
      this.#say(`routine load ${job.def.database}.${job.def.name}: the position of ${job.def.database}.${job.def.table} is not JSON; using the jobs file`);
    }
  }

  #writer(job: Job): string {
    return `routine-load:${job.def.database}.${job.def.name}`;
  }

  async #run(job: Job, signal: AbortSignal): Promise<void> {
    const maxBytes = this.#options.maxBytesPerPartition ?? 4 * 1024 * 1024;
    while (!signal.aborted && (job.state === 'RUNNING' || job.state === 'NEED_SCHEDULE')) {
      try {
        if (job.state === 'NEED_SCHEDULE') {
          job.state = 'RUNNING';
          this.#persist(true);
        }
        const progressed = await this.#batch(job, maxBytes, signal);
        if (signal.aborted) break;
        if (!progressed) {
          const targets = [...job.offsets].map(([partition, offset]) => ({ topic: job.def.topic, partition, offset }));
          await this.#log.waitForAny(targets, 1000, signal);
        }
      } catch (e) {
        const err = toStrataError(e);
        job.stats.abortedTaskNum++;
        if (this.#warehouse.getTable(job.def.database, job.def.table) === undefined) {
          this.#setState(job, 'CANCELLED', `table ${job.def.database}.${job.def.table} was dropped`);
        } else {
          this.#setState(job, 'PAUSED', `ErrorReason{${err.code}: ${err.bare}}`);
        }
        this.#say(`routine load ${job.def.database}.${job.def.name} ${job.state}: ${job.reason}`);
        this.#persist(true);
        return;
      }
    }
    this.#persist(true);
  }

  /** One batch: reads, maps, applies with the offsets. True when it consumed anything. */
  async #batch(job: Job, maxBytes: number, signal: AbortSignal): Promise<boolean> {
    const t0 = performance.now();
    const d = job.def;
    const def = this.#warehouse.getTable(d.database, d.table);
    if (def === undefined) {
      this.#setState(job, 'CANCELLED', `table ${d.database}.${d.table} was dropped`);
      this.#persist(true);
      return false;
    }
    if (job.mapper === null || job.mapper.def !== def) job.mapper = new RowMapper(def, job.mapping);
    const mapper = job.mapper;
    // New partitions of the topic (when the job reads all of them) start at their beginning.
    if (d.partitions === null) {
      const info = this.#log.topic(d.topic);
      if (info === null) throw new StrataError('CONNECTOR_DATA', `topic '${d.topic}' does not exist any more`, { hint: 'Recreate the topic, or STOP the job.' });
      for (let p = 0; p < info.partitions; p++) if (!job.offsets.has(p)) job.offsets.set(p, this.#log.earliestOffset(d.topic, p));
    }
    const primary = def.keyModel === 'PRIMARY';
    const batch = new ChangeBatch();
    const next = new Map(job.offsets);
    const rows: Row[] = [];
    const stats = { bytes: 0, total: 0, loaded: 0, deleted: 0, errors: 0, unselected: 0 };
    const newErrors: ErrorEntry[] = [];
    let consumed = false;
    let pauseReason: string | null = null;
    const decoder = new TextDecoder('utf-8', { fatal: true });
    partitions: for (const [partition, from] of job.offsets) {
      if (batch.length >= job.maxBatchRows) break;
      const r = this.#log.consume(d.topic, partition, from, maxBytes);
      const recs = r.records;
      for (let i = 0; i < recs.length; i++) {
        const rec = recs[i]!;
        if (rec.offset < from) continue;
        consumed = true;
        next.set(partition, rec.offset + 1);
        stats.bytes += (rec.key?.length ?? 0) + (rec.value?.length ?? 0);
        stats.total++;
        let error: string | null = null;
        try {
          if (rec.value === null) {
            if (!primary) stats.unselected++;
            else {
              const k = mapper.keyRowOfKey(rec.key === null ? null : decoder.decode(rec.key));
              if (k instanceof RowError) error = k.reason;
              else {
                batch.push(DELETE, k);
                stats.deleted++;
              }
            }
          } else {
            rows.length = 0;
            const e = mapper.rowsOfValue(decoder.decode(rec.value), rows);
            if (e !== null) error = e.reason;
            else {
              for (let k = 0; k < rows.length; k++) batch.push(INSERT, rows[k]!);
              stats.loaded += rows.length;
            }
          }
        } catch (e) {
          if (e instanceof TypeError) error = 'the message is not valid UTF-8';
          else throw e;
        }
        if (error !== null) {
          stats.errors++;
          newErrors.push({ topic: d.topic, partition, offset: rec.offset, reason: error });
          job.windowErrors++;
          if (job.windowErrors > job.maxErrorNumber) {
            pauseReason = `too many error rows: ${job.windowErrors} error row(s) in the current window is more than max_error_number ${job.maxErrorNumber}; the last at topic ${d.topic} partition ${partition} offset ${rec.offset}: ${error}`;
            break partitions;
          }
        }
        job.windowRows++;
        if (job.windowRows >= job.maxBatchRows * 10) {
          job.windowRows = 0;
          job.windowErrors = 0;
        }
        if (batch.length >= job.maxBatchRows) break;
      }
      if (recs.length === 0 && r.nextOffset > from) {
        // Offsets without records (compacted away or control batches): move past them.
        next.set(partition, r.nextOffset);
        consumed = true;
      }
    }
    if (!consumed) return false;
    if (signal.aborted && batch.length === 0 && pauseReason === null) return false;
    const offsets: Record<string, number> = {};
    for (const [p, o] of [...next].sort((a, b) => a[0] - b[0])) offsets[String(p)] = o;
    const position = JSON.stringify({ job: d.id, name: `${d.database}.${d.name}`, topic: d.topic, offsets });
    await this.#warehouse.apply([{ database: def.database, table: def.name, batch }], { writer: this.#writer(job), position });
    faultPoint('routine-load.after-commit');
    job.offsets = next;
    const s = job.stats;
    s.receivedBytes += stats.bytes;
    s.totalRows += stats.total;
    s.loadedRows += stats.loaded;
    s.deletedRows += stats.deleted;
    s.errorRows += stats.errors;
    s.unselectedRows += stats.unselected;
    s.committedTaskNum++;
    s.taskExecuteTimeMs += performance.now() - t0;
    if (newErrors.length > 0) {
      job.errors.push(...newErrors);
      if (job.errors.length > ERRORS_KEPT) job.errors.splice(0, job.errors.length - ERRORS_KEPT);
    }
    if (pauseReason !== null) {
      this.#setState(job, 'PAUSED', pauseReason);
      this.#say(`routine load ${d.database}.${d.name} PAUSED: ${pauseReason}`);
      this.#persist(true);
    } else this.#persist(false);
    return true;
  }

  // ---- persistence ----------------------------------------------------------------------

  /** Writes the jobs file (atomically: temp file + rename); throttled unless `force`. */
  #persist(force: boolean): void {
    const now = Date.now();
    if (!force && now - this.#lastPersist < PERSIST_EVERY_MS) return;
    this.#lastPersist = now;
    const file: PersistedFile = {
      version: 1,
      nextId: this.#nextId,
      jobs: this.#jobs.map((j) => ({
        def: j.def,
        state: j.state,
        offsets: Object.fromEntries([...j.offsets].map(([p, o]) => [String(p), o])),
        pauseTime: j.pauseTime,
        endTime: j.endTime,
        reason: j.reason,
        stats: j.stats,
        errors: j.errors,
      })),
    };
    try {
      mkdirSync(join(this.#options.dataDir, 'routine-load'), { recursive: true });
      const tmp = this.#file + '.tmp';
      writeFileSync(tmp, JSON.stringify(file, null, 1) + '\n');
      renameSync(tmp, this.#file);
    } catch (e) {
      this.#say(`routine load: cannot write ${this.#file}: ${(e as Error).message}`);
    }
  }
}
