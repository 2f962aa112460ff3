import { ChangeBatch } from '../../core/batch.js';
import { StrataError } from '../../core/errors.js';
import { tableLocation, validateOptions, type ValidatedOptions } from '../../core/options.js';
import type { TableDescriptor } from '../../core/plan.js';
import { DELETE, INSERT, UPDATE_AFTER, UPDATE_BEFORE, type RowKind } from '../../core/row-kind.js';
import { formatType, type SqlType } from '../../core/types.js';
import { compareValues, type Row, type Value } from '../../core/values.js';
import type { ConnectorContext, SourceProgress, SourceReader } from '../../engine/connector.js';
import { compileCast } from '../../engine/expr/cast.js';
import type { Evaluator } from '../../engine/expr/compile.js';
import type { StateValue } from '../../engine/state/codec.js';
import { MYSQL_CDC_SPEC } from '../registry.js';
import { BinlogClient, type BinlogStart } from './binlog/binlog-client.js';
import { strataTypeOf, type MysqlColumn } from './binlog/column-types.js';
import { MysqlConnection } from './binlog/connection.js';
import { compareBinlogPositions, type BinlogEvent, type BinlogPosition, type RowsEvent, type TableMapEvent } from './binlog/events.js';
import { join } from 'node:path';
import { ChunkWindow } from './chunk-window.js';
import {
  beginConsistentSnapshot,
  chunkUpperBound,
  currentPosition,
  discoverTables,
  earliestPosition,
  estimateRows,
  prepareSnapshotSession,
  readChunk,
  readChunkWithWatermarks,
  readTableSchema,
  tableMatcher,
  verifyResumePosition,
  type CapturedTable,
} from './snapshot.js';
import { BinlogHub } from './binlog-hub.js';
import { SnapshotSpool, type SpoolUnit } from './spool.js';
import { findTimestampPosition } from './timestamp-start.js';

/**
 * The `mysql-cdc` source reader: a snapshot of the matched tables, then the binlog.
 * See docs/design/20261121_mysql-cdc.md for the algorithms, the offsets and the error classes.
 *
 * - Incremental snapshot (default, `scan.incremental.snapshot.enabled` = true): chunks by key,
 *   each read between a low and a high binlog watermark and reconciled with the binlog between
 *   them (`ChunkWindow`); between chunks, the binlog brings the rows already returned up to the
 *   chunk's position, so that at every step the rows returned are the source tables' rows (up
 *   to the chunk key) as of one binlog position; after the last chunk the binlog continues from
 *   there: no gap, no duplicate, no lock, no long transaction.
 * - Consistent snapshot (`scan.incremental.snapshot.enabled` = false): one
 *   `START TRANSACTION WITH CONSISTENT SNAPSHOT` for all tables, then the binlog from its position.
 *
 * Changes are handed to `poll` one transaction at a time (a snapshot chunk counts as one): a
 * transaction's rows are buffered until its commit (XID / COMMIT) and returned together, even
 * when more than `max`.
 *
 * Exact replay: with `ctx.stateDir`, every unit the snapshot phase produces is appended to a
 * spool (spool.ts, fsynced) before `poll` may return it; a reader restored in the snapshot phase
 * replays the spool from the offsets' `seq`, then continues the snapshot from the spool's end.
 */

type Phase = 'snapshot' | 'binlog';

/** Where the changes returned so far end (the reader's offsets). */
interface Offsets {
  readonly phase: Phase;
  /** The binlog position: snapshot phase: the rows returned are as of it; binlog phase: after the last committed transaction returned. */
  readonly file: string;
  readonly pos: number;
  readonly gtid: string | null;
  /**
   * The rows already returned by the snapshot: every table before `table` (index in the sorted
   * list of matched tables) and the rows of `table` with chunk key <= `chunkKey`
   * (`chunkKey` null: none of `table`), as of the binlog position. Binlog phase: every row.
   */
  readonly table: number;
  readonly chunkKey: string | null;
  readonly chunkKeyValue: Value;
  /** Spool records returned (the next one to replay). */
  readonly seq: number;
  /** The id of the spool `seq` counts in (null: no spool). */
  readonly spool: string | null;
  /** Snapshot rows returned so far (progress). */
  readonly rows: number;
}

interface Pending {
  readonly kinds: RowKind[];
  readonly rows: Row[];
  readonly offsets: Offsets;
}

/** A matched table as the reader uses it. */
interface TableRuntime {
  readonly captured: CapturedTable;
  /** Chunk key column index in `captured.columns`. */
  readonly keyIndex: number;
  /** Primary key column indices in `captured.columns` (null: no primary key). */
  readonly identity: readonly number[] | null;
}

/** Maps a MySQL row (its column order) to the declared Flink row. */
interface Projection {
  readonly source: readonly number[];
  readonly casts: readonly (Evaluator | null)[];
  /** Chunk key column index in the MySQL row (-1 when the table is not one of the captured ones by name). */
  readonly keyIndex: number;
  /** Index of the table among the matched tables. */
  readonly tableIndex: number;
  /** The declared row is the MySQL row as it is (same columns in order, no casts): rows pass through. */
  readonly identity: boolean;
}

/** Rows events of the transaction being read that fall after a chunk's low watermark (applied at its commit). */
type WindowOps = RowsEvent[];

function sameType(a: SqlType, b: SqlType): boolean {
  return formatType({ ...a, nullable: true } as SqlType) === formatType({ ...b, nullable: true } as SqlType);
}

/**
 * Binlog-phase checkpoints after which the snapshot spool is deleted. The checkpoint store
 * keeps the newest three and every file their chains need (a full checkpoint at least every
 * eighth), so a restore that falls back past damaged files can reach about eleven back.
 */
const SPOOL_KEPT_UNTIL_CHECKPOINTS = 12;

/** Readers created per job and table (the job's context identifies the job). */
const READERS_PER_JOB = new WeakMap<ConnectorContext, Map<string, number>>();

const RECONNECT_BASE_MS = 200;
const RECONNECT_MAX_MS = 10_000;

