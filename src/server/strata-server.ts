import { mkdirSync } from 'node:fs';
import { StrataError } from '../core/errors.js';
import type { Job } from '../engine/job.js';
import { defaultRegistry } from '../connectors/registry.js';
import { starrocksConnector } from '../connectors/starrocks/sink.js';
import { kafkaConnectors } from '../connectors/kafka/connector.js';
import { RoutineLoadManager } from '../store/routine-load/manager.js';
import { toJsonValue } from '../formats/json-value.js';
import { Session, type StatementResult } from '../runtime/session.js';
import { SyncManager } from '../runtime/sync/statements.js';
import type { StatementOutcome, Warehouse } from '../store/api.js';
import { DuckDbWarehouse } from '../store/duckdb/warehouse.js';
import { WarehouseSql } from '../store/starrocks/front.js';
import { HttpServer, type HttpBackend } from './http/server.js';
import { MySqlServer } from './mysql/server.js';
import { Log } from '../log/log.js';
import { KafkaServer } from '../log/kafka-wire/server.js';
import { join } from 'node:path';
import { formatType } from '../core/types.js';
import { describeNode } from '../sql/explain.js';

/**
 * One Strata process: the warehouse (DuckDB files under the data directory), the MySQL
 * protocol on :9030 in the StarRocks dialect, the HTTP API on :8030, and a Flink SQL
 * session whose jobs run in this process. `start` opens everything or nothing.
 */

export interface StrataServerOptions {
  readonly dataDir: string;
  readonly host?: string;
  readonly mysqlPort?: number;
  readonly httpPort?: number;
  readonly kafkaPort?: number;
  /** MySQL users and passwords; default root with an empty password. */
  readonly users?: ReadonlyMap<string, string>;
  readonly log?: (line: string) => void;
}

export class StrataServer {
  readonly warehouse: Warehouse;
  readonly warehouseSql: WarehouseSql;
  readonly session: Session;
  /** CTAS / CDAS database syncs (src/runtime/sync). */
  readonly sync: SyncManager;
  readonly mysqlAddress: { host: string; port: number };
  readonly httpAddress: { host: string; port: number };
  readonly kafkaAddress: { host: string; port: number };
  /** The embedded log (topics), served over the Kafka protocol. */
  readonly log: Log;
  readonly #kafka: KafkaServer;
  readonly #routineLoad: RoutineLoadManager;
  readonly #mysql: MySqlServer;
  readonly #http: HttpServer;
  readonly #log: (line: string) => void;
  #stopped = false;

  private constructor(parts: {
    warehouse: Warehouse;
    warehouseSql: WarehouseSql;
    session: Session;
    sync: SyncManager;
    mysql: MySqlServer;
    http: HttpServer;
    mysqlAddress: { host: string; port: number };
    httpAddress: { host: string; port: number };
    kafkaAddress: { host: string; port: number };
    topics: Log;
    kafka: KafkaServer;
    routineLoad: RoutineLoadManager;
    log: (line: string) => void;
  }) {
    this.#routineLoad = parts.routineLoad;
    this.kafkaAddress = parts.kafkaAddress;
    this.log = parts.topics;
    this.#kafka = parts.kafka;
    this.warehouse = parts.warehouse;
    this.warehouseSql = parts.warehouseSql;
    this.session = parts.session;
    this.sync = parts.sync;
    this.#mysql = parts.mysql;
    this.#http = parts.http;
    this.mysqlAddress = parts.mysqlAddress;
    this.httpAddress = parts.httpAddress;
    this.#log = parts.log;
  }

