/**
 * Warehouse apply benchmark: a changelog (60 % updates, 20 % inserts, 20 % deletes, each
 * key at most once per batch) applied in batches of 1 K / 10 K / 100 K changes to a
 * PRIMARY KEY table that starts with 1 M keys, through `DuckDbWarehouse.apply`, side by
 * side with two raw DuckDB peers written directly against @duckdb/node-api (no Strata
 * code) on the same batches:
 *
 * - raw INSERT OR REPLACE: the classic staged upsert (appender → TEMP staging →
 *   `INSERT OR REPLACE INTO t SELECT ...`, deletes via `DELETE ... USING` staged keys) on
 *   a table with a PRIMARY KEY constraint;
 * - raw delete+insert: the same SQL Strata runs (no constraint; `DELETE ... USING`
 *   staging, then `INSERT ... SELECT`), so the ratio shows Strata's own overhead. Its
 *   phase times (stage / delete / insert / commit) say what bounds the apply.
 *
 * Then point-query latency through `query()` (`WHERE id = $1`), and the same query on the
 * PRIMARY KEY peer table (ART index lookup) for comparison.
 *
 *   node dist/bench/store/apply.js [--keys N] [--batches 1000,10000,100000] [--changes N]
 *                                  [--peer-budget-s S] [--queries N] [--seed S] [--dir D]
 *                                  [--sides strata,delete-insert,insert-or-replace]
 *
 * Strata and the raw delete+insert peer run interleaved, batch i on each in turn (order
 * rotating), so load from other processes falls on both alike; INSERT OR REPLACE runs
 * after them with a time budget. Rates are changes per wall-clock second spent in the
 * side (DuckDB works on its own threads); CPU seconds (user + system of the whole process
 * during the side's batches) are shown beside them. Each side has its own fresh database
 * file in a temp directory (`--dir` to choose), removed afterwards.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  BIGINT,
  DECIMAL,
  DuckDBDataChunk,
  DuckDBDecimalValue,
  DuckDBInstance,
  DuckDBTimestampValue,
  INTEGER,
  TIMESTAMP,
  TINYINT,
  VARCHAR,
  version as duckdbVersion,
  type DuckDBConnection,
} from '@duckdb/node-api';
import { ChangeBatch } from '../../src/core/batch.js';
import { Decimal } from '../../src/core/decimal.js';
import { DELETE, INSERT, UPDATE_AFTER, type RowKind } from '../../src/core/row-kind.js';
import { T } from '../../src/core/types.js';
import type { Row } from '../../src/core/values.js';
import type { WarehouseTableDef } from '../../src/store/api.js';
import { DuckDbWarehouse } from '../../src/store/duckdb/warehouse.js';

interface Args {
  keys: number;
  batches: number[];
  changes: number | null;
  peerBudgetMs: number;
  queries: number;
  seed: number;
  dir: string;
  sides: Set<string>;
}

const SIDES = ['strata', 'delete-insert', 'insert-or-replace'];

function usage(msg: string): never {
  process.stderr.write(
    `${msg}\nusage: node dist/bench/store/apply.js [--keys N] [--batches 1000,10000,100000] [--changes N] ` +
      `[--peer-budget-s S] [--queries N] [--seed S] [--dir D] [--sides ${SIDES.join(',')}]\n`,
  );
  process.exit(2);
}

function parseArgs(argv: readonly string[]): Args {
  const a: Args = { keys: 1_000_000, batches: [1000, 10_000, 100_000], changes: null, peerBudgetMs: 60_000, queries: 2000, seed: 42, dir: os.tmpdir(), sides: new Set(SIDES) };
  const num = (name: string, v: string | undefined): number => {
    const n = Number((v ?? '').replace(/_/g, ''));
    if (v === undefined || !Number.isFinite(n) || n <= 0) usage(`${name} needs a positive number, got '${v ?? ''}'`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const v = argv[i + 1];
    switch (flag) {
      case '--keys':
        a.keys = num(flag, v);
        i++;
        break;
      case '--batches':
        if (v === undefined) usage('--batches needs a list');
        a.batches = v.split(',').map((x) => num(flag, x));
        i++;
        break;
      case '--changes':
        a.changes = num(flag, v);
        i++;
        break;
      case '--peer-budget-s':
        a.peerBudgetMs = num(flag, v) * 1000;
        i++;
        break;
      case '--queries':
        a.queries = num(flag, v);
        i++;
        break;
      case '--seed':
        a.seed = num(flag, v);
        i++;
        break;
      case '--sides':
        if (v === undefined) usage('--sides needs a list');
        a.sides = new Set(v.split(','));
        for (const x of a.sides) if (!SIDES.includes(x)) usage(`unknown side ${x}; sides: ${SIDES.join(', ')}`);
        i++;
        break;
      case '--dir':
        if (v === undefined) usage('--dir needs a directory');
        a.dir = v;
        i++;
        break;
      default:
        usage(`unknown argument ${flag}`);
    }
  }
  return a;
}

const log = (s: string): void => {
  process.stderr.write(s + '\n');
};

// ---------------------------------------------------------------------------
// Workload
// ---------------------------------------------------------------------------

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const BASE_TS = 1_700_000_000_000_000n;

function makeRow(id: number, version: number): Row {
  return [BigInt(id), `customer-${id % 50_000}-v${version}`, new Decimal(BigInt((id * 7 + version * 13) % 10_000_000), 2), (id + version) % 1000, BASE_TS + BigInt(id) * 1000n + BigInt(version)];
}

/** One batch in both forms: Strata rows and plain columns for the raw peers. */
interface Batch {
  readonly strata: ChangeBatch;
  readonly ops: Uint8Array; // 0 upsert, 1 delete
  readonly ids: BigInt64Array;
  readonly customers: string[];
  readonly amounts: BigInt64Array; // unscaled, scale 2
  readonly qty: Int32Array;
  readonly ts: BigInt64Array;
}

