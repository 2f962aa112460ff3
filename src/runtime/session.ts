import type { ConnectorTraits } from '../core/connector-traits.js';
import { StrataError } from '../core/errors.js';
import type { StreamPlan, StreamSink, TableDescriptor } from '../core/plan.js';
import type { Field } from '../core/schema.js';
import { formatType, withNullability } from '../core/types.js';
import type { ConnectorContext, SinkWriter } from '../engine/connector.js';
import { Job } from '../engine/job.js';
import { listFunctions } from '../core/functions/registry.js';
import type { ConnectorRegistry } from '../connectors/registry.js';
import type * as A from '../sql/ast.js';
import { Binder } from '../sql/binder.js';
import { Catalog } from '../sql/catalog.js';
import { explainPlan } from '../sql/explain.js';
import type { LogicalSink } from '../sql/logical.js';
import { parseStatements } from '../sql/parser.js';
import { Planner } from '../sql/planner.js';
import { resolveTypeName } from '../sql/type-names.js';
import type { SyncStatements } from './sync/statements.js';
import { join } from 'node:path';
import { parseDuration, parseMemorySize } from '../core/options.js';
import { CheckpointStore } from '../engine/checkpoint/store.js';
import { stateBudgetFromSetting } from '../engine/state/state-budget.js';
import { Journal } from './journal.js';

/**
 * A SQL session, like Flink's SQL client: a catalog, session settings (`SET`), and the
 * jobs its INSERTs started. `execute` runs a script statement by statement and returns
 * one result per statement; the first error stops the script and is thrown with its
 * file, line and column.
 */

export type StatementResult =
  | { readonly kind: 'ok'; readonly message: string }
  | { readonly kind: 'rows'; readonly columns: readonly string[]; readonly rows: readonly (readonly string[])[] }
  | { readonly kind: 'explain'; readonly text: string }
  | { readonly kind: 'job'; readonly job: Job; readonly plan: StreamPlan }
  | { readonly kind: 'query'; readonly job: Job; readonly plan: StreamPlan; readonly fields: readonly Field[] };

export interface SessionOptions {
  readonly registry: ConnectorRegistry;
  /** Where the rows of a plain SELECT go (the CLI prints them). */
  readonly querySink?: (fields: readonly Field[], ctx: ConnectorContext) => SinkWriter;
  /** Server log (secrets never included). */
  readonly log?: (line: string) => void;
  /** Runs CREATE TABLE ... AS TABLE and CREATE DATABASE ... AS DATABASE (database sync); without it they are rejected. */
  readonly sync?: SyncStatements;
  /**
   * The data directory: when set, jobs checkpoint under `<dataDir>/jobs/<job>/` and the
   * statements that shape them are journaled in `<dataDir>/session.journal`, so `restore()`
   * after a restart brings them back (see docs/design/20261121_checkpoints.md).
   */
  readonly dataDir?: string;
}

/** Flink's defaults for the settings Strata reads. */
const DEFAULT_CONFIG: Readonly<Record<string, string>> = {
  'table.local-time-zone': 'UTC',
  'execution.checkpointing.interval': '10s',
  'execution.runtime-mode': 'streaming',
  'sql-client.execution.result-mode': 'changelog',
  'table.exec.sink.upsert-materialize': 'AUTO',
};

export class Session {
  readonly catalog = new Catalog();
  readonly config = new Map<string, string>(Object.entries(DEFAULT_CONFIG));
  readonly jobs: Job[] = [];
  readonly #registry: ConnectorRegistry;
  readonly #querySink: SessionOptions['querySink'];
  readonly #log: (line: string) => void;
  readonly #sync: SyncStatements | undefined;
  readonly #dataDir: string | undefined;
  readonly #journal: Journal | null;
  /** Set while replaying the journal: the name the next job must get. */
  #replayJobName: string | null = null;
  #closed = false;
  readonly #restartTimers = new Set<NodeJS.Timeout>();
  #jobSeq = 0;

  constructor(options: SessionOptions) {
    this.#registry = options.registry;
    this.#querySink = options.querySink;
    this.#sync = options.sync;
    this.#log = options.log ?? (() => {});
    this.#dataDir = options.dataDir;
    this.#journal = options.dataDir !== undefined ? new Journal(join(options.dataDir, 'session.journal')) : null;
  }

