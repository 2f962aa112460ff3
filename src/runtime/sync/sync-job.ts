import { BinlogClient } from '../../connectors/mysql-cdc/binlog/binlog-client.js';
import { binlogFamily, schemaFamily, strataTypeOf, type MysqlColumn } from '../../connectors/mysql-cdc/binlog/column-types.js';
import { MysqlConnection } from '../../connectors/mysql-cdc/binlog/connection.js';
import { compareBinlogPositions, formatPosition, type BinlogEvent, type BinlogPosition, type QueryEvent, type RowsEvent, type TableMapEvent } from '../../connectors/mysql-cdc/binlog/events.js';
import { snapshotSelectExpr, textToValue } from '../../connectors/mysql-cdc/binlog/text-values.js';
import { beginConsistentSnapshot, currentPosition, discoverTables, quoteIdent, readChunk, readTableSchema } from '../../connectors/mysql-cdc/snapshot.js';
import { ChangeBatch } from '../../core/batch.js';
import { StrataError } from '../../core/errors.js';
import { DELETE, INSERT, UPDATE_AFTER, UPDATE_BEFORE } from '../../core/row-kind.js';
import { formatType, isNumeric, sameTypeIgnoringNull, type SqlType } from '../../core/types.js';
import { compareValues, type Row, type Value } from '../../core/values.js';
import { compileCast } from '../../engine/expr/cast.js';
import type { TableChanges, Warehouse, WarehouseColumn, WarehouseTableDef } from '../../store/api.js';
import { applyAlter, parseMysqlDdl, type AlterOp, type DdlStatement, type TableRef, type TrackedSchema } from './mysql-ddl.js';
import { planEvolution, type SchemaChangeBehavior } from './evolution.js';
import { mapMysqlColumn } from './type-mapping.js';

/**
 * One sync job (CTAS / CDAS): a snapshot of every matched table of one MySQL database,
 * then one binlog reader for the database, routed per table into warehouse tables, with
 * schema changes from the binlog's DDL applied by the job's policy
 * (docs/design/20261121_schema-evolution.md).
 *
 * Exactly once: each warehouse table records the binlog position (file:pos and GTID) it
 * reflects, in the same transaction as its rows. A restart reads the binlog from the
 * smallest of those positions and skips, per table, what that table already has.
 *
 * A table stops alone (state FAILED, the error names the table, the DDL, the binlog
 * position and the policy); the other tables go on.
 */

export interface SyncSourceOptions {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  readonly serverId: number;
  readonly database: string;
  /** Which tables of the database the sync captures (by name). */
  readonly include: (table: string) => boolean;
  readonly startupMode: 'initial' | 'latest-offset';
  readonly chunkSize: number;
}

export interface SyncTargetOptions {
  readonly database: string;
  /** The warehouse table name for a source table. */
  readonly tableName: (sourceTable: string) => string;
  readonly buckets: number | null;
  readonly properties: Readonly<Record<string, string>>;
  /** Key columns from 'starrocks.create.table.properties' (overrides the source's primary key); null: the source's. */
  readonly keyOverride: readonly string[] | null;
}

export interface SyncJobOptions {
  readonly name: string;
  readonly source: SyncSourceOptions;
  readonly target: SyncTargetOptions;
  readonly behavior: SchemaChangeBehavior;
  readonly warehouse: Warehouse;
  readonly log: (line: string) => void;
}

export type SyncTableState = 'SNAPSHOT' | 'RUNNING' | 'FAILED' | 'DROPPED';

export interface SyncTableInfo {
  readonly source: string;
  readonly target: string;
  readonly state: SyncTableState;
  readonly error: string | null;
  readonly position: string | null;
}

export interface SyncJobInfo {
  readonly name: string;
  readonly state: 'STARTING' | 'RUNNING' | 'FAILED' | 'STOPPED';
  readonly policy: SchemaChangeBehavior;
  readonly source: string;
  readonly target: string;
  readonly error: string | null;
  readonly position: string | null;
  readonly tables: readonly SyncTableInfo[];
}

interface Projection {
  /** Per target column: the source column index, or -1 (NULL). */
  readonly source: Int32Array;
  readonly convert: readonly (((v: Value) => Value) | null)[];
  readonly notNull: readonly boolean[];
  readonly names: readonly string[];
}

interface SyncTable {
  source: string;
  target: string;
  schema: TrackedSchema;
  state: SyncTableState;
  error: string | null;
  applied: BinlogPosition | null;
  projections: Map<TableMapEvent, Projection>;
}

const RECONNECT_MS = 500;
const MAX_RETRIES = 5;
const lower = (s: string): string => s.toLowerCase();

export function formatSyncPosition(p: BinlogPosition): string {
  return `${p.file}:${p.pos}${p.gtid !== null && p.gtid !== '' ? ` gtid=${p.gtid}` : ''}`;
}

export function parseSyncPosition(text: string): BinlogPosition | null {
  const m = /^(.+?):(\d+)(?: gtid=(.*))?$/.exec(text);
  if (m === null) return null;
  return { file: m[1]!, pos: Number(m[2]), gtid: m[3] ?? null };
}

