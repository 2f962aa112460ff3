/**
 * Binlog decoding benchmark: Strata's binlog client against `@vlasky/zongji` (over the same
 * replication protocol) and `mariadb-binlog` (the C tool of mariadb-client) on the same binlog.
 *
 *   node dist/bench/cdc/decode.js [--rows N] [--runs R] [--json]
 *
 * A throwaway MariaDB (src/testing/mariadb.ts) gets a table with a mix of types
 * (BIGINT, INT, DECIMAL(10,2), VARCHAR, DATETIME(6), DOUBLE, TINYINT, a nullable utf8
 * VARCHAR) and N row changes (default 1 000 000): 60 % inserted by multi-row INSERTs of 2 000
 * rows, 20 % updated and 20 % deleted by range statements of 2 000 rows. Then, timed:
 *
 * - **replication**: `BinlogClient` (non-blocking dump from the start position) over TCP,
 *   decoding every row to Strata values; rate = row changes / process CPU seconds
 *   (user + system of this process; the server's CPU is not counted).
 * - **files**: the same decoder over the binlog files read from disk (no network).
 * - **zongji**: `@vlasky/zongji` 0.9.0 over TCP from the same start position (non-blocking dump),
 *   decoding every row to an object keyed by column name; rate = row changes / process CPU
 *   seconds. Its warm-up run's first inserted, updated and deleted rows are checked against
 *   what was written.
 * - **mariadb-binlog**: `mariadb-binlog --base64-output=DECODE-ROWS --verbose FILES > /dev/null`,
 *   which decodes every row to text; rate = row changes / its CPU seconds (bash `time`).
 *
 * Each measurement runs R times (default 3) after one warm-up; the median is reported.
 */
import { StrataError } from '../../src/core/errors.js';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { startMariaDb, type MariaDbServer } from '../../src/testing/mariadb.js';
import { BinlogClient } from '../../src/connectors/mysql-cdc/binlog/binlog-client.js';
import { binlogEvents } from '../../src/connectors/mysql-cdc/binlog/binlog-file.js';
import ZongJi, { type AnyBinlogEvent } from '@vlasky/zongji';

interface Args {
  rows: number;
  runs: number;
  json: boolean;
}

function parseArgs(argv: readonly string[]): Args {
  const a: Args = { rows: 1_000_000, runs: 3, json: false };
  for (let i = 0; i < argv.length; i++) {
    const f = argv[i]!;
    if (f === '--rows') a.rows = Number((argv[++i] ?? '').replace(/_/g, ''));
    else if (f === '--runs') a.runs = Math.max(1, Number(argv[++i]));
    else if (f === '--json') a.json = true;
    else {
      process.stderr.write(`unknown option ${f}\nusage: node dist/bench/cdc/decode.js [--rows N] [--runs R] [--json]\n`);
      process.exit(2);
    }
  }
  if (!Number.isFinite(a.rows) || a.rows < 10_000) {
    process.stderr.write('--rows needs a number ≥ 10000\n');
    process.exit(2);
  }
  return a;
}

const CHUNK = 2000;

function rowSql(id: number): string {
  const d = new Date(Date.UTC(2024, 0, 1) + id * 1000);
  const ts = d.toISOString().replace('T', ' ').replace('Z', '') + String(id % 1000).padStart(3, '0');
  const note = id % 2 === 0 ? 'NULL' : `'note ü ${id}'`;
  return `(${id}, ${id % 1000}, ${(id % 100000) / 100}, 'name-${id}', '${ts}', ${id / 7}, ${id % 128}, ${note})`;
}