  static async start(options: StrataServerOptions): Promise<StrataServer> {
    const log = options.log ?? (() => {});
    const host = options.host ?? '127.0.0.1';
    try {
      mkdirSync(options.dataDir, { recursive: true });
    } catch (e) {
      throw new StrataError('USAGE', `cannot create the data directory '${options.dataDir}': ${(e as NodeJS.ErrnoException).code ?? String(e)}`, {
        hint: 'Pass a writable directory with --data-dir.',
      });
    }
    const warehouse = await DuckDbWarehouse.open(options.dataDir);
    const warehouseSql = new WarehouseSql(warehouse);
    // Ports are decided before the session so the starrocks connector knows "this process".
    const mysql = new MySqlServer(warehouseSql, {
      host,
      port: options.mysqlPort ?? 9030,
      ...(options.users !== undefined ? { users: options.users } : {}),
      log,
    });
    let mysqlAddress: { host: string; port: number };
    try {
      mysqlAddress = await mysql.listen();
    } catch (e) {
      await warehouse.close();
      throw e;
    }
    // The bus: the embedded log under the data directory, on the Kafka protocol.
    let topics: Log;
    let kafka: KafkaServer;
    let kafkaAddress: { host: string; port: number };
    try {
      topics = await Log.open(join(options.dataDir, 'log'), { log });
      kafka = new KafkaServer(topics, { host, port: options.kafkaPort ?? 9092, log });
      kafkaAddress = await kafka.listen();
    } catch (e) {
      await mysql.close();
      await warehouse.close();
      throw e;
    }
    // Routine Load: topics of the log into warehouse tables (StarRocks' statements on :9030).
    const routineLoad = new RoutineLoadManager(warehouse, topics, { dataDir: options.dataDir, localKafkaPorts: () => [kafkaAddress.port], log });
    warehouseSql.addExtension(routineLoad);
    routineLoad.start();
    const registry = defaultRegistry();
    const local = { mysqlPorts: [mysqlAddress.port] as number[], httpPorts: [] as number[] };
    registry.register(starrocksConnector(warehouse, local));
    for (const def of kafkaConnectors(topics, { kafkaPorts: [kafkaAddress.port] })) registry.register(def);
    const sync = new SyncManager({
      warehouse,
      log,
      dataDir: options.dataDir,
      localPorts: () => ({ mysql: local.mysqlPorts, http: local.httpPorts }),
    });
    const session = new Session({ registry, log, dataDir: options.dataDir, sync });
    const backend = new Backend(session, warehouseSql, routineLoad);
    const http = new HttpServer(backend, { host, port: options.httpPort ?? 8030 });
    let httpAddress: { host: string; port: number };
    try {
      httpAddress = await http.listen();
    } catch (e) {
      await routineLoad.stop();
      await kafka.close();
      await topics.close();
      await mysql.close();
      await warehouse.close();
      throw e;
    }
    local.httpPorts.push(httpAddress.port);
    // Jobs of the previous run come back from the session journal and their checkpoints.
    await session.restore();
    log(`warehouse: ${options.dataDir}`);
    log(`MySQL protocol on ${mysqlAddress.host}:${mysqlAddress.port} (mysql -h${mysqlAddress.host} -P${mysqlAddress.port} -uroot)`);
    log(`HTTP API on http://${httpAddress.host}:${httpAddress.port}/api/v1`);
    log(`Kafka protocol on ${kafkaAddress.host}:${kafkaAddress.port} (bootstrap server for kcat and Kafka clients)`);
    return new StrataServer({ warehouse, warehouseSql, session, sync, mysql, http, mysqlAddress, httpAddress, kafkaAddress, topics, kafka, routineLoad, log });
  }

  /** Submits Flink SQL (like `strata sql -f`). */
  submit(sql: string, file?: string): Promise<StatementResult[]> {
    return this.session.execute(sql, file);
  }

  /** Runs StarRocks-dialect SQL against the warehouse, as a MySQL client would. */
  async warehouseQuery(sql: string): Promise<StatementOutcome[]> {
    const s = this.warehouseSql.openSession(0, 'root', null);
    return this.warehouseSql.query(sql, s);
  }

  /** Returns once every running job has processed everything its sources had buffered. */
  async flush(): Promise<void> {
    for (const j of this.session.jobs) await j.flush();
    await this.#routineLoad.flush();
  }

  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    await this.session.close();
    await this.sync.stop();
    await this.#http.close();
    await this.#routineLoad.stop();
    await this.#kafka.close();
    await this.log.close();
    await this.#mysql.close();
    await this.warehouse.close();
    this.#log('stopped');
  }
}

/** The HTTP API's view of the process. */
class Backend implements HttpBackend {
  constructor(
    readonly session: Session,
    readonly warehouseSql: WarehouseSql,
    readonly routineLoad: RoutineLoadManager,
  ) {}

  async submitSql(sql: string, file: string | undefined): Promise<unknown> {
    const results = await this.session.execute(sql, file);
    return { results: results.map(resultJson) };
  }

  async query(sql: string): Promise<unknown> {
    const s = this.warehouseSql.openSession(0, 'root', null);
    const outcomes = await this.warehouseSql.query(sql, s);
    const last = [...outcomes].reverse().find((o) => o.kind === 'rows');
    if (last === undefined || last.kind !== 'rows') {
      const ok = outcomes[outcomes.length - 1];
      return { columns: [], rows: [], affectedRows: ok !== undefined && ok.kind === 'ok' ? ok.affectedRows : 0 };
    }
    const types = last.columns.map((c) => c.type);
    return {
      columns: last.columns.map((c) => ({ name: c.name, type: formatType(c.type) })),
      rows: last.rows.map((r) => r.map((v, i) => toJsonValue(v, types[i]!))),
    };
  }

  jobs(): unknown {
    return { jobs: this.session.jobs.map(jobJson) };
  }

  async flush(): Promise<unknown> {
    const t0 = performance.now();
    for (const j of this.session.jobs) await j.flush();
    await this.routineLoad.flush();
    return { flushed: this.session.jobs.filter((j) => j.state === 'RUNNING').length, millis: Math.round(performance.now() - t0) };
  }

