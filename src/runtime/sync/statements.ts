import { StrataError } from '../../core/errors.js';
import type * as A from '../../sql/ast.js';
import type { Catalog } from '../../sql/catalog.js';
import type { Warehouse } from '../../store/api.js';
import { SCHEMA_CHANGE_BEHAVIORS, type SchemaChangeBehavior } from './evolution.js';
import { SyncJob, type SyncJobInfo, type SyncSourceOptions, type SyncTargetOptions } from './sync-job.js';

/**
 * CTAS and CDAS in the seed's syntax (docs/design/20261121_schema-evolution.md):
 *
 *   CREATE TABLE [IF NOT EXISTS] t WITH (sink options) AS TABLE [catalog.]db.table /*+ OPTIONS(source options) *\/
 *   CREATE DATABASE [IF NOT EXISTS] d WITH (sink options) AS DATABASE [catalog.]db
 *     [INCLUDING ALL TABLES | INCLUDING TABLE 'a', 'b|c.*'] [EXCLUDING TABLE 'x'] /*+ OPTIONS(source options) *\/
 *
 * The MySQL connection (hostname, port, username, password) comes from the source
 * catalog's options (CREATE CATALOG c WITH ('hostname' = ..., ...)) overridden by the
 * OPTIONS hint. Each statement starts one SyncJob; the targets are warehouse tables of
 * this process.
 */

/** What the session calls for CREATE TABLE ... AS TABLE and CREATE DATABASE ... AS DATABASE. */
/**
 * `settings`: the session's SET values; `schema.change.behavior` there is the default policy
 * when the statement's options and hints do not name one.
 */
export interface SyncStatements {
  executeCreateTableAs(st: A.CreateTable, catalog: Catalog, file?: string, settings?: ReadonlyMap<string, string>): Promise<{ readonly message: string }>;
  executeCreateDatabaseAs(st: A.CreateDatabase, catalog: Catalog, file?: string, settings?: ReadonlyMap<string, string>): Promise<{ readonly message: string }>;
}

export interface SyncManagerDeps {
  readonly warehouse: Warehouse;
  readonly log: (line: string) => void;
  readonly dataDir: string;
  /** This process's MySQL-protocol and HTTP ports: 'jdbc-url' / 'load-url' must point here. */
  readonly localPorts?: () => { readonly mysql: readonly number[]; readonly http: readonly number[] };
}

/** Sink (WITH) options a sync reads; others of the starrocks connector are accepted and not used on one machine. */
const SINK_OPTIONS = new Set([
  'connector',
  'jdbc-url',
  'load-url',
  'database-name',
  'table-name',
  'username',
  'password',
  'starrocks.create.table.properties',
  'starrocks.create.table.mode',
  'schema.change.behavior',
  'table.create.num-buckets',
]);

const SOURCE_KEYS = new Set([
  'connector',
  'type',
  'hostname',
  'port',
  'username',
  'password',
  'database-name',
  'table-name',
  'server-id',
  'scan.startup.mode',
  'scan.incremental.snapshot.chunk.size',
  'server-time-zone',
  'schema.change.behavior',
  'default-database',
]);

function props(list: readonly A.Property[]): Record<string, string> {
  const o: Record<string, string> = {};
  for (const p of list) o[p.key] = p.value;
  return o;
}

function fullMatch(patterns: readonly string[], what: string): (name: string) => boolean {
  const res = patterns.map((p) => {
    try {
      return new RegExp(`^(?:${p})$`, 'i');
    } catch (e) {
      throw new StrataError('SQL_VALIDATION', `${what} '${p}' is not a valid regular expression: ${e instanceof Error ? e.message : String(e)}`, {
        hint: "Write a table name or a regular expression such as 'orders_[0-9]+'.",
      });
    }
  });
  return (name) => res.some((r) => r.test(name));
}