interface Workload {
  readonly batches: Batch[];
  readonly liveAfter: number;
  readonly sampleLiveIds: bigint[];
}

/** Keys 0..keys-1 exist at the start; each batch touches distinct keys. */
function makeWorkload(keys: number, batchSize: number, batchCount: number, seed: number): Workload {
  const rnd = mulberry32(seed);
  const live: number[] = [];
  for (let i = 0; i < keys; i++) live.push(i);
  let next = keys;
  let version = 1;
  const batches: Batch[] = [];
  for (let b = 0; b < batchCount; b++) {
    const seen = new Set<number>();
    const kinds: RowKind[] = [];
    const rows: Row[] = [];
    const ops = new Uint8Array(batchSize);
    const ids = new BigInt64Array(batchSize);
    const customers: string[] = [];
    const amounts = new BigInt64Array(batchSize);
    const qty = new Int32Array(batchSize);
    const ts = new BigInt64Array(batchSize);
    while (rows.length < batchSize) {
      const r = rnd();
      let id: number;
      let kind: RowKind;
      if (r < 0.2) {
        id = next++;
        live.push(id);
        kind = INSERT;
      } else {
        const idx = Math.floor(rnd() * live.length);
        id = live[idx]!;
        if (seen.has(id)) continue;
        if (r < 0.8) kind = UPDATE_AFTER;
        else {
          live[idx] = live[live.length - 1]!;
          live.pop();
          kind = DELETE;
        }
      }
      seen.add(id);
      const row = makeRow(id, version++);
      const j = rows.length;
      kinds.push(kind);
      rows.push(row);
      ops[j] = kind === DELETE ? 1 : 0;
      ids[j] = row[0] as bigint;
      customers.push(row[1] as string);
      amounts[j] = (row[2] as Decimal).unscaled;
      qty[j] = row[3] as number;
      ts[j] = row[4] as bigint;
    }
    batches.push({ strata: new ChangeBatch(kinds, rows), ops, ids, customers, amounts, qty, ts });
  }
  const sampleLiveIds: bigint[] = [];
  for (let i = 0; i < 5000 && live.length > 0; i++) sampleLiveIds.push(BigInt(live[Math.floor(rnd() * live.length)]!));
  return { batches, liveAfter: live.length, sampleLiveIds };
}