  async checkpoint(): Promise<unknown> {
    const out: { job: string; id: number }[] = [];
    for (const j of this.session.jobs) {
      if (j.state !== 'RUNNING' || !j.checkpoints) continue;
      out.push({ job: j.name, id: await j.checkpoint() });
    }
    return { checkpoints: out };
  }

  metrics(): string {
    const lines: string[] = [];
    const esc = (s: string): string => s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
    lines.push('# HELP strata_operator_rows_in_total Changes received by an operator or sink.');
    lines.push('# TYPE strata_operator_rows_in_total counter');
    lines.push('# HELP strata_operator_rows_out_total Changes emitted by a source or operator.');
    lines.push('# TYPE strata_operator_rows_out_total counter');
    const rows: string[] = [];
    for (const j of this.session.jobs) {
      for (const n of j.graph.plan.nodes) {
        const m = j.graph.metrics[n.id]!;
        const op = describeNode(n).replace(/\(.*$/s, '');
        const table = n.kind === 'source' || n.kind === 'sink' ? `,table="${esc(n.table.path.join('.'))}"` : '';
        const labels = `job="${esc(j.name)}",node="${n.id}",operator="${op}"${table}`;
        rows.push(`strata_operator_rows_in_total{${labels}} ${m.rowsIn}`);
        rows.push(`strata_operator_rows_out_total{${labels}} ${m.rowsOut}`);
      }
    }
    lines.push(...rows);
    lines.push('# HELP strata_step_seconds Time in synchronous engine steps (one source batch through the graph).');
    lines.push('# TYPE strata_step_seconds summary');
    lines.push('# HELP strata_commit_seconds Time committing sinks at the end of micro-batches.');
    lines.push('# TYPE strata_commit_seconds summary');
    lines.push('# HELP strata_job_up 1 while the job runs.');
    lines.push('# TYPE strata_job_up gauge');
    for (const j of this.session.jobs) {
      const l = `job="${esc(j.name)}"`;
      lines.push(`strata_step_seconds_sum{${l}} ${j.timing.stepSeconds}`);
      lines.push(`strata_step_seconds_count{${l}} ${j.timing.steps}`);
      lines.push(`strata_commit_seconds_sum{${l}} ${j.timing.commitSeconds}`);
      lines.push(`strata_commit_seconds_count{${l}} ${j.commits}`);
      lines.push(`strata_job_up{${l}} ${j.state === 'RUNNING' ? 1 : 0}`);
    }
    return lines.join('\n') + '\n';
  }
}

function resultJson(r: StatementResult): unknown {
  switch (r.kind) {
    case 'ok':
      return { kind: 'ok', message: r.message };
    case 'rows':
      return { kind: 'rows', columns: r.columns, rows: r.rows };
    case 'explain':
      return { kind: 'explain', plan: r.text };
    case 'job':
    case 'query':
      return { kind: 'job', job: r.job.name, state: r.job.state };
  }
}

function jobJson(j: Job): unknown {
  return {
    name: j.name,
    state: j.state,
    error: j.error === null ? null : { message: j.error.message, errorCode: j.error.code },
    commits: j.commits,
    checkpoint:
      j.lastCheckpoint === null
        ? null
        : { id: j.lastCheckpoint.id, bytes: j.lastCheckpoint.bytes, encodeMillis: Math.round(j.lastCheckpoint.encodeMillis * 10) / 10, writeMillis: Math.round(j.lastCheckpoint.writeMillis * 10) / 10, completedAt: new Date(j.lastCheckpoint.completedAt).toISOString() },
    restoredFrom: j.restoredFrom,
    sources: j.graph.sources.map((s) => ({
      table: s.node.table.path.join('.'),
      connector: s.node.table.options['connector'] ?? null,
      position: positionText(s.reader.snapshotOffsets()),
      progress: s.reader.progress?.() ?? null,
      lag: null,
    })),
    sinks: j.graph.sinks.map((s) => ({ table: s.node.table.path.join('.'), connector: s.node.table.options['connector'] ?? null })),
  };
}

/**
 * A source's offsets, compact, for the jobs API: scalar fields as they are; long lists
 * (a generator's live rows, random state) summarized by their length.
 */
function positionText(v: unknown, depth = 0): unknown {
  if (v === null || typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'bigint') return v.toString();
  if (Array.isArray(v)) return v.length <= 4 && depth < 2 ? v.map((x) => positionText(x, depth + 1)) : `[${v.length} items]`;
  if (v instanceof Map) return v.size <= 4 && depth < 2 ? Object.fromEntries([...v].map(([k, x]) => [String(k), positionText(x, depth + 1)])) : `{${v.size} entries}`;
  if (v instanceof Uint8Array) return Buffer.from(v).toString('hex');
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return Object.fromEntries(Object.entries(o).filter(([k]) => k !== 'rng').map(([k, x]) => [k, positionText(x, depth + 1)]));
  }
  return String(v);
}