/** Parses `starrocks.create.table.properties`: `[engine=olap] [primary key(a, b)] [distributed by hash(a) buckets n] [properties("k" = "v")]`. */
export function parseCreateTableProperties(text: string): { keys: string[] | null; buckets: number | null; properties: Record<string, string> } {
  const t = text.trim();
  const pk = /primary\s+key\s*\(([^)]*)\)/i.exec(t);
  const keys = pk === null ? null : pk[1]!.split(',').map((s) => s.trim().replace(/^`|`$/g, '')).filter((s) => s !== '');
  const b = /buckets\s+(\d+)/i.exec(t);
  const properties: Record<string, string> = {};
  const pr = /properties\s*\(([\s\S]*)\)/i.exec(t);
  if (pr !== null) {
    const re = /["']([^"']+)["']\s*=\s*["']([^"']*)["']/g;
    for (let m = re.exec(pr[1]!); m !== null; m = re.exec(pr[1]!)) properties[m[1]!] = m[2]!;
  }
  return { keys, buckets: b === null ? null : Number(b[1]), properties };
}

export class SyncManager implements SyncStatements {
  readonly #deps: SyncManagerDeps;
  readonly #jobs = new Map<string, SyncJob>();

  constructor(deps: SyncManagerDeps) {
    this.#deps = deps;
  }