/** Binlog order of two positions (file sequence number, then offset). */
export function comparePositions(a: BinlogPosition, b: BinlogPosition): number {
  return compareBinlogPositions(a.file, a.pos, b.file, b.pos);
}

export class SyncJob {
  readonly name: string;
  readonly #o: SyncJobOptions;
  readonly #w: Warehouse;
  /** Router side: tables by lower-case source name, as of the event being routed. */
  readonly #tables = new Map<string, SyncTable>();
  /** Decoder side: schemas as of the event being decoded (ahead of the router); null: unknown. */
  readonly #decodeSchemas = new Map<string, TrackedSchema | null>();
  #state: SyncJobInfo['state'] = 'STARTING';
  #error: string | null = null;
  #client: BinlogClient | null = null;
  #task: Promise<void> | null = null;
  #stopped = false;
  /** Position after the last event the router finished with. */
  #processed: BinlogPosition | null = null;
  readonly #waiters: { readonly until: BinlogPosition; readonly resolve: () => void }[] = [];
  #lastHeartbeatWrite = 0;

  constructor(options: SyncJobOptions) {
    this.name = options.name;
    this.#o = options;
    this.#w = options.warehouse;
  }

  info(): SyncJobInfo {
    const tables: SyncTableInfo[] = [...this.#tables.values()]
      .map((t) => ({ source: t.source, target: t.target, state: t.state, error: t.error, position: t.applied === null ? null : formatSyncPosition(t.applied) }))
      .sort((a, b) => (a.source < b.source ? -1 : 1));
    return {
      name: this.name,
      state: this.#state,
      policy: this.#o.behavior,
      source: `${this.#o.source.host}:${this.#o.source.port}/${this.#o.source.database}`,
      target: this.#o.target.database,
      error: this.#error,
      position: this.#processed === null ? null : formatSyncPosition(this.#processed),
      tables,
    };
  }

  #where(table: string): string {
    return `${this.#o.source.database}.${table}`;
  }