  /**
   * Replays the journal of the data directory: the catalog, the settings and the jobs come
   * back, and each job restores its newest checkpoint. A statement that fails now (a source
   * that is down) is logged and skipped; the others go on.
   */
  async restore(): Promise<number> {
    if (this.#journal === null) return 0;
    const records = this.#journal.read(this.#log);
    let jobs = 0;
    for (const r of records) {
      this.#replayJobName = r.job;
      try {
        const statements = parseStatements(r.text, { dialect: 'flink', file: 'session.journal' });
        for (const s of statements) {
          const res = await this.executeStatement(s.statement);
          if (res.kind === 'job') jobs++;
        }
      } catch (e) {
        this.#log(`restore: statement from the session journal failed: ${e instanceof StrataError ? e.message : String(e)} (statement: ${r.text.slice(0, 120).replace(/\s+/g, ' ')})`);
      } finally {
        this.#replayJobName = null;
      }
    }
    if (records.length > 0) this.#log(`restored ${records.length} statements from the session journal, ${jobs} jobs running`);
    return jobs;
  }

  /** Parses and runs a script; `file` names it in error locations. */
  async execute(text: string, file?: string): Promise<StatementResult[]> {
    const statements = parseStatements(text, { dialect: 'flink', ...(file !== undefined ? { file } : {}) });
    const results: StatementResult[] = [];
    for (const s of statements) {
      try {
        const r = await this.executeStatement(s.statement, file);
        results.push(r);
        this.#journalStatement(s.statement, s.text, r);
      } catch (e) {
        if (e instanceof StrataError && e.location === undefined) {
          // Errors without a position (catalog, connectors) point at the statement.
          throw new StrataError(e.code, e.bare, {
            location: { ...(file !== undefined ? { file } : {}), line: s.pos.line, column: s.pos.column },
            ...(e.hint !== undefined ? { hint: e.hint } : {}),
            domain: e.domain,
          });
        }
        throw e;
      }
    }
    return results;
  }

  /** Plans a script's INSERTs and queries without running anything (`strata explain`). */
  explain(text: string, file?: string): string {
    const statements = parseStatements(text, { dialect: 'flink', ...(file !== undefined ? { file } : {}) });
    const out: string[] = [];
    for (const s of statements) {
      const st = s.statement;
      try {
        switch (st.kind) {
          case 'insert':
          case 'statement-set':
          case 'query':
            out.push(explainPlan(this.#plan(st, file).plan));
            break;
          case 'explain':
            out.push(explainPlan(this.#plan(st.statement, file).plan));
            break;
          default:
            // DDL and settings shape the catalog the queries are planned against.
            this.#executeSync(st, file);
        }
      } catch (e) {
        if (e instanceof StrataError && e.location === undefined) {
          throw new StrataError(e.code, e.bare, {
            location: { ...(file !== undefined ? { file } : {}), line: s.pos.line, column: s.pos.column },
            ...(e.hint !== undefined ? { hint: e.hint } : {}),
            domain: e.domain,
          });
        }
        throw e;
      }
    }
    return out.join('\n');
  }

  async executeStatement(st: A.Statement, file?: string): Promise<StatementResult> {
    switch (st.kind) {
      case 'insert':
      case 'statement-set': {
        const { plan } = this.#plan(st, file);
        const job = this.#newJob(plan);
        await job.start();
        this.jobs.push(job);
        this.#log(`job '${job.name}' started`);
        this.#superviseJob(job, plan, 0);
        return { kind: 'job', job, plan };
      }
      case 'query': {
        if (this.#querySink === undefined) {
          throw new StrataError('SQL_UNSUPPORTED', 'a continuous SELECT has nowhere to print its changes here', {
            hint: 'INSERT INTO a table instead, query warehouse tables with POST /api/v1/query or on the MySQL port, or run the file with `strata run`.',
          });
        }
        const { plan, fields } = this.#plan(st, file);
        const job = this.#newJob(plan, false);
        await job.start();
        this.jobs.push(job);
        return { kind: 'query', job, plan, fields: fields! };
      }
      case 'explain':
        return { kind: 'explain', text: explainPlan(this.#plan(st.statement, file).plan) };
      case 'create-database':
        if (st.asDatabase !== null && this.#sync !== undefined) {
          return { kind: 'ok', message: (await this.#sync.executeCreateDatabaseAs(st, this.catalog, file, this.config)).message };
        }
        return this.#executeSync(st, file);
      case 'create-table':
        if (st.asTable !== null && this.#sync !== undefined) {
          return { kind: 'ok', message: (await this.#sync.executeCreateTableAs(st, this.catalog, file, this.config)).message };
        }
        return this.#executeSync(st, file);
      default:
        return this.#executeSync(st, file);
    }
  }

  /**
   * Flink's restart strategy for jobs that checkpoint: a job that fails while running on an
   * error from outside (a source or the disk, not the query) is started again from its
   * newest checkpoint after an exponential delay (1 s doubling to 60 s), at most
   * `restart-strategy.exponential-delay.attempts` times in a row (default 10; a run that
   * lasts a minute resets the count). Errors in the query or its options are not retried.
   */
  #superviseJob(job: Job, plan: StreamPlan, attempt: number): void {
    if (!job.checkpoints) return;
    const started = Date.now();
    void job.done().then(() => {
      const err = job.error;
      if (this.#closed || job.state !== 'FAILED' || err === null || err.domain === 'user') return;
      const limitText = this.config.get('restart-strategy.exponential-delay.attempts') ?? '10';
      const limit = Number.isInteger(Number(limitText)) ? Number(limitText) : 10;
      const n = Date.now() - started > 60_000 ? 1 : attempt + 1;
      if (n > limit) {
        this.#log(`job '${job.name}' failed ${limit} times in a row and stays FAILED: ${err.message}`);
        return;
      }
      const delay = Math.min(60_000, 1000 * 2 ** (n - 1));
      this.#log(`job '${job.name}' failed: ${err.message}; restarting from its newest checkpoint in ${delay / 1000} s (attempt ${n} of ${limit})`);
      const timer = setTimeout(() => {
        this.#restartTimers.delete(timer);
        if (this.#closed) return;
        void this.#restartJob(job, plan, n);
      }, delay);
      this.#restartTimers.add(timer);
    });
  }

  async #restartJob(old: Job, plan: StreamPlan, attempt: number): Promise<void> {
    this.#replayJobName = old.name;
    let job: Job;
    try {
      job = this.#newJob(plan);
    } finally {
      this.#replayJobName = null;
    }
    const i = this.jobs.indexOf(old);
    if (i >= 0) this.jobs[i] = job;
    else this.jobs.push(job);
    try {
      await job.start();
      this.#log(`job '${job.name}' restarted`);
    } catch (e) {
      this.#log(`job '${job.name}' could not restart: ${e instanceof StrataError ? e.message : String(e)}`);
    }
    this.#superviseJob(job, plan, attempt);
  }

  /** Cancels every job and every pending restart (the server is stopping). */
  async close(): Promise<void> {
    this.#closed = true;
    for (const t of this.#restartTimers) clearTimeout(t);
    this.#restartTimers.clear();
    for (const j of this.jobs) await j.cancel();
  }

  /** Journals a statement that shapes pipelines, once it succeeded. */
  #journalStatement(st: A.Statement, text: string, r: StatementResult): void {
    if (this.#journal === null) return;
    switch (st.kind) {
      case 'query':
      case 'explain':
      case 'show':
      case 'describe':
        return;
      default:
        this.#journal.append({ text, job: r.kind === 'job' ? r.job.name : null });
    }
  }

  /** A job for `plan`; `durable` jobs (INSERTs) checkpoint when the session has a data directory. */
  #newJob(plan: StreamPlan, durable = true): Job {
    let name: string;
    if (this.#replayJobName !== null) {
      name = this.#replayJobName;
      const m = /^job-(\d+)$/.exec(name);
      if (m !== null) this.#jobSeq = Math.max(this.#jobSeq, Number(m[1]));
    } else {
      name = this.config.get('pipeline.name') ?? `job-${++this.#jobSeq}`;
      while (this.config.get('pipeline.name') === undefined && this.jobs.some((j) => j.name === name)) name = `job-${++this.#jobSeq}`;
    }
    if (this.jobs.some((j) => j.name === name && (j.state === 'RUNNING' || j.state === 'CREATED'))) {
      throw new StrataError('SQL_VALIDATION', `a job named '${name}' is already running`, {
        hint: "Give this pipeline another name with SET 'pipeline.name' = '...'.",
      });
    }
    const abort = new AbortController();
    const jobDir = this.#dataDir !== undefined && durable ? join(this.#dataDir, 'jobs', encodeURIComponent(name)) : undefined;
    const ctx: ConnectorContext = { jobName: name, signal: abort.signal, log: this.#log, ...(jobDir !== undefined ? { stateDir: join(jobDir, 'state') } : {}) };
    const intervalText = this.config.get('execution.checkpointing.interval') ?? '10s';
    const intervalMs = parseDuration(intervalText);
    if (intervalMs === null) {
      throw new StrataError('SQL_VALIDATION', `'execution.checkpointing.interval' = '${intervalText}' is not a duration`, {
        hint: "Write it like '10s', '500ms' or '1min' ('0' turns periodic checkpoints off).",
      });
    }
    const zone = this.config.get('table.local-time-zone') ?? 'UTC';
    // Operator state past this budget spills to LMDB under the job's directory (or the temp dir).
    const budget = stateBudgetFromSetting(this.config.get('state.memory-budget'), jobDir);
    return new Job(
      plan,
      {
        createSource: (n) => this.#registry.createSource(n.table, ctx),
        createSink: (n: StreamSink) => {
          if (n.table.options['connector'] === '$query' && this.#querySink !== undefined) return this.#querySink(n.schema.fields, ctx);
          return this.#registry.createSink(n.table, ctx);
        },
        evalContext: { timeZone: zone },
        stateBudget: budget,
      },
      {
        name,
        ...(budget !== undefined ? { onStop: () => budget.close() } : {}),
        ...(jobDir !== undefined ? { checkpointing: { store: new CheckpointStore(join(jobDir, 'checkpoints')), intervalMs, log: this.#log } } : {}),
      },
    );
  }

  /** Binds and plans an INSERT, a STATEMENT SET or a query. */
  #plan(st: A.Statement, file?: string): { plan: StreamPlan; fields?: readonly Field[] } {
    const binder = new Binder(this.catalog, file !== undefined ? { file } : {});
    const sinks: LogicalSink[] = [];
    let fields: readonly Field[] | undefined;
    switch (st.kind) {
      case 'insert':
        sinks.push(binder.bindInsert(st));
        break;
      case 'statement-set':
        for (const ins of st.inserts) sinks.push(binder.bindInsert(ins));
        break;
      case 'query': {
        const rel = binder.bindQuery(st.query);
        fields = rel.node.fields;
        const table: TableDescriptor = {
          path: ['$session', '$query', `query_${this.#jobSeq + 1}`],
          schema: { fields },
          primaryKey: null,
          options: { connector: '$query' },
        };
        sinks.push({ table, input: rel.node });
        break;
      }
      default:
        throw new StrataError('SQL_VALIDATION', `EXPLAIN supports INSERT, STATEMENT SET and SELECT, not ${st.kind.toUpperCase()}`);
    }
    const traits = this.#traitsWithQuerySink();
    const plan = Planner.plan(sinks, traits);
    return fields !== undefined ? { plan, fields } : { plan };
  }

  /** The registry's traits, plus the session's own result sink for SELECT. */
  #traitsWithQuerySink(): ConnectorTraits {
    const reg = this.#registry;
    const isQuery = (t: TableDescriptor): boolean => t.options['connector'] === '$query';
    return {
      validate: (t, role) => {
        if (!isQuery(t)) reg.validate(t, role);
      },
      sourceMode: (t) => reg.sourceMode(t),
      sinkAccepts: (t) => (isQuery(t) ? 'all' : reg.sinkAccepts(t)),
    };
  }

  #loc(pos: A.Pos, file?: string): { file?: string; line: number; column: number } {
    return { ...(file !== undefined ? { file } : {}), line: pos.line, column: pos.column };
  }

  #executeSync(st: A.Statement, file?: string): StatementResult {
    const c = this.catalog;
    switch (st.kind) {
      case 'create-catalog': {
        const options = Object.fromEntries(st.options.map((p) => [p.key, p.value]));
        const type = options['type'];
        if (type !== undefined && type !== 'generic_in_memory' && type !== 'mysql' && type !== 'mysql-cdc') {
          throw new StrataError('SQL_UNSUPPORTED', `catalog type '${type}' is not supported; use 'generic_in_memory', 'mysql' (a MySQL source for CREATE TABLE/DATABASE AS) or omit 'type'`, {
            location: this.#loc(st.pos, file),
          });
        }
        c.createCatalog(st.name, options, st.ifNotExists);
        return { kind: 'ok', message: '[INFO] Execute statement succeeded.' };
      }
      case 'create-database': {
        if ((st as { asDatabase?: unknown }).asDatabase) {
          throw new StrataError('SQL_UNSUPPORTED', 'CREATE DATABASE ... AS DATABASE (whole-database sync) is not supported yet', {
            location: this.#loc(st.pos, file),
          });
        }
        c.createDatabase(c.resolveDatabase(st.name.parts), st.comment, st.ifNotExists);
        return { kind: 'ok', message: '[INFO] Execute statement succeeded.' };
      }
      case 'create-table':
        this.#createTable(st, file);
        return { kind: 'ok', message: '[INFO] Execute statement succeeded.' };
      case 'create-view': {
        const path = c.resolveTablePath(st.name.parts);
        const rel = new Binder(c, file !== undefined ? { file } : {}).bindQuery(st.query);
        let fields = rel.node.fields;
        if (st.columns !== null) {
          if (st.columns.length !== fields.length) {
            throw new StrataError('SQL_VALIDATION', `view ${path.join('.')} names ${st.columns.length} columns but its query has ${fields.length}`, {
              location: this.#loc(st.pos, file),
            });
          }
          fields = fields.map((f, i) => ({ name: st.columns![i]!, type: f.type }));
        }
        c.createObject(path, { kind: 'view', path, schema: { fields }, query: st.query, queryText: st.queryText }, st.ifNotExists);
        return { kind: 'ok', message: '[INFO] Execute statement succeeded.' };
      }
      case 'drop': {
        switch (st.object) {
          case 'DATABASE':
            c.dropDatabase(c.resolveDatabase(st.name.parts), st.ifExists, st.cascade);
            break;
          case 'TABLE':
            c.dropObject(c.resolveTablePath(st.name.parts), 'table', st.ifExists);
            break;
          case 'VIEW':
            c.dropObject(c.resolveTablePath(st.name.parts), 'view', st.ifExists);
            break;
          case 'CATALOG':
            throw new StrataError('SQL_UNSUPPORTED', 'DROP CATALOG is not supported', { location: this.#loc(st.pos, file) });
        }
        return { kind: 'ok', message: '[INFO] Execute statement succeeded.' };
      }
      case 'alter-table':
        throw new StrataError('SQL_UNSUPPORTED', 'ALTER TABLE on a Flink catalog table is not supported yet; drop and create the table', {
          location: this.#loc(st.pos, file),
        });
      case 'use':
        if (st.catalog) c.useCatalog(st.name.parts[0]!);
        else c.useDatabase(c.resolveDatabase(st.name.parts));
        return { kind: 'ok', message: '[INFO] Execute statement succeeded.' };
      case 'set': {
        if (st.assignments.length === 0) {
          const rows = [...this.config.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => [k, v]);
          return { kind: 'rows', columns: ['key', 'value'], rows };
        }
        for (const a of st.assignments) {
          const v = typeof a.value === 'string' ? a.value : a.value.kind === 'string' ? a.value.value : null;
          if (v === null) {
            throw new StrataError('SQL_VALIDATION', `SET '${a.key}' needs a quoted value, e.g. SET '${a.key}' = 'value'`, { location: this.#loc(st.pos, file) });
          }
          checkSetting(a.key, v, this.#loc(st.pos, file));
          this.config.set(a.key, v);
        }
        return { kind: 'ok', message: '[INFO] Execute statement succeeded.' };
      }
      case 'reset':
        if (st.key === null) {
          this.config.clear();
          for (const [k, v] of Object.entries(DEFAULT_CONFIG)) this.config.set(k, v);
        } else if (DEFAULT_CONFIG[st.key] !== undefined) this.config.set(st.key, DEFAULT_CONFIG[st.key]!);
        else this.config.delete(st.key);
        return { kind: 'ok', message: '[INFO] Execute statement succeeded.' };
      case 'show':
        return this.#show(st, file);
      case 'describe': {
        const obj = c.get(c.resolveTablePath(st.name.parts));
        const schema = obj.kind === 'table' ? obj.descriptor.schema : obj.schema;
        const pk = obj.kind === 'table' ? obj.descriptor.primaryKey ?? [] : [];
        const rows = schema.fields.map((f, i) => [
          f.name,
          formatType(withNullability(f.type, true)),
          f.type.nullable ? 'TRUE' : 'FALSE',
          pk.includes(i) ? `PRI(${pk.map((k) => schema.fields[k]!.name).join(', ')})` : '',
        ]);
        return { kind: 'rows', columns: ['name', 'type', 'null', 'key'], rows };
      }
      case 'update':
      case 'delete':
      case 'truncate':
      case 'transaction':
      case 'kill':
        throw new StrataError('SQL_UNSUPPORTED', `${st.kind.toUpperCase()} is a warehouse statement; run it on the MySQL port (9030)`, {
          location: this.#loc(st.pos, file),
        });
      case 'explain':
      case 'insert':
      case 'statement-set':
      case 'query':
        throw new StrataError('INTERNAL', `${st.kind} must be executed asynchronously`);
    }
  }

  #show(st: A.Show, file?: string): StatementResult {
    const c = this.catalog;
    const like = st.like;
    const filter = (names: string[]): string[] => {
      if (like === null) return names;
      const re = new RegExp('^' + like.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/%/g, '.*').replace(/_/g, '.') + '$', 'i');
      return names.filter((n) => re.test(n));
    };
    const one = (col: string, names: string[]): StatementResult => ({ kind: 'rows', columns: [col], rows: filter(names).map((n) => [n]) });
    switch (st.what) {
      case 'CATALOGS':
        return one('catalog name', c.listCatalogs());
      case 'DATABASES':
        return one('database name', c.listDatabases());
      case 'TABLES':
      case 'FULL TABLES': {
        const db: [string, string] = st.name !== null ? c.resolveDatabase(st.name.parts) : [c.currentCatalog, c.currentDatabase];
        return one('table name', c.listObjects(db));
      }
      case 'VIEWS':
        return one('view name', c.listObjects([c.currentCatalog, c.currentDatabase], 'view'));
      case 'FUNCTIONS':
      case 'USER FUNCTIONS':
        return one('function name', st.what === 'FUNCTIONS' ? listFunctions() : []);
      case 'CURRENT CATALOG':
        return one('current catalog name', [c.currentCatalog]);
      case 'CURRENT DATABASE':
        return one('current database name', [c.currentDatabase]);
      case 'JOBS':
        return {
          kind: 'rows',
          columns: ['job name', 'status'],
          rows: this.jobs.map((j) => [j.name, j.state]),
        };
      case 'CREATE TABLE':
      case 'CREATE VIEW': {
        if (st.name === null) throw new StrataError('SQL_VALIDATION', `SHOW ${st.what} needs a name`, { location: this.#loc(st.pos, file) });
        const obj = c.get(c.resolveTablePath(st.name.parts));
        return { kind: 'rows', columns: ['result'], rows: [[obj.kind === 'table' ? showCreateTable(obj.descriptor, this.#registry) : `CREATE VIEW \`${obj.path.join('`.`')}\` AS\n${obj.queryText}`]] };
      }
      default:
        throw new StrataError('SQL_UNSUPPORTED', `SHOW ${st.what} is not supported in a pipeline session`, { location: this.#loc(st.pos, file) });
    }
  }

  #createTable(st: A.CreateTable, file?: string): void {
    const c = this.catalog;
    const loc = (p: A.Pos): { file?: string; line: number; column: number } => this.#loc(p, file);
    if (st.asTable !== null || st.asQuery !== null) {
      throw new StrataError('SQL_UNSUPPORTED', 'CREATE TABLE ... AS (table sync) is not supported yet', { location: loc(st.pos) });
    }
    if (st.watermark !== null) {
      throw new StrataError('SQL_UNSUPPORTED', 'WATERMARK definitions are not supported yet (event-time windows come later)', { location: loc(st.watermark.pos) });
    }
    if (st.keyDesc !== null || st.distribution !== null || st.engine !== null) {
      throw new StrataError('SQL_VALIDATION', 'ENGINE, KEY and DISTRIBUTED BY clauses belong to StarRocks DDL; in Flink SQL declare PRIMARY KEY (...) NOT ENFORCED and WITH (...) options', {
        location: loc(st.pos),
      });
    }
    const path = c.resolveTablePath(st.name.parts);
    const pkNames = st.primaryKey?.columns ?? [];
    const fields: Field[] = [];
    const seen = new Set<string>();
    for (const col of st.columns) {
      if (col.computed !== null || col.metadata !== null) {
        throw new StrataError('SQL_UNSUPPORTED', `computed and metadata columns are not supported yet (column '${col.name}')`, { location: loc(col.pos) });
      }
      if (seen.has(col.name.toLowerCase())) {
        throw new StrataError('SQL_VALIDATION', `column '${col.name}' is defined twice in table ${path.join('.')}`, { location: loc(col.pos) });
      }
      seen.add(col.name.toLowerCase());
      const inPk = pkNames.some((p) => p.toLowerCase() === col.name.toLowerCase());
      if (inPk && col.nullable === true) {
        throw new StrataError('SQL_VALIDATION', `primary key column '${col.name}' cannot be NULL`, { location: loc(col.pos) });
      }
      const nullable = inPk ? false : col.nullable !== false;
      fields.push({ name: col.name, type: resolveTypeName(col.type, nullable, file) });
    }
    const primaryKey: number[] = [];
    for (const p of pkNames) {
      const i = fields.findIndex((f) => f.name.toLowerCase() === p.toLowerCase());
      if (i < 0) {
        throw new StrataError('SQL_VALIDATION', `primary key column '${p}' is not a column of table ${path.join('.')}`, {
          location: loc(st.primaryKey!.pos),
          hint: `Columns: ${fields.map((f) => f.name).join(', ')}.`,
        });
      }
      primaryKey.push(i);
    }
    if (st.primaryKey !== null && st.primaryKey.enforced) {
      throw new StrataError('SQL_VALIDATION', `Flink doesn't support ENFORCED mode for PRIMARY KEY constraint; write PRIMARY KEY (${pkNames.join(', ')}) NOT ENFORCED`, {
        location: loc(st.primaryKey.pos),
      });
    }
    const options: Record<string, string> = {};
    for (const p of st.options) options[p.key] = p.value;
    if (options['connector'] === undefined) {
      throw new StrataError('SQL_VALIDATION', `table ${path.join('.')} has no 'connector' option`, {
        location: loc(st.pos),
        hint: "Add WITH ('connector' = '...'), e.g. 'datagen', 'print', 'upsert-kafka', 'mysql-cdc'.",
      });
    }
    // Unknown connectors fail now; the options themselves are checked when the table is used.
    this.#registry.get(options['connector']);
    const descriptor: TableDescriptor = { path, schema: { fields }, primaryKey: primaryKey.length > 0 ? primaryKey : null, options };
    c.createObject(path, { kind: 'table', descriptor, comment: st.comment, ddl: '' }, st.ifNotExists);
  }
}

/** Flink-style SHOW CREATE TABLE, with secret option values redacted. */
export function showCreateTable(t: TableDescriptor, registry: ConnectorRegistry): string {
  const cols = t.schema.fields.map((f) => `  \`${f.name}\` ${formatType(f.type)}`);
  if (t.primaryKey !== null) {
    cols.push(`  CONSTRAINT \`PK_${t.primaryKey.map((i) => t.schema.fields[i]!.name).join('_')}\` PRIMARY KEY (${t.primaryKey.map((i) => `\`${t.schema.fields[i]!.name}\``).join(', ')}) NOT ENFORCED`);
  }
  const opts = registry.redact(t);
  const withs = Object.entries(opts).map(([k, v]) => `  '${k}' = '${v.replace(/'/g, "''")}'`);
  return `CREATE TABLE \`${t.path.join('`.`')}\` (\n${cols.join(',\n')}\n) WITH (\n${withs.join(',\n')}\n)\n`;
}

/** Settings Strata reads are checked when SET, so the error points at the SET statement. */
function checkSetting(key: string, value: string, location: { file?: string; line: number; column: number }): void {
  if (key === 'execution.checkpointing.interval' && parseDuration(value) === null) {
    throw new StrataError('SQL_VALIDATION', `'execution.checkpointing.interval' = '${value}' is not a duration`, {
      location,
      hint: "Write it like '10s', '500ms' or '1min' ('0' turns periodic checkpoints off).",
    });
  }
  if (key === 'state.memory-budget' && value.trim() !== '' && value.trim().toLowerCase() !== 'unlimited' && !((parseMemorySize(value) ?? 0) > 0)) {
    throw new StrataError('SQL_VALIDATION', `'state.memory-budget' = '${value}' is not a memory size`, {
      location,
      hint: "Use a positive size such as '64mb', '256mb' or '1g' (units: kb, mb, gb), or 'unlimited'.",
    });
  }
}
