/**
 * Checkpoint cost at large state: a job builds ~1 M rows of operator state (a GROUP BY
 * over 1 M keys; a join holding 2 × 500 K rows) and takes a full checkpoint; then 1% of
 * the keys change (a new row for an existing key) and it takes an incremental one.
 * Reports, for each: the pause of the job while state is captured and encoded (the job
 * does not step meanwhile), the background write (temp file, fsync, rename) and the file
 * size; then the restore time of a new job from the newest checkpoint (read and verify
 * the chain, decode, restore the full state and apply the delta). Last, every key
 * change and the job takes another full checkpoint (a delta of most keys is not worth it):
 * the pause of a full checkpoint once the job has one behind it (its buffer is reused).
 *
 * The source is a bench-only in-memory connector (`benchgen`): table `<name>` emits rows
 * `[k, v]` for k = 1..rows, then, when the bench says so, one more row for each key in
 * `changes`, then (at the second release) one more for each key in `more`; it never
 * finishes, so the job stays up between the checkpoints.
 *
 *   node dist/bench/checkpoint/cost.js [--rows 1000000] [--runs 3] [--changed 0.01]
 */
import { mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ChangeBatch } from '../../src/core/batch.js';
import { StrataError } from '../../src/core/errors.js';
import type { ConnectorSpec } from '../../src/core/options.js';
import { INSERT } from '../../src/core/row-kind.js';
import type { Row } from '../../src/core/values.js';
import { defaultRegistry, type ConnectorRegistry } from '../../src/connectors/registry.js';
import type { SourceReader } from '../../src/engine/connector.js';
import type { Job } from '../../src/engine/job.js';
import type { StateValue } from '../../src/engine/state/codec.js';
import { Session } from '../../src/runtime/session.js';

const { values } = parseArgs({ options: { rows: { type: 'string' }, runs: { type: 'string' }, changed: { type: 'string' } } });
const ROWS = Number(values.rows ?? 1_000_000);
const RUNS = Number(values.runs ?? 3);
const CHANGED = Number(values.changed ?? 0.01);

/** What each bench table emits: its rows, then (once released) its changes. */
interface BenchTable {
  rows: Row[];
  changes: Row[];
  more: Row[];
  /** 0: rows only; 1: and the changes; 2: and the more changes. */
  released: number;
  wake: (() => void)[];
}

const TABLES = new Map<string, BenchTable>();

function table(name: string, keys: number, seed: number): void {
  let x = seed;
  const rnd = (): number => {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    return x;
  };
  const rows: Row[] = new Array<Row>(keys);
  for (let k = 0; k < keys; k++) rows[k] = [BigInt(k + 1), BigInt(rnd() % 1000)];
  const changes: Row[] = [];
  const n = Math.round(keys * CHANGED);
  for (let i = 0; i < n; i++) changes.push([BigInt((rnd() % keys) + 1), BigInt(rnd() % 1000)]);
  const more: Row[] = [];
  for (let k = 0; k < keys; k++) more.push([BigInt(k + 1), BigInt(rnd() % 1000)]);
  TABLES.set(name, { rows, changes, more, released: 0, wake: [] });
}

