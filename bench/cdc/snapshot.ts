/**
 * Snapshot benchmark: a `mysql-cdc` job with `'scan.startup.mode' = 'snapshot'` copying a MariaDB
 * table into a warehouse table (the `starrocks` sink into this process's DuckDB warehouse),
 * against plain reads of the same table.
 *
 *   node dist/bench/cdc/snapshot.js [--rows N] [--runs R] [--only warehouse,blackhole,mysql2,dump] [--chunk-size N] [--json]
 *
 * A throwaway MariaDB (src/testing/mariadb.ts) gets `bench.items`, N rows (default 1 000 000)
 * of ten columns of mixed types (BIGINT key, INT, DECIMAL(12,2), VARCHAR(32), DATETIME(6),
 * DATE, DOUBLE, TINYINT, a nullable utf8mb4 VARCHAR(64), BIGINT UNSIGNED), written with
 * MariaDB's sequence engine. A StrataServer runs in this process (ports 0). Then, timed:
 *
 * - **job → warehouse**: `server.submit` of `INSERT INTO sink SELECT * FROM src` (mysql-cdc
 *   snapshot → starrocks sink) until the job is FINISHED, then the warehouse table is checked
 *   (row count and column sums equal to MariaDB's). Rate = rows / wall seconds from submit to
 *   FINISHED; the process CPU (user + system, DuckDB's threads included) is shown beside it.
 * - **job → blackhole**: the same source into a `blackhole` sink: reading, decoding the text
 *   protocol and casting, without the warehouse.
 * - **mysql2 SELECT (stream)**: `SELECT * FROM bench.items` through mysql2's streaming query
 *   (text protocol, one object per row): the "raw read" of a Node.js client.
 * - **mariadb-dump**: `mariadb-dump --single-transaction --quick bench items > /dev/null` (C).
 *
 * Only the public SQL interface of the connector is used, so the bench follows changes of
 * the snapshot algorithm. Each measurement runs R times (default 3) after one warm-up; the
 * median is reported. The breakdown of the warehouse job comes from `job.timing` (time in
 * engine steps, time committing the warehouse sink) and the blackhole job.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2';
import { StrataError } from '../../src/core/errors.js';
import type { Job } from '../../src/engine/job.js';
import { StrataServer } from '../../src/server/strata-server.js';
import { startMariaDb, type MariaDbServer } from '../../src/testing/mariadb.js';

const LEGS = ['warehouse', 'blackhole', 'mysql2', 'dump'] as const;
type Leg = (typeof LEGS)[number];

interface Args {
  rows: number;
  runs: number;
  json: boolean;
  legs: ReadonlySet<Leg>;
  /** 'scan.incremental.snapshot.chunk.size'; null: the connector's default. */
  chunkSize: number | null;
}

function parseArgs(argv: readonly string[]): Args {
  const a: Args = { rows: 1_000_000, runs: 3, json: false, legs: new Set(LEGS), chunkSize: null };
  for (let i = 0; i < argv.length; i++) {
    const f = argv[i]!;
    if (f === '--rows') a.rows = Number((argv[++i] ?? '').replace(/_/g, ''));
    else if (f === '--runs') a.runs = Math.max(1, Number(argv[++i]));
    else if (f === '--json') a.json = true;
    else if (f === '--chunk-size') a.chunkSize = Number(argv[++i]);
    else if (f === '--only') {
      const legs = (argv[++i] ?? '').split(',');
      const bad = legs.filter((l) => !(LEGS as readonly string[]).includes(l));
      if (bad.length > 0) {
        process.stderr.write(`--only takes ${LEGS.join(',')}; not ${bad.join(',')}\n`);
        process.exit(2);
      }
      a.legs = new Set(legs as Leg[]);
    } else {
      process.stderr.write(`unknown option ${f}\nusage: node dist/bench/cdc/snapshot.js [--rows N] [--runs R] [--only ${LEGS.join(',')}] [--chunk-size N] [--json]\n`);
      process.exit(2);
    }
  }
  if (!Number.isInteger(a.rows) || a.rows < 1000) {
    process.stderr.write('--rows needs a whole number ≥ 1000\n');
    process.exit(2);
  }
  return a;
}