async function load(db: MariaDbServer, rows: number): Promise<{ start: { file: string; pos: number }; inserts: number; updates: number; deletes: number }> {
  await db.query(
    'CREATE DATABASE bench; CREATE TABLE bench.orders (id BIGINT PRIMARY KEY, qty INT, price DECIMAL(10,2), name VARCHAR(32), ' +
      'ts DATETIME(6), score DOUBLE, flag TINYINT, note VARCHAR(64) NULL)',
  );
  const start = await db.masterStatus();
  const inserts = Math.ceil(rows * 0.6);
  const updates = Math.floor(rows * 0.2);
  const deletes = rows - inserts - updates;
  const conn = await db.connect({ multipleStatements: true });
  for (let base = 1; base <= inserts; base += CHUNK) {
    const vals: string[] = [];
    for (let id = base; id < base + CHUNK && id <= inserts; id++) vals.push(rowSql(id));
    await conn.query(`INSERT INTO bench.orders VALUES ${vals.join(',')}`);
  }
  for (let base = 1; base <= updates; base += CHUNK) {
    const hi = Math.min(base + CHUNK - 1, updates);
    await conn.query(`UPDATE bench.orders SET qty = qty + 1, score = score * 2, note = 'u' WHERE id BETWEEN ${base} AND ${hi}`);
  }
  for (let base = inserts - deletes + 1; base <= inserts; base += CHUNK) {
    const hi = Math.min(base + CHUNK - 1, inserts);
    await conn.query(`DELETE FROM bench.orders WHERE id BETWEEN ${base} AND ${hi}`);
  }
  await conn.end();
  return { start, inserts, updates, deletes };
}

interface Run {
  cpuMs: number;
  wallMs: number;
  rows: number;
  batches: number;
}

function cpuMs(u: NodeJS.CpuUsage): number {
  return (u.user + u.system) / 1000;
}

async function viaReplication(db: MariaDbServer, start: { file: string; pos: number }): Promise<Run> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const client = new BinlogClient({ host: db.host, port: db.port, user: db.cdcUser, password: db.cdcPassword, serverId: 4242, start, nonBlocking: true, heartbeatMs: 0 });
  await client.connect();
  let rows = 0;
  let batches = 0;
  for await (const batch of client.events()) {
    batches++;
    for (let i = 0; i < batch.length; i++) {
      const e = batch[i]!;
      if (e.kind === 'rows') rows += e.op === 'update' ? e.rows.length / 2 : e.rows.length;
    }
  }
  await client.close();
  return { cpuMs: cpuMs(process.cpuUsage(c0)), wallMs: performance.now() - t0, rows, batches };
}

/**
 * `@vlasky/zongji` over the replication protocol from the same start position (non-blocking
 * dump), decoding every row to a JavaScript object keyed by column name. Zongji does not
 * surface the end of a non-blocking dump, so the run ends when it has delivered the expected
 * number of row changes (an idle watchdog fails the run if it stalls short of that).
 */
function viaZongji(db: MariaDbServer, start: { file: string; pos: number }, expected: number, samples?: Map<string, unknown>): Promise<Run> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  return new Promise<Run>((resolve, reject) => {
    const zongji = new ZongJi({ host: db.host, port: db.port, user: db.cdcUser, password: db.cdcPassword });
    let rows = 0;
    let events = 0;
    let lastEvents = -1;
    let settled = false;
    const finish = (err: StrataError | null): void => {
      if (settled) return;
      settled = true;
      clearInterval(watchdog);
      const run: Run = { cpuMs: cpuMs(process.cpuUsage(c0)), wallMs: performance.now() - t0, rows, batches: events };
      zongji.once('stopped', () => (err === null ? resolve(run) : reject(err)));
      zongji.stop();
    };
    const watchdog = setInterval(() => {
      if (events === lastEvents) finish(new StrataError('RUNTIME', `zongji stalled after ${rows} of ${expected} row changes (no event for 10 s)`));
      lastEvents = events;
    }, 10_000);
    zongji.on('binlog', (e: AnyBinlogEvent) => {
      events++;
      const name = e.getEventName();
      if (name === 'writerows' || name === 'deleterows' || name === 'updaterows') {
        const rs = (e as { rows: unknown[] }).rows;
        if (samples !== undefined && !samples.has(name)) samples.set(name, rs[0]);
        rows += rs.length;
        if (rows >= expected) finish(null);
      }
    });
    zongji.on('error', (err: Error) => finish(new StrataError('RUNTIME', `zongji failed: ${err.message}`)));
    zongji.start({
      serverId: 4343,
      filename: start.file,
      position: start.pos,
      nonBlock: true,
      includeEvents: ['tablemap', 'writerows', 'updaterows', 'deleterows'],
    });
  });
}

