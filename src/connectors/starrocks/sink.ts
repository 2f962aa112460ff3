import { ChangeBatch } from '../../core/batch.js';
import { StrataError } from '../../core/errors.js';
import { tableLocation, validateOptions } from '../../core/options.js';
import type { TableDescriptor } from '../../core/plan.js';
import { DELETE, INSERT, UPDATE_AFTER, UPDATE_BEFORE } from '../../core/row-kind.js';
import type { Row, Value } from '../../core/values.js';
import { faultPoint } from '../../core/fault.js';
import { formatToken, parseToken, tokenAtOrBefore, type CommitToken } from '../../engine/commit-token.js';
import type { ConnectorContext, SinkWriter } from '../../engine/connector.js';
import { compileCast } from '../../engine/expr/cast.js';
import type { TableChanges, Warehouse } from '../../store/api.js';
import type { ConnectorDefinition } from '../registry.js';
import { STARROCKS_SPEC } from '../registry.js';

/**
 * The `starrocks` sink (double-writing). When its `jdbc-url` or `load-url` names this
 * Strata process, rows go straight into the warehouse table, in-process: each engine
 * micro-batch is one warehouse transaction that also records the job's position.
 *
 * All local `starrocks` sinks of one job form a commit group: a commit round applies every
 * member's changes in ONE warehouse transaction, with the job's commit token as each
 * table's position (so the layers a job writes always reflect one source position, and a
 * recovery knows exactly what each table has).
 * Columns are matched by name (as the StarRocks connector does) and converted to the
 * warehouse column's type; warehouse columns the Flink table lacks are written NULL.
 *
 * External StarRocks or Doris clusters (Stream Load transactions) come with the
 * scale-out issue; until then such a target is a clear error.
 */

/** Where this process answers, so the sink can tell a local target from a remote one. */
export interface LocalEndpoints {
  readonly mysqlPorts: readonly number[];
  readonly httpPorts: readonly number[];
}

const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '0.0.0.0', '::1', '[::1]']);