export class MysqlCdcSource implements SourceReader {
  readonly #table: TableDescriptor;
  readonly #ctx: ConnectorContext;
  readonly #opts: ValidatedOptions;
  readonly #where: string;
  readonly #host: string;
  readonly #port: number;
  readonly #user: string;
  readonly #password: string;
  readonly #serverId: number;
  readonly #mode: string;
  readonly #incremental: boolean;
  readonly #chunkSize: number;
  readonly #maxRetries: number;
  readonly #heartbeatMs: number;
  readonly #connectTimeoutMs: number;
  readonly #timeZone: string;
  readonly #match: (database: string, table: string) => boolean;
  readonly #queue: Pending[] = [];
  #queuedRows = 0;
  readonly #maxQueuedRows: number;
  /** The offsets after the last change returned by `poll`. */
  #committed: Offsets | null = null;
  /** The offsets after the last unit produced (queued or returned). */
  #produced: Offsets | null = null;
  #restored: Offsets | null = null;
  #tables: TableRuntime[] = [];
  readonly #projections = new WeakMap<TableMapEvent, Projection | null>();
  #estimated: number | null = null;
  #spool: SnapshotSpool | null = null;
  /** Durable checkpoints seen with binlog-phase offsets (see checkpointComplete). */
  #binlogCheckpoints = 0;
  /** 1 for the job's first reader of this table, 2 for the second... (see #spoolDir). */
  readonly #occurrence: number;
  /** The spool was deleted after a binlog-phase checkpoint (checkpointComplete). */
  #spoolGone = false;
  #spoolRemoval: Promise<void> | null = null;
  #error: StrataError | null = null;
  #done = false;
  #closed = false;
  #opened = false;
  #waiter: (() => void) | null = null;
  #space: (() => void) | null = null;
  #client: BinlogClient | null = null;
  #snapshotConn: MysqlConnection | null = null;
  #task: Promise<void> | null = null;
  /** Leaves the shared binlog reader (binlog phase). */
  #unsubscribe: (() => Promise<void>) | null = null;
  #endStream: (() => void) | null = null;