class BenchSource implements SourceReader {
  readonly #t: BenchTable;
  #pos = 0;
  constructor(name: string) {
    const t = TABLES.get(name);
    if (t === undefined) throw new StrataError('INTERNAL', `no bench table ${name}`);
    this.#t = t;
  }
  get finished(): boolean {
    return false;
  }
  open(): Promise<void> {
    return Promise.resolve();
  }
  #available(): number {
    const t = this.#t;
    return t.rows.length + (t.released >= 1 ? t.changes.length : 0) + (t.released >= 2 ? t.more.length : 0);
  }
  poll(max: number): ChangeBatch | null {
    const end = Math.min(this.#available(), this.#pos + max);
    if (end <= this.#pos) return null;
    const b = new ChangeBatch();
    const { rows, changes, more } = this.#t;
    for (let i = this.#pos; i < end; i++) {
      const j = i - rows.length;
      b.push(INSERT, j < 0 ? rows[i]! : j < changes.length ? changes[j]! : more[j - changes.length]!);
    }
    this.#pos = end;
    return b;
  }
  ready(): Promise<void> {
    if (this.#pos < this.#available()) return Promise.resolve();
    return new Promise((resolve) => this.#t.wake.push(resolve));
  }
  snapshotOffsets(): StateValue {
    return this.#pos;
  }
  restoreOffsets(offsets: StateValue): void {
    this.#pos = typeof offsets === 'number' ? offsets : 0;
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

const BENCHGEN_SPEC: ConnectorSpec = {
  name: 'benchgen',
  doc: 'bench only: in-memory rows [k, v], then changes released by the bench',
  source: { doc: 'insert-only; unbounded.' },
  options: [],
};

function registry(): ConnectorRegistry {
  const r = defaultRegistry();
  r.register({ spec: BENCHGEN_SPEC, runtime: { createSource: (t) => new BenchSource(t.path[2]) } });
  return r;
}

function release(): void {
  for (const t of TABLES.values()) {
    t.released++;
    for (const w of t.wake.splice(0)) w();
  }
}

const PIPELINES: Record<string, { tables: () => void; sql: string }> = {
  'group-by 1 key per row': {
    tables: () => table('gen', ROWS, 1),
    sql: `
CREATE TABLE gen (k BIGINT, v BIGINT) WITH ('connector' = 'benchgen');
CREATE TABLE out (k BIGINT, n BIGINT, total BIGINT) WITH ('connector' = 'blackhole');
INSERT INTO out SELECT k, COUNT(*), SUM(v) FROM gen GROUP BY k;`,
  },
  'join 2 x half the rows': {
    tables: () => {
      table('a', ROWS / 2, 2);
      table('b', ROWS / 2, 3);
    },
    sql: `
CREATE TABLE a (k BIGINT, x BIGINT) WITH ('connector' = 'benchgen');
CREATE TABLE b (k BIGINT, y BIGINT) WITH ('connector' = 'benchgen');
CREATE TABLE out (k BIGINT, x BIGINT, y BIGINT) WITH ('connector' = 'blackhole');
INSERT INTO out SELECT a.k, a.x, b.y FROM a JOIN b ON a.k = b.k;`,
  },
};

function median(xs: number[]): number {
  const s = [...xs].sort((p, q) => p - q);
  return s[Math.floor(s.length / 2)]!;
}

async function checkpoint(job: Job): Promise<{ pause: number; write: number; bytes: number; incremental: boolean }> {
  await job.checkpoint();
  const c = job.lastCheckpoint;
  if (c === null) throw new StrataError('INTERNAL', 'no checkpoint');
  return { pause: c.encodeMillis, write: c.writeMillis, bytes: c.bytes, incremental: c.parent !== null };
}

console.log(`checkpoint cost: ${ROWS} rows of state, ${CHANGED * 100}% of keys changed for the incremental one, ${RUNS} runs, node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}`);
console.log('pipeline                  | state rows | checkpoint  | file MB | pause ms | write ms | restore ms');
for (const [name, p] of Object.entries(PIPELINES)) {
  const fig = (): { pause: number[]; write: number[]; bytes: number } => ({ pause: [], write: [], bytes: 0 });
  const m = { full: fig(), incr: fig(), again: fig(), restore: [] as number[] };
  let stateRows = 0;
  for (let run = 0; run < RUNS; run++) {
    TABLES.clear();
    p.tables();
    const dir = mkdtempSync(join(tmpdir(), 'strata-ckpt-bench-'));
    try {
      const s1 = new Session({ registry: registry(), dataDir: dir });
      await s1.execute(`SET 'execution.checkpointing.interval' = '0';\n${p.sql}`);
      const job = s1.jobs[0]!;
      await job.whenIdle();
      if (job.state !== 'RUNNING') throw new StrataError('INTERNAL', `job is ${job.state}: ${job.error?.message ?? ''}`);
      stateRows = [...job.graph.stateSizes().values()].reduce((a, b) => a + b, 0);
      const full = await checkpoint(job);
      if (full.incremental) throw new StrataError('INTERNAL', 'the first checkpoint with state was incremental');
      release();
      await job.whenIdle();
      const incr = await checkpoint(job);
      if (!incr.incremental) throw new StrataError('INTERNAL', 'the checkpoint after 1% of changes was full');
      m.full.pause.push(full.pause);
      m.full.write.push(full.write);
      m.full.bytes = full.bytes;
      m.incr.pause.push(incr.pause);
      m.incr.write.push(incr.write);
      m.incr.bytes = incr.bytes;
      release();
      await job.whenIdle();
      const again = await checkpoint(job);
      if (again.incremental) throw new StrataError('INTERNAL', 'the checkpoint after every key changed was incremental');
      m.again.pause.push(again.pause);
      m.again.write.push(again.write);
      m.again.bytes = again.bytes;
      await s1.close();
      // Restore the chain (full + delta): the newer full checkpoint is moved aside.
      const cdir = join(dir, 'jobs', job.name, 'checkpoints');
      const newest = readdirSync(cdir).filter((f) => f.endsWith('.ckpt')).sort().pop()!;
      renameSync(join(cdir, newest), join(dir, 'moved-aside'));
      const s2 = new Session({ registry: registry(), dataDir: dir });
      const t0 = performance.now();
      await s2.restore();
      m.restore.push(performance.now() - t0);
      await s2.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const line = (kind: string, x: { pause: number[]; write: number[]; bytes: number }, restore: string): string =>
    `${name.padEnd(25)} | ${String(stateRows).padStart(10)} | ${kind.padEnd(11)} | ${(x.bytes / 1e6).toFixed(2).padStart(7)} | ${median(x.pause).toFixed(0).padStart(8)} | ${median(x.write).toFixed(0).padStart(8)} | ${restore.padStart(10)}`;
  console.log(line('full', m.full, ''));
  console.log(line('incremental', m.incr, median(m.restore).toFixed(0)));
  console.log(line('full again', m.again, ''));
}