/** The source table's columns: MariaDB type, Flink type, warehouse (StarRocks) type. */
const COLUMNS: readonly (readonly [name: string, mariadb: string, flink: string, warehouse: string])[] = [
  ['id', 'BIGINT NOT NULL', 'BIGINT NOT NULL', 'BIGINT NOT NULL'],
  ['qty', 'INT NOT NULL', 'INT', 'INT'],
  ['price', 'DECIMAL(12,2) NOT NULL', 'DECIMAL(12,2)', 'DECIMAL(12,2)'],
  ['name', 'VARCHAR(32) NOT NULL', 'STRING', 'VARCHAR(32)'],
  ['ts', 'DATETIME(6) NOT NULL', 'TIMESTAMP(6)', 'DATETIME(6)'],
  ['day', 'DATE NOT NULL', 'DATE', 'DATE'],
  ['score', 'DOUBLE NOT NULL', 'DOUBLE', 'DOUBLE'],
  ['flag', 'TINYINT NOT NULL', 'TINYINT', 'TINYINT'],
  ['note', 'VARCHAR(64) CHARACTER SET utf8mb4 NULL', 'STRING', 'VARCHAR(256)'],
  ['big', 'BIGINT UNSIGNED NOT NULL', 'DECIMAL(20,0)', 'LARGEINT'],
];