  constructor(table: TableDescriptor, ctx: ConnectorContext) {
    this.#table = table;
    this.#ctx = ctx;
    let seen = READERS_PER_JOB.get(ctx);
    if (seen === undefined) READERS_PER_JOB.set(ctx, (seen = new Map()));
    const key = table.path.join('.');
    this.#occurrence = (seen.get(key) ?? 0) + 1;
    seen.set(key, this.#occurrence);
    this.#where = tableLocation(table.path);
    const o = validateOptions(MYSQL_CDC_SPEC, table.options, this.#where);
    this.#opts = o;
    this.#host = o.requireString('hostname');
    this.#port = o.int('port') ?? 3306;
    this.#user = o.requireString('username');
    this.#password = o.requireString('password');
    const sid = /^\s*(\d+)/.exec(o.string('server-id') ?? '');
    this.#serverId = sid !== null ? Number(sid[1]) : 5400 + Math.floor(Math.random() * 100_000);
    this.#mode = o.enum('scan.startup.mode') ?? 'initial';
    this.#incremental = o.boolean('scan.incremental.snapshot.enabled') ?? true;
    this.#chunkSize = o.int('scan.incremental.snapshot.chunk.size') ?? 8096;
    this.#maxRetries = o.int('connect.max-retries') ?? 3;
    this.#heartbeatMs = o.duration('heartbeat.interval') ?? 30_000;
    this.#connectTimeoutMs = o.duration('connect.timeout') ?? 30_000;
    this.#timeZone = o.string('server-time-zone') ?? 'UTC';
    this.#match = tableMatcher(o.requireString('database-name'), o.requireString('table-name'));
    this.#maxQueuedRows = Math.max(4 * this.#chunkSize, 16_384);
  }

  get finished(): boolean {
    return this.#done && this.#queue.length === 0 && this.#error === null;
  }

  async #connect(): Promise<MysqlConnection> {
    return MysqlConnection.open({ host: this.#host, port: this.#port, user: this.#user, password: this.#password, connectTimeoutMs: this.#connectTimeoutMs });
  }

  /**
   * The spool directory of this reader: `<stateDir>/<table path joined by '.'>/`, with `#2`,
   * `#3`... appended for further readers of the same table in one job (a job that scans a table
   * twice has two readers, and each must keep its own spool). Readers are created in plan order,
   * so a restarted job gives each the same directory.
   */
  #spoolDir(): string | null {
    const dir = this.#ctx.stateDir;
    if (dir === undefined) return null;
    const name = this.#table.path.join('.');
    return join(dir, this.#occurrence === 1 ? name : `${name}#${this.#occurrence}`);
  }

  /** Connects, finds the tables, checks the columns against the declared ones; then reads in the background. */
  async open(): Promise<void> {
    const conn = await this.#connect();
    let start: Offsets;
    try {
      const found = await discoverTables(conn, this.#match);
      if (found.length === 0) {
        throw new StrataError(
          'CONNECTOR_OPTION',
          `the mysql-cdc table ${this.#where} matches no table on MySQL ${this.#host}:${this.#port}: 'database-name' = '${this.#opts.string('database-name') ?? ''}', 'table-name' = '${this.#opts.string('table-name') ?? ''}'`,
          { hint: "Check the names (they are regular expressions matched whole; 'table-name' may be 'table' or 'db.table') and that the user may see the table." },
        );
      }
      const tables: TableRuntime[] = [];
      for (const f of found) {
        const captured = await readTableSchema(conn, f.database, f.table);
        this.#checkColumns(captured);
        tables.push({ captured, keyIndex: this.#chunkKeyIndex(captured), identity: identityOf(captured) });
      }
      this.#tables = tables;
      start = this.#restored ?? (await this.#startOffsets(conn));
      if (start.phase === 'snapshot') this.#estimated = await estimateRows(conn, found).catch(() => null);
    } finally {
      await conn.close().catch(() => undefined);
    }
    start = await this.#openSpool(start);
    this.#committed = start;
    this.#produced = start;
    this.#opened = true;
    this.#task = this.#run(start).catch((e: unknown) => this.#fail(e));
  }

  /**
   * Sets up the spool for `start`: a fresh start makes a new one (an old one is from a run that
   * never checkpointed); a restore in the binlog phase removes it (no offsets need it any more);
   * a restore in the snapshot phase opens it, and when it cannot replay from the offsets (another
   * spool, or shorter), starts a new one and continues from the offsets (consistent, but not the
   * same rows as before).
   */
  async #openSpool(start: Offsets): Promise<Offsets> {
    const dir = this.#spoolDir();
    if (dir === null) return start;
    if (start.phase === 'binlog') {
      if (this.#restored !== null) SnapshotSpool.remove(dir);
      return start;
    }
    if (this.#restored !== null) {
      const s = await SnapshotSpool.openExisting(dir);
      if (s !== null && s.id === start.spool && s.count >= start.seq) {
        this.#spool = s;
        return start;
      }
      await s?.close();
      this.#ctx.log(`mysql-cdc ${this.#where}: the snapshot spool in ${dir} does not hold the restored offsets' records; continuing the snapshot from the offsets (the rows may differ from the first run)`);
    }
    this.#spool = await SnapshotSpool.create(dir);
    return { ...start, seq: 0, spool: this.#spool.id };
  }

  async #startOffsets(conn: MysqlConnection): Promise<Offsets> {
    const base = { table: 0, chunkKey: null, chunkKeyValue: null, seq: 0, spool: null, rows: 0 } as const;
    const binlogAt = (p: BinlogPosition): Offsets => ({ phase: 'binlog', file: p.file, pos: p.pos, gtid: p.gtid, ...base, table: this.#tables.length });
    switch (this.#mode) {
      case 'latest-offset':
        return binlogAt(await currentPosition(conn));
      case 'earliest-offset':
        return binlogAt(await earliestPosition(conn));
      case 'timestamp': {
        const millis = this.#opts.long('scan.startup.timestamp-millis') ?? 0;
        const login = { host: this.#host, port: this.#port, user: this.#user, password: this.#password, serverId: this.#serverId, connectTimeoutMs: this.#connectTimeoutMs };
        return binlogAt(await findTimestampPosition(login, conn, Number(millis)));
      }
      case 'specific-offset': {
        const file = this.#opts.string('scan.startup.specific-offset.file');
        const pos = this.#opts.long('scan.startup.specific-offset.pos');
        const gtid = this.#opts.string('scan.startup.specific-offset.gtid-set') ?? null;
        return { phase: 'binlog', file: file ?? '', pos: file !== undefined ? Number(pos ?? 4) : 4, gtid, ...base, table: this.#tables.length };
      }
      default:
        // initial / snapshot: the position is taken by the snapshot.
        return { phase: 'snapshot', file: '', pos: 0, gtid: null, ...base };
    }
  }

  #chunkKeyIndex(t: CapturedTable): number {
    const keyOpt = this.#opts.string('scan.incremental.snapshot.chunk.key-column');
    const name = keyOpt ?? t.primaryKey[0];
    if (name === undefined) {
      throw new StrataError(
        'CONNECTOR_OPTION',
        `MySQL table \`${t.database}\`.\`${t.table}\` (read by ${this.#where}) has no PRIMARY KEY, so the snapshot cannot be split into chunks`,
        { hint: "Name a column to split by with 'scan.incremental.snapshot.chunk.key-column', or add a PRIMARY KEY to the MySQL table." },
      );
    }
    const i = t.columns.findIndex((c) => c.name.toLowerCase() === name.toLowerCase());
    if (i < 0) {
      throw new StrataError('CONNECTOR_OPTION', `'scan.incremental.snapshot.chunk.key-column' = '${name}' is not a column of MySQL table \`${t.database}\`.\`${t.table}\``, {
        hint: `Columns: ${t.columns.map((c) => c.name).join(', ')}.`,
      });
    }
    return i;
  }

  /** Every declared column must exist in MySQL, with a type that casts to the declared one. */
  #checkColumns(t: CapturedTable): void {
    this.#project(t.columns, t.columns.map(strataTypeOf), `\`${t.database}\`.\`${t.table}\``, 0, -1);
  }

  #project(columns: readonly MysqlColumn[], types: readonly SqlType[], name: string, tableIndex: number, keyIndex: number): Projection {
    const fields = this.#table.schema.fields;
    const source: number[] = [];
    const casts: (Evaluator | null)[] = [];
    for (const f of fields) {
      let i = columns.findIndex((c) => c.name === f.name);
      if (i < 0) i = columns.findIndex((c) => c.name.toLowerCase() === f.name.toLowerCase());
      if (i < 0) {
        throw new StrataError('CONNECTOR_OPTION', `column \`${f.name}\` of ${this.#where} is not a column of MySQL table ${name}`, {
          hint: `Columns of ${name}: ${columns.map((c) => c.name).join(', ')}. Declare only columns the MySQL table has (names match case-insensitively).`,
        });
      }
      source.push(i);
      const from = types[i]!;
      if (sameType(from, f.type)) {
        casts.push(null);
        continue;
      }
      try {
        const idx = i;
        const read: Evaluator = (r) => r[idx] ?? null;
        const cast = compileCast(read, from, f.type, false, { timeZone: this.#timeZone });
        // A cast that leaves values as they are (VARCHAR(n) → STRING) comes back as `read`.
        casts.push(cast === read ? null : cast);
      } catch (e) {
        throw new StrataError(
          'CONNECTOR_OPTION',
          `column \`${f.name}\` of ${this.#where} is ${formatType(f.type)} but MySQL table ${name} has it as ${formatType(from)}, which does not convert`,
          { hint: `Declare \`${f.name}\` as ${formatType(from)} (or a type it casts to).`, cause: e },
        );
      }
    }
    let identity = source.length === columns.length;
    for (let j = 0; j < source.length && identity; j++) if (source[j] !== j || casts[j] !== null) identity = false;
    return { source, casts, keyIndex, tableIndex, identity };
  }

  #projectionOf(tm: TableMapEvent): Projection | null {
    let p = this.#projections.get(tm);
    if (p !== undefined) return p;
    p = null;
    if (this.#match(tm.database, tm.table)) {
      const ti = this.#tables.findIndex((t) => t.captured.database === tm.database && t.captured.table === tm.table);
      let keyIndex = -1;
      if (ti >= 0) {
        const kn = this.#tables[ti]!.captured.columns[this.#tables[ti]!.keyIndex]!.name.toLowerCase();
        keyIndex = tm.columns.findIndex((c) => c.name.toLowerCase() === kn);
      }
      p = this.#project(tm.columns, tm.types, `\`${tm.database}\`.\`${tm.table}\``, ti < 0 ? this.#tables.length : ti, keyIndex);
    }
    this.#projections.set(tm, p);
    return p;
  }

  #emitRow(p: Projection, row: Row): Row {
    if (p.identity) return row;
    const n = p.source.length;
    const out = new Array<Value>(n);
    for (let j = 0; j < n; j++) {
      const c = p.casts[j]!;
      out[j] = c === null ? (row[p.source[j]!] ?? null) : c(row);
    }
    return out;
  }

  #tableProjection(ti: number): Projection {
    const t = this.#tables[ti]!;
    return this.#project(t.captured.columns, t.captured.columns.map(strataTypeOf), `\`${t.captured.database}\`.\`${t.captured.table}\``, ti, t.keyIndex);
  }

  // -------------------------------------------------------------------------
  // Background reading
  // -------------------------------------------------------------------------

  async #run(start: Offsets): Promise<void> {
    let at = start;
    if (this.#restored !== null && at.file !== '') {
      // The binlog must still hold the saved position with the same history (RESET MASTER check).
      const conn = await this.#connect();
      try {
        await verifyResumePosition(conn, `mysql-cdc ${this.#where}`, { file: at.file, pos: at.pos, gtid: at.gtid });
      } finally {
        await conn.close().catch(() => undefined);
      }
    }
    if (at.phase === 'snapshot' && this.#spool !== null && at.seq < this.#spool.count) at = await this.#replaySpool(at);
    if (this.#closed) return;
    if (at.phase === 'snapshot') {
      at = await this.#snapshotWithRetries(at);
      if (this.#closed) return;
    }
    if (this.#mode === 'snapshot') {
      this.#done = true;
      this.#wake();
      return;
    }
    await this.#spool?.close();
    this.#spool = null;
    await this.#stream(at);
  }

  /** Hands over the spool's records from `from.seq` on; returns the offsets after the last one. */
  async #replaySpool(from: Offsets): Promise<Offsets> {
    const spool = this.#spool!;
    let at = from;
    for (let i = from.seq; i < spool.count; i++) {
      if (this.#closed) return at;
      await this.#waitForSpace();
      const rec = await spool.readUnit(i);
      const kinds = new Array<RowKind>(rec.kinds.length);
      for (let j = 0; j < rec.kinds.length; j++) kinds[j] = rec.kinds[j] as RowKind;
      at = parseOffsets(rec.offsets, this.#where);
      this.#push({ kinds, rows: rec.rows as Row[], offsets: at });
    }
    return at;
  }

  /**
   * Hands a unit of the snapshot phase to `poll`: with a spool, appended (fsynced) first, so
   * that what `poll` returns is always in the spool. Units without changes are not spooled
   * (their offsets name the spool records before them and the same position). Resolves once
   * the unit (and every one before it) is queued for `poll`.
   */
  async #emit(p: Pending): Promise<void> {
    await this.#stage([p]).queued;
  }

  /** `#emit` for several units in order, with one write and one fsync. */
  async #emitMany(units: readonly Pending[]): Promise<void> {
    await this.#stage(units).queued;
  }

  /**
   * Stages units of the snapshot phase: without a spool they are queued for `poll` at once;
   * with one they are stamped with their spool records, encoded and appended now (in order after
   * earlier appends), and queued for `poll` once durable (`queued`). `last`: the offsets after
   * the last unit (what `#produced` becomes: a retry resumes after staged units, which are
   * queued whatever happens to the connection). A failed append fails the reader.
   */
  #stage(units: readonly Pending[]): { last: Offsets | null; queued: Promise<void> } {
    const spool = this.#spool;
    if (spool === null) {
      for (const u of units) this.#push(u);
      return { last: units.length > 0 ? units[units.length - 1]!.offsets : null, queued: Promise.resolve() };
    }
    let seq = spool.count;
    const stamped: Pending[] = [];
    const records: SpoolUnit[] = [];
    for (const u of units) {
      if (u.rows.length === 0) {
        stamped.push({ ...u, offsets: { ...u.offsets, seq, spool: spool.id } });
        continue;
      }
      const offsets: Offsets = { ...u.offsets, seq: ++seq, spool: spool.id };
      records.push({ offsets: offsetsRecord(offsets), kinds: u.kinds, rows: u.rows });
      stamped.push({ kinds: u.kinds, rows: u.rows, offsets });
    }
    const last = stamped.length > 0 ? stamped[stamped.length - 1]!.offsets : null;
    if (last !== null) this.#produced = last;
    const queued = spool.appendUnits(records).then(() => {
      if (this.#closed) return;
      for (const u of stamped) this.#enqueue(u);
    });
    queued.catch(() => undefined); // awaited by the caller or a later stage; never unhandled
    return { last, queued };
  }

  /** The snapshot, reconnecting after transient errors from the last unit produced. */
  async #snapshotWithRetries(from: Offsets): Promise<Offsets> {
    let at = from;
    let failures = 0;
    for (;;) {
      try {
        return this.#incremental ? await this.#incrementalSnapshot(at) : await this.#consistentSnapshot(at);
      } catch (e) {
        if (this.#closed) return at;
        const err = e instanceof StrataError ? e : null;
        if (err === null || !err.retryable || failures >= this.#maxRetries) throw e;
        failures++;
        at = this.#produced ?? at;
        this.#ctx.log(`mysql-cdc ${this.#where}: ${err.message} (attempt ${failures} of ${this.#maxRetries}; resuming the snapshot after table ${at.table} key ${at.chunkKey ?? '(start)'})`);
        await backoff(failures);
      }
    }
  }

  /**
   * The incremental snapshot (DBLog / Flink CDC 2.x), from `from` (a fresh start, or the
   * offsets of a restored reader). Invariant after every unit: the rows returned are the tables
   * before `table` and the rows of `table` with key <= `chunkKey`, as of binlog `file:pos`.
   * Per chunk `(lower, upper]`:
   *   1. `upper` = the key `chunkSize` rows after `lower`;
   *   2. low watermark L, SELECT the range, high watermark H (readChunkWithWatermarks);
   *   3. the binlog from `file:pos` to H (one pass): transactions' changes to rows already
   *      returned are handed over (bringing them to H), changes after L to the chunk's range
   *      are applied to the chunk (ChunkWindow), the rest is skipped (later chunks read it);
   *   4. the chunk, now exactly as of H, is handed over as +I; the offsets move to H and `upper`.
   * After the last chunk the offsets switch to the binlog phase at the last position.
   */
  async #incrementalSnapshot(from: Offsets): Promise<Offsets> {
    const conn = await this.#connect();
    this.#snapshotConn = conn;
    try {
      await prepareSnapshotSession(conn);
      let cur = from;
      /** The previous chunk's spool append (queued for `poll` when it resolves). */
      let onDisk: Promise<void> = Promise.resolve();
      for (let ti = from.table; ti < this.#tables.length; ti++) {
        const t = this.#tables[ti]!;
        const proj = this.#tableProjection(ti);
        let lower: string | null = ti === from.table ? from.chunkKey : null;
        let lowerValue: Value = ti === from.table ? from.chunkKeyValue : null;
        for (;;) {
          if (this.#closed) return cur;
          await this.#waitForSpace();
          if (this.#closed) return cur;
          const upper = await chunkUpperBound(conn, t.captured, t.keyIndex, lower, this.#chunkSize);
          // Reconciliation needs row identity and a key order equal to MySQL's (not so for text
          // keys under a case- or accent-insensitive collation): otherwise the chunk is read
          // inside the low watermark's consistent snapshot (nothing to reconcile; MariaDB exact).
          const inside = t.identity === null || isCollatedText(t.captured.columns[t.keyIndex]!);
          const chunk = await readChunkWithWatermarks(conn, t.captured, t.keyIndex, lower, upper, inside, cur.file === '');
          if (cur.file === '') cur = { ...cur, file: chunk.low.file, pos: chunk.low.pos, gtid: chunk.low.gtid };
          const window = new ChunkWindow(ti, t.keyIndex, lower === null ? null : { value: lowerValue }, upper === null ? null : { value: upper.value }, t.identity, chunk.rows);
          cur = await this.#readBinlog(cur, chunk.high, { window, low: chunk.low });
          if (this.#closed) return cur;
          const got = window.rows();
          const kinds = new Array<RowKind>(got.length).fill(INSERT);
          let rows = got;
          if (!proj.identity) {
            rows = new Array<Row>(got.length);
            for (let i = 0; i < got.length; i++) rows[i] = this.#emitRow(proj, got[i]!);
          }
          if (upper === null) cur = { ...cur, table: ti + 1, chunkKey: null, chunkKeyValue: null, rows: cur.rows + rows.length };
          else cur = { ...cur, table: ti, chunkKey: upper.literal, chunkKeyValue: upper.value, rows: cur.rows + rows.length };
          // The chunk's spool append (encode now, write + fsync in the background) overlaps
          // with reading the next chunk; at most one chunk waits on the disk.
          const staged = this.#stage([{ kinds, rows, offsets: cur }]);
          cur = staged.last ?? cur;
          await onDisk;
          onDisk = staged.queued;
          if (upper === null) break;
          lower = upper.literal;
          lowerValue = upper.value;
        }
      }
      if (cur.file === '') {
        // No table had a chunk (cannot happen: every matched table has at least one): take the current position.
        const p = await currentPosition(conn);
        cur = { ...cur, file: p.file, pos: p.pos, gtid: p.gtid };
      }
      const done: Offsets = { ...cur, phase: 'binlog', table: this.#tables.length, chunkKey: null, chunkKeyValue: null };
      await this.#emit({ kinds: [], rows: [], offsets: done });
      return done;
    } finally {
      this.#snapshotConn = null;
      await conn.close().catch(() => undefined);
    }
  }

  /** The consistent-snapshot scheme ('scan.incremental.snapshot.enabled' = 'false'): one transaction for all tables. */
  async #consistentSnapshot(from: Offsets): Promise<Offsets> {
    const conn = await this.#connect();
    this.#snapshotConn = conn;
    try {
      const p = await beginConsistentSnapshot(conn);
      let cur: Offsets;
      if (from.file === '') {
        // A fresh snapshot: nothing returned yet, as of the snapshot's position.
        cur = { ...from, file: p.file, pos: p.pos, gtid: p.gtid };
      } else {
        // A snapshot resumed after a restart: the rows returned so far reflect `from`'s position;
        // bring them to this snapshot's position from the binlog, then read on from this snapshot.
        cur = await this.#readBinlog(from, p, null);
        if (this.#closed) return cur;
        cur = { ...cur, file: p.file, pos: p.pos, gtid: p.gtid ?? cur.gtid };
      }
      await this.#emit({ kinds: [], rows: [], offsets: cur });
      for (let ti = from.table; ti < this.#tables.length; ti++) {
        const t = this.#tables[ti]!;
        const proj = this.#tableProjection(ti);
        let lower = ti === from.table ? from.chunkKey : null;
        for (;;) {
          if (this.#closed) return cur;
          await this.#waitForSpace();
          const chunk = await readChunk(conn, t.captured, t.keyIndex, lower, this.#chunkSize);
          const kinds = new Array<RowKind>(chunk.rows.length).fill(INSERT);
          const rows = new Array<Row>(chunk.rows.length);
          for (let i = 0; i < chunk.rows.length; i++) rows[i] = this.#emitRow(proj, chunk.rows[i]!);
          if (chunk.upper === null) {
            cur = { ...cur, table: ti + 1, chunkKey: null, chunkKeyValue: null, rows: cur.rows + rows.length };
            await this.#emit({ kinds, rows, offsets: cur });
            break;
          }
          lower = chunk.upper.literal;
          cur = { ...cur, table: ti, chunkKey: lower, chunkKeyValue: chunk.upper.value, rows: cur.rows + rows.length };
          await this.#emit({ kinds, rows, offsets: cur });
        }
      }
      await conn.query('COMMIT').catch(() => undefined);
      const done: Offsets = { ...cur, phase: 'binlog', table: this.#tables.length, chunkKey: null, chunkKeyValue: null };
      await this.#emit({ kinds: [], rows: [], offsets: done });
      return done;
    } finally {
      this.#snapshotConn = null;
      await conn.close().catch(() => undefined);
    }
  }

  /** True when a row (MySQL column order) of table `p.tableIndex` is in the set `o` names as returned by the snapshot. */
  #returned(o: Offsets, p: Projection, row: Row): boolean {
    if (o.phase === 'binlog' || p.tableIndex < o.table) return true;
    if (p.tableIndex > o.table || o.chunkKey === null || p.keyIndex < 0) return false;
    return compareValues(row[p.keyIndex] ?? null, o.chunkKeyValue) <= 0;
  }

  /**
   * The binlog phase: through the server's shared reader (binlog-hub.ts) when the position's
   * file is known, otherwise (a GTID-only start) with a replication connection of its own.
   */
  async #stream(from: Offsets): Promise<void> {
    if (from.file === '') {
      await this.#readBinlog(from, null, null);
      return;
    }
    // A purged file would fail the shared dump for every reader of the server: this reader
    // alone stops with the definite error instead.
    const conn = await this.#connect();
    try {
      const r = await conn.query('SHOW BINARY LOGS');
      const files = r.rows.map((x) => x[0] ?? '');
      if (!files.includes(from.file)) {
        throw new StrataError(
          'CONNECTOR_DATA',
          `mysql-cdc ${this.#where} needs the binlog of MySQL ${this.#host}:${this.#port} from ${from.file}:${from.pos}, but that file is no longer on the server (purged; it has ${files.join(', ') || 'no binlog'})`,
          {
            retryable: false,
            hint:
              "Changes after that position cannot be read any more: restart the source from a new snapshot ('scan.startup.mode' = 'initial'), " +
              'and keep binlogs longer on the server (binlog_expire_logs_seconds / expire_logs_days) than the pipeline can be stopped.',
            details: { position: `${from.file}:${from.pos}`, purged: true },
          },
        );
      }
    } finally {
      await conn.close().catch(() => undefined);
    }
    if (this.#closed) return;
    let at = from;
    let kinds: RowKind[] = [];
    let rows: Row[] = [];
    const hub = BinlogHub.of({
      host: this.#host,
      port: this.#port,
      user: this.#user,
      password: this.#password,
      serverId: this.#serverId,
      heartbeatMs: this.#heartbeatMs,
      connectTimeoutMs: this.#connectTimeoutMs,
      maxRetries: this.#maxRetries,
    });
    let finish: () => void = () => undefined;
    const ended = new Promise<void>((resolve) => {
      finish = resolve;
    });
    this.#unsubscribe = hub.subscribe({
      position: () => at,
      reset: () => {
        kinds = [];
        rows = [];
      },
      deliver: (batch) => {
        if (this.#closed) return undefined;
        for (let i = 0; i < batch.length; i++) {
          const e = batch[i]!;
          const p = e.position;
          // Events ending at or before the position are the subscriber's already (or not events of the file).
          if (p.pos <= 0 || e.kind === 'rotate' || e.kind === 'heartbeat' || e.kind === 'format-description') continue;
          if (compareBinlogPositions(p.file !== '' ? p.file : at.file, p.pos, at.file, at.pos) <= 0) continue;
          if (e.kind === 'rows') this.#rows(e, at, kinds, rows);
          else if (e.kind === 'xid' || e.kind === 'commit' || (e.kind === 'query' && e.commitPoint)) {
            at = this.#after(at, e);
            this.#push({ kinds, rows, offsets: at });
            kinds = [];
            rows = [];
          }
        }
        return this.#queuedRows > this.#maxQueuedRows ? this.#waitForSpace() : undefined;
      },
      fail: (error) => {
        this.#fail(error);
        finish();
      },
      includeTable: this.#match,
      schema: (db, t) => {
        const found = this.#tables.find((x) => x.captured.database === db && x.captured.table === t);
        return found === undefined ? undefined : { columns: found.captured.columns as MysqlColumn[] };
      },
      log: (m) => this.#ctx.log(`mysql-cdc ${this.#where}: ${m}`),
    });
    this.#endStream = finish;
    if (this.#closed) {
      // Closed while subscribing: close() saw no subscription to leave.
      const leave = this.#unsubscribe;
      this.#unsubscribe = null;
      await leave?.();
      finish();
    }
    await ended;
  }

  /**
   * Reads the binlog from `from`, handing over each committed transaction; with `until`, stops
   * once the position reaches it (in the snapshot phase only changes to rows the snapshot
   * returned are handed over, and with `chunk`, changes after its low watermark to its range
   * are applied to it). Reconnects from the last committed position after transient errors.
   */
  async #readBinlog(from: Offsets, until: BinlogPosition | null, chunk: { window: ChunkWindow; low: BinlogPosition } | null): Promise<Offsets> {
    let at = from;
    /** The position of the last unit handed over (held snapshot-phase units are not yet): a reconnect resumes there. */
    let emittedAt = from;
    let failures = 0;
    const reached = (o: Offsets): boolean => until !== null && compareBinlogPositions(o.file, o.pos, until.file, until.pos) >= 0;
    if (reached(at)) return at;
    while (!this.#closed) {
      const start: BinlogStart = at.file !== '' ? { file: at.file, pos: at.pos, gtid: at.gtid } : { gtid: at.gtid ?? '' };
      const client = new BinlogClient({
        host: this.#host,
        port: this.#port,
        user: this.#user,
        password: this.#password,
        serverId: this.#serverId,
        start,
        heartbeatMs: this.#heartbeatMs,
        connectTimeoutMs: this.#connectTimeoutMs,
        schema: (db, t) => {
          const found = this.#tables.find((x) => x.captured.database === db && x.captured.table === t);
          return found === undefined ? undefined : { columns: found.captured.columns as MysqlColumn[] };
        },
        includeTable: this.#match,
        nonBlocking: until !== null,
      });
      this.#client = client;
      try {
        await client.connect();
        let kinds: RowKind[] = [];
        let rows: Row[] = [];
        const ops: WindowOps = [];
        let inTxn = false;
        let file = at.file;
        /** Snapshot-phase units waiting to be spooled together (one fsync per batch of events). */
        const held: Pending[] = [];
        const flush = async (): Promise<void> => {
          if (held.length > 0) await this.#emitMany(held.splice(0));
          emittedAt = at;
        };
        /** The end of the last event read (the dump's progress), for a non-blocking read. */
        let seenFile = at.file;
        let seenPos = at.pos;
        for await (const batch of client.events()) {
          failures = 0;
          for (let i = 0; i < batch.length; i++) {
            const e = batch[i]!;
            if (e.position.pos > 0 && !(e.kind === 'rotate' && e.artificial) && e.kind !== 'heartbeat') {
              seenFile = e.position.file !== '' ? e.position.file : file;
              seenPos = e.position.pos;
            }
            switch (e.kind) {
              case 'rows':
                this.#rows(e, at, kinds, rows);
                if (chunk !== null && compareBinlogPositions(e.position.file !== '' ? e.position.file : file, e.position.pos, chunk.low.file, chunk.low.pos) > 0) ops.push(e);
                break;
              case 'gtid':
              case 'begin':
                inTxn = true;
                break;
              case 'xid':
              case 'commit':
              case 'query': {
                if (e.kind === 'query' && !e.commitPoint) break;
                inTxn = false;
                at = this.#after(at, e);
                if (chunk !== null) {
                  for (let j = 0; j < ops.length; j++) this.#applyToWindow(chunk.window, ops[j]!);
                  ops.length = 0;
                }
                const unit: Pending = { kinds, rows, offsets: at };
                kinds = [];
                rows = [];
                if (at.phase === 'snapshot') {
                  // Empty units in the snapshot phase are not handed over: the next chunk moves the offsets.
                  if (unit.rows.length > 0) held.push(unit);
                } else {
                  this.#push(unit);
                  emittedAt = at;
                }
                if (reached(at)) {
                  await flush();
                  return at;
                }
                break;
              }
              case 'rotate':
                file = e.nextFile;
                break;
              default:
                // An event outside any transaction (format description, GTID list, checkpoint):
                // its end is a position as good as a commit's for a read that must reach `until`.
                if (!inTxn && until !== null && e.kind !== 'heartbeat' && e.position.pos > 0) {
                  const p = e.position;
                  const o: Offsets = { ...at, file: p.file !== '' ? p.file : file, pos: p.pos, gtid: p.gtid ?? at.gtid };
                  if (reached(o)) {
                    await flush();
                    return o;
                  }
                }
            }
          }
          await flush();
          if (this.#closed) break;
          await this.#waitForSpace();
        }
        if (this.#closed) return at;
        if (until === null) {
          // A blocking dump only ends when the server goes away (shutdown: EOF instead of an error).
          throw new StrataError('CONNECTOR_IO', `MySQL ${this.#host}:${this.#port} ended the binlog stream at ${at.file}:${at.pos} (server shutdown or restart)`, { retryable: true });
        }
        // A non-blocking dump ended at the binlog's end, which is at or after `until` (taken
        // earlier): every transaction up to `until` has been read, none after it committed
        // before `until`, so the rows returned are as of `until`. If the events read stop short
        // of `until`, the server went away mid-dump (a shutdown ends it like the binlog's end).
        if (compareBinlogPositions(seenFile, seenPos, until.file, until.pos) < 0) {
          throw new StrataError('CONNECTOR_IO', `MySQL ${this.#host}:${this.#port} ended the binlog stream at ${seenFile}:${seenPos}, before ${until.file}:${until.pos}`, { retryable: true });
        }
        return { ...at, file: until.file, pos: until.pos, gtid: until.gtid ?? at.gtid };
      } catch (e) {
        if (this.#closed) return at;
        const err = e instanceof StrataError ? e : new StrataError('CONNECTOR_IO', `reading the binlog of MySQL ${this.#host}:${this.#port} failed: ${e instanceof Error ? e.message : String(e)}`, { retryable: true, cause: e });
        if (!err.retryable || failures >= this.#maxRetries) throw err;
        failures++;
        at = emittedAt;
        this.#ctx.log(`mysql-cdc ${this.#where}: ${err.message} (attempt ${failures} of ${this.#maxRetries}; reconnecting from ${at.file}:${at.pos})`);
        await backoff(failures);
      } finally {
        this.#client = null;
        await client.close().catch(() => undefined);
      }
    }
    return at;
  }

  #applyToWindow(w: ChunkWindow, e: RowsEvent): void {
    const p = this.#projectionOf(e.table);
    if (p === null || p.tableIndex !== w.tableIndex) return;
    w.apply(e.op, e.rows);
  }

  #after(at: Offsets, e: BinlogEvent): Offsets {
    const p: BinlogPosition = e.position;
    return { ...at, file: p.file !== '' ? p.file : at.file, pos: p.pos, gtid: p.gtid ?? at.gtid };
  }

  #rows(e: RowsEvent, at: Offsets, kinds: RowKind[], rows: Row[]): void {
    const p = this.#projectionOf(e.table);
    if (p === null) return;
    const filter = at.phase === 'snapshot';
    const src = e.rows;
    if (e.op === 'insert' || e.op === 'delete') {
      const kind = e.op === 'insert' ? INSERT : DELETE;
      for (let i = 0; i < src.length; i++) {
        if (filter && !this.#returned(at, p, src[i]!)) continue;
        kinds.push(kind);
        rows.push(this.#emitRow(p, src[i]!));
      }
      return;
    }
    for (let i = 0; i + 1 < src.length; i += 2) {
      const before = src[i]!;
      const after = src[i + 1]!;
      if (filter) {
        const b = this.#returned(at, p, before);
        const a = this.#returned(at, p, after);
        if (!b && !a) continue;
        if (b && !a) {
          kinds.push(DELETE);
          rows.push(this.#emitRow(p, before));
          continue;
        }
        if (!b && a) {
          kinds.push(INSERT);
          rows.push(this.#emitRow(p, after));
          continue;
        }
      }
      kinds.push(UPDATE_BEFORE, UPDATE_AFTER);
      rows.push(this.#emitRow(p, before), this.#emitRow(p, after));
    }
  }

  #push(p: Pending): void {
    this.#produced = p.offsets;
    this.#enqueue(p);
  }

  /** Queues a unit for `poll` (`#produced` already names it or a later one). */
  #enqueue(p: Pending): void {
    this.#queue.push(p);
    this.#queuedRows += p.rows.length;
    this.#wake();
  }

  #wake(): void {
    const w = this.#waiter;
    if (w !== null) {
      this.#waiter = null;
      w();
    }
  }

  #waitForSpace(): Promise<void> {
    if (this.#queuedRows <= this.#maxQueuedRows || this.#closed) return Promise.resolve();
    return new Promise<void>((resolve) => {
      this.#space = resolve;
    });
  }

  #fail(e: unknown): void {
    if (this.#closed) return;
    this.#error ??=
      e instanceof StrataError ? e : new StrataError('INTERNAL', `mysql-cdc ${this.#where} failed: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    this.#wake();
  }

  // -------------------------------------------------------------------------
  // SourceReader
  // -------------------------------------------------------------------------

  poll(max: number): ChangeBatch | null {
    if (!this.#opened) return null;
    let out: ChangeBatch | null = null;
    while (this.#queue.length > 0) {
      const next = this.#queue[0]!;
      if (out !== null && next.rows.length > 0 && out.length + next.rows.length > max) break;
      this.#queue.shift();
      this.#queuedRows -= next.rows.length;
      this.#committed = next.offsets;
      if (next.rows.length > 0) {
        if (out === null) out = new ChangeBatch(next.kinds, next.rows);
        else for (let i = 0; i < next.rows.length; i++) out.push(next.kinds[i]!, next.rows[i]!);
      }
    }
    if (this.#space !== null && this.#queuedRows <= this.#maxQueuedRows) {
      const s = this.#space;
      this.#space = null;
      s();
    }
    if (out === null && this.#error !== null) throw this.#error;
    return out;
  }

  ready(): Promise<void> {
    if (this.#queue.length > 0 || this.#error !== null || this.#done || this.#closed) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const prev = this.#waiter;
      this.#waiter = () => {
        prev?.();
        resolve();
      };
    });
  }

  /**
   * Waits until `poll` has returned every transaction the server had committed when this
   * was called: the committed offsets reach the server's binlog end (compared by GTID on
   * MariaDB, by file and position otherwise). Fails rather than hang when the source
   * fails, or when the position is not reached within the connect timeout (at least 30 s).
   */
  async catchUp(): Promise<void> {
    if (!this.#opened || this.#closed) return;
    const conn = await this.#connect();
    let target: BinlogPosition;
    try {
      target = await currentPosition(conn);
    } finally {
      await conn.close().catch(() => undefined);
    }
    const deadline = Date.now() + Math.max(this.#connectTimeoutMs, 30_000);
    while (!reachedPosition(this.#committed, target)) {
      if (this.#error !== null) throw this.#error;
      if (this.#closed || this.#done) return;
      if (Date.now() > deadline) {
        const c = this.#committed;
        throw new StrataError('RUNTIME', `mysql-cdc ${this.#where} did not reach the server's binlog position ${target.file}:${target.pos} within ${Math.round((deadline - Date.now() + Math.max(this.#connectTimeoutMs, 30_000)) / 1000)} s (it is at ${c === null ? 'its start' : `${c.file}:${c.pos}`})`, {
          hint: 'The source is behind or stalled; see GET /api/v1/jobs for its position and retry the flush.',
          retryable: true,
        });
      }
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  /** Phase, tables done, rows returned by the snapshot, and the tables' estimated rows. */
  progress(): SourceProgress | null {
    const o = this.#committed;
    if (!this.#opened || o === null) return null;
    const total = this.#tables.length;
    const stream = o.phase === 'binlog';
    return {
      phase: stream ? 'stream' : 'snapshot',
      tablesTotal: total,
      tablesDone: stream ? total : Math.min(o.table, total),
      rowsRead: o.rows,
      rowsEstimated: this.#estimated,
    };
  }

  /**
   * A checkpoint holding `offsets` is durable. Once they are in the binlog phase no restore
   * needs the snapshot spool any more (a restore from them reads the binlog), so it is deleted
   * (in the background; once per reader).
   */
  checkpointComplete(offsets: StateValue): void {
    if (this.#spoolGone || offsets === null) return;
    const o = offsets as Readonly<Record<string, StateValue>>;
    if (typeof o !== 'object' || o['phase'] !== 'binlog') return;
    // A restore may fall back past damaged checkpoints to an older one still on disk, which may
    // be in the snapshot phase: the spool goes only once every checkpoint kept is past it.
    if (++this.#binlogCheckpoints < SPOOL_KEPT_UNTIL_CHECKPOINTS) return;
    const dir = this.#spoolDir();
    if (dir === null) return;
    this.#spoolGone = true;
    this.#spoolRemoval = (async () => {
      // The spool is done with (the snapshot phase is over when the reader returned binlog-phase offsets).
      const spool = this.#spool;
      this.#spool = null;
      await spool?.close().catch(() => undefined);
      await SnapshotSpool.removeDir(dir);
    })().catch((e: unknown) => {
      this.#ctx.log(`mysql-cdc ${this.#where}: could not delete the snapshot spool in ${dir}: ${e instanceof Error ? e.message : String(e)}`);
    });
  }

  snapshotOffsets(): StateValue {
    const o = this.#committed ?? this.#restored;
    if (o === null) return null;
    return offsetsRecord(o);
  }

  restoreOffsets(offsets: StateValue): void {
    if (offsets === null) return;
    this.#restored = parseOffsets(offsets, this.#where);
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#wake();
    const s = this.#space;
    this.#space = null;
    s?.();
    await this.#client?.close().catch(() => undefined);
    await this.#snapshotConn?.close().catch(() => undefined);
    const leave = this.#unsubscribe;
    this.#unsubscribe = null;
    await leave?.();
    this.#endStream?.();
    await this.#task;
    await this.#spool?.close().catch(() => undefined);
    this.#spool = null;
    await this.#spoolRemoval;
  }
}

const TEXT_TYPES = new Set(['char', 'varchar', 'tinytext', 'text', 'mediumtext', 'longtext', 'enum', 'set']);

/** A text column whose order in MySQL may differ from Strata's (code point) order. */
function isCollatedText(c: MysqlColumn): boolean {
  return TEXT_TYPES.has(c.dataType) && c.charset !== 'binary';
}

function backoff(failures: number): Promise<void> {
  return new Promise((r) => setTimeout(r, Math.min(RECONNECT_BASE_MS * 2 ** (failures - 1), RECONNECT_MAX_MS)));
}

/** The primary key's column indices (null: no primary key). */
function identityOf(t: CapturedTable): readonly number[] | null {
  if (t.primaryKey.length === 0) return null;
  const out: number[] = [];
  for (const name of t.primaryKey) {
    const i = t.columns.findIndex((c) => c.name.toLowerCase() === name.toLowerCase());
    if (i < 0) return null;
    out.push(i);
  }
  return out;
}

function offsetsRecord(o: Offsets): StateValue {
  return {
    phase: o.phase,
    file: o.file,
    pos: o.pos,
    gtid: o.gtid,
    table: o.table,
    chunkKey: o.chunkKey,
    chunkKeyValue: o.chunkKeyValue,
    seq: o.seq,
    spool: o.spool,
    rows: o.rows,
  };
}

function parseOffsets(offsets: StateValue, where: string): Offsets {
  const o = offsets as Readonly<Record<string, StateValue>>;
  if (o === null || typeof o !== 'object' || (o['phase'] !== 'snapshot' && o['phase'] !== 'binlog') || typeof o['pos'] !== 'number') {
    throw new StrataError('CONNECTOR_DATA', `the saved offsets of mysql-cdc table ${where} are not mysql-cdc offsets`, {
      hint: 'Start the job without the saved state (a new snapshot).',
    });
  }
  const ck = o['chunkKey'];
  const gtid = o['gtid'];
  const spool = o['spool'];
  return {
    phase: o['phase'],
    file: typeof o['file'] === 'string' ? o['file'] : '',
    pos: o['pos'],
    gtid: typeof gtid === 'string' ? gtid : null,
    table: typeof o['table'] === 'number' ? o['table'] : 0,
    chunkKey: typeof ck === 'string' ? ck : null,
    chunkKeyValue: (o['chunkKeyValue'] ?? null) as Value,
    seq: typeof o['seq'] === 'number' ? o['seq'] : 0,
    spool: typeof spool === 'string' ? spool : null,
    rows: typeof o['rows'] === 'number' ? o['rows'] : 0,
  };
}

/** MariaDB GTIDs `domain-server-seq[,…]` as domain → seq. */
function mariaDbGtids(text: string): Map<string, bigint> | null {
  const m = new Map<string, bigint>();
  for (const part of text.split(',')) {
    const t = part.trim();
    if (t === '') continue;
    const g = /^(\d+)-(\d+)-(\d+)$/.exec(t);
    if (g === null) return null;
    m.set(g[1]!, BigInt(g[3]!));
  }
  return m;
}

/** True when the offsets are in the binlog phase at or past `target`. */
export function reachedPosition(c: { phase: string; file: string; pos: number; gtid: string | null } | null, target: BinlogPosition): boolean {
  if (c === null || c.phase !== 'binlog') return false;
  const want = target.gtid === null ? null : mariaDbGtids(target.gtid);
  const have = c.gtid === null ? null : mariaDbGtids(c.gtid);
  if (want !== null && have !== null) {
    for (const [domain, seq] of want) if ((have.get(domain) ?? -1n) < seq) return false;
    return true;
  }
  // Binlog file names share a prefix and a zero-padded counter: they order as strings.
  return c.file > target.file || (c.file === target.file && c.pos >= target.pos);
}