// ---------------------------------------------------------------------------
// Measuring
// ---------------------------------------------------------------------------

interface RunResult {
  readonly changes: number;
  readonly batches: number;
  readonly wallMs: number;
  readonly cpuMs: number;
  readonly partial: boolean;
  readonly phases?: Record<string, number>;
}

function cpuNow(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

function rate(r: RunResult): number {
  return (r.changes / r.wallMs) * 1000;
}

function freshDir(base: string, name: string): string {
  return fs.mkdtempSync(path.join(base, `strata-bench-${name}-`));
}

const TABLE_DEF = (keyed: boolean): WarehouseTableDef => {
  const col = (name: string, type: ReturnType<typeof T.bigint>, typeText: string): WarehouseTableDef['columns'][number] => ({
    name,
    type,
    typeText,
    comment: '',
    defaultValue: null,
    aggregation: null,
  });
  return {
    database: 'bench',
    name: 'orders',
    columns: [
      col('id', T.bigint(false), 'BIGINT'),
      col('customer', T.varchar(64), 'VARCHAR(64)'),
      col('amount', T.decimal(18, 2), 'DECIMAL(18, 2)'),
      col('qty', T.int(), 'INT'),
      col('updated_at', T.timestamp(6), 'DATETIME'),
    ],
    keyModel: keyed ? 'PRIMARY' : 'DUPLICATE',
    keyColumns: keyed ? ['id'] : [],
    comment: '',
    engine: 'olap',
    distribution: { columns: ['id'], buckets: 8, random: false },
    partitionText: null,
    properties: {},
  };
};

/**
 * One side of the comparison: its own database file, the table loaded with the same
 * 1 M rows, and one transaction per batch.
 */
interface Side {
  readonly name: string;
  apply(b: Batch, i: number): Promise<void>;
  count(): Promise<bigint>;
  pointQuery(id: bigint): Promise<number>;
  /** Per-phase wall time (ms), for the raw sides. */
  readonly phases: Record<string, number>;
  close(): Promise<void>;
}

/** The initial rows, the same as `makeRow(id, 0)`, for every side. */
const INITIAL_ROWS_SQL = (keys: number): string =>
  `SELECT range, 'customer-' || (range % 50000) || '-v0', ((range * 7) % 10000000)::DECIMAL(18, 2) / 100, range % 1000, ` +
  `make_timestamp(${BASE_TS} + range * 1000) FROM range(${keys})`;

/** Initial load through apply: 1 M rows in 100 K-row insert batches into an empty table. */
async function measureApplyLoad(args: Args): Promise<number> {
  const dir = freshDir(args.dir, 'strata-load');
  const wh = await DuckDbWarehouse.open(dir);
  try {
    await wh.createDatabase('bench', false);
    await wh.createTable(TABLE_DEF(true), false);
    const t0 = performance.now();
    const LOAD = 100_000;
    for (let from = 0; from < args.keys; from += LOAD) {
      const b = new ChangeBatch();
      for (let id = from; id < Math.min(args.keys, from + LOAD); id++) b.push(INSERT, makeRow(id, 0));
      await wh.apply([{ database: 'bench', table: 'orders', batch: b }], { writer: 'load', position: String(from) });
    }
    return (args.keys / (performance.now() - t0)) * 1000;
  } finally {
    await wh.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function openStrata(args: Args): Promise<Side> {
  const dir = freshDir(args.dir, 'strata');
  const wh = await DuckDbWarehouse.open(dir);
  await wh.createDatabase('bench', false);
  await wh.createTable(TABLE_DEF(true), false);
  // The same INSERT … SELECT as the peers, so all sides start from the same layout.
  await wh.query(`INSERT INTO bench.orders ${INITIAL_ROWS_SQL(args.keys)}`);
  await wh.query('CHECKPOINT');
  return {
    name: 'strata',
    phases: {},
    apply: (b, i) => wh.apply([{ database: 'bench', table: 'orders', batch: b.strata }], { writer: 'bench', position: String(i) }),
    count: async () => (await wh.query('SELECT count(*) FROM "bench"."orders"')).rows[0]![0] as bigint,
    pointQuery: async (id) => (await wh.query('SELECT * FROM "bench"."orders" WHERE id = $1', [id])).rows.length,
    close: async () => {
      await wh.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

// ---------------------------------------------------------------------------
// Raw DuckDB peers (no Strata code)
// ---------------------------------------------------------------------------

type PeerKind = 'insert-or-replace' | 'delete-insert';

const RAW_TYPES = [BIGINT, VARCHAR, DECIMAL(18, 2), INTEGER, TIMESTAMP];

function fillRaw(chunk: DuckDBDataChunk, b: Batch, picks: Int32Array, from: number, n: number, withOp: boolean): void {
  chunk.reset();
  chunk.rowCount = n;
  const v0 = chunk.getColumnVector(0);
  const v1 = chunk.getColumnVector(1);
  const v2 = chunk.getColumnVector(2);
  const v3 = chunk.getColumnVector(3);
  const v4 = chunk.getColumnVector(4);
  for (let j = 0; j < n; j++) {
    const p = picks[from + j]!;
    v0.setItem(j, b.ids[p]!);
    v1.setItem(j, b.customers[p]!);
    v2.setItem(j, new DuckDBDecimalValue(b.amounts[p]!, 18, 2));
    v3.setItem(j, b.qty[p]!);
    v4.setItem(j, new DuckDBTimestampValue(b.ts[p]!));
  }
  v0.flush();
  v1.flush();
  v2.flush();
  v3.flush();
  v4.flush();
  if (withOp) {
    const v5 = chunk.getColumnVector(5);
    for (let j = 0; j < n; j++) v5.setItem(j, b.ops[picks[from + j]!]!);
    v5.flush();
  }
}

async function appendPicks(conn: DuckDBConnection, table: string, chunk: DuckDBDataChunk, b: Batch, picks: Int32Array, withOp: boolean): Promise<void> {
  const appender = await conn.createAppender(table, 'main', 'temp');
  for (let from = 0; from < picks.length; from += 2048) {
    fillRaw(chunk, b, picks, from, Math.min(2048, picks.length - from), withOp);
    appender.appendDataChunk(chunk);
  }
  appender.closeSync();
}

async function openPeer(args: Args, kind: PeerKind): Promise<Side> {
  const dir = freshDir(args.dir, kind);
  const instance = await DuckDBInstance.create(path.join(dir, 'peer.duckdb'));
  const conn = await instance.connect();
  const pk = kind === 'insert-or-replace' ? ', PRIMARY KEY (id)' : '';
  await conn.run(`CREATE TABLE orders (id BIGINT NOT NULL, customer VARCHAR, amount DECIMAL(18, 2), qty INTEGER, updated_at TIMESTAMP${pk})`);
  await conn.run(`INSERT INTO orders ${INITIAL_ROWS_SQL(args.keys)}`);
  await conn.run('CHECKPOINT');
  const phases: Record<string, number> = { stage: 0, delete: 0, insert: 0, commit: 0 };
  let chunk: DuckDBDataChunk;
  if (kind === 'insert-or-replace') {
    await conn.run('CREATE TEMP TABLE stage_up (id BIGINT, customer VARCHAR, amount DECIMAL(18, 2), qty INTEGER, updated_at TIMESTAMP)');
    await conn.run('CREATE TEMP TABLE stage_del (id BIGINT, customer VARCHAR, amount DECIMAL(18, 2), qty INTEGER, updated_at TIMESTAMP)');
    chunk = DuckDBDataChunk.create(RAW_TYPES);
  } else {
    await conn.run('CREATE TEMP TABLE stage (id BIGINT, customer VARCHAR, amount DECIMAL(18, 2), qty INTEGER, updated_at TIMESTAMP, op TINYINT)');
    chunk = DuckDBDataChunk.create([...RAW_TYPES, TINYINT]);
  }
  const point = await conn.prepare('SELECT * FROM orders WHERE id = $1');
  return {
    name: kind,
    phases,
    apply: async (b) => {
      let t = performance.now();
      const lap = (phase: string): void => {
        const now = performance.now();
        phases[phase] = (phases[phase] ?? 0) + (now - t);
        t = now;
      };
      await conn.run('BEGIN TRANSACTION');
      if (kind === 'insert-or-replace') {
        const ups: number[] = [];
        const dels: number[] = [];
        for (let i = 0; i < b.ops.length; i++) (b.ops[i] === 0 ? ups : dels).push(i);
        await appendPicks(conn, 'stage_up', chunk, b, Int32Array.from(ups), false);
        await appendPicks(conn, 'stage_del', chunk, b, Int32Array.from(dels), false);
        lap('stage');
        await conn.run('DELETE FROM orders AS t USING stage_del AS s WHERE t.id = s.id');
        lap('delete');
        await conn.run('INSERT OR REPLACE INTO orders SELECT * FROM stage_up');
        await conn.run('DELETE FROM stage_up');
        await conn.run('DELETE FROM stage_del');
        lap('insert');
      } else {
        const all = new Int32Array(b.ops.length);
        for (let i = 0; i < all.length; i++) all[i] = i;
        await appendPicks(conn, 'stage', chunk, b, all, true);
        lap('stage');
        await conn.run('DELETE FROM orders AS t USING stage AS s WHERE t.id = s.id');
        lap('delete');
        await conn.run('INSERT INTO orders SELECT id, customer, amount, qty, updated_at FROM stage WHERE op = 0');
        await conn.run('DELETE FROM stage');
        lap('insert');
      }
      await conn.run('COMMIT');
      lap('commit');
    },
    count: async () => (await conn.runAndReadAll('SELECT count(*) FROM orders')).getRows()[0]![0] as bigint,
    pointQuery: async (id) => {
      point.bind([id], [BIGINT]);
      return (await point.runAndReadAll()).getRows().length;
    },
    close: async () => {
      conn.closeSync();
      instance.closeSync();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Runs the sides batch by batch, interleaved (batch i on every side, the order rotating),
 * so that load from other processes on the machine falls on all sides alike. A side
 * stops after `budgetMs` of its own time.
 */
async function runInterleaved(sides: readonly Side[], w: Workload, budgetMs: number): Promise<RunResult[]> {
  const wall = sides.map(() => 0);
  const cpu = sides.map(() => 0);
  const done = sides.map(() => 0);
  for (let i = 0; i < w.batches.length; i++) {
    for (let k = 0; k < sides.length; k++) {
      const s = (i + k) % sides.length;
      if (wall[s]! > budgetMs) continue;
      const c0 = cpuNow();
      const t0 = performance.now();
      await sides[s]!.apply(w.batches[i]!, i);
      wall[s]! += performance.now() - t0;
      cpu[s]! += cpuNow() - c0;
      done[s]!++;
    }
  }
  const size = w.batches[0]!.strata.length;
  return sides.map((side, s) => ({
    changes: done[s]! * size,
    batches: done[s]!,
    wallMs: wall[s]!,
    cpuMs: cpu[s]!,
    partial: done[s]! < w.batches.length,
    phases: side.phases,
  }));
}

async function checkCount(side: Side, r: RunResult, w: Workload): Promise<boolean> {
  if (r.partial) return true;
  const count = await side.count();
  if (count !== BigInt(w.liveAfter)) {
    log(`!! ${side.name}: row count ${String(count)} != expected ${w.liveAfter}`);
    return false;
  }
  return true;
}

// ---------------------------------------------------------------------------
// Point queries
// ---------------------------------------------------------------------------

interface LatencyStats {
  readonly p50: number;
  readonly p99: number;
  readonly mean: number;
  readonly found: number;
  readonly n: number;
}

async function measureLatency(n: number, ids: readonly bigint[], run: (id: bigint) => Promise<number>): Promise<LatencyStats> {
  const times: number[] = [];
  let found = 0;
  for (let i = 0; i < Math.min(50, n); i++) await run(ids[i % ids.length]!); // warm-up
  for (let i = 0; i < n; i++) {
    const id = ids[i % ids.length]!;
    const t = performance.now();
    found += await run(id);
    times.push((performance.now() - t) * 1000);
  }
  times.sort((a, b) => a - b);
  const q = (p: number): number => times[Math.min(times.length - 1, Math.floor(p * times.length))]!;
  return { p50: q(0.5), p99: q(0.99), mean: times.reduce((a, b) => a + b, 0) / times.length, found, n };
}

// ---------------------------------------------------------------------------
// Report
// ---------------------------------------------------------------------------

const fmtRate = (r: number): string => (r >= 1e6 ? `${(r / 1e6).toFixed(2)} M` : `${Math.round(r / 1000)} K`);
const fmtUs = (us: number): string => (us >= 1000 ? `${(us / 1000).toFixed(2)} ms` : `${Math.round(us)} µs`);

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const cpu = os.cpus();
  const lines: string[] = [];
  lines.push(`## Warehouse apply: changelog into a ${args.keys.toLocaleString("en-US")}-key PRIMARY KEY table`);
  lines.push('');
  lines.push(
    `machine: ${cpu[0]?.model ?? 'unknown'}, ${cpu.length} cores; Node ${process.version}; DuckDB ${duckdbVersion()}; ${new Date().toISOString().slice(0, 10)}; ` +
      `load average at start ${os.loadavg()[0]!.toFixed(1)}`,
  );
  lines.push('');
  lines.push(
    'changes: 60 % +U of existing keys, 20 % +I of new keys, 20 % -D of existing keys; each key at most once per batch; one transaction per batch, ' +
      'file-backed, fsync on commit. Strata and the raw delete+insert peer run interleaved batch by batch (same machine load); ' +
      'rates are changes per wall-clock second spent in the side, CPU s is process CPU (incl. DuckDB threads) during it.',
  );
  lines.push('');
  lines.push('| batch | changes | Strata apply | CPU s | raw delete+insert | CPU s | Strata ÷ raw | raw INSERT OR REPLACE | Strata ÷ IOR | target ≥ 600 K/s |');
  lines.push('|---:|---:|---:|---:|---:|---:|---:|---:|---:|:---:|');
  const phaseLines: string[] = [];
  const latencyLines: string[] = [];
  const loadLines: string[] = [];
  for (const batchSize of args.batches) {
    const total = args.changes ?? Math.max(500_000, batchSize * 10);
    const count = Math.max(1, Math.round(total / batchSize));
    log(`batch ${batchSize}: generating ${count} batches …`);
    const w = makeWorkload(args.keys, batchSize, count, args.seed);
    const none: RunResult = { changes: 0, batches: 1, wallMs: 1, cpuMs: 0, partial: false };
    const noLatency: LatencyStats = { p50: 0, p99: 0, mean: 0, found: 0, n: 0 };
    let sr = none;
    let di = none;
    let ior = none;
    let strataOk = true;
    let strataLatency = noLatency;
    let iorLatency: LatencyStats | null = null;
    // Strata and the raw delete+insert peer, interleaved batch by batch.
    const paired: Side[] = [];
    if (args.sides.has('strata')) paired.push(await openStrata(args));
    if (args.sides.has('delete-insert')) paired.push(await openPeer(args, 'delete-insert'));
    if (paired.length > 0) {
      log(`batch ${batchSize}: ${paired.map((p) => p.name).join(' + ')}, interleaved …`);
      const results = await runInterleaved(paired, w, Number.POSITIVE_INFINITY);
      for (let k = 0; k < paired.length; k++) {
        const side = paired[k]!;
        const r = results[k]!;
        log(`  ${side.name}: ${fmtRate(rate(r))}/s, ${(r.cpuMs / 1000).toFixed(2)} CPU s`);
        if (side.name === 'strata') {
          sr = r;
          strataOk = await checkCount(side, r, w);
          strataLatency = await measureLatency(args.queries, w.sampleLiveIds, side.pointQuery);
        } else {
          di = r;
          await checkCount(side, r, w);
        }
        await side.close();
      }
    }
    if (args.sides.has('insert-or-replace')) {
      log(`batch ${batchSize}: raw INSERT OR REPLACE …`);
      const side = await openPeer(args, 'insert-or-replace');
      ior = (await runInterleaved([side], w, args.peerBudgetMs))[0]!;
      await checkCount(side, ior, w);
      iorLatency = await measureLatency(args.queries, w.sampleLiveIds, side.pointQuery);
      await side.close();
      log(`  ${fmtRate(rate(ior))}/s${ior.partial ? ' (partial)' : ''}`);
    }
    const partialMark = ior.partial ? ` (${ior.batches} of ${count} batches, ${Math.round(args.peerBudgetMs / 1000)} s budget)` : '';
    const cell = (r: RunResult): string => (r === none ? '–' : `${fmtRate(rate(r))}/s`);
    const cpuCell = (r: RunResult): string => (r === none ? '–' : `${(r.cpuMs / 1000).toFixed(1)}`);
    const ratio = (a: RunResult, b: RunResult, digits: number): string => (a === none || b === none ? '–' : `${(rate(a) / rate(b)).toFixed(digits)}×`);
    lines.push(
      `| ${batchSize.toLocaleString('en-US')} | ${(sr === none ? di : sr).changes.toLocaleString('en-US')} | ${cell(sr)}${strataOk ? '' : ' (WRONG COUNT)'} | ` +
        `${cpuCell(sr)} | ${cell(di)} | ${cpuCell(di)} | ${ratio(sr, di, 2)} | ${cell(ior)}${partialMark} | ` +
        `${ratio(sr, ior, 1)} | ${sr === none ? '–' : rate(sr) >= 600_000 ? 'met' : 'missed'} |`,
    );
    const ph = di.phases ?? {};
    const per = (k: string): string => `${((ph[k] ?? 0) / di.batches).toFixed(2)} ms`;
    phaseLines.push(
      `| ${batchSize.toLocaleString('en-US')} | ${per('stage')} | ${per('delete')} | ${per('insert')} | ${per('commit')} | ` +
        `${(di.wallMs / di.batches).toFixed(2)} ms | ${(sr.wallMs / sr.batches).toFixed(2)} ms |`,
    );
    latencyLines.push(
      `| ${batchSize.toLocaleString('en-US')} | ${fmtUs(strataLatency.p50)} | ${fmtUs(strataLatency.p99)} | ${fmtUs(strataLatency.mean)} | ${strataLatency.found}/${strataLatency.n} | ` +
        (iorLatency === null ? '– | – |' : `${fmtUs(iorLatency.p50)} | ${fmtUs(iorLatency.p99)} |`),
    );
  }
  if (args.sides.has('strata')) {
    log('initial load through apply …');
    loadLines.push(`${fmtRate(await measureApplyLoad(args))}/s`);
  }
  lines.push('');
  lines.push('Where the time goes (raw delete+insert peer, the same SQL Strata runs; per batch):');
  lines.push('');
  lines.push('| batch | stage (appender) | DELETE … USING | INSERT … SELECT + clear | COMMIT (WAL fsync, checkpoints) | raw total | Strata total |');
  lines.push('|---:|---:|---:|---:|---:|---:|---:|');
  lines.push(...phaseLines);
  lines.push('');
  lines.push(`Point query \`SELECT * FROM bench.orders WHERE id = $1\` after the run (${args.queries} queries, one at a time):`);
  lines.push('');
  lines.push('| after batch size | Strata query() p50 | p99 | mean | found | raw PRIMARY KEY table p50 | p99 |');
  lines.push('|---:|---:|---:|---:|---:|---:|---:|');
  lines.push(...latencyLines);
  lines.push('');
  lines.push(
    `Initial load through apply (${fmtRate(args.keys).trim()} rows in 100 K-row insert batches into an empty table): ${loadLines.join(', ')}. ` +
      'The measured table itself starts from the same INSERT … SELECT on every side.',
  );
  lines.push('');
  lines.push(`Load average at the end: ${os.loadavg()[0]!.toFixed(1)} (other processes on the machine share its cores; rates are wall-clock).`);
  process.stdout.write(lines.join('\n') + '\n');
}

await main();