/** Fills bench.items with `rows` rows by the sequence engine (seq_1_to_N), in slices of 200 000. */
async function load(db: MariaDbServer, rows: number): Promise<void> {
  await db.query('CREATE DATABASE bench');
  await db.query(`CREATE TABLE bench.items (${COLUMNS.map(([n, t]) => `\`${n}\` ${t}`).join(', ')}, PRIMARY KEY (id))`);
  const slice = 200_000;
  for (let lo = 1; lo <= rows; lo += slice) {
    const hi = Math.min(lo + slice - 1, rows);
    await db.query(
      `INSERT INTO bench.items SELECT seq, seq % 100000, (seq % 1000000) / 100, CONCAT('name-', seq), ` +
        `TIMESTAMPADD(MICROSECOND, seq * 1000003, '2024-01-01 00:00:00'), DATE_ADD('2000-01-01', INTERVAL seq % 10000 DAY), ` +
        `seq / 7, CAST(seq % 128 AS SIGNED) - 64, IF(seq % 3 = 0, NULL, CONCAT('note ü ', seq)), 18446744073709551615 - seq ` +
        `FROM bench.seq_${lo}_to_${hi}`,
    );
  }
}

/** Sums that pin every column down; compared between MariaDB and the warehouse. */
const CHECK_SQL = (table: string): string =>
  `SELECT COUNT(*) AS n, SUM(qty) AS qty, SUM(price) AS price, SUM(LENGTH(name)) AS name, SUM(score) AS score, ` +
  `SUM(flag) AS flag, COUNT(note) AS notes, MAX(ts) AS ts, MAX(day) AS day, MIN(big) AS big FROM ${table}`;
/** MariaDB's side of CHECK_SQL, as text (no float rounding of BIGINT UNSIGNED, no time zone). */
const CHECK_SQL_MARIADB =
  'SELECT COUNT(*), SUM(qty), SUM(price), SUM(LENGTH(name)), SUM(score), SUM(flag), COUNT(note), ' +
  'CAST(MAX(ts) AS CHAR), CAST(MAX(day) AS CHAR), CAST(MIN(big) AS CHAR) FROM bench.items';

/** Warehouse values of CHECK_SQL (µs timestamps, days since the epoch) in MariaDB's text form. */
function warehouseCheckText(row: readonly unknown[]): string {
  return row
    .map((v, i) => {
      if (i === 7) {
        const us = BigInt(v as bigint | number);
        const iso = new Date(Number(us / 1000n)).toISOString();
        return `${iso.slice(0, 10)} ${iso.slice(11, 19)}.${String(us % 1_000_000n).padStart(6, '0')}`;
      }
      if (i === 8) return new Date(Number(v) * 86_400_000).toISOString().slice(0, 10);
      return numText(v);
    })
    .join('|');
}

function numText(v: unknown): string {
  const n = Number(v);
  if (typeof v !== 'bigint' && Number.isFinite(n) && !Number.isInteger(n)) return n.toPrecision(12);
  return String(v).replace(/\.0+$/, '');
}

interface Run {
  wallMs: number;
  cpuMs: number;
  /** Time in engine steps and in sink commits (job runs only). */
  stepMs: number;
  commitMs: number;
  commits: number;
}

function cpuMs(u: NodeJS.CpuUsage): number {
  return (u.user + u.system) / 1000;
}

let jobSeq = 0;

/** One snapshot job: `INSERT INTO <sink> SELECT * FROM <mysql-cdc snapshot>`, to FINISHED. */
async function viaJob(server: StrataServer, db: MariaDbServer, sink: 'warehouse' | 'blackhole', rows: number, chunkSize: number | null): Promise<Run> {
  const n = ++jobSeq;
  const flinkCols = COLUMNS.map(([c, , f]) => `\`${c}\` ${f}`).join(', ');
  const target = `items_${n}`;
  if (sink === 'warehouse') {
    const cols = COLUMNS.map(([c, , , w]) => `\`${c}\` ${w}`).join(', ');
    await server.warehouseQuery(
      `CREATE TABLE bench.${target} (${cols}) ENGINE=olap PRIMARY KEY(id) DISTRIBUTED BY HASH(id) BUCKETS 1 PROPERTIES ("replication_num" = "1")`,
    );
  }
  const sinkWith =
    sink === 'warehouse'
      ? `'connector' = 'starrocks', 'jdbc-url' = 'jdbc:mysql://127.0.0.1:${server.mysqlAddress.port}', 'load-url' = '127.0.0.1:${server.httpAddress.port}', ` +
        `'database-name' = 'bench', 'table-name' = '${target}', 'username' = 'root', 'password' = ''`
      : `'connector' = 'blackhole'`;
  const sql = `
CREATE TABLE src_${n} (${flinkCols}, PRIMARY KEY (id) NOT ENFORCED) WITH (
  'connector' = 'mysql-cdc', 'hostname' = '${db.host}', 'port' = '${db.port}', 'username' = '${db.cdcUser}', 'password' = '${db.cdcPassword}',
  'database-name' = 'bench', 'table-name' = 'items', 'server-id' = '${5600 + n}', 'scan.startup.mode' = 'snapshot'${chunkSize === null ? '' : `, 'scan.incremental.snapshot.chunk.size' = '${chunkSize}'`});
CREATE TABLE dst_${n} (${flinkCols}, PRIMARY KEY (id) NOT ENFORCED) WITH (${sinkWith});
INSERT INTO dst_${n} SELECT * FROM src_${n};
`;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const results = await server.submit(sql);
  const last = results[results.length - 1];
  if (last === undefined || last.kind !== 'job') throw new StrataError('RUNTIME', 'the INSERT did not start a job');
  const job: Job = last.job;
  await job.done();
  const wallMs = performance.now() - t0;
  const cpu = cpuMs(process.cpuUsage(c0));
  if (job.state !== 'FINISHED') {
    throw new StrataError('RUNTIME', `snapshot job ended ${job.state}: ${job.error?.message ?? 'no error recorded'}`);
  }
  if (sink === 'warehouse') {
    const out = await server.warehouseQuery(CHECK_SQL(`bench.${target}`));
    const got = out[out.length - 1];
    const want = (await db.query<Record<string, unknown>>(CHECK_SQL_MARIADB))[0]!;
    if (got === undefined || got.kind !== 'rows' || got.rows[0] === undefined) throw new StrataError('RUNTIME', 'the check query returned no row');
    const g = warehouseCheckText(got.rows[0]);
    const w = Object.values(want).map((v) => (typeof v === 'string' && !/^-?\d+(\.\d+)?$/.test(v) ? v : numText(v))).join('|');
    if (g !== w) throw new StrataError('RUNTIME', `warehouse table differs from MariaDB:\n  warehouse ${g}\n  mariadb   ${w}`);
    if (Number(got.rows[0][0]) !== rows) throw new StrataError('RUNTIME', `warehouse has ${String(got.rows[0][0])} rows, expected ${rows}`);
    await server.warehouseQuery(`DROP TABLE bench.${target}`);
  }
  return { wallMs, cpuMs: cpu, stepMs: job.timing.stepSeconds * 1000, commitMs: job.timing.commitSeconds * 1000, commits: job.commits };
}