  async #connect(): Promise<MysqlConnection> {
    const s = this.#o.source;
    return MysqlConnection.open({ host: s.host, port: s.port, user: s.user, password: s.password, connectTimeoutMs: 10_000 });
  }

  /**
   * Discovers the tables, creates the warehouse tables, takes the snapshot of the tables
   * the warehouse does not have yet; then reads the binlog in the background.
   */
  async start(): Promise<void> {
    const s = this.#o.source;
    const conn = await this.#connect();
    let needSnapshot: { name: string; schema: TrackedSchema }[] = [];
    try {
      const found = await discoverTables(conn, (db, t) => db === s.database && s.include(t));
      for (const f of found) {
        const captured = await readTableSchema(conn, f.database, f.table);
        const schema: TrackedSchema = { columns: captured.columns, primaryKey: captured.primaryKey };
        const target = this.#o.target.tableName(f.table);
        const existing = this.#w.getTable(this.#o.target.database, target);
        const pos = existing === undefined ? null : this.#w.position(this.#o.target.database, target);
        const applied = pos !== null && pos.writer === this.name ? parseSyncPosition(pos.position) : null;
        const t: SyncTable = { source: f.table, target, schema, state: applied === null ? 'SNAPSHOT' : 'RUNNING', error: null, applied, projections: new Map() };
        this.#tables.set(lower(f.table), t);
        this.#decodeSchemas.set(lower(f.table), schema);
        if (existing === undefined) await this.#w.createTable(this.#tableDef(target, schema), false);
        if (applied === null) needSnapshot.push({ name: f.table, schema });
      }
      if (s.startupMode === 'latest-offset' && needSnapshot.length > 0) {
        const p = await currentPosition(conn);
        for (const n of needSnapshot) await this.#markApplied(this.#tables.get(lower(n.name))!, p);
        needSnapshot = [];
      }
    } finally {
      await conn.close().catch(() => undefined);
    }
    if (needSnapshot.length > 0) await this.#snapshot(needSnapshot);
    let from: BinlogPosition | null = null;
    for (const t of this.#tables.values()) {
      if (t.applied !== null && (from === null || comparePositions(t.applied, from) < 0)) from = t.applied;
    }
    if (from === null) {
      const c = await this.#connect();
      try {
        from = await currentPosition(c);
      } finally {
        await c.close().catch(() => undefined);
      }
    }
    this.#processed = from;
    this.#state = 'RUNNING';
    this.#o.log(`sync ${this.name}: ${this.#tables.size} tables of ${s.database} into ${this.#o.target.database}; binlog from ${formatPosition(from)} (policy ${this.#o.behavior})`);
    this.#task = this.#stream(from).catch((e: unknown) => {
      if (this.#stopped) return;
      this.#state = 'FAILED';
      this.#error = e instanceof Error ? e.message : String(e);
      this.#o.log(`sync ${this.name} failed: ${this.#error}`);
      this.#wakeAll();
    });
  }

  /** The warehouse table for a source schema ('simple' mode: the source's key, hash-distributed on it). */
  #tableDef(target: string, schema: TrackedSchema): WarehouseTableDef {
    const o = this.#o.target;
    const key = o.keyOverride ?? schema.primaryKey;
    const keySet = new Set(key.map(lower));
    const cols = schema.columns.map((c) => mapMysqlColumn(c, keySet.has(lower(c.name))).column);
    const keyCols: WarehouseColumn[] = [];
    for (const k of key) {
      const c = cols.find((x) => lower(x.name) === lower(k));
      if (c === undefined) {
        throw new StrataError('CONNECTOR_OPTION', `key column ${k} of 'starrocks.create.table.properties' is not a column of MySQL table ${this.#where(target)}`);
      }
      keyCols.push(c);
    }
    const columns = [...keyCols, ...cols.filter((c) => !keySet.has(lower(c.name)))];
    const keyColumns = keyCols.length > 0 ? keyCols.map((c) => c.name) : [columns[0]!.name];
    return {
      database: o.database,
      name: target,
      columns,
      keyModel: keyCols.length > 0 ? 'PRIMARY' : 'DUPLICATE',
      keyColumns,
      comment: '',
      engine: 'olap',
      distribution: { columns: keyColumns, buckets: o.buckets, random: false },
      partitionText: null,
      properties: { ...o.properties },
    };
  }

  async #markApplied(t: SyncTable, p: BinlogPosition): Promise<void> {
    await this.#w.apply([{ database: this.#o.target.database, table: t.target, batch: new ChangeBatch() }], { writer: this.name, position: formatSyncPosition(p) });
    t.applied = p;
    if (t.state === 'SNAPSHOT') t.state = 'RUNNING';
  }

  // -------------------------------------------------------------------------
  // Snapshot
  // -------------------------------------------------------------------------

  async #snapshot(tables: readonly { name: string; schema: TrackedSchema }[]): Promise<void> {
    const conn = await this.#connect();
    try {
      const p = await beginConsistentSnapshot(conn);
      for (const { name } of tables) {
        const t = this.#tables.get(lower(name))!;
        // Rows of an interrupted earlier snapshot (no position recorded) go first.
        await this.#w.truncateTable(this.#o.target.database, t.target);
        const captured = await readTableSchema(conn, this.#o.source.database, name);
        t.schema = { columns: captured.columns, primaryKey: captured.primaryKey };
        this.#decodeSchemas.set(lower(name), t.schema);
        const proj = this.#projection(t, t.schema.columns, t.schema.columns.map(strataTypeOf));
        const keyIndex = t.schema.primaryKey.length > 0 ? t.schema.columns.findIndex((c) => lower(c.name) === lower(t.schema.primaryKey[0]!)) : -1;
        let lower_: string | null = null;
        for (;;) {
          if (this.#stopped) return;
          let rows: Row[];
          let done: boolean;
          if (keyIndex < 0) {
            rows = await this.#readAll(conn, captured.columns, name);
            done = true;
          } else {
            const chunk = await readChunk(conn, captured, keyIndex, lower_, this.#o.source.chunkSize);
            rows = chunk.rows;
            done = chunk.upper === null;
            if (chunk.upper !== null) lower_ = chunk.upper.literal;
          }
          const batch = new ChangeBatch();
          for (let i = 0; i < rows.length; i++) batch.push(INSERT, this.#project(t, proj, rows[i]!));
          await this.#w.apply([{ database: this.#o.target.database, table: t.target, batch }], done ? { writer: this.name, position: formatSyncPosition(p) } : null);
          if (done) break;
        }
        t.applied = p;
        t.state = 'RUNNING';
        this.#o.log(`sync ${this.name}: snapshot of ${this.#where(name)} done`);
      }
      await conn.query('COMMIT').catch(() => undefined);
    } finally {
      await conn.close().catch(() => undefined);
    }
  }

  async #readAll(conn: MysqlConnection, columns: readonly MysqlColumn[], table: string): Promise<Row[]> {
    const r = await conn.queryRaw(`SELECT ${columns.map(snapshotSelectExpr).join(', ')} FROM ${quoteIdent(this.#o.source.database)}.${quoteIdent(table)}`);
    return r.rows.map((src) => columns.map((c, j) => textToValue(src[j] ?? null, c)));
  }

  // -------------------------------------------------------------------------
  // Projection: a source row (its column order) → the warehouse table's row
  // -------------------------------------------------------------------------

  #projection(t: SyncTable, columns: readonly MysqlColumn[], types: readonly SqlType[]): Projection {
    const def = this.#w.getTable(this.#o.target.database, t.target);
    if (def === undefined) throw new StrataError('STATE', `warehouse table ${this.#o.target.database}.${t.target} is gone`);
    const keySet = new Set(t.schema.primaryKey.map(lower));
    const n = def.columns.length;
    const source = new Int32Array(n);
    const convert: (((v: Value) => Value) | null)[] = [];
    const notNull: boolean[] = [];
    for (let j = 0; j < n; j++) {
      const tc = def.columns[j]!;
      const i = columns.findIndex((c) => lower(c.name) === lower(tc.name));
      source[j] = i;
      notNull.push(!tc.type.nullable);
      if (i < 0) {
        convert.push(null);
        continue;
      }
      const m = mapMysqlColumn(columns[i]!, keySet.has(lower(tc.name)));
      const from = types[i]!;
      let f: ((v: Value) => Value) | null = null;
      let mid: SqlType = from;
      if (m.convert !== null && sameTypeIgnoringNull(m.strata, from)) {
        f = m.convert;
        mid = m.column.type;
      }
      if (!sameTypeIgnoringNull(mid, tc.type)) {
        const to = compileCast((r) => r[0] ?? null, mid, tc.type, false, { timeZone: 'UTC' });
        // Flink's numeric casts wrap and round; a sync must not change a value silently.
        const back = isNumeric(mid) && isNumeric(tc.type) ? compileCast((r) => r[0] ?? null, tc.type, mid, false, { timeZone: 'UTC' }) : null;
        const where = `column ${tc.name} of warehouse table ${this.#o.target.database}.${t.target}`;
        const cast = (v: Value): Value => {
          const out = to([v]);
          if (back !== null && out !== null && compareValues(back([out]), v) !== 0) {
            throw new StrataError('CONNECTOR_DATA', `value ${String(v)} does not fit ${where} (${tc.typeText})`, {
              hint: `The source column is ${formatType(mid)} now; under policy '${this.#o.behavior}' the warehouse column was not changed. Use 'lenient' or 'evolve'.`,
            });
          }
          return out;
        };
        const first = f;
        f = first === null ? cast : (v) => cast(first(v));
      }
      convert.push(f);
    }
    return { source, convert, notNull, names: def.columns.map((c) => c.name) };
  }

  #project(t: SyncTable, p: Projection, row: Row): Row {
    const n = p.source.length;
    const out = new Array<Value>(n);
    for (let j = 0; j < n; j++) {
      const i = p.source[j]!;
      let v: Value = i < 0 ? null : (row[i] ?? null);
      const f = p.convert[j]!;
      if (f !== null && v !== null) v = f(v);
      if (v === null && p.notNull[j]) {
        throw new StrataError('CONNECTOR_DATA', `column ${p.names[j]} of warehouse table ${this.#o.target.database}.${t.target} is NOT NULL but the source row has no value for it`, {
          hint: `The source table ${this.#where(t.source)} no longer has a value for it (a dropped or renamed column under policy '${this.#o.behavior}'): use 'lenient' or 'evolve'.`,
        });
      }
      out[j] = v;
    }
    return out;
  }

  // -------------------------------------------------------------------------
  // Binlog
  // -------------------------------------------------------------------------

  async #stream(from: BinlogPosition): Promise<void> {
    let at = from;
    let failures = 0;
    const s = this.#o.source;
    while (!this.#stopped) {
      const client = new BinlogClient({
        host: s.host,
        port: s.port,
        user: s.user,
        password: s.password,
        serverId: s.serverId,
        start: { file: at.file, pos: at.pos, gtid: at.gtid },
        heartbeatMs: 1000,
        schema: (db, t) => {
          if (db !== s.database) return undefined;
          const sc = this.#decodeSchemas.get(lower(t));
          return sc === undefined || sc === null ? undefined : { columns: sc.columns };
        },
        includeTable: (db) => db === s.database,
        onQuery: (e) => this.#trackDecodeSchema(e),
      });
      this.#client = client;
      try {
        await client.connect();
        for await (const batch of client.events()) {
          failures = 0;
          at = await this.#route(batch, at);
          if (this.#stopped) break;
        }
        if (this.#stopped) return;
      } catch (e) {
        if (this.#stopped) return;
        const err = e instanceof StrataError ? e : new StrataError('CONNECTOR_IO', `reading the binlog failed: ${e instanceof Error ? e.message : String(e)}`, { retryable: true });
        if (!err.retryable || failures >= MAX_RETRIES) throw err;
        failures++;
        this.#o.log(`sync ${this.name}: ${err.message} (reconnecting from ${formatPosition(at)}, attempt ${failures})`);
        await new Promise((r) => setTimeout(r, RECONNECT_MS * failures));
      } finally {
        this.#client = null;
        await client.close().catch(() => undefined);
      }
      // Decoder-side schemas and the open transaction restart from the router's position.
      this.#open = new Map();
      this.#decodeSchemas.clear();
      for (const [k, t] of this.#tables) this.#decodeSchemas.set(k, t.schema);
    }
  }

  /** Decoder side: keeps the schemas the decoder types rows with in step with the DDL (synchronously). */
  #trackDecodeSchema(e: QueryEvent): void {
    const stmt = parseMysqlDdl(e.sql);
    const s = this.#o.source.database;
    const mine = (r: TableRef): string | null => ((r.database ?? e.database) === s ? lower(r.table) : null);
    switch (stmt.kind) {
      case 'alter-table': {
        const k = mine(stmt.table);
        if (k === null || !this.#decodeSchemas.has(k)) return;
        const old = this.#decodeSchemas.get(k)!;
        this.#decodeSchemas.set(k, old === null ? null : applyAlter(old, stmt.ops));
        const ren = stmt.ops.find((o): o is Extract<AlterOp, { op: 'rename-table' }> => o.op === 'rename-table');
        if (ren !== undefined) {
          const v = this.#decodeSchemas.get(k)!;
          this.#decodeSchemas.delete(k);
          const to = mine(ren.to);
          if (to !== null) this.#decodeSchemas.set(to, v);
        }
        return;
      }
      case 'create-table': {
        const k = mine(stmt.table);
        if (k === null || !this.#o.source.include(stmt.table.table)) return;
        if (this.#decodeSchemas.has(k) && stmt.ifNotExists) return;
        let sc: TrackedSchema | null = stmt.schema;
        if (sc === null && stmt.like !== null) {
          const lk = mine(stmt.like);
          sc = lk === null ? null : (this.#decodeSchemas.get(lk) ?? null);
        }
        this.#decodeSchemas.set(k, sc);
        return;
      }
      case 'drop-table':
        for (const r of stmt.tables) {
          const k = mine(r);
          if (k !== null) this.#decodeSchemas.delete(k);
        }
        return;
      case 'rename-table':
        for (const { from, to } of stmt.pairs) {
          const k = mine(from);
          if (k === null || !this.#decodeSchemas.has(k)) continue;
          const v = this.#decodeSchemas.get(k)!;
          this.#decodeSchemas.delete(k);
          const t = mine(to);
          if (t !== null) this.#decodeSchemas.set(t, v);
        }
        return;
      case 'drop-database':
        if (stmt.database === s) this.#decodeSchemas.clear();
        return;
      default:
        return;
    }
  }

  /** Changes of the transaction being read, per table (a transaction may span event batches). */
  #open = new Map<SyncTable, ChangeBatch>();

  /** Routes one batch of events; returns the position after the last one handled. */
  async #route(batch: readonly BinlogEvent[], from: BinlogPosition): Promise<BinlogPosition> {
    let at = from;
    /** Committed, not yet applied. */
    let ready = new Map<SyncTable, ChangeBatch>();
    let readyPos: BinlogPosition | null = null;
    const flushReady = async (): Promise<void> => {
      if (readyPos === null) return;
      await this.#applyReady(ready, readyPos);
      ready = new Map();
      readyPos = null;
    };
    let inTxn = this.#open.size > 0;
    for (let i = 0; i < batch.length; i++) {
      const e = batch[i]!;
      switch (e.kind) {
        case 'rows': {
          inTxn = true;
          const t = this.#tables.get(lower(e.table.table));
          if (t === undefined || t.state !== 'RUNNING' || e.table.database !== this.#o.source.database) break;
          if (t.applied !== null && comparePositions(e.position, t.applied) <= 0) break;
          let b = this.#open.get(t);
          if (b === undefined) {
            b = new ChangeBatch();
            this.#open.set(t, b);
          }
          this.#rows(t, e, b);
          break;
        }
        case 'xid':
        case 'commit':
        case 'query': {
          if (e.kind === 'query' && !e.commitPoint) break;
          for (const [t, b] of this.#open) {
            const r = ready.get(t);
            if (r === undefined) ready.set(t, b);
            else r.append(b);
          }
          this.#open = new Map();
          inTxn = false;
          if (e.position.file !== '') at = e.position;
          readyPos = at;
          if (e.kind === 'query') {
            await flushReady();
            await this.#ddl(e);
          }
          break;
        }
        case 'gtid':
        case 'begin':
        case 'table-map':
        case 'annotate':
          inTxn = true;
          break;
        case 'heartbeat':
        case 'rotate':
        case 'format-description':
        case 'gtid-list':
        case 'previous-gtids':
          // Between transactions these move the resume point on (a rotation, an idle server).
          if (!inTxn && e.position.file !== '' && comparePositions(e.position, at) > 0) at = e.position;
          break;
        default:
          break;
      }
    }
    await flushReady();
    this.#processed = at;
    if (!inTxn) await this.#heartbeatPositions(at);
    this.#wake();
    return at;
  }

  #rows(t: SyncTable, e: RowsEvent, out: ChangeBatch): void {
    try {
      let p = t.projections.get(e.table);
      if (p === undefined) {
        this.#checkShape(t, e.table);
        p = this.#projection(t, e.table.columns, e.table.types);
        t.projections.set(e.table, p);
      }
      const src = e.rows;
      if (e.op === 'insert' || e.op === 'delete') {
        const kind = e.op === 'insert' ? INSERT : DELETE;
        for (let i = 0; i < src.length; i++) out.push(kind, this.#project(t, p, src[i]!));
        return;
      }
      for (let i = 0; i + 1 < src.length; i += 2) {
        out.push(UPDATE_BEFORE, this.#project(t, p, src[i]!));
        out.push(UPDATE_AFTER, this.#project(t, p, src[i + 1]!));
      }
    } catch (err) {
      this.#fail(t, err instanceof StrataError ? err.message : String(err), e.position);
      out.kinds.length = 0;
      out.rows.length = 0;
    }
  }

  /**
   * The binlog's TABLE_MAP must have the shape the tracked schema says: a DDL the binlog
   * did not carry (sql_log_bin = 0) shows here first, and is a definite error.
   */
  #checkShape(t: SyncTable, tm: TableMapEvent): void {
    const cols = t.schema.columns;
    const names = tm.metadata.names;
    let why: string | null = null;
    if (tm.columnTypes.length !== cols.length) why = `the binlog row has ${tm.columnTypes.length} columns, the tracked schema ${cols.length}`;
    else {
      for (let i = 0; i < cols.length && why === null; i++) {
        const fam = binlogFamily(tm.columnTypes[i]!, tm.columnMeta[i]!);
        if (schemaFamily(cols[i]!.dataType) !== fam) why = `column ${i + 1} (${cols[i]!.name}) is ${cols[i]!.dataType} in the tracked schema but ${fam} in the binlog`;
        const n = names[i];
        if (why === null && n !== undefined && n !== null && lower(n) !== lower(cols[i]!.name)) why = `column ${i + 1} is ${cols[i]!.name} in the tracked schema but ${n} in the binlog`;
      }
    }
    if (why !== null) {
      throw new StrataError(
        'CONNECTOR_DATA',
        `table ${this.#where(t.source)} changed without a DDL in the binlog (${why}): a schema change made with sql_log_bin = 0, or by a tool that bypasses the binlog`,
        { hint: `Stop the sync, drop warehouse table ${this.#o.target.database}.${t.target} and submit the CREATE ... AS statement again to take a new snapshot.` },
      );
    }
  }

  async #applyReady(ready: Map<SyncTable, ChangeBatch>, pos: BinlogPosition): Promise<void> {
    const entries = [...ready].filter(([t]) => t.state === 'RUNNING');
    if (entries.length === 0) return;
    const db = this.#o.target.database;
    const changes: TableChanges[] = entries.map(([t, b]) => ({ database: db, table: t.target, batch: b }));
    const position = { writer: this.name, position: formatSyncPosition(pos) };
    try {
      await this.#w.apply(changes, position);
      for (const [t] of entries) t.applied = pos;
    } catch {
      // One table's rows do not fit: apply each alone so only that table stops.
      for (const [t, b] of entries) {
        try {
          await this.#w.apply([{ database: db, table: t.target, batch: b }], position);
          t.applied = pos;
        } catch (e) {
          this.#fail(t, `applying its changes failed: ${e instanceof Error ? e.message : String(e)}`, pos);
        }
      }
    }
  }

  /** Every few seconds, records the position on idle tables so a restart need not read far back. */
  async #heartbeatPositions(at: BinlogPosition): Promise<void> {
    const now = Date.now();
    if (now - this.#lastHeartbeatWrite < 5000) return;
    this.#lastHeartbeatWrite = now;
    const db = this.#o.target.database;
    const stale = [...this.#tables.values()].filter((t) => t.state === 'RUNNING' && (t.applied === null || comparePositions(t.applied, at) < 0));
    if (stale.length === 0) return;
    await this.#w.apply(stale.map((t) => ({ database: db, table: t.target, batch: new ChangeBatch() })), { writer: this.name, position: formatSyncPosition(at) });
    for (const t of stale) t.applied = at;
  }

  #fail(t: SyncTable, message: string, pos: BinlogPosition, ddl?: string): void {
    if (t.state === 'FAILED') return;
    t.state = 'FAILED';
    const parts = [`table ${this.#where(t.source)} (warehouse ${this.#o.target.database}.${t.target}) stopped: ${message}`];
    if (ddl !== undefined) parts.push(`DDL: ${ddl.replace(/\s+/g, ' ').trim()}`);
    parts.push(`binlog position ${formatPosition(pos)}`);
    parts.push(`policy '${this.#o.behavior}'`);
    t.error = parts.join('; ');
    this.#o.log(`sync ${this.name}: ${t.error}`);
  }

  // -------------------------------------------------------------------------
  // DDL
  // -------------------------------------------------------------------------

  async #ddl(e: QueryEvent): Promise<void> {
    const stmt: DdlStatement = parseMysqlDdl(e.sql);
    if (stmt.kind === 'other') return;
    const s = this.#o.source.database;
    const mine = (r: TableRef): boolean => (r.database ?? e.database) === s;
    const tracked = (r: TableRef): SyncTable | undefined => {
      if (!mine(r)) return undefined;
      const t = this.#tables.get(lower(r.table));
      if (t === undefined || t.state === 'DROPPED') return undefined;
      if (t.applied !== null && comparePositions(e.position, t.applied) <= 0) return undefined;
      return t;
    };
    const policy = this.#o.behavior;
    switch (stmt.kind) {
      case 'alter-table': {
        const t = tracked(stmt.table);
        if (t === undefined || t.state !== 'RUNNING') return;
        let next = applyAlter(t.schema, stmt.ops);
        if (next === null) next = await this.#readSchema(t.source);
        await this.#evolve(t, t.schema, next, stmt.ops, e);
        const ren = stmt.ops.find((o): o is Extract<AlterOp, { op: 'rename-table' }> => o.op === 'rename-table');
        if (ren !== undefined && t.state === 'RUNNING') await this.#renameTable(t, ren.to, e);
        return;
      }
      case 'create-table': {
        if (!mine(stmt.table) || !this.#o.source.include(stmt.table.table)) return;
        const existing = this.#tables.get(lower(stmt.table.table));
        if (existing !== undefined && existing.state !== 'DROPPED') return;
        let schema = stmt.schema;
        if (schema === null && stmt.like !== null && mine(stmt.like)) schema = this.#tables.get(lower(stmt.like.table))?.schema ?? null;
        if (schema === null) schema = await this.#readSchema(stmt.table.table);
        const target = this.#o.target.tableName(stmt.table.table);
        const t: SyncTable = { source: stmt.table.table, target, schema, state: 'RUNNING', error: null, applied: null, projections: new Map() };
        this.#tables.set(lower(stmt.table.table), t);
        try {
          const def = this.#tableDef(target, schema);
          const old = this.#w.getTable(this.#o.target.database, target);
          if (old !== undefined) await this.#w.dropTable(this.#o.target.database, target, true);
          await this.#w.createTable(def, false);
          await this.#markApplied(t, e.position);
          this.#o.log(`sync ${this.name}: new table ${this.#where(t.source)} → ${this.#o.target.database}.${target}`);
        } catch (err) {
          this.#fail(t, `creating the warehouse table failed: ${err instanceof Error ? err.message : String(err)}`, e.position, e.sql);
        }
        return;
      }
      case 'drop-table':
        for (const r of stmt.tables) {
          const t = tracked(r);
          if (t !== undefined) await this.#dropOrTruncate(t, 'drop', e);
        }
        return;
      case 'drop-database':
        if (stmt.database !== s) return;
        for (const t of [...this.#tables.values()]) if (t.state !== 'DROPPED') await this.#dropOrTruncate(t, 'drop', e);
        return;
      case 'truncate-table': {
        const t = tracked(stmt.table);
        if (t !== undefined && t.state === 'RUNNING') await this.#dropOrTruncate(t, 'truncate', e);
        return;
      }
      case 'rename-table':
        for (const { from, to } of stmt.pairs) {
          const t = tracked(from);
          if (t !== undefined && t.state === 'RUNNING') await this.#renameTable(t, to, e);
        }
        return;
    }
    void policy;
  }

  async #readSchema(table: string): Promise<TrackedSchema> {
    const c = await this.#connect();
    try {
      const captured = await readTableSchema(c, this.#o.source.database, table);
      return { columns: captured.columns, primaryKey: captured.primaryKey };
    } finally {
      await c.close().catch(() => undefined);
    }
  }

  async #dropOrTruncate(t: SyncTable, what: 'drop' | 'truncate', e: QueryEvent): Promise<void> {
    const policy = this.#o.behavior;
    const db = this.#o.target.database;
    if (policy === 'exception') {
      if (t.state === 'RUNNING') this.#fail(t, `${what === 'drop' ? 'DROP TABLE' : 'TRUNCATE TABLE'} is a schema change and the policy stops on any`, e.position, e.sql);
      if (what === 'drop') t.state = t.state === 'FAILED' ? 'FAILED' : 'DROPPED';
      return;
    }
    const apply = policy === 'evolve' || policy === 'try_evolve';
    try {
      if (what === 'truncate') {
        if (apply) await this.#w.truncateTable(db, t.target);
        await this.#markApplied(t, e.position);
        return;
      }
      if (apply) await this.#w.dropTable(db, t.target, true);
      else if (t.state === 'RUNNING') await this.#markApplied(t, e.position);
      t.state = 'DROPPED';
      this.#o.log(`sync ${this.name}: ${this.#where(t.source)} dropped; warehouse table ${apply ? 'dropped' : 'kept'} (policy ${policy})`);
    } catch (err) {
      if (policy === 'evolve') this.#fail(t, `${what} failed: ${err instanceof Error ? err.message : String(err)}`, e.position, e.sql);
      else this.#o.log(`sync ${this.name}: ${what} of ${t.target} not applied: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  async #renameTable(t: SyncTable, to: TableRef, e: QueryEvent): Promise<void> {
    const policy = this.#o.behavior;
    const s = this.#o.source.database;
    if (policy === 'exception') {
      this.#fail(t, 'RENAME TABLE is a schema change and the policy stops on any', e.position, e.sql);
      return;
    }
    this.#tables.delete(lower(t.source));
    const stays = (to.database ?? e.database) === s && this.#o.source.include(to.table);
    if (!stays) {
      // Renamed out of the captured set: the warehouse table keeps what it has.
      t.state = 'DROPPED';
      this.#tables.set(lower(t.source), t);
      this.#o.log(`sync ${this.name}: ${this.#where(t.source)} renamed to ${to.table}, which the sync does not capture; warehouse table kept`);
      return;
    }
    const oldSource = t.source;
    t.source = to.table;
    this.#tables.set(lower(to.table), t);
    if (policy === 'evolve' || policy === 'try_evolve') {
      const newTarget = this.#o.target.tableName(to.table);
      try {
        if (newTarget !== t.target) {
          const rename = this.#w.renameTable?.bind(this.#w);
          if (rename === undefined) throw new StrataError('SQL_UNSUPPORTED', 'this warehouse cannot rename tables');
          await rename(this.#o.target.database, t.target, newTarget);
          t.target = newTarget;
        }
      } catch (err) {
        if (policy === 'evolve') {
          this.#fail(t, `renaming the warehouse table failed: ${err instanceof Error ? err.message : String(err)}`, e.position, e.sql);
          return;
        }
      }
    }
    await this.#markApplied(t, e.position);
    this.#o.log(`sync ${this.name}: ${this.#where(oldSource)} renamed to ${to.table} → ${this.#o.target.database}.${t.target}`);
  }

  async #evolve(t: SyncTable, before: TrackedSchema, after: TrackedSchema, ops: readonly AlterOp[], e: QueryEvent): Promise<void> {
    const db = this.#o.target.database;
    const current = this.#w.getTable(db, t.target);
    if (current === undefined) {
      this.#fail(t, `warehouse table ${db}.${t.target} no longer exists`, e.position, e.sql);
      return;
    }
    const plan = planEvolution(before, after, ops, current, this.#o.behavior, this.#o.target.keyOverride);
    t.schema = after;
    t.projections = new Map();
    if (plan.kind === 'none') {
      await this.#markApplied(t, e.position);
      return;
    }
    if (plan.kind === 'refuse') {
      this.#fail(t, plan.reason, e.position, e.sql);
      return;
    }
    for (const step of plan.steps) {
      try {
        switch (step.kind) {
          case 'add':
            await this.#w.addColumn(db, t.target, step.column, { first: step.first, after: step.after });
            break;
          case 'drop':
            await this.#w.dropColumn(db, t.target, step.name);
            break;
          case 'rename':
            await need(this.#w.renameColumn, 'renameColumn').call(this.#w, db, t.target, step.from, step.to);
            break;
          case 'modify':
            await need(this.#w.modifyColumn, 'modifyColumn').call(this.#w, db, t.target, step.column);
            break;
          case 'key':
            await need(this.#w.setPrimaryKey, 'setPrimaryKey').call(this.#w, db, t.target, step.columns);
            break;
        }
      } catch (err) {
        const msg = `${step.describe} failed: ${err instanceof Error ? err.message : String(err)}`;
        // A column that cannot be added would lose its values silently: only try_evolve (whose
        // meaning is "tolerate failures") goes on without it.
        if (this.#o.behavior === 'evolve' || (step.kind === 'add' && this.#o.behavior !== 'try_evolve')) {
          this.#fail(t, msg, e.position, e.sql);
          return;
        }
        this.#o.log(`sync ${this.name}: ${this.#where(t.source)}: ${msg}; continuing with the warehouse table as it is (policy ${this.#o.behavior})`);
      }
    }
    await this.#markApplied(t, e.position);
  }

  // -------------------------------------------------------------------------
  // Flush and stop
  // -------------------------------------------------------------------------

  /** Resolves once the job has handled every binlog event written before the call (or has stopped). */
  async flush(): Promise<void> {
    if (this.#state !== 'RUNNING') return;
    const c = await this.#connect();
    let until: BinlogPosition;
    try {
      until = await currentPosition(c);
    } finally {
      await c.close().catch(() => undefined);
    }
    if (this.#reached(until)) return;
    await new Promise<void>((resolve) => this.#waiters.push({ until, resolve }));
  }

  #reached(until: BinlogPosition): boolean {
    if (this.#state !== 'RUNNING' || this.#stopped) return true;
    return this.#processed !== null && comparePositions(this.#processed, until) >= 0;
  }

  #wake(): void {
    for (let i = this.#waiters.length - 1; i >= 0; i--) {
      const w = this.#waiters[i]!;
      if (this.#reached(w.until)) {
        this.#waiters.splice(i, 1);
        w.resolve();
      }
    }
  }

  #wakeAll(): void {
    for (const w of this.#waiters.splice(0)) w.resolve();
  }

  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    await this.#client?.close().catch(() => undefined);
    await this.#task?.catch(() => undefined);
    if (this.#state !== 'FAILED') this.#state = 'STOPPED';
    this.#wakeAll();
  }
}

function need<F>(f: F | undefined, name: string): F {
  if (f === undefined) throw new StrataError('SQL_UNSUPPORTED', `this warehouse does not implement ${name}`);
  return f;
}
