import { ChangeBatch } from '../../core/batch.js';
import { StrataError } from '../../core/errors.js';
import { tableLocation, validateOptions, type ValidatedOptions } from '../../core/options.js';
import type { TableDescriptor } from '../../core/plan.js';
import { DELETE, INSERT, UPDATE_AFTER, UPDATE_BEFORE, type RowKind } from '../../core/row-kind.js';
import { formatType, type SqlType } from '../../core/types.js';
import { compareValues, type Row, type Value } from '../../core/values.js';
import type { ConnectorContext, SourceReader } from '../../engine/connector.js';
import { compileCast } from '../../engine/expr/cast.js';
import type { Evaluator } from '../../engine/expr/compile.js';
import type { StateValue } from '../../engine/state/codec.js';
import { MYSQL_CDC_SPEC } from '../registry.js';
import { BinlogClient, type BinlogStart } from './binlog/binlog-client.js';
import { strataTypeOf, type MysqlColumn } from './binlog/column-types.js';
import { MysqlConnection } from './binlog/connection.js';
import type { BinlogEvent, BinlogPosition, RowsEvent, TableMapEvent } from './binlog/events.js';
import { beginConsistentSnapshot, currentPosition, discoverTables, earliestPosition, readChunk, readTableSchema, tableMatcher, type CapturedTable } from './snapshot.js';

/**
 * The `mysql-cdc` source reader: a snapshot of the matched tables inside one consistent-snapshot
 * transaction (chunked by key), then the binlog from the position consistent with it.
 * See docs/design/20261121_mysql-cdc.md for the algorithm, the offsets and the error classes.
 *
 * Changes are handed to `poll` one transaction at a time (a snapshot chunk counts as one): a
 * transaction's rows are buffered until its commit (XID / COMMIT) and returned together, even
 * when more than `max`.
 */

type Phase = 'snapshot' | 'binlog';

/** Where the changes returned so far end (the reader's offsets). */
interface Offsets {
  readonly phase: Phase;
  /** The binlog position: snapshot phase: consistent with the snapshot; binlog phase: after the last committed transaction returned. */
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
}

/** Maps a MySQL row (its column order) to the declared Flink row. */
interface Projection {
  readonly source: readonly number[];
  readonly casts: readonly (Evaluator | null)[];
  /** Chunk key column index in the MySQL row (-1 when the table is not one of the captured ones by name). */
  readonly keyIndex: number;
  /** Index of the table among the matched tables. */
  readonly tableIndex: number;
}

function sameType(a: SqlType, b: SqlType): boolean {
  return formatType({ ...a, nullable: true } as SqlType) === formatType({ ...b, nullable: true } as SqlType);
}

function comparePos(aFile: string, aPos: number, bFile: string, bPos: number): number {
  if (aFile !== bFile) {
    const na = Number(/\.(\d+)$/.exec(aFile)?.[1] ?? NaN);
    const nb = Number(/\.(\d+)$/.exec(bFile)?.[1] ?? NaN);
    if (Number.isFinite(na) && Number.isFinite(nb) && na !== nb) return na - nb;
    return aFile < bFile ? -1 : 1;
  }
  return aPos - bPos;
}