/** What zongji gave for the first inserted, updated and deleted row, against what load() wrote. */
function checkZongjiSamples(samples: ReadonlyMap<string, unknown>, firstDeleted: number): void {
  const fmt = (v: unknown): string => (v instanceof Date ? v.toISOString() : typeof v === 'bigint' ? `${v}n` : JSON.stringify(v));
  const row = (r: unknown): Record<string, unknown> => (r ?? {}) as Record<string, unknown>;
  const ins = row(samples.get('writerows'));
  const upd = row((samples.get('updaterows') as { after?: unknown } | undefined)?.after);
  const del = row(samples.get('deleterows'));
  const expect: [string, unknown, unknown][] = [
    ['insert id', Number(ins['id']), 1],
    ['insert qty', ins['qty'], 1],
    ['insert price', Number(ins['price']), 0.01],
    ['insert name', ins['name'], 'name-1'],
    ['insert score', ins['score'], 1 / 7],
    ['insert flag', ins['flag'], 1],
    ['insert note', ins['note'], 'note ü 1'],
    ['update id', Number(upd['id']), 1],
    ['update qty', upd['qty'], 2],
    ['update note', upd['note'], 'u'],
    ['delete id', Number(del['id']), firstDeleted],
  ];
  const bad = expect.filter(([, got, want]) => got !== want).map(([what, got, want]) => `${what}: got ${fmt(got)}, expected ${fmt(want)}`);
  process.stderr.write(`zongji sample (first insert): ${Object.entries(ins).map(([k, v]) => `${k}=${fmt(v)}`).join(' ')}\n`);
  if (bad.length > 0) throw new StrataError('RUNTIME', `zongji decoded different values: ${bad.join('; ')}`);
}

function viaFiles(files: readonly Buffer[], names: readonly string[], firstPos: number): Run {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  let rows = 0;
  for (let f = 0; f < files.length; f++) {
    for (const fe of binlogEvents(files[f]!, { file: names[f]! })) {
      const e = fe.event;
      if (e === null || e.kind !== 'rows' || (f === 0 && fe.offset < firstPos)) continue;
      rows += e.op === 'update' ? e.rows.length / 2 : e.rows.length;
    }
  }
  return { cpuMs: cpuMs(process.cpuUsage(c0)), wallMs: performance.now() - t0, rows, batches: 0 };
}