function hostPort(text: string): { host: string; port: number | null } {
  const t = text.trim().replace(/^jdbc:mysql:\/\//i, '').replace(/^https?:\/\//i, '').split('/')[0]!.split('?')[0]!;
  const m = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(t);
  if (m === null) return { host: t, port: null };
  return { host: m[1]!.toLowerCase(), port: m[2] !== undefined ? Number(m[2]) : null };
}

/** True when every address in the URL is this process. */
export function isLocalTarget(jdbcUrl: string, loadUrls: readonly string[], local: LocalEndpoints): boolean {
  const jdbcHosts = jdbcUrl.replace(/^jdbc:mysql:\/\//i, '').split('/')[0]!.split(',');
  const mysqlOk = jdbcHosts.every((h) => {
    const hp = hostPort(h);
    return LOCAL_HOSTS.has(hp.host) && (hp.port === null ? local.mysqlPorts.includes(3306) : local.mysqlPorts.includes(hp.port));
  });
  const httpOk = loadUrls.every((u) => {
    const hp = hostPort(u);
    return LOCAL_HOSTS.has(hp.host) && hp.port !== null && local.httpPorts.includes(hp.port);
  });
  return mysqlOk && httpOk;
}

/**
 * The local starrocks sinks of one job. The job commits its sinks concurrently; the group
 * waits until every member has handed in its changes for the round, then applies them in
 * one transaction.
 */
class CommitGroup {
  readonly #warehouse: Warehouse;
  readonly #writer: string;
  readonly members = new Set<LocalStarRocksSink>();
  #round: { changes: TableChanges[]; joined: number; token: CommitToken | undefined; done: Promise<void>; resolve: () => void; reject: (e: unknown) => void } | null = null;

  constructor(warehouse: Warehouse, writer: string) {
    this.#warehouse = warehouse;
    this.#writer = writer;
  }

  /** A member's part of the current round (`changes` null: the table already has it, from before a restart). */
  join(changes: TableChanges | null, token: CommitToken | undefined): Promise<void> {
    if (this.#round === null) {
      let resolve!: () => void;
      let reject!: (e: unknown) => void;
      const done = new Promise<void>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      this.#round = { changes: [], joined: 0, token, done, resolve, reject };
    }
    const r = this.#round;
    if (changes !== null) r.changes.push(changes);
    r.joined++;
    if (r.joined >= this.members.size) {
      this.#round = null;
      this.#apply(r.changes, r.token).then(r.resolve, r.reject);
    }
    return r.done;
  }

  async #apply(changes: readonly TableChanges[], token: CommitToken | undefined): Promise<void> {
    // Nothing to write: the tables' positions stay where they are, all equal.
    if (!changes.some((c) => c.batch.length > 0)) return;
    const position = token !== undefined ? formatToken(token) : `micro-batch ${Date.now()}`;
    await this.#warehouse.apply(changes, { writer: this.#writer, position });
    faultPoint('sink.after-warehouse-commit');
  }
}

const GROUPS = new WeakMap<ConnectorContext, CommitGroup>();

class LocalStarRocksSink implements SinkWriter {
  readonly #warehouse: Warehouse;
  readonly #table: TableDescriptor;
  readonly #database: string;
  readonly #target: string;
  readonly #ctx: ConnectorContext;
  #pending = new ChangeBatch();
  /** For each warehouse column: a function of the Flink row giving its value. */
  #project: ((row: Row) => Value)[] = [];
  #group: CommitGroup | null = null;
  /** This job's token found in the table's position at open. */
  #recovered: CommitToken | null = null;

  constructor(warehouse: Warehouse, table: TableDescriptor, database: string, target: string, ctx: ConnectorContext) {
    this.#warehouse = warehouse;
    this.#table = table;
    this.#database = database;
    this.#target = target;
    this.#ctx = ctx;
  }

  async open(): Promise<void> {
    const def = this.#warehouse.getTable(this.#database, this.#target);
    const where = tableLocation(this.#table.path);
    if (def === undefined) {
      throw new StrataError('CONNECTOR_OPTION', `the warehouse has no table ${this.#database}.${this.#target} (sink ${where})`, {
        hint: `Create it first on the MySQL port (CREATE TABLE ${this.#database}.${this.#target} (...) ENGINE=olap PRIMARY KEY(...) ...), or fix 'database-name' / 'table-name'.`,
      });
    }
    const fields = this.#table.schema.fields;
    for (const f of fields) {
      if (!def.columns.some((c) => c.name.toLowerCase() === f.name.toLowerCase())) {
        throw new StrataError('CONNECTOR_OPTION', `column '${f.name}' of ${where} is not a column of warehouse table ${this.#database}.${this.#target}`, {
          hint: `Warehouse columns: ${def.columns.map((c) => c.name).join(', ')}.`,
        });
      }
    }
    this.#project = def.columns.map((c) => {
      const i = fields.findIndex((f) => f.name.toLowerCase() === c.name.toLowerCase());
      if (i < 0) return () => null;
      const from = fields[i]!.type;
      return compileCast((r) => r[i] ?? null, from, c.type, false, { timeZone: 'UTC' });
    });
    const pos = this.#warehouse.position(this.#database, this.#target);
    const t = pos !== null && pos.writer === this.#ctx.jobName ? parseToken(pos.position) : null;
    this.#recovered = t !== null && t.job === this.#ctx.jobName ? t : null;
    let g = GROUPS.get(this.#ctx);
    if (g === undefined) {
      g = new CommitGroup(this.#warehouse, this.#ctx.jobName);
      GROUPS.set(this.#ctx, g);
    }
    g.members.add(this);
    this.#group = g;
  }

  recoveredTokens(): readonly CommitToken[] {
    return this.#recovered === null ? [] : [this.#recovered];
  }

  write(batch: ChangeBatch): void {
    const { kinds, rows } = batch;
    const project = this.#project;
    for (let i = 0; i < rows.length; i++) {
      const k = kinds[i]!;
      if (k === UPDATE_BEFORE) continue;
      const src = rows[i]!;
      const out: Value[] = new Array<Value>(project.length);
      for (let c = 0; c < project.length; c++) out[c] = project[c]!(src);
      this.#pending.push(k === INSERT || k === UPDATE_AFTER ? k : DELETE, out);
    }
  }

  commit(token?: CommitToken): Promise<void> {
    const batch = this.#pending;
    this.#pending = new ChangeBatch();
    // During recovery the job re-commits at the token this table already has: drop it.
    const already = token !== undefined && this.#recovered !== null && tokenAtOrBefore(token, this.#recovered);
    // An empty part still joins, so every table of the group records the round's position.
    const changes = already ? null : { database: this.#database, table: this.#target, batch };
    if (this.#group === null) {
      return Promise.reject(new StrataError('INTERNAL', `starrocks sink ${tableLocation(this.#table.path)} committed before it was opened`));
    }
    return this.#group.join(changes, token);
  }

  async close(): Promise<void> {
    this.#group?.members.delete(this);
    this.#group = null;
  }
}

/** The `starrocks` connector bound to this process's warehouse. */
export function starrocksConnector(warehouse: Warehouse, local: LocalEndpoints): ConnectorDefinition {
  return {
    spec: STARROCKS_SPEC,
    sinkAccepts: (t) => (t.primaryKey !== null && t.primaryKey.length > 0 ? 'upsert' : 'insert-only'),
    runtime: {
      createSink(table, ctx) {
        const where = tableLocation(table.path);
        const opts = validateOptions(STARROCKS_SPEC, table.options, where);
        const jdbc = opts.string('jdbc-url')!;
        const load = opts.list('load-url') ?? [];
        if (!isLocalTarget(jdbc, load, local)) {
          throw new StrataError('SQL_UNSUPPORTED', `${where} points at an external StarRocks ('jdbc-url' = '${jdbc}'); writing to external clusters is not available in this version`, {
            hint: `Point 'jdbc-url' at this Strata (jdbc:mysql://127.0.0.1:${local.mysqlPorts[0] ?? 9030}) and 'load-url' at 127.0.0.1:${local.httpPorts[0] ?? 8030} to write into Strata's warehouse.`,
          });
        }
        return new LocalStarRocksSink(warehouse, table, opts.string('database-name')!, opts.string('table-name')!, ctx);
      },
    },
  };
}