const RECONNECT_BASE_MS = 200;

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
  readonly #chunkSize: number;
  readonly #maxRetries: number;
  readonly #heartbeatMs: number;
  readonly #connectTimeoutMs: number;
  readonly #timeZone: string;
  readonly #match: (database: string, table: string) => boolean;
  readonly #queue: Pending[] = [];
  #queuedRows = 0;
  readonly #maxQueuedRows: number;
  #committed: Offsets | null = null;
  #restored: Offsets | null = null;
  #tables: TableRuntime[] = [];
  readonly #projections = new WeakMap<TableMapEvent, Projection | null>();
  #error: StrataError | null = null;
  #done = false;
  #closed = false;
  #opened = false;
  #waiter: (() => void) | null = null;
  #space: (() => void) | null = null;
  #client: BinlogClient | null = null;
  #snapshotConn: MysqlConnection | null = null;
  #task: Promise<void> | null = null;

  constructor(table: TableDescriptor, ctx: ConnectorContext) {
    this.#table = table;
    this.#ctx = ctx;
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
    if (this.#mode === 'timestamp') {
      throw new StrataError('SQL_UNSUPPORTED', `'scan.startup.mode' = 'timestamp' of the mysql-cdc table ${this.#where} is not supported yet in this version of Strata`, {
        hint: "Use 'specific-offset' with a binlog file and position (or a GTID set), or 'latest-offset'.",
      });
    }
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
        tables.push({ captured, keyIndex: this.#chunkKeyIndex(captured) });
      }
      this.#tables = tables;
      start = this.#restored ?? (await this.#startOffsets(conn));
    } finally {
      await conn.close().catch(() => undefined);
    }
    this.#committed = start;
    this.#opened = true;
    this.#task = this.#run(start).catch((e: unknown) => this.#fail(e));
  }

  async #startOffsets(conn: MysqlConnection): Promise<Offsets> {
    const base = { table: 0, chunkKey: null, chunkKeyValue: null } as const;
    switch (this.#mode) {
      case 'latest-offset': {
        const p = await currentPosition(conn);
        return { phase: 'binlog', file: p.file, pos: p.pos, gtid: p.gtid, ...base, table: this.#tables.length };
      }
      case 'earliest-offset': {
        const p = await earliestPosition(conn);
        return { phase: 'binlog', file: p.file, pos: p.pos, gtid: p.gtid, ...base, table: this.#tables.length };
      }
      case 'specific-offset': {
        const file = this.#opts.string('scan.startup.specific-offset.file');
        const pos = this.#opts.long('scan.startup.specific-offset.pos');
        const gtid = this.#opts.string('scan.startup.specific-offset.gtid-set') ?? null;
        return { phase: 'binlog', file: file ?? '', pos: file !== undefined ? (pos ?? 4) : 4, gtid, ...base, table: this.#tables.length };
      }
      default:
        // initial / snapshot: the position is taken by the snapshot transaction.
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
        casts.push(compileCast((r) => r[idx] ?? null, from, f.type, false, { timeZone: this.#timeZone }));
      } catch (e) {
        throw new StrataError(
          'CONNECTOR_OPTION',
          `column \`${f.name}\` of ${this.#where} is ${formatType(f.type)} but MySQL table ${name} has it as ${formatType(from)}, which does not convert`,
          { hint: `Declare \`${f.name}\` as ${formatType(from)} (or a type it casts to).`, cause: e },
        );
      }
    }
    return { source, casts, keyIndex, tableIndex };
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
    const n = p.source.length;
    const out = new Array<Value>(n);
    for (let j = 0; j < n; j++) {
      const c = p.casts[j]!;
      out[j] = c === null ? (row[p.source[j]!] ?? null) : c(row);
    }
    return out;
  }

  // -------------------------------------------------------------------------
  // Background reading
  // -------------------------------------------------------------------------

  async #run(start: Offsets): Promise<void> {
    let at = start;
    if (at.phase === 'snapshot') {
      at = await this.#snapshot(at);
      if (this.#closed) return;
      if (this.#mode === 'snapshot') {
        this.#done = true;
        this.#wake();
        return;
      }
    }
    await this.#stream(at);
  }

  /** Reads the snapshot (from `from`'s table and chunk key on); returns the offsets to stream from. */
  async #snapshot(from: Offsets): Promise<Offsets> {
    const conn = await this.#connect();
    this.#snapshotConn = conn;
    try {
      const p = await beginConsistentSnapshot(conn);
      let cur: Offsets;
      if (from.file === '') {
        // A fresh snapshot: nothing returned yet, as of the snapshot's position.
        cur = { ...from, file: p.file, pos: p.pos, gtid: p.gtid };
        this.#push({ kinds: [], rows: [], offsets: cur });
      } else {
        // A snapshot resumed after a restart: the rows returned so far reflect `from`'s position;
        // bring them to this snapshot's position from the binlog, then read on from this snapshot.
        cur = await this.#readBinlog(from, p);
        if (this.#closed) return cur;
        cur = { ...cur, file: p.file, pos: p.pos, gtid: p.gtid ?? cur.gtid };
        this.#push({ kinds: [], rows: [], offsets: cur });
      }
      for (let ti = from.table; ti < this.#tables.length; ti++) {
        const t = this.#tables[ti]!;
        const proj = this.#project(t.captured.columns, t.captured.columns.map(strataTypeOf), `\`${t.captured.database}\`.\`${t.captured.table}\``, ti, t.keyIndex);
        let lower = ti === from.table ? from.chunkKey : null;
        for (;;) {
          if (this.#closed) return cur;
          await this.#waitForSpace();
          const chunk = await readChunk(conn, t.captured, t.keyIndex, lower, this.#chunkSize);
          const kinds = new Array<RowKind>(chunk.rows.length).fill(INSERT);
          const rows = new Array<Row>(chunk.rows.length);
          for (let i = 0; i < chunk.rows.length; i++) rows[i] = this.#emitRow(proj, chunk.rows[i]!);
          if (chunk.upper === null) {
            cur = { ...cur, table: ti + 1, chunkKey: null, chunkKeyValue: null };
            this.#push({ kinds, rows, offsets: cur });
            break;
          }
          lower = chunk.upper.literal;
          cur = { ...cur, table: ti, chunkKey: lower, chunkKeyValue: chunk.upper.value };
          this.#push({ kinds, rows, offsets: cur });
        }
      }
      await conn.query('COMMIT').catch(() => undefined);
      const done: Offsets = { ...cur, phase: 'binlog', table: this.#tables.length, chunkKey: null, chunkKeyValue: null };
      this.#push({ kinds: [], rows: [], offsets: done });
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

  async #stream(from: Offsets): Promise<void> {
    await this.#readBinlog(from, null);
  }

  /**
   * Reads the binlog from `from`, handing over each committed transaction; with `until`, stops
   * at that position (a snapshot's catch-up: only changes to rows the snapshot returned count).
   * Reconnects from the last committed position after transient errors.
   */
  async #readBinlog(from: Offsets, until: BinlogPosition | null): Promise<Offsets> {
    let at = from;
    let failures = 0;
    const reached = (o: Offsets): boolean => until !== null && comparePos(o.file, o.pos, until.file, until.pos) >= 0;
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
        for await (const batch of client.events()) {
          failures = 0;
          for (let i = 0; i < batch.length; i++) {
            const e = batch[i]!;
            if (e.kind === 'rows') {
              this.#rows(e, at, kinds, rows);
            } else if (e.kind === 'xid' || e.kind === 'commit' || (e.kind === 'query' && e.commitPoint)) {
              at = this.#after(at, e);
              this.#push({ kinds, rows, offsets: at });
              kinds = [];
              rows = [];
              if (reached(at)) return at;
            }
          }
          if (this.#closed) break;
          await this.#waitForSpace();
        }
        if (this.#closed || until === null) return at;
        throw new StrataError('CONNECTOR_DATA', `the binlog of MySQL ${this.#host}:${this.#port} ended at ${at.file}:${at.pos} before the snapshot position ${until.file}:${until.pos}`, {
          hint: "Restart the source from a new snapshot ('scan.startup.mode' = 'initial') without the saved offsets.",
        });
      } catch (e) {
        if (this.#closed) return at;
        const err = e instanceof StrataError ? e : new StrataError('CONNECTOR_IO', `reading the binlog of MySQL ${this.#host}:${this.#port} failed: ${e instanceof Error ? e.message : String(e)}`, { retryable: true, cause: e });
        if (!err.retryable || failures >= this.#maxRetries) throw err;
        failures++;
        this.#ctx.log(`mysql-cdc ${this.#where}: ${err.message} (attempt ${failures} of ${this.#maxRetries}; reconnecting from ${at.file}:${at.pos})`);
        await new Promise((r) => setTimeout(r, RECONNECT_BASE_MS * 2 ** (failures - 1)));
      } finally {
        this.#client = null;
        await client.close().catch(() => undefined);
      }
    }
    return at;
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

  snapshotOffsets(): StateValue {
    const o = this.#committed ?? this.#restored;
    if (o === null) return null;
    return {
      phase: o.phase,
      file: o.file,
      pos: o.pos,
      gtid: o.gtid,
      table: o.table,
      chunkKey: o.chunkKey,
      chunkKeyValue: o.chunkKeyValue,
    };
  }

  restoreOffsets(offsets: StateValue): void {
    if (offsets === null) return;
    const o = offsets as Readonly<Record<string, StateValue>>;
    if (typeof o !== 'object' || (o['phase'] !== 'snapshot' && o['phase'] !== 'binlog') || typeof o['pos'] !== 'number') {
      throw new StrataError('CONNECTOR_DATA', `the saved offsets of mysql-cdc table ${this.#where} are not mysql-cdc offsets`, {
        hint: 'Start the job without the saved state (a new snapshot).',
      });
    }
    const ck = o['chunkKey'];
    const gtid = o['gtid'];
    this.#restored = {
      phase: o['phase'],
      file: typeof o['file'] === 'string' ? o['file'] : '',
      pos: o['pos'],
      gtid: typeof gtid === 'string' ? gtid : null,
      table: typeof o['table'] === 'number' ? o['table'] : 0,
      chunkKey: typeof ck === 'string' ? ck : null,
      chunkKeyValue: (o['chunkKeyValue'] ?? null) as Value,
    };
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#wake();
    const s = this.#space;
    this.#space = null;
    s?.();
    await this.#client?.close().catch(() => undefined);
    await this.#snapshotConn?.close().catch(() => undefined);
    await this.#task;
  }
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