function viaMariadbBinlog(paths: readonly string[], startPos: number): Run {
  const t0 = performance.now();
  const cmd = `TIMEFORMAT='%3U %3S'; time mariadb-binlog --no-defaults --base64-output=DECODE-ROWS --verbose --start-position=${startPos} ${paths.map((p) => `'${p}'`).join(' ')} > /dev/null`;
  const r = spawnSync('bash', ['-c', cmd], { encoding: 'utf8' });
  const m = /(\d+\.\d+) (\d+\.\d+)\s*$/.exec(r.stderr);
  if (r.status !== 0 || m === null) throw new StrataError('RUNTIME', `mariadb-binlog failed: ${r.stderr.slice(-500)}`);
  return { cpuMs: (Number(m[1]) + Number(m[2])) * 1000, wallMs: performance.now() - t0, rows: 0, batches: 0 };
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function fmtRate(r: number): string {
  return r >= 1e6 ? `${(r / 1e6).toFixed(2)} M` : `${(r / 1e3).toFixed(0)} K`;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  process.stderr.write(`starting MariaDB and writing ${args.rows} row changes...\n`);
  const db = await startMariaDb({ extraArgs: ['--innodb-flush-log-at-trx-commit=0', '--sync-binlog=0', '--max-allowed-packet=64M', '--innodb-buffer-pool-size=256M'] });
  try {
    const l0 = performance.now();
    const { start, inserts, updates, deletes } = await load(db, args.rows);
    const loadS = (performance.now() - l0) / 1000;
    await db.query('FLUSH BINARY LOGS');
    const logs = (await db.query<{ Log_name: string }>('SHOW BINARY LOGS')).map((r) => r.Log_name);
    const names = logs.slice(logs.indexOf(start.file), -1);
    const paths = names.map((n) => db.binlogPath(n));
    const files = paths.map((p) => readFileSync(p));
    const bytes = files.reduce((a, b) => a + b.length, 0);
    process.stderr.write(`loaded in ${loadS.toFixed(1)} s: ${inserts} inserts, ${updates} updates, ${deletes} deletes; ${(bytes / 1e6).toFixed(1)} MB of binlog in ${names.length} file(s)\n`);

    const measure = async (name: string, f: (warmUp: boolean) => Promise<Run> | Run): Promise<Run[]> => {
      await f(true);
      const out: Run[] = [];
      for (let i = 0; i < args.runs; i++) {
        const r = await f(false);
        out.push(r);
        process.stderr.write(`  ${name} run ${i + 1}: ${r.cpuMs.toFixed(0)} ms CPU, ${r.wallMs.toFixed(0)} ms wall\n`);
      }
      return out;
    };
    const repl = await measure('replication', () => viaReplication(db, start));
    const file = await measure('files', () => viaFiles(files, names, start.pos));
    // The warm-up of the zongji leg keeps the first row of each kind, checked below: zongji
    // decodes the same values (every type of the mix), not just the same number of rows.
    const samples = new Map<string, unknown>();
    const zong = await measure('zongji', (warmUp) => viaZongji(db, start, args.rows, warmUp ? samples : undefined));
    checkZongjiSamples(samples, inserts - deletes + 1);
    const peer = await measure('mariadb-binlog', () => viaMariadbBinlog(paths, start.pos));
    for (const r of [...repl, ...file, ...zong]) {
      if (r.rows !== args.rows) throw new StrataError('RUNTIME', `decoded ${r.rows} row changes, expected ${args.rows}`);
    }
    const rate = (runs: readonly Run[]): number => args.rows / (median(runs.map((r) => r.cpuMs)) / 1000);
    const wall = (runs: readonly Run[]): number => args.rows / (median(runs.map((r) => r.wallMs)) / 1000);
    const result = {
      machine: `${os.cpus()[0]?.model ?? 'unknown'}, ${os.cpus().length} cores, Node ${process.version}, ${db.version}`,
      date: new Date().toISOString().slice(0, 10),
      rowChanges: args.rows,
      binlogMB: Number((bytes / 1e6).toFixed(1)),
      replication: { rowsPerCpuSecond: Math.round(rate(repl)), rowsPerWallSecond: Math.round(wall(repl)), batchesPerRun: median(repl.map((r) => r.batches)) },
      files: { rowsPerCpuSecond: Math.round(rate(file)) },
      zongji: { rowsPerCpuSecond: Math.round(rate(zong)), rowsPerWallSecond: Math.round(wall(zong)) },
      mariadbBinlog: { rowsPerCpuSecond: Math.round(rate(peer)) },
    };
    if (args.json) {
      process.stdout.write(JSON.stringify(result, null, 2) + '\n');
      return;
    }
    process.stdout.write(
      [
        `- **Machine:** ${result.machine}`,
        `- **Date:** ${result.date}; ${args.rows} row changes (60 % INSERT, 20 % UPDATE, 20 % DELETE), ${result.binlogMB} MB of binlog; median of ${args.runs} runs`,
        '',
        '| reader | row changes / CPU s | notes |',
        '|---|---:|---|',
        `| Strata BinlogClient (replication protocol, TCP) | ${fmtRate(result.replication.rowsPerCpuSecond)} | ${fmtRate(result.replication.rowsPerWallSecond)} / wall s; ${result.replication.batchesPerRun} batches |`,
        `| Strata decoder on the files | ${fmtRate(result.files.rowsPerCpuSecond)} | no network |`,
        `| @vlasky/zongji 0.9.0 (replication protocol, TCP) | ${fmtRate(result.zongji.rowsPerCpuSecond)} | ${fmtRate(result.zongji.rowsPerWallSecond)} / wall s; rows as objects keyed by column name |`,
        `| mariadb-binlog --base64-output=DECODE-ROWS -v | ${fmtRate(result.mariadbBinlog.rowsPerCpuSecond)} | C, decodes rows to text |`,
        '',
        `Strata (replication) / zongji: ${(result.replication.rowsPerCpuSecond / result.zongji.rowsPerCpuSecond).toFixed(2)}x (target >= 3.5x); ` +
          `Strata (replication) per core: ${fmtRate(result.replication.rowsPerCpuSecond)} (target >= 1 M).`,
        '',
      ].join('\n'),
    );
  } finally {
    await db.stop();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
  process.exit(1);
});