/** mysql2's streaming query (text protocol), every row materialised as an object. */
async function viaMysql2(db: MariaDbServer, rows: number): Promise<Run> {
  const conn = mysql.createConnection({ host: db.host, port: db.port, user: db.cdcUser, password: db.cdcPassword });
  try {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    let n = 0;
    await new Promise<void>((resolve, reject) => {
      conn
        .query('SELECT * FROM bench.items')
        .on('result', () => {
          n++;
        })
        .on('error', reject)
        .on('end', () => resolve());
    });
    const run = { wallMs: performance.now() - t0, cpuMs: cpuMs(process.cpuUsage(c0)), stepMs: 0, commitMs: 0, commits: 0 };
    if (n !== rows) throw new StrataError('RUNTIME', `mysql2 read ${n} rows, expected ${rows}`);
    return run;
  } finally {
    await new Promise<void>((resolve) => conn.end(() => resolve()));
  }
}

/** `mariadb-dump` of the table to /dev/null; CPU from bash's `time` (the dump process only). */
function viaDump(db: MariaDbServer): Promise<Run> {
  const cmd =
    `TIMEFORMAT='%3R %3U %3S'; time mariadb-dump --no-defaults -h${db.host} -P${db.port} -u${db.cdcUser} -p${db.cdcPassword} ` +
    `--single-transaction --quick --skip-lock-tables --no-create-info bench items > /dev/null`;
  return new Promise((resolve, reject) => {
    const p = spawn('bash', ['-c', cmd], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.on('close', (code) => {
      const m = /(\d+\.\d+) (\d+\.\d+) (\d+\.\d+)\s*$/.exec(err);
      if (code !== 0 || m === null) {
        reject(new StrataError('RUNTIME', `mariadb-dump failed (exit ${String(code)}): ${err.slice(-500)}`));
        return;
      }
      resolve({ wallMs: Number(m[1]) * 1000, cpuMs: (Number(m[2]) + Number(m[3])) * 1000, stepMs: 0, commitMs: 0, commits: 0 });
    });
  });
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
  process.stderr.write(`starting MariaDB and writing ${args.rows} rows...\n`);
  const db = await startMariaDb({ extraArgs: ['--innodb-flush-log-at-trx-commit=0', '--sync-binlog=0', '--max-allowed-packet=64M', '--innodb-buffer-pool-size=512M'] });
  const dataDir = mkdtempSync(join(os.tmpdir(), 'strata-bench-snapshot-'));
  let server: StrataServer | null = null;
  try {
    const l0 = performance.now();
    await load(db, args.rows);
    await db.query('ANALYZE TABLE bench.items');
    const [size] = await db.query<{ mb: number }>(
      "SELECT ROUND((data_length + index_length) / 1e6, 1) AS mb FROM information_schema.tables WHERE table_schema = 'bench' AND table_name = 'items'",
    );
    process.stderr.write(`loaded ${args.rows} rows in ${((performance.now() - l0) / 1000).toFixed(1)} s (${String(size?.mb)} MB in InnoDB)\n`);
    server = await StrataServer.start({ dataDir, mysqlPort: 0, httpPort: 0, kafkaPort: 0 });
    await server.warehouseQuery('CREATE DATABASE bench');
    const s = server;

    const measure = async (name: string, leg: Leg, f: () => Promise<Run>): Promise<Run[]> => {
      if (!args.legs.has(leg)) return [];
      await f(); // warm-up
      const out: Run[] = [];
      for (let i = 0; i < args.runs; i++) {
        const r = await f();
        out.push(r);
        const extra = r.commits > 0 ? `; steps ${r.stepMs.toFixed(0)} ms, sink commits ${r.commitMs.toFixed(0)} ms in ${r.commits} micro-batches` : '';
        process.stderr.write(`  ${name} run ${i + 1}: ${r.wallMs.toFixed(0)} ms wall, ${r.cpuMs.toFixed(0)} ms CPU${extra}\n`);
      }
      return out;
    };
    const wh = await measure('job -> warehouse', 'warehouse', () => viaJob(s, db, 'warehouse', args.rows, args.chunkSize));
    const bh = await measure('job -> blackhole', 'blackhole', () => viaJob(s, db, 'blackhole', args.rows, args.chunkSize));
    const m2 = await measure('mysql2 SELECT (stream)', 'mysql2', () => viaMysql2(db, args.rows));
    const dump = await measure('mariadb-dump', 'dump', () => viaDump(db));

    if (args.legs.size < LEGS.length) return; // a partial run (profiling): the per-run lines above are the result
    const wall = (runs: readonly Run[]): number => args.rows / (median(runs.map((r) => r.wallMs)) / 1000);
    const cpu = (runs: readonly Run[]): number => args.rows / (median(runs.map((r) => r.cpuMs)) / 1000);
    const med = (runs: readonly Run[], k: 'stepMs' | 'commitMs' | 'wallMs' | 'cpuMs'): number => Math.round(median(runs.map((r) => r[k])));
    const result = {
      machine: `${os.cpus()[0]?.model ?? 'unknown'}, ${os.cpus().length} cores, Node ${process.version}, ${db.version}`,
      date: new Date().toISOString().slice(0, 10),
      rows: args.rows,
      tableMB: size?.mb ?? null,
      warehouse: {
        rowsPerSecond: Math.round(wall(wh)),
        rowsPerCpuSecond: Math.round(cpu(wh)),
        wallMs: med(wh, 'wallMs'),
        stepMs: med(wh, 'stepMs'),
        sinkCommitMs: med(wh, 'commitMs'),
        microBatches: median(wh.map((r) => r.commits)),
      },
      blackhole: { rowsPerSecond: Math.round(wall(bh)), rowsPerCpuSecond: Math.round(cpu(bh)), wallMs: med(bh, 'wallMs'), stepMs: med(bh, 'stepMs') },
      mysql2Select: { rowsPerSecond: Math.round(wall(m2)), rowsPerCpuSecond: Math.round(cpu(m2)), wallMs: med(m2, 'wallMs') },
      mariadbDump: { rowsPerSecond: Math.round(wall(dump)), rowsPerCpuSecond: Math.round(cpu(dump)), wallMs: med(dump, 'wallMs') },
    };
    if (args.json) {
      process.stdout.write(JSON.stringify(result, null, 2) + '\n');
      return;
    }
    const w = result.warehouse;
    process.stdout.write(
      [
        `- **Machine:** ${result.machine}`,
        `- **Date:** ${result.date}; ${args.rows} rows, 10 columns (${String(result.tableMB)} MB in InnoDB); median of ${args.runs} runs`,
        '',
        '| reader | rows / s (wall) | rows / CPU s | notes |',
        '|---|---:|---:|---|',
        `| Strata job mysql-cdc (snapshot) → starrocks sink (DuckDB warehouse) | ${fmtRate(w.rowsPerSecond)} | ${fmtRate(w.rowsPerCpuSecond)} | ${w.wallMs} ms submit → FINISHED; steps ${w.stepMs} ms, sink commits ${w.sinkCommitMs} ms, ${w.microBatches} micro-batches |`,
        `| Strata job mysql-cdc (snapshot) → blackhole | ${fmtRate(result.blackhole.rowsPerSecond)} | ${fmtRate(result.blackhole.rowsPerCpuSecond)} | ${result.blackhole.wallMs} ms; read + decode + cast, no warehouse |`,
        `| mysql2 streaming SELECT * (text protocol) | ${fmtRate(result.mysql2Select.rowsPerSecond)} | ${fmtRate(result.mysql2Select.rowsPerCpuSecond)} | ${result.mysql2Select.wallMs} ms; one object per row |`,
        `| mariadb-dump --quick > /dev/null (C) | ${fmtRate(result.mariadbDump.rowsPerSecond)} | ${fmtRate(result.mariadbDump.rowsPerCpuSecond)} | ${result.mariadbDump.wallMs} ms; rows as INSERT text |`,
        '',
        `Target >= 300 K rows/s into the warehouse: ${w.rowsPerSecond >= 300_000 ? 'met' : 'missed'} (${fmtRate(w.rowsPerSecond)}).`,
        '',
      ].join('\n'),
    );
  } finally {
    await server?.stop();
    await db.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
  process.exit(1);
});