  jobs(): readonly SyncJobInfo[] {
    return [...this.#jobs.values()].map((j) => j.info());
  }

  job(name: string): SyncJob | undefined {
    return this.#jobs.get(name);
  }

  /** Returns once every job has handled each binlog event written before the call. */
  async flush(): Promise<void> {
    for (const j of this.#jobs.values()) await j.flush();
  }

  async stop(): Promise<void> {
    for (const j of this.#jobs.values()) await j.stop();
  }

  async executeCreateTableAs(st: A.CreateTable, catalog: Catalog, _file?: string, settings?: ReadonlyMap<string, string>): Promise<{ readonly message: string }> {
    if (st.asTable === null) throw new StrataError('INTERNAL', 'executeCreateTableAs without AS TABLE');
    const sink = props(st.options);
    const hints = withSessionDefault(props(st.asTableHints), settings);
    const parts = st.asTable.parts;
    if (parts.length < 2 || parts.length > 3) {
      throw new StrataError('SQL_VALIDATION', `'${parts.join('.')}' is not a source table: write AS TABLE [catalog.]database.table`);
    }
    const catalogName = parts.length === 3 ? parts[0]! : catalog.currentCatalog;
    const conn = this.#connection(catalog, catalogName, hints, `${parts.join('.')}`);
    const srcDb = hints['database-name'] ?? parts[parts.length - 2]!;
    const srcTable = hints['table-name'] ?? parts[parts.length - 1]!;
    const targetDb = sink['database-name'] ?? (st.name.parts.length >= 2 ? st.name.parts[st.name.parts.length - 2]! : catalog.currentDatabase);
    const targetTable = sink['table-name'] ?? st.name.parts[st.name.parts.length - 1]!;
    const include = fullMatch([srcTable], "'table-name'");
    const name = `sync:${targetDb}.${targetTable}`;
    return this.#start(name, st.ifNotExists, false, sink, hints, conn, srcDb, include, targetDb, () => targetTable, `table ${targetDb}.${targetTable}`);
  }

  async executeCreateDatabaseAs(st: A.CreateDatabase, catalog: Catalog, _file?: string, settings?: ReadonlyMap<string, string>): Promise<{ readonly message: string }> {
    const as = st.asDatabase;
    if (as === null) throw new StrataError('INTERNAL', 'executeCreateDatabaseAs without AS DATABASE');
    const sink = props(st.options);
    const hints = withSessionDefault(props(as.hints), settings);
    const parts = as.source.parts;
    const catalogName = parts.length >= 2 ? parts[0]! : catalog.currentCatalog;
    const conn = this.#connection(catalog, catalogName, hints, parts.join('.'));
    // `mysql.db.table INCLUDING TABLE ...` (the seed's CDAS): the database is the middle part.
    const srcDb = hints['database-name'] ?? (parts.length >= 3 ? parts[1]! : parts[parts.length - 1]!);
    if (parts.length >= 3) this.#deps.log(`CREATE DATABASE ... AS ${parts.join('.')}: syncing database ${srcDb} (the table part '${parts[2]}' is read as the database's INCLUDING list decides)`);
    const inc = as.including === 'ALL' ? () => true : fullMatch(as.including, 'INCLUDING TABLE');
    const exc = as.excluding.length === 0 ? () => false : fullMatch(as.excluding, 'EXCLUDING TABLE');
    const include = (t: string): boolean => inc(t) && !exc(t);
    const targetDb = sink['database-name'] ?? st.name.parts[st.name.parts.length - 1]!;
    const name = `sync:${targetDb}`;
    return this.#start(name, st.ifNotExists, true, sink, hints, conn, srcDb, include, targetDb, (t) => t, `database ${targetDb}`);
  }

  #connection(catalog: Catalog, catalogName: string, hints: Record<string, string>, source: string): Record<string, string> {
    const getter = (catalog as unknown as { catalogOptions?: (name: string) => Readonly<Record<string, string>> | undefined }).catalogOptions;
    let fromCatalog: Readonly<Record<string, string>> = {};
    if (getter !== undefined && catalog.hasCatalog(catalogName)) fromCatalog = getter.call(catalog, catalogName) ?? {};
    const merged: Record<string, string> = { ...fromCatalog, ...hints };
    for (const k of ['hostname', 'username', 'password']) {
      if (merged[k] === undefined) {
        throw new StrataError('CONNECTOR_OPTION', `no '${k}' for the MySQL source ${source}`, {
          hint: `Create the source catalog with the connection: CREATE CATALOG ${catalogName} WITH ('hostname' = '...', 'port' = '3306', 'username' = '...', 'password' = '...'), or give it in /*+ OPTIONS('${k}' = '...') */ after the source name.`,
        });
      }
    }
    const connector = merged['connector'];
    if (connector !== undefined && connector !== 'mysql-cdc' && connector !== 'mysql') {
      throw new StrataError('SQL_UNSUPPORTED', `the source of a table or database sync must be 'mysql-cdc', not '${connector}'`);
    }
    for (const k of Object.keys(hints)) {
      if (!SOURCE_KEYS.has(k) && !k.startsWith('scan.') && !k.startsWith('debezium.') && !k.startsWith('jdbc.properties.') && !k.startsWith('connect.') && k !== 'heartbeat.interval') {
        throw new StrataError('CONNECTOR_OPTION', `unknown source option '${k}' in the OPTIONS hint of ${source}`, {
          hint: `Known options: ${[...SOURCE_KEYS].join(', ')}.`,
        });
      }
    }
    return merged;
  }

  async #start(
    name: string,
    ifNotExists: boolean,
    database: boolean,
    sink: Record<string, string>,
    hints: Record<string, string>,
    conn: Record<string, string>,
    srcDb: string,
    include: (t: string) => boolean,
    targetDb: string,
    tableName: (t: string) => string,
    what: string,
  ): Promise<{ readonly message: string }> {
    const w = this.#deps.warehouse;
    const connector = sink['connector'];
    if (connector !== undefined && connector !== 'starrocks') {
      throw new StrataError('SQL_UNSUPPORTED', `'connector' = '${connector}': a table or database sync writes to the warehouse ('starrocks')`, {
        hint: "Leave 'connector' out or write 'connector' = 'starrocks'.",
      });
    }
    for (const k of Object.keys(sink)) {
      if (!SINK_OPTIONS.has(k) && !k.startsWith('sink.') && !k.startsWith('table.create.properties.') && !k.startsWith('starrocks.')) {
        throw new StrataError('CONNECTOR_OPTION', `unknown option '${k}' of the sync target ${what}`, { hint: `Known options: ${[...SINK_OPTIONS].join(', ')}, sink.*.` });
      }
    }
    this.#checkLocal(sink);
    const running = this.#jobs.get(name);
    if (running !== undefined && running.info().state === 'RUNNING') {
      if (ifNotExists) return { message: `[INFO] Sync ${name} is already running.` };
      throw new StrataError('CATALOG_OBJECT_EXISTS', `a sync into ${what} is already running`, { hint: 'Use IF NOT EXISTS, or stop the server and start it again.' });
    }
    const behaviorText = (sink['schema.change.behavior'] ?? hints['schema.change.behavior'] ?? 'lenient').toLowerCase();
    if (!(SCHEMA_CHANGE_BEHAVIORS as readonly string[]).includes(behaviorText)) {
      throw new StrataError('CONNECTOR_OPTION', `'schema.change.behavior' = '${behaviorText}' is not one of ${SCHEMA_CHANGE_BEHAVIORS.join(', ')}`);
    }
    const mode = (conn['scan.startup.mode'] ?? 'initial').toLowerCase();
    if (mode !== 'initial' && mode !== 'latest-offset') {
      throw new StrataError('SQL_UNSUPPORTED', `'scan.startup.mode' = '${mode}' is not supported by a table or database sync; use 'initial' or 'latest-offset'`);
    }
    const created = parseCreateTableProperties(sink['starrocks.create.table.properties'] ?? '');
    const properties: Record<string, string> = { ...created.properties };
    for (const [k, v] of Object.entries(sink)) if (k.startsWith('table.create.properties.')) properties[k.slice('table.create.properties.'.length)] = v;
    const bucketsOpt = sink['table.create.num-buckets'];
    const sid = /^\s*(\d+)/.exec(conn['server-id'] ?? '');
    const source: SyncSourceOptions = {
      host: conn['hostname']!,
      port: Number(conn['port'] ?? '3306'),
      user: conn['username']!,
      password: conn['password']!,
      serverId: sid !== null ? Number(sid[1]) : 5400 + Math.floor(Math.random() * 100_000),
      database: srcDb,
      include,
      startupMode: mode,
      chunkSize: Number(conn['scan.incremental.snapshot.chunk.size'] ?? '8096'),
    };
    const target: SyncTargetOptions = {
      database: targetDb,
      tableName,
      buckets: created.buckets ?? (bucketsOpt !== undefined ? Number(bucketsOpt) : null),
      properties,
      keyOverride: database ? null : created.keys,
    };
    const foreign = w.hasDatabase(targetDb) && w.listTables(targetDb).some((t) => w.position(targetDb, t)?.writer !== name);
    if (foreign && !ifNotExists && database) {
      throw new StrataError('CATALOG_OBJECT_EXISTS', `warehouse database ${targetDb} already exists`, {
        hint: 'It holds tables this sync did not write. Write CREATE DATABASE IF NOT EXISTS to sync into it anyway, or choose another name.',
      });
    }
    await w.createDatabase(targetDb, true);
    const job = new SyncJob({ name, source, target, behavior: behaviorText as SchemaChangeBehavior, warehouse: w, log: this.#deps.log });
    this.#jobs.set(name, job);
    await job.start();
    const n = job.info().tables.length;
    return { message: `[INFO] Submitting sync ${name}: ${n} table${n === 1 ? '' : 's'} of ${srcDb} into ${what}.` };
  }

  #checkLocal(sink: Record<string, string>): void {
    const ports = this.#deps.localPorts?.();
    if (ports === undefined) return;
    const check = (key: string, url: string | undefined, list: readonly number[]): void => {
      if (url === undefined || list.length === 0) return;
      const m = /(?:^|\/\/|;)([^/:;]+):(\d+)/.exec(url);
      if (m === null) return;
      const host = m[1]!;
      const port = Number(m[2]);
      const local = host === '127.0.0.1' || host === 'localhost' || host === '0.0.0.0' || host === '::1';
      if (!local || !list.includes(port)) {
        throw new StrataError('SQL_UNSUPPORTED', `'${key}' = '${url}' is not this Strata process: a sync writes to the embedded warehouse only in this version`, {
          hint: `Point it at this process (port ${list.join(', ')}) or leave it out.`,
        });
      }
    };
    check('jdbc-url', sink['jdbc-url'], ports.mysql);
    check('load-url', sink['load-url'], ports.http);
  }
}

/** The hints, with the session's `schema.change.behavior` when the hints do not set one. */
function withSessionDefault(hints: Record<string, string>, settings: ReadonlyMap<string, string> | undefined): Record<string, string> {
  const v = settings?.get('schema.change.behavior');
  return v === undefined || hints['schema.change.behavior'] !== undefined ? hints : { ...hints, 'schema.change.behavior': v };
}
